//! The safety net: any error response that is not already JSON (from a layer, a rejection, or
//! the router itself) is rewritten as GEN's envelope, so API clients never see plain text. The
//! console's HTML pages, written for their error, pass as they are.

use ace_app::ErrorCode;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::envelope;

/// Middleware: rewrites error responses that are neither JSON nor an HTML page.
pub async fn ensure_envelope(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // JSON is an envelope already; HTML is a console page written for the error.
    let composed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("text/html"));
    if status.as_u16() < 400 || composed {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let (message, code) = describe(status);
    let mut rewritten = envelope(status, message, code);
    // Keep headers such as Retry-After and Allow; the body's type and length are new.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    for (name, value) in &parts.headers {
        rewritten.headers_mut().insert(name, value.clone());
    }
    rewritten
}

fn describe(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("No route matches this path.", ErrorCode::NotFound.as_str()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "This path does not accept this HTTP method.",
            ErrorCode::MethodNotAllowed.as_str(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "The request body is too large.",
            ErrorCode::PayloadTooLarge.as_str(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "The request took too long and was cancelled.",
            ErrorCode::RequestTimeout.as_str(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "This content type is not accepted here.",
            ErrorCode::UnsupportedMediaType.as_str(),
        ),
        s if s.is_server_error() => (
            "Something went wrong on our side.",
            ErrorCode::InternalError.as_str(),
        ),
        _ => (
            "The request could not be understood.",
            ErrorCode::BadRequest.as_str(),
        ),
    }
}
