//! Get an agent.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::agent::AgentDetail;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// Options of the agent read.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AgentOptions {
    /// `true` adds the workspace's UUID.
    with_organization_uuid: Option<String>,
}

/// Returns one agent in full.
#[utoipa::path(get, path = "/v1/agents/{agent_id}", tag = "Agents", operation_id = "getAgent",
    params(("agent_id" = i64, Path), AgentOptions),
    responses((status = 200, body = AgentDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_agent(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    Query(options): Query<AgentOptions>,
) -> ApiResult<Json<AgentDetail>> {
    let view = ace_app::agents::get(&state.app, &actor, id.into_id()).await?;
    let with_uuid = options
        .with_organization_uuid
        .as_deref()
        .is_some_and(|v| matches!(v.trim(), "true" | "1"));
    Ok(Json(AgentDetail::new(&view, with_uuid)))
}
