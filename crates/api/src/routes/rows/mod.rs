//! `/v1/autocontentengine/{id}/rows`: an engine's rows.

pub mod create;
pub mod delete;
pub mod duplicate;
pub mod list;
pub mod mass_update;
pub mod show;
pub mod update_positions;

use ace_app::sheets::SheetView;

use crate::dto::sheets::{Assembler, RowResponse};
use crate::error::ApiError;
use crate::state::ApiState;

/// The row a use case read.
pub(crate) fn first_row(view: &SheetView, state: &ApiState) -> Result<RowResponse, ApiError> {
    Assembler::new(view, state.app.storage(), false)
        .first_row()
        .ok_or_else(|| ApiError::internal("a row use case read no row"))
}
