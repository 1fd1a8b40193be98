//! Change an agent's automation config.

use ace_app::automation::AutomationPatch;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::generations::{AutomationConfigBody, AutomationConfigResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Sets (or, with `null`, clears) the URLs and the polling flag; only the fields sent
/// change. The first change creates the signing secret and returns it, once.
#[utoipa::path(patch, path = "/v1/agents/{agent_id}/automation_config", tag = "Automation", operation_id = "updateAutomationConfig",
    params(("agent_id" = i64, Path)),
    request_body = AutomationConfigBody,
    responses((status = 200, body = AutomationConfigResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_automation_config(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Wrapped(body): Wrapped<AutomationConfigBody>,
) -> ApiResult<Json<AutomationConfigResponse>> {
    let patch = AutomationPatch {
        webhook_url: body.webhook_url,
        callback_url: body.callback_url,
        polling_enabled: body.polling_enabled,
    };
    let view = ace_app::automation::update(&state.app, &actor, agent.into_id(), patch).await?;
    Ok(Json(view.into()))
}
