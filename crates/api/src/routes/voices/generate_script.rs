//! Voice design, step 1: a passage to read aloud.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{GenerateScriptBody, VoiceScriptResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Writes a short passage for trying a voice, with the text model.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/design/generate-script", tag = "Agent Voice", operation_id = "generateVoiceScript",
    params(("agent_id" = i64, Path)),
    request_body = GenerateScriptBody,
    responses((status = 200, body = VoiceScriptResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn generate_voice_script(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<GenerateScriptBody>,
) -> ApiResult<Json<VoiceScriptResponse>> {
    let voice_sample = ace_app::voices::design::generate_script(
        &state.app,
        &actor,
        agent.into_id(),
        body.language,
    )
    .await?;
    Ok(Json(VoiceScriptResponse { voice_sample }))
}
