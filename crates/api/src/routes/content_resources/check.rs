//! Check a video against the quality gates.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::files::GateReportResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Runs the quality gates a post runs before anything leaves ace, on one of the agent's
/// videos, free: container and codec, resolution (720 px on the short side), aspect ratio,
/// length (600 s assumed), loudness (−16 ± 2 LUFS, a warning only) and, for a render, sound
/// when its stack has sound layers. Each check gives its verdict with what was measured. An
/// ace addition.
#[utoipa::path(post, path = "/v1/content_resources/{id}/check", tag = "Publishing", operation_id = "checkContentResource",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = GateReportResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn check_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
) -> ApiResult<Json<GateReportResponse>> {
    let report = ace_app::publishing::gates::check(&state.app, &actor, agent, id.into_id()).await?;
    Ok(Json(report.into()))
}
