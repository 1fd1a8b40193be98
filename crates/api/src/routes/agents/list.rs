//! List agents.

use ace_domain::ids::OrganizationId;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::agent::AgentSummary;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query};
use crate::state::ApiState;

/// Filters for the agent list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AgentFilter {
    /// Only agents of this workspace (organization).
    workspace_id: Option<String>,
}

/// Lists the agents in every workspace the caller belongs to.
#[utoipa::path(get, path = "/v1/agents", tag = "Discovery", operation_id = "listAgents",
    params(AgentFilter),
    responses((status = 200, body = Vec<AgentSummary>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_agents(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<AgentFilter>,
) -> ApiResult<Json<Vec<AgentSummary>>> {
    let workspace = match filter.workspace_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<OrganizationId>().map_err(|_| {
            ApiError::validation(format!("workspace_id {text:?} must be a numeric id."))
        })?),
    };
    let agents = ace_app::agents::list(&state.app, &actor, workspace).await?;
    Ok(Json(agents.iter().map(AgentSummary::from).collect()))
}
