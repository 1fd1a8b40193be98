//! Signing in with an email (or username) and password, for users an operator gave one, or
//! with an API key: the forms, and what they post.

use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use maud::{Markup, html};
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::session::{
    SESSION, SESSION_HOURS, SIGN_IN, Signed, cookie_value, random_token, redirect, same, set_cookie,
};

/// Where the sign-in form's cookie is sent.
const PATH: &str = "/app/sign-in";

/// What the form posts.
#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    api_key: String,
    /// An email or username, signing in with a password.
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The form (a signed-in browser goes on to its workspace).
pub async fn form(State(console): State<Console>, signed: Result<Signed, Response>) -> Response {
    if signed.is_ok() {
        return redirect("/app/workspace", Vec::new());
    }
    fresh_form(&console, StatusCode::OK, None)
}

/// Checks the form's token and the key; a good key starts a session.
pub async fn sign_in(
    State(console): State<Console>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let expected = cookie_value(&headers, SIGN_IN).unwrap_or_default();
    if expected.is_empty() || !same(&expected, &form.csrf) {
        let why = "This sign-in form has expired. Sign in again on this fresh one.";
        return fresh_form(&console, StatusCode::FORBIDDEN, Some(why));
    }
    let key = form.api_key.trim();
    let login = form.login.trim();
    if key.is_empty() && (login.is_empty() || form.password.is_empty()) {
        let why = "Enter your email and password, or an API key.";
        return fresh_form(&console, StatusCode::UNPROCESSABLE_ENTITY, Some(why));
    }
    let checked = if key.is_empty() {
        ace_app::auth::passwords::authenticate(&console.app, login, &form.password).await
    } else {
        ace_app::auth::authenticate_api_key(&console.app, key).await
    };
    let actor = match checked {
        Ok(actor) => actor,
        Err(err) if err.kind == ace_app::ErrorKind::Internal => return failure(&err, None),
        Err(err) => {
            let status =
                StatusCode::from_u16(err.kind.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            return fresh_form(&console, status, Some(&err.message));
        }
    };
    let token =
        match ace_app::auth::issue_jwt(&console.app, actor.user_id, Duration::hours(SESSION_HOURS))
        {
            Ok(token) => token,
            Err(err) => return failure(&err, None),
        };
    let session = set_cookie(&console, SESSION, &token, "/app", SESSION_HOURS * 3600);
    let spent = set_cookie(&console, SIGN_IN, "", PATH, 0);
    redirect("/app/workspace", vec![session, spent])
}

/// The form with a new token, answering `status` and showing `error`.
fn fresh_form(console: &Console, status: StatusCode, error: Option<&str>) -> Response {
    let csrf = random_token();
    let cookie = set_cookie(console, SIGN_IN, &csrf, PATH, 3600);
    let body = page("Sign in", None, sign_in_form(&csrf, error));
    (status, [(SET_COOKIE, cookie)], body).into_response()
}

fn sign_in_form(csrf: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "Sign in to ace" }
        @if let Some(error) = error {
            p.error role="alert" { (error) }
        }
        section aria-labelledby="with-key" {
            h2 #with-key { "With an API key" }
            form.stack method="post" action=(PATH) {
                input type="hidden" name="csrf" value=(csrf);
                label for="api_key" { "API key" }
                input #api_key type="password" name="api_key" autocomplete="current-password"
                    required aria-describedby="api_key_help";
                p #api_key_help .muted {
                    "The key ace printed on its first start (also in "
                    code { "data/admin-api-key" }
                    "), or one made with "
                    code { "POST /v1/persisted_tokens" }
                    "."
                }
                button type="submit" { "Sign in with the key" }
            }
        }
        section aria-labelledby="with-password" {
            h2 #with-password { "With a password" }
            form.stack method="post" action=(PATH) {
                input type="hidden" name="csrf" value=(csrf);
                label for="login" { "Email or username" }
                input #login type="text" name="login" autocomplete="username" required;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password"
                    required aria-describedby="password_help";
                p #password_help .muted {
                    "For users an operator gave a password with "
                    code { "ace admin set-password" }
                    "."
                }
                button type="submit" { "Sign in with the password" }
            }
        }
    }
}
