//! The page shell: the document, the header with its navigation and sign-out, and the error
//! page every handler falls back to.

use ace_app::{AppError, ErrorKind};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::assets::{HTMX, SCRIPT, STYLESHEET};
use crate::session::Signed;

/// A whole page titled `title`; `signed` puts the navigation and sign-out in the header.
pub fn page(title: &str, signed: Option<&Signed>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · ace" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href=(STYLESHEET);
                @if signed.is_some() {
                    script src=(HTMX) defer {}
                    script src=(SCRIPT) defer {}
                }
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header {
                    a href="/app" { "ace" }
                    @if let Some(signed) = signed {
                        nav aria-label="Main" {
                            a href="/app/workspace" { "Workspace" }
                            a href="/app/templates" { "Templates" }
                            a href="/app/sheets" { "Vidsheets" }
                            a href="/app/ideas" { "Ideas" }
                            a href="/app/knowledge" { "Knowledge" }
                            a href="/app/assets" { "Assets" }
                            form method="post" action="/app/sign-out" {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// A failed use case as a page: the API's message, never its internals (those are logged).
pub fn failure(err: &AppError, signed: Option<&Signed>) -> Response {
    let status =
        StatusCode::from_u16(err.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = if err.kind == ErrorKind::Internal {
        tracing::error!(code = %err.code, cause = ?err.source, "a console page failed: {}", err.message);
        "Something went wrong on the server. Try again; if it keeps happening, the server's log says why."
    } else {
        err.message.as_str()
    };
    let body = html! {
        h1 { "That did not work" }
        p.error role="alert" { (message) }
        p { a href="/app/workspace" { "Back to your workspace" } }
    };
    (status, page("Error", signed, body)).into_response()
}

impl Signed {
    /// A form's token checked against this session's: `None` when it is this session's, else
    /// the page saying the form is stale (403), as a forged one is.
    pub fn refusal(&self, csrf: &str) -> Option<Response> {
        if self.holds(csrf) {
            return None;
        }
        let err = AppError::forbidden(
            ace_app::ErrorCode::Forbidden,
            "This form has expired; reload the page and try again.",
        );
        Some(failure(&err, Some(self)))
    }
}
