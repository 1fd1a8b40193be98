//! Set the profile up.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::dto::agent_profile::{ProfileResponse, render};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonBody};
use crate::state::ApiState;

/// Writes any of the `identity`, `voice` and `brand` sections.
#[utoipa::path(post, path = "/v1/agent/profile", tag = "Agent Profile", operation_id = "createAgentProfile",
    params(("agent_id" = i64, Query)),
    request_body(content = Object, description = "`{identity?, voice?, brand?}`"),
    responses((status = 201, body = ProfileResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_agent_profile(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<ProfileResponse>)> {
    let view = ace_app::agent_profile::write(&state.app, &actor, agent, &body).await?;
    Ok((StatusCode::CREATED, Json(render(&view))))
}
