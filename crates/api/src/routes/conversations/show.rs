//! Read a conversation.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent_runs::ConversationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// The conversation with all its messages, in order.
#[utoipa::path(get, path = "/v1/agent/conversations/{id}", tag = "Agent Chat", operation_id = "getConversation",
    params(("id" = String, Path)),
    responses((status = 200, body = ConversationResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn get_conversation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ConversationResponse>> {
    let view = ace_app::agent_runs::conversations::get(&state.app, &actor, &id).await?;
    Ok(Json(view.into()))
}
