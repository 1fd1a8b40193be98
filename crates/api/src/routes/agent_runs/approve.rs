//! Approve or reject the call a run waits at.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::{ApprovalBody, ApprovalResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs};
use crate::state::ApiState;

/// Decides the gated call the run waits at (`pending_action`). `{"approved": true}`, or no
/// body at all, runs exactly the stored call and continues the run; `false` rejects it and
/// fails the run. 422 `run_status_invalid` when the run is not awaiting approval.
#[utoipa::path(post, path = "/v1/agent/runs/{run_id}/approve", tag = "Agent Chat", operation_id = "approveAgentAction",
    params(("run_id" = String, Path)),
    request_body(content = ApprovalBody, description = "Optional; no body approves"),
    responses((status = 200, body = ApprovalResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn approve_agent_action(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(run_id): Path<String>,
    JsonAs(body): JsonAs<ApprovalBody>,
) -> ApiResult<Json<ApprovalResponse>> {
    let approved = body.approved.unwrap_or(true);
    let view = ace_app::agent_runs::approve(&state.app, &actor, &run_id, approved).await?;
    Ok(Json(ApprovalResponse {
        run_id: view.run.id,
        status: view.run.status.shown().into(),
    }))
}
