//! Append a linked account.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::agent_core::AccountItemResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonBody, RawId};
use crate::state::ApiState;

/// Appends one of the agent's own accounts, `{url, platform?, display_name?}`.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/core/accounts", tag = "Agent Core", operation_id = "addAgentAccount",
    params(("agent_id" = i64, Path)),
    request_body(content = Object, description = "`{url, platform?, display_name?}`"),
    responses((status = 201, body = AccountItemResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn add_agent_account(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<AccountItemResponse>)> {
    let account =
        ace_app::agent_core::add_account(&state.app, &actor, agent.into_id(), &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(AccountItemResponse::from(&account)),
    ))
}
