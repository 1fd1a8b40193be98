//! Cancel a run (an ace addition).

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::AgentRunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Stops the run, waiting or running. It keeps what it finished and is charged for that
/// only; the rest of its reservation is refunded. It then shows as `failed` with the error
/// `cancelled`, and the next message waiting in its conversation starts. 422
/// `run_status_invalid` for a run that has ended.
#[utoipa::path(post, path = "/v1/agent/runs/{run_id}/cancel", tag = "Agent Chat", operation_id = "cancelAgentRun",
    params(("run_id" = String, Path)),
    responses((status = 200, body = AgentRunResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn cancel_agent_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(run_id): Path<String>,
) -> ApiResult<Json<AgentRunResponse>> {
    let view = ace_app::agent_runs::cancel(&state.app, &actor, &run_id).await?;
    Ok(Json(view.into()))
}
