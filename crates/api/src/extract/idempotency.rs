//! The `Idempotency-Key` header of pre-charge requests.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// The header's value, if sent.
#[derive(Clone, Debug, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key = value.to_str().map_err(|_| {
            ApiError(ace_app::AppError::unprocessable(
                ace_app::ErrorCode::ValidationError,
                "Idempotency-Key must be printable ASCII.",
            ))
        })?;
        Ok(Self(Some(key.to_owned())))
    }
}
