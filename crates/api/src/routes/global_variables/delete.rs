//! Delete a global variable.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Removes one variable. Answers 204.
#[utoipa::path(delete, path = "/v1/autocontentengine/{sheet_id}/global_variables/{variable_id}", tag = "Variables", operation_id = "deleteGlobalVariable",
    params(("sheet_id" = i64, Path), ("variable_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_global_variable(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, id)): Path<(RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::sheets::variables::delete(&state.app, &actor, agent, sheet.into_id(), id.into_id())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
