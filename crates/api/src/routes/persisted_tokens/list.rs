//! List API keys.

use axum::Json;
use axum::extract::State;

use crate::dto::api_key::ApiKeyResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Lists the caller's keys, newest first, revoked and expired ones included.
#[utoipa::path(get, path = "/v1/persisted_tokens", tag = "API Keys", operation_id = "listApiKeys",
    responses((status = 200, body = Vec<ApiKeyResponse>), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_api_keys(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<ApiKeyResponse>>> {
    let keys = ace_app::api_keys::list(&state.app, &actor).await?;
    Ok(Json(keys.iter().map(ApiKeyResponse::from).collect()))
}
