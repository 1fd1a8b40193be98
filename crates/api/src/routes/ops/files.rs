//! Public delivery of stored blobs under `/files/{key}`. Keys are random and never reused, so
//! responses may be cached for good.

use ace_app::ErrorCode;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, envelope};
use crate::state::ApiState;

/// `GET /files/{key}`.
pub async fn get_file(State(state): State<ApiState>, Path(key): Path<String>) -> Response {
    let not_found = || {
        envelope(
            StatusCode::NOT_FOUND,
            "No file at this address.",
            ErrorCode::NotFound.as_str(),
        )
    };
    match state.app.storage.get(&key).await {
        Ok(Some(blob)) => {
            let mut response = blob.bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&key)),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Ok(None) | Err(ace_storage::StorageError::InvalidKey(_)) => not_found(),
        Err(err) => ApiError(ace_app::AppError::internal(err)).into_response(),
    }
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or_default() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        _ => "application/octet-stream",
    }
}
