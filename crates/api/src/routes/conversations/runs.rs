//! List a conversation's runs.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::AgentRunSummary;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// The conversation's runs, oldest first.
#[utoipa::path(get, path = "/v1/agent/conversations/{id}/runs", tag = "Agent Chat", operation_id = "listConversationRuns",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<AgentRunSummary>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn list_conversation_runs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AgentRunSummary>>> {
    let runs = ace_app::agent_runs::conversations::runs(&state.app, &actor, &id).await?;
    Ok(Json(runs.into_iter().map(AgentRunSummary::from).collect()))
}
