//! Patch the canvas.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::agent_core::{PatchResultResponse, SectionResult, render, render_outcome};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonBody, RawId};
use crate::state::ApiState;

/// Merge-patches the canvas: flat fields (`brand_name`, `keywords`, `monitored`,
/// `linked_accounts`, `personality`, `default_user_voice`, ...) or sections (`identity`,
/// `overview`, `inspiration`, `accounts`, `voice`, `look`). Lists are replaced whole;
/// `keywords` alone also replaces the keyword sources. Anything a read returns may be sent
/// back: read-only fields are ignored while unchanged, and a whole read sent back writes only
/// what changed. A new `identity.profile_photo_url` becomes the primary avatar. Answers 200
/// when every section was written and 207 when some failed.
#[utoipa::path(patch, path = "/v1/agents/{agent_id}/core", tag = "Agent Core", operation_id = "patchAgentCore",
    params(("agent_id" = i64, Path)),
    request_body(content = Object, description = "A flat or sectioned merge patch; unknown fields are refused, and read-only ones unless unchanged."),
    responses((status = 200, body = std::collections::BTreeMap<String, SectionResult>), (status = 207, body = std::collections::BTreeMap<String, SectionResult>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn patch_agent_core(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<PatchResultResponse>)> {
    let shown = |view: &_| serde_json::to_value(render(view)).unwrap_or_default();
    let outcome =
        ace_app::agent_core::patch(&state.app, &actor, agent.into_id(), &body, shown).await?;
    let status = if outcome.partial() {
        StatusCode::MULTI_STATUS
    } else {
        StatusCode::OK
    };
    Ok((status, Json(render_outcome(&outcome))))
}
