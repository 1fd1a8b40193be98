//! The console's pages, one file per page (or form action).

pub mod agent_core;
pub mod assets;
pub mod home;
pub mod ideas;
pub mod knowledge;
pub mod sheets;
pub mod sign_in;
pub mod sign_out;
pub mod templates;
pub mod workspace;

use axum::response::{IntoResponse, Response};

use crate::Console;
use crate::layout::{failure, page};
use crate::session::{Signed, redirect};

/// A screen of one agent reached without naming it: the first agent's, or a page titled
/// `title` saying `none` when there is no agent.
pub async fn first_agents(
    console: &Console,
    signed: &Signed,
    path_of: fn(i64) -> String,
    title: &str,
    none: &str,
) -> Response {
    match ace_app::agents::list(&console.app, &signed.actor, None).await {
        Ok(agents) => match agents.first() {
            Some(agent) => redirect(&path_of(agent.id.get()), Vec::new()),
            None => {
                let body = maud::html! { h1 { (title) } p.empty { (none) } };
                page(title, Some(signed), body).into_response()
            }
        },
        Err(err) => failure(&err, Some(signed)),
    }
}
