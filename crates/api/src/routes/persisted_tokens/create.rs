//! Create an API key.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::dto::api_key::{ApiKeyResponse, CreateApiKeyBody, CreatedApiKeyResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Wrapped};
use crate::state::ApiState;

/// Creates a key for the caller. Its secret is in this response and nowhere else.
#[utoipa::path(post, path = "/v1/persisted_tokens", tag = "API Keys", operation_id = "createApiKey",
    request_body = CreateApiKeyBody,
    responses((status = 201, body = CreatedApiKeyResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_api_key(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Wrapped(body): Wrapped<CreateApiKeyBody>,
) -> ApiResult<(StatusCode, Json<CreatedApiKeyResponse>)> {
    let created = ace_app::api_keys::create(
        &state.app,
        &actor,
        body.name.as_deref(),
        body.expires_in.as_ref(),
    )
    .await?;
    let key = ApiKeyResponse::from(&created.key);
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKeyResponse {
            key,
            token: created.token,
        }),
    ))
}
