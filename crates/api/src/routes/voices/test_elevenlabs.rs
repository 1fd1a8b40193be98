//! Test an ElevenLabs key without saving it.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{ElevenLabsKeyBody, ElevenLabsTestResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Whether ElevenLabs accepts the key; nothing is saved.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/integrations/elevenlabs/test", tag = "Agent Voice", operation_id = "testElevenLabsKey",
    params(("agent_id" = i64, Path)),
    request_body = ElevenLabsKeyBody,
    responses((status = 200, body = ElevenLabsTestResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn test_elevenlabs_key(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<ElevenLabsKeyBody>,
) -> ApiResult<Json<ElevenLabsTestResponse>> {
    let valid =
        ace_app::voices::elevenlabs::test(&state.app, &actor, agent.into_id(), body.api_key)
            .await?;
    Ok(Json(ElevenLabsTestResponse { valid }))
}
