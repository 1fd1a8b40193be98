//! ace's web console at `/app`: HTML rendered on the server (maud) over the same use cases as
//! the API, so a page shows what the API answers and refuses what it refuses, in words. A
//! browser signs in with an API key and then carries a session cookie ([`session`]); every
//! form carries a CSRF token tied to that session.

mod assets;
mod layout;
mod pages;
mod session;

use ace_app::App;
use axum::Router;
use axum::routing::{get, post};

/// What every console handler shares.
#[derive(Clone)]
pub struct Console {
    app: App,
    /// Cookies are `Secure` when the public URL is HTTPS.
    secure_cookies: bool,
}

/// The console's routes, all under `/app`.
pub fn router(app: App) -> Router {
    let secure_cookies = app.public_url().starts_with("https://");
    let console = Console {
        app,
        secure_cookies,
    };
    Router::new()
        .route("/app", get(pages::home::home))
        .route(
            "/app/sign-in",
            get(pages::sign_in::form).post(pages::sign_in::sign_in),
        )
        .route("/app/sign-out", post(pages::sign_out::sign_out))
        .route("/app/workspace", get(pages::workspace::workspace))
        .route(assets::STYLESHEET, get(assets::stylesheet))
        .with_state(console)
}
