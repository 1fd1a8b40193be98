//! Prometheus exposition.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::ApiState;

/// `GET /metrics`: request counts by route and status, latency histograms, and the SQL
/// statements this process has sent.
pub async fn render_metrics(State(state): State<ApiState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    text.push_str(&format!(
        "# HELP ace_db_statements_total SQL statements sent by this process.\n\
         # TYPE ace_db_statements_total counter\n\
         ace_db_statements_total {}\n",
        ace_app::sql_statements_issued()
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
