//! `/v1/autocontentengine/{id}/cells`: reading and writing cells.

pub mod mass_update;
pub mod set_default_user_job;
pub mod show;
pub mod update;

use ace_app::sheets::SheetView;
use ace_app::sheets::cells::CellEdit;
use ace_domain::ids::CellId;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::{CellBody, CellResponse};
use crate::error::ApiError;
use crate::state::ApiState;

/// The cell a use case read.
pub(crate) fn first_cell(view: &SheetView, state: &ApiState) -> Result<CellResponse, ApiError> {
    Assembler::new(view, &state.app)
        .first_cell()
        .map(|cell| CellResponse::new(&cell, false))
        .ok_or_else(|| ApiError::internal("a cell use case read no cell"))
}

/// The change a cell body asks for; `id` is the path's when given.
pub(crate) fn cell_edit(body: CellBody, id: Option<CellId>) -> CellEdit {
    CellEdit {
        id: id.or(body.id.map(CellId::new)),
        value: body.value.into_change(),
        additional_attributes: body.additional_attributes,
    }
}
