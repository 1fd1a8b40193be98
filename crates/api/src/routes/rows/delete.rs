//! Delete a row.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Deletes a row with its cells and layers (ace's addition). Answers 204.
#[utoipa::path(delete, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}", tag = "Rows", operation_id = "deleteRow",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_row(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row)): Path<(RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::sheets::rows::delete(&state.app, &actor, agent, sheet.into_id(), row.into_id())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
