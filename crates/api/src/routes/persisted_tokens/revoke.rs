//! Revoke an API key.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::message::MessageResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Revokes one of the caller's keys; it stops working at once.
#[utoipa::path(delete, path = "/v1/persisted_tokens/{id}/revoke", tag = "API Keys", operation_id = "revokeApiKey",
    params(("id" = i64, Path)),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn revoke_api_key(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Json<MessageResponse>> {
    let key = ace_app::api_keys::revoke(&state.app, &actor, id.into_id()).await?;
    Ok(Json(MessageResponse::new(format!(
        "API key {} revoked",
        key.id
    ))))
}
