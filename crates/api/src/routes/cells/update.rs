//! Write a cell.

use axum::Json;
use axum::extract::{Path, State};

use super::{cell_edit, first_cell};
use crate::dto::sheets::{CellBody, CellResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Sets a cell's `value` (a string, or `null` to empty it) and deep-merges its
/// `additional_attributes` (where its creation card lives).
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}", tag = "Cells", operation_id = "updateCell",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = CellBody, description = "Under `spreadsheet_cell`."),
    responses((status = 200, body = CellResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_cell(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<CellBody>,
) -> ApiResult<Json<CellResponse>> {
    let edit = cell_edit(body, Some(cell.into_id()));
    let view =
        ace_app::sheets::cells::update(&state.app, &actor, agent, sheet.into_id(), &edit).await?;
    Ok(Json(first_cell(&view, &state)?))
}
