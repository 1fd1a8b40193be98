//! Reset the brand configuration.

use axum::extract::State;
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Resets the brand configuration; identity and voice stay. Answers 200 with no body.
#[utoipa::path(delete, path = "/v1/agent/profile", tag = "Agent Profile", operation_id = "deleteAgentProfile",
    params(("agent_id" = i64, Query)),
    responses((status = 200, description = "Reset"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn delete_agent_profile(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
) -> ApiResult<StatusCode> {
    ace_app::agent_profile::reset_brand(&state.app, &actor, agent).await?;
    Ok(StatusCode::OK)
}
