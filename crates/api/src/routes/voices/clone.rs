//! Clone a voice from a sample.

use ace_app::voices::clone::SampleSource;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::voices::{CloneVoiceBody, VoiceResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Makes a `user_trained` voice from a sample (exactly one of `audio_url` and
/// `audio_base64`), synchronously. The sample is kept in the agent's asset library. Without
/// a connected ElevenLabs account the voice is ace's own voice tuned to the sample's
/// measured pitch and pace, and its description says so.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/clone", tag = "Agent Voice", operation_id = "cloneVoice",
    params(("agent_id" = i64, Path)),
    request_body = CloneVoiceBody,
    responses((status = 201, body = VoiceResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn clone_voice(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<CloneVoiceBody>,
) -> ApiResult<(StatusCode, Json<VoiceResponse>)> {
    let details = body.details.into();
    let source = SampleSource {
        audio_url: body.audio_url,
        audio_base64: body.audio_base64,
    };
    let voice =
        ace_app::voices::clone::clone(&state.app, &actor, agent.into_id(), details, source).await?;
    Ok((StatusCode::CREATED, Json(voice.into())))
}
