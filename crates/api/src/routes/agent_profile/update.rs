//! Update the profile.

use axum::Json;
use axum::extract::State;

use crate::dto::agent_profile::{ProfileResponse, render};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonBody};
use crate::state::ApiState;

/// Changes the fields sent; lists (`keywords`, `target_platforms`, `linked_accounts`) are
/// replaced whole.
#[utoipa::path(put, path = "/v1/agent/profile", tag = "Agent Profile", operation_id = "updateAgentProfile",
    params(("agent_id" = i64, Query)),
    request_body(content = Object, description = "`{identity?, voice?, brand?}`"),
    responses((status = 200, body = ProfileResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn update_agent_profile(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<ProfileResponse>> {
    let view = ace_app::agent_profile::write(&state.app, &actor, agent, &body).await?;
    Ok(Json(render(&view)))
}
