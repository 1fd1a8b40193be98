//! Read an agent's automation config.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::generations::AutomationConfigResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// The webhook and callback URLs (null until set). The signing secret is never shown here.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/automation_config", tag = "Automation", operation_id = "getAutomationConfig",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = AutomationConfigResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_automation_config(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<AutomationConfigResponse>> {
    let view = ace_app::automation::get(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(view.into()))
}
