//! Read the profile.

use axum::Json;
use axum::extract::State;

use crate::dto::agent_profile::{ProfileResponse, render};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Returns the agent's identity, voice and brand.
#[utoipa::path(get, path = "/v1/agent/profile", tag = "Agent Profile", operation_id = "getAgentProfile",
    params(("agent_id" = i64, Query)),
    responses((status = 200, body = ProfileResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_agent_profile(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
) -> ApiResult<Json<ProfileResponse>> {
    let view = ace_app::agent_profile::get(&state.app, &actor, agent).await?;
    Ok(Json(render(&view)))
}
