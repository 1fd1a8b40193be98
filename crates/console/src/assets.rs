//! The console's static files, built into the binary: the stylesheet, the console's own
//! script (live cells over `EventSource`), and htmx (vendored, pinned; 0BSD).

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served. Names change whenever contents do (bump the number), so
/// browsers may cache these files for good.
pub const STYLESHEET: &str = "/app/assets/console-6.css";
/// The console's script.
pub const SCRIPT: &str = "/app/assets/console-4.js";
/// htmx, as published on npm (`htmx.org`, `dist/htmx.min.js`).
pub const HTMX: &str = "/app/assets/htmx-2.0.11.min.js";

pub async fn stylesheet() -> impl IntoResponse {
    immutable(
        "text/css; charset=utf-8",
        include_str!("../assets/console.css"),
    )
}

pub async fn script() -> impl IntoResponse {
    immutable(
        "text/javascript; charset=utf-8",
        include_str!("../assets/console.js"),
    )
}

pub async fn htmx() -> impl IntoResponse {
    immutable(
        "text/javascript; charset=utf-8",
        include_str!("../assets/vendor/htmx-2.0.11.min.js"),
    )
}

fn immutable(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
}
