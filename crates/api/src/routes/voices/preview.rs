//! Start a voice preview.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::voices::{PreviewStartedResponse, PreviewVoiceBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Queues the voice saying `text` as a user job, charged as speech; poll it with
/// `GET …/voice/preview/{job_id}`.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/{voice_id}/preview", tag = "Agent Voice", operation_id = "previewVoice",
    params(("agent_id" = i64, Path), ("voice_id" = String, Path)),
    request_body = PreviewVoiceBody,
    responses((status = 202, body = PreviewStartedResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn preview_voice(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, voice_id)): Path<(RawId, String)>,
    JsonAs(body): JsonAs<PreviewVoiceBody>,
) -> ApiResult<(StatusCode, Json<PreviewStartedResponse>)> {
    let job =
        ace_app::voices::preview::start(&state.app, &actor, agent.into_id(), &voice_id, body.text)
            .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(PreviewStartedResponse {
            user_job_id: job.get(),
        }),
    ))
}
