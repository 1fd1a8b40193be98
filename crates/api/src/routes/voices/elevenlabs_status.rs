//! Read an agent's ElevenLabs connection.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::ElevenLabsStatusResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Whether the agent has an ElevenLabs key connected, with the key masked.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/voice/integrations/elevenlabs", tag = "Agent Voice", operation_id = "getElevenLabsIntegrationStatus",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = ElevenLabsStatusResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_elevenlabs_integration_status(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<ElevenLabsStatusResponse>> {
    let status = ace_app::voices::elevenlabs::status(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(ElevenLabsStatusResponse {
        connected: status.connected,
        masked_key: status.masked_key,
    }))
}
