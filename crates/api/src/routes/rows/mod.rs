//! `/v1/autocontentengine/{id}/rows`: an engine's rows.

pub mod create;
pub mod delete;
pub mod duplicate;
pub mod list;
pub mod mass_update;
pub mod show;
pub mod update_positions;

use ace_app::sheets::SheetView;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::RowResponse;
use crate::error::ApiError;
use crate::state::ApiState;

/// The row a use case read.
pub(crate) fn first_row(view: &SheetView, state: &ApiState) -> Result<RowResponse, ApiError> {
    Assembler::new(view, &state.app)
        .first_row()
        .map(|row| RowResponse::new(&row, false))
        .ok_or_else(|| ApiError::internal("a row use case read no row"))
}
