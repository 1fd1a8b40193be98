//! Read the canvas.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_core::{AgentCoreResponse, render};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Returns the agent's whole setup: the flat fields, and the same canvas by section.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/core", tag = "Agent Core", operation_id = "getAgentCore",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = AgentCoreResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_agent_core(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<AgentCoreResponse>> {
    let view = ace_app::agent_core::get(&state.app, &actor, agent.into_id()).await?;
    Ok(Json(render(&view)))
}
