//! The console's static files, built into the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the stylesheet is served. Its name changes whenever its content does (bump the
/// number), so browsers may cache it for good.
pub const STYLESHEET: &str = "/app/assets/console-2.css";

/// The stylesheet.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        include_str!("../assets/console.css"),
    )
}
