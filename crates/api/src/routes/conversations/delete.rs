//! Delete a conversation.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Deletes the conversation softly, with its runs and messages; its unfinished runs are
/// cancelled. The ideas it produced stay.
#[utoipa::path(delete, path = "/v1/agent/conversations/{id}", tag = "Agent Chat", operation_id = "deleteConversation",
    params(("id" = String, Path)),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn delete_conversation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    ace_app::agent_runs::conversations::delete(&state.app, &actor, &id).await?;
    Ok(Json(json!({ "deleted": true, "id": id })))
}
