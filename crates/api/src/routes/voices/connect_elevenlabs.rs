//! Connect an agent's ElevenLabs key.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{
    ElevenLabsConnectedResponse, ElevenLabsKeyBody, ElevenLabsSubscription, ElevenLabsUser,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Checks the key with ElevenLabs (`/v1/user`) and saves it on the agent; a key ElevenLabs
/// rejects gets 400 `invalid_key` and is not saved.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/integrations/elevenlabs", tag = "Agent Voice", operation_id = "connectElevenLabs",
    params(("agent_id" = i64, Path)),
    request_body = ElevenLabsKeyBody,
    responses((status = 200, body = ElevenLabsConnectedResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn connect_elevenlabs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<ElevenLabsKeyBody>,
) -> ApiResult<Json<ElevenLabsConnectedResponse>> {
    let connected =
        ace_app::voices::elevenlabs::connect(&state.app, &actor, agent.into_id(), body.api_key)
            .await?;
    Ok(Json(ElevenLabsConnectedResponse {
        connected: true,
        user: ElevenLabsUser {
            subscription: ElevenLabsSubscription {
                tier: connected.tier,
            },
        },
    }))
}
