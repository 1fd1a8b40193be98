//! Voice design, step 3: three candidate samples.

use ace_app::voices::design::SamplesAsk;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{GenerateSamplesBody, VoiceSampleResponse, VoiceSamplesResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Speaks `text` three ways, each a different take on the description (lower and calmer, as
/// described, higher and livelier); each MP3 comes back in base64 with an id to keep it by.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/design/generate-samples", tag = "Agent Voice", operation_id = "generateVoiceSamples",
    params(("agent_id" = i64, Path)),
    request_body = GenerateSamplesBody,
    responses((status = 200, body = VoiceSamplesResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn generate_voice_samples(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<GenerateSamplesBody>,
) -> ApiResult<Json<VoiceSamplesResponse>> {
    let ask = SamplesAsk {
        text: body.text,
        description: body.description,
        language: body.language,
    };
    let samples =
        ace_app::voices::design::generate_samples(&state.app, &actor, agent.into_id(), ask).await?;
    Ok(Json(VoiceSamplesResponse {
        samples: samples
            .into_iter()
            .map(|sample| VoiceSampleResponse {
                generation_id: sample.generation_id,
                audio: sample.audio,
            })
            .collect(),
    }))
}
