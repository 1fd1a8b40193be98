//! Disconnect an agent's ElevenLabs key.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Removes the key from the agent; its ElevenLabs voices leave the library.
#[utoipa::path(delete, path = "/v1/agents/{agent_id}/voice/integrations/elevenlabs", tag = "Agent Voice", operation_id = "disconnectElevenLabs",
    params(("agent_id" = i64, Path)),
    responses((status = 204, description = "Disconnected"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn disconnect_elevenlabs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::voices::elevenlabs::disconnect(&state.app, &actor, agent.into_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}
