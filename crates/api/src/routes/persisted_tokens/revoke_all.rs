//! Revoke every API key.

use axum::Json;
use axum::extract::State;

use crate::dto::message::MessageResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Revokes all of the caller's keys, the one making this request included.
#[utoipa::path(delete, path = "/v1/persisted_tokens/revoke_all", tag = "API Keys", operation_id = "revokeAllApiKeys",
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn revoke_all_api_keys(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<MessageResponse>> {
    let count = ace_app::api_keys::revoke_all(&state.app, &actor).await?;
    Ok(Json(MessageResponse::new(format!(
        "Successfully revoked {count} tokens"
    ))))
}
