//! Rotate the secret that signs an agent's deliveries (an ace addition).

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::generations::AutomationConfigResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Replaces the signing secret and returns the config with the new secret, once. Deliveries
/// from now on are signed with it.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/automation_config/rotate_secret", tag = "Automation", operation_id = "rotateAutomationSecret",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = AutomationConfigResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn rotate_automation_secret(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<AutomationConfigResponse>> {
    let view = ace_app::automation::rotate_secret(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(view.into()))
}
