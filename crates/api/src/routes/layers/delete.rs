//! Delete a layer.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Removes a layer. Answers 204.
#[utoipa::path(delete, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/layers/{layer_id}", tag = "Layers", operation_id = "deleteLayer",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("layer_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_layer(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell, id)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::sheets::layers::delete(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        id.into_id(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
