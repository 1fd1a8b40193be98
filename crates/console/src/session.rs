//! Signing in and staying signed in. A browser signs in with an API key and gets a session:
//! a JWT for its user (the API's own bearer credential, so a deleted user's session ends) in
//! an `HttpOnly`, `SameSite=Strict` cookie scoped to `/app`. Each form carries a CSRF token
//! derived from that session, which a page of another site can neither read nor compute. The
//! sign-in form, which comes before any session, carries a random token also set in a
//! short-lived cookie of its own (double submit).

use ace_app::Actor;
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::Console;

/// The session cookie.
pub const SESSION: &str = "ace_session";
/// The sign-in form's own CSRF cookie.
pub const SIGN_IN: &str = "ace_sign_in";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A signed-in browser: who it is, and the CSRF token its forms carry.
pub struct Signed {
    pub actor: Actor,
    pub csrf: String,
}

impl FromRequestParts<Console> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        let Some(token) = cookie_value(&parts.headers, SESSION) else {
            return Err(to_sign_in());
        };
        match ace_app::auth::authenticate_bearer(&console.app, &token).await {
            Ok(actor) => Ok(Signed {
                actor,
                csrf: csrf_of(&token),
            }),
            Err(_) => Err(to_sign_in()),
        }
    }
}

impl Signed {
    /// Whether a form's token is this session's (see [`crate::layout`] for the refusal).
    pub fn holds(&self, csrf: &str) -> bool {
        same(&self.csrf, csrf)
    }
}

/// The value of the cookie `name` the request carries.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The CSRF token of the session `token`.
fn csrf_of(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!("ace-console-csrf:{token}")))
}

/// A fresh random token, for the sign-in form.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |differ, (x, y)| differ | (x ^ y))
            == 0
}

/// A `Set-Cookie` for `name`: HttpOnly, SameSite=Strict, under `path`, for `seconds` (0 ends
/// it).
pub fn set_cookie(
    console: &Console,
    name: &str,
    value: &str,
    path: &str,
    seconds: i64,
) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(console.secure_cookies)
        .path(path.to_owned())
        .max_age(cookie::time::Duration::seconds(seconds))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie is a valid header value")
}

/// A redirect (303) to `to`, setting `cookies`.
pub fn redirect(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response();
    for cookie in cookies {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

fn to_sign_in() -> Response {
    redirect("/app/sign-in", Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sessions_csrf_token_is_its_own_and_compared_whole() {
        let token = csrf_of("header.payload.signature");
        assert_eq!(token, csrf_of("header.payload.signature"));
        assert_ne!(token, csrf_of("header.payload.other"));
        assert!(same(&token, &token.clone()));
        assert!(!same(&token, &token[1..]));
        assert!(!same(&token, ""));
    }

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            HeaderValue::from_static("theme=dark; ace_session=abc"),
        );
        headers.append(COOKIE, HeaderValue::from_static("ace_sign_in=xyz"));
        assert_eq!(cookie_value(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, SIGN_IN).as_deref(), Some("xyz"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
