//! Liveness and readiness.

use ace_app::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::envelope;
use crate::state::ApiState;

/// `GET /healthz`: the process is up. Touches nothing else.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /readyz`: the process can serve, because its database answers.
pub async fn readyz(State(state): State<ApiState>) -> Response {
    match state.app.db().ping().await {
        Ok(()) => Json(json!({"status": "ready"})).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            envelope(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is not answering.",
                ErrorCode::ServiceUnavailable.as_str(),
            )
        }
    }
}
