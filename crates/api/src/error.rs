//! The one error type of the edge and GEN's envelope, `{"error": "...", "error_code": "..."}`.
//! Every failure leaves ace in this shape, with GEN's status codes; causes are logged with the
//! request id and never sent.

use ace_app::{AppError, ErrorCode, ErrorKind};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// GEN's error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A sentence for humans.
    pub error: String,
    /// A stable code for programs.
    pub error_code: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// Results of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<String>) -> Self {
        Self(AppError::new(kind, code, message))
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Unprocessable,
            ErrorCode::ValidationError,
            message,
        )
    }

    /// A broken promise inside ace; the client sees the generic message.
    pub fn internal(what: &'static str) -> Self {
        Self(AppError::internal(anyhow::anyhow!(what)))
    }

    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, ErrorCode::InvalidJson, message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            ErrorKind::PayloadTooLarge,
            ErrorCode::PayloadTooLarge,
            format!(
                "The request body is larger than this endpoint accepts ({} KiB).",
                limit / 1024
            ),
        )
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl From<ace_domain::FieldError> for ApiError {
    fn from(err: ace_domain::FieldError) -> Self {
        Self(err.into())
    }
}

/// The HTTP status of an error kind.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        let status = status_of(err.kind);
        if status.is_server_error() {
            // The surrounding span carries the request id.
            tracing::error!(code = %err.code, cause = ?err.source, "request failed: {}", err.message);
        } else {
            tracing::debug!(code = %err.code, status = status.as_u16(), "request refused: {}", err.message);
        }
        envelope(status, &err.message, err.code.as_str())
    }
}

/// Builds an envelope response.
pub fn envelope(status: StatusCode, message: &str, code: &str) -> Response {
    let body = ErrorBody {
        error: message.to_owned(),
        error_code: code.to_owned(),
    };
    (status, Json(body)).into_response()
}
