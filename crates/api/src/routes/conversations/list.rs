//! List conversations.

use ace_domain::ids::{AgentId, parse_raw_id};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::dto::agent_runs::ConversationResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query};
use crate::state::ApiState;

/// What the list is narrowed to.
#[derive(Debug, Deserialize)]
pub struct ConversationFilter {
    agent_id: Option<String>,
    page: Option<i64>,
}

/// The caller's conversations (with `agent_id`'s only, if given), pinned first, then the most
/// recently active; 100 a page (pages from 1, an ace addition). A JSON array.
#[utoipa::path(get, path = "/v1/agent/conversations", tag = "Agent Chat", operation_id = "listConversations",
    params(("agent_id" = Option<i64>, Query), ("page" = Option<i64>, Query, description = "From 1")),
    responses((status = 200, body = Vec<ConversationResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn list_conversations(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Query(filter): Query<ConversationFilter>,
) -> ApiResult<Json<Vec<ConversationResponse>>> {
    let agent = match filter.agent_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(AgentId::new(parse_raw_id(raw).map_err(|_| {
            ApiError::validation(format!("agent_id {raw:?} must be a numeric id."))
        })?)),
    };
    let page = filter.page.unwrap_or(1);
    if page < 1 {
        return Err(ApiError::validation(format!(
            "page {page} must be 1 or more."
        )));
    }
    let found = ace_app::agent_runs::conversations::list(&state.app, &actor, agent, page).await?;
    Ok(Json(
        found.into_iter().map(ConversationResponse::from).collect(),
    ))
}
