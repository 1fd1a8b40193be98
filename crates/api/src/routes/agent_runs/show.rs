//! Read a run.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::AgentRunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// The run: its status, its messages (assistant messages carry their ideas in
/// `data.ideas`) and, while it waits at a gated call, `pending_action`. Poll until
/// `completed` or `failed`.
#[utoipa::path(get, path = "/v1/agent/runs/{run_id}", tag = "Agent Chat", operation_id = "getAgentRun",
    params(("run_id" = String, Path)),
    responses((status = 200, body = AgentRunResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn get_agent_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(run_id): Path<String>,
) -> ApiResult<Json<AgentRunResponse>> {
    let view = ace_app::agent_runs::find(&state.app, &actor, &run_id).await?;
    Ok(Json(view.into()))
}
