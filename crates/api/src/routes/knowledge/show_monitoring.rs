//! Read whether Agent Core's monitored sources drive content monitoring.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::user_jobs::CoreMonitoringResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Whether the agent's monitored sources (Agent Core's `monitored`) are watched by monitoring
/// jobs on its target platforms (an ace setting, off by default), and those jobs.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/knowledge/monitoring", tag = "Content Monitoring", operation_id = "getCoreMonitoring",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = CoreMonitoringResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn get_core_monitoring(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<CoreMonitoringResponse>> {
    let view = ace_app::knowledge::monitored::show(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(CoreMonitoringResponse::from(&view)))
}
