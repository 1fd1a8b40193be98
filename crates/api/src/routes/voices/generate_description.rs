//! Voice design, step 2: a description of the voice.

use ace_app::voices::design::DescriptionAsk;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{GenerateDescriptionBody, VoiceDescriptionResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Describes a voice in a sentence, with the text model, from a gender and hints.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/design/generate-description", tag = "Agent Voice", operation_id = "generateVoiceDescription",
    params(("agent_id" = i64, Path)),
    request_body = GenerateDescriptionBody,
    responses((status = 200, body = VoiceDescriptionResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn generate_voice_description(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<GenerateDescriptionBody>,
) -> ApiResult<Json<VoiceDescriptionResponse>> {
    let ask = DescriptionAsk {
        gender: body.gender,
        voice_description: body.voice_description,
        language: body.language,
        script: body.script,
    };
    let voice_description =
        ace_app::voices::design::generate_description(&state.app, &actor, agent.into_id(), ask)
            .await?;
    Ok(Json(VoiceDescriptionResponse { voice_description }))
}
