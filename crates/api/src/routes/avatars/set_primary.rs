//! Choose the primary avatar.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Makes one avatar the agent's primary; the others stop being primary. Answers 200 with no
/// body.
#[utoipa::path(patch, path = "/v1/agents/{agent_id}/avatars/{id}", tag = "Agents", operation_id = "setPrimaryAvatar",
    params(("agent_id" = i64, Path), ("id" = i64, Path)),
    responses((status = 200, description = "Updated"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn set_primary_avatar(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, avatar)): Path<(RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::avatars::set_primary(&state.app, &actor, agent.into_id(), avatar.into_id()).await?;
    Ok(StatusCode::OK)
}
