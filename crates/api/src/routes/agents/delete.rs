//! Delete an agent.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Soft-deletes an agent. Answers 200 with no body.
#[utoipa::path(delete, path = "/v1/agents/{agent_id}", tag = "Agents", operation_id = "deleteAgent",
    params(("agent_id" = i64, Path)),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn delete_agent(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::agents::delete(&state.app, &actor, id.into_id()).await?;
    Ok(StatusCode::OK)
}
