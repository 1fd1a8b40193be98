//! Page through a conversation's messages.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use crate::dto::agent_runs::ChatMessage;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query};
use crate::state::ApiState;

/// Which page.
#[derive(Debug, Deserialize)]
pub struct MessagePage {
    page: Option<i64>,
    per_page: Option<i64>,
}

/// A page of the conversation's messages, in order (`page` from 1; `per_page` 1 to 200, 50
/// by default). Assistant messages carrying ideas have them in full in `data.ideas`.
#[utoipa::path(get, path = "/v1/agent/conversations/{id}/messages", tag = "Agent Chat", operation_id = "listConversationMessages",
    params(("id" = String, Path), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = Vec<ChatMessage>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn list_conversation_messages(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Query(paging): Query<MessagePage>,
) -> ApiResult<Json<Vec<ChatMessage>>> {
    let messages = ace_app::agent_runs::conversations::messages(
        &state.app,
        &actor,
        &id,
        paging.page.unwrap_or(1),
        paging.per_page,
    )
    .await?;
    Ok(Json(messages.into_iter().map(ChatMessage::from).collect()))
}
