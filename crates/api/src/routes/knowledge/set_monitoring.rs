//! Turn Agent Core-driven content monitoring on or off.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::user_jobs::{CoreMonitoringBody, CoreMonitoringResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// `{enabled: true}` has each monitored source watched daily (7 days, 20 results a fetch,
/// charged per post) on each target platform that can search it; changing or removing a source
/// in Agent Core follows. `{enabled: false}` turns every such job off.
#[utoipa::path(put, path = "/v1/agents/{agent_id}/knowledge/monitoring", tag = "Content Monitoring", operation_id = "setCoreMonitoring",
    params(("agent_id" = i64, Path)),
    request_body = CoreMonitoringBody,
    responses((status = 200, body = CoreMonitoringResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn set_core_monitoring(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonAs(body): JsonAs<CoreMonitoringBody>,
) -> ApiResult<Json<CoreMonitoringResponse>> {
    let view =
        ace_app::knowledge::monitored::set(&state.app, &actor, agent.into_id(), body.enabled)
            .await?;
    Ok(Json(CoreMonitoringResponse::from(&view)))
}
