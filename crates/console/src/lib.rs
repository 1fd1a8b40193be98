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

use pages::{assets as library, ideas, sheets};

/// A vidsheet's pages.
const SHEET: &str = "/app/agents/{agent}/sheets/{sheet}";
/// An agent's ideas board.
const IDEAS: &str = "/app/agents/{agent}/ideas";
/// An agent's asset library.
const LIBRARY: &str = "/app/agents/{agent}/assets";
/// An agent run, followed and decided from the board.
const RUN: &str = "/app/agents/{agent}/runs/{run}";

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
        .route("/app/templates", get(pages::templates::list))
        .route("/app/templates/{slug}", get(pages::templates::preview))
        .route("/app/templates/{slug}/clone", post(pages::templates::clone))
        .route("/app/sheets", get(sheets::list))
        .route(SHEET, get(sheets::grid::grid))
        .route(&format!("{SHEET}/events"), get(sheets::live::events))
        .route(
            &format!("{SHEET}/cells/{{cell}}"),
            get(sheets::timeline::timeline),
        )
        .route(
            &format!("{SHEET}/cells/{{cell}}/generate"),
            post(sheets::cell::generate),
        )
        .route(
            &format!("{SHEET}/cells/{{cell}}/stop"),
            post(sheets::cell::stop),
        )
        .route(
            &format!("{SHEET}/cells/{{cell}}/layers/{{layer}}"),
            post(sheets::timeline::save_layer),
        )
        .route(
            &format!("{SHEET}/rows/{{row}}/plan"),
            get(sheets::rows::plan),
        )
        .route(
            &format!("{SHEET}/rows/{{row}}/run"),
            post(sheets::rows::run),
        )
        .route(
            &format!("{SHEET}/rows/{{row}}/render"),
            post(sheets::rows::render),
        )
        .route(
            &format!("{SHEET}/rows/{{row}}/duplicate"),
            post(sheets::rows::duplicate),
        )
        .route(
            &format!("{SHEET}/rows/{{row}}/move"),
            post(sheets::rows::reorder),
        )
        .route("/app/ideas", get(ideas::first_board))
        .route(IDEAS, get(ideas::board))
        .route(&format!("{IDEAS}/chat"), post(ideas::chat::send))
        .route(
            &format!("{IDEAS}/{{idea}}/move"),
            post(ideas::cards::move_on),
        )
        .route(
            &format!("{IDEAS}/{{idea}}/reject"),
            post(ideas::cards::reject),
        )
        .route(
            &format!("{IDEAS}/{{idea}}/vidsheet"),
            post(ideas::cards::make_vidsheet),
        )
        .route(&format!("{RUN}/approve"), post(ideas::chat::approve))
        .route(&format!("{RUN}/reject"), post(ideas::chat::reject))
        .route(&format!("{RUN}/events"), get(ideas::chat::events))
        .route(
            "/app/agents/{agent}/core",
            get(pages::agent_core::core).post(pages::agent_core::save),
        )
        .route("/app/knowledge", get(pages::knowledge::first_knowledge))
        .route(
            "/app/agents/{agent}/knowledge",
            get(pages::knowledge::knowledge),
        )
        .route("/app/assets", get(library::first_library))
        .route(
            LIBRARY,
            get(library::library).post(library::uploads::record),
        )
        .route(
            &format!("{LIBRARY}/uploads"),
            post(library::uploads::ticket),
        )
        .route(&format!("{LIBRARY}/folders"), post(library::create_folder))
        .route(assets::STYLESHEET, get(assets::stylesheet))
        .route(assets::SCRIPT, get(assets::script))
        .route(assets::HTMX, get(assets::htmx))
        .with_state(console)
}
