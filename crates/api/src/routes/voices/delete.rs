//! Delete one of an agent's own voices.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Deletes a voice the agent designed or trained (public voices cannot be deleted). An agent
/// whose default voice it was goes back to ace's default voice.
#[utoipa::path(delete, path = "/v1/agents/{agent_id}/voice/{voice_id}", tag = "Agent Voice", operation_id = "deleteAgentVoice",
    params(("agent_id" = i64, Path), ("voice_id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn delete_agent_voice(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, voice_id)): Path<(RawId, String)>,
) -> ApiResult<StatusCode> {
    ace_app::voices::delete(&state.app, &actor, agent.into_id(), &voice_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
