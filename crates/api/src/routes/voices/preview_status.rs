//! Poll a voice preview.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::generations::GenerationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// The preview job: its status, and once completed, its audio in `output_resources`.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/voice/preview/{job_id}", tag = "Agent Voice", operation_id = "getVoicePreviewStatus",
    params(("agent_id" = i64, Path), ("job_id" = i64, Path)),
    responses((status = 200, body = GenerationResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_voice_preview_status(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, job)): Path<(RawId, RawId)>,
) -> ApiResult<Json<GenerationResponse>> {
    let view = ace_app::voices::preview::status(&state.app, &actor, agent.into_id(), job.into_id())
        .await?;
    Ok(Json(
        GenerationResponse::from(view.object(&state.app)).with_file_urls(),
    ))
}
