//! Remove a linked account.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Removes one linked account. Answers 200 with no body.
#[utoipa::path(delete, path = "/v1/agents/{agent_id}/core/accounts/{item_id}", tag = "Agent Core", operation_id = "removeAgentAccount",
    params(("agent_id" = i64, Path), ("item_id" = i64, Path)),
    responses((status = 200, description = "Removed"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn remove_agent_account(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path((agent, item)): Path<(RawId, RawId)>,
) -> ApiResult<StatusCode> {
    ace_app::agent_core::remove_account(&state.app, &actor, agent.into_id(), item.into_id())
        .await?;
    Ok(StatusCode::OK)
}
