//! Read a cell.

use axum::Json;
use axum::extract::{Path, State};

use super::first_cell;
use crate::dto::sheets::CellResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// One cell with its layers and generation history.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}", tag = "Cells", operation_id = "getCell",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = CellResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_cell(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
) -> ApiResult<Json<CellResponse>> {
    let view =
        ace_app::sheets::cells::get(&state.app, &actor, agent, sheet.into_id(), cell.into_id())
            .await?;
    Ok(Json(first_cell(&view, &state)?))
}
