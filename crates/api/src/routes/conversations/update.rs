//! Rename or pin a conversation.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::{ConversationChanges, ConversationResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs};
use crate::state::ApiState;

/// Renames the conversation (`title`, 1 to 200 characters) and pins or unpins it.
#[utoipa::path(patch, path = "/v1/agent/conversations/{id}", tag = "Agent Chat", operation_id = "updateConversation",
    params(("id" = String, Path)),
    request_body = ConversationChanges,
    responses((status = 200, body = ConversationResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn update_conversation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    JsonAs(changes): JsonAs<ConversationChanges>,
) -> ApiResult<Json<ConversationResponse>> {
    let updated = ace_app::agent_runs::conversations::update(
        &state.app,
        &actor,
        &id,
        changes.title.as_deref(),
        changes.pinned,
    )
    .await?;
    Ok(Json(updated.into()))
}
