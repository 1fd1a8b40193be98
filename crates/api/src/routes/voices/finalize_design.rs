//! Voice design, step 4: keep a candidate.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::voices::{FinalizeVoiceBody, VoiceResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Keeps one of step 3's candidates as a `user_designed` voice of the agent.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/voice/design", tag = "Agent Voice", operation_id = "finalizeDesignedVoice",
    params(("agent_id" = i64, Path)),
    request_body = FinalizeVoiceBody,
    responses((status = 201, body = VoiceResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn finalize_designed_voice(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<FinalizeVoiceBody>,
) -> ApiResult<(StatusCode, Json<VoiceResponse>)> {
    let details = body.details.into();
    let voice = ace_app::voices::design::finalize(
        &state.app,
        &actor,
        agent.into_id(),
        body.generation_id,
        details,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(voice.into())))
}
