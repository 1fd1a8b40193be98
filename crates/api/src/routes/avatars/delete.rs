//! Delete avatars.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Deletes one avatar, or several joined by underscores (`7_8_9`). When the primary goes, the
/// oldest remaining avatar becomes primary. Answers 200 with no body.
#[utoipa::path(delete, path = "/v1/agents/{agent_id}/avatars/{id}", tag = "Agents", operation_id = "deleteAgentAvatar",
    params(("agent_id" = i64, Path), ("id" = String, Path, description = "An avatar id, or ids joined by underscores.")),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn delete_agent_avatar(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, ids)): Path<(RawId, String)>,
) -> ApiResult<StatusCode> {
    ace_app::avatars::delete(&state.app, &actor, agent.into_id(), &ids).await?;
    Ok(StatusCode::OK)
}
