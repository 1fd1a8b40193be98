//! Rename an API key.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::api_key::{ApiKeyResponse, RenameApiKeyBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames one of the caller's keys.
#[utoipa::path(patch, path = "/v1/persisted_tokens/{id}", tag = "API Keys", operation_id = "updateApiKey",
    params(("id" = i64, Path)),
    request_body = RenameApiKeyBody,
    responses((status = 200, body = ApiKeyResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn update_api_key(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    Wrapped(body): Wrapped<RenameApiKeyBody>,
) -> ApiResult<Json<ApiKeyResponse>> {
    let key =
        ace_app::api_keys::rename(&state.app, &actor, id.into_id(), body.name.as_deref()).await?;
    Ok(Json(ApiKeyResponse::from(&key)))
}
