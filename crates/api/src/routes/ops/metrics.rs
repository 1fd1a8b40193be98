//! Prometheus exposition.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::ApiState;

/// `GET /metrics`: request counts by route and status, and latency histograms.
pub async fn render_metrics(State(state): State<ApiState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
