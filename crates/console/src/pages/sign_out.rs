//! Signing out: the session cookie is cleared.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::Console;
use crate::layout::failure;
use crate::session::{SESSION, Signed, redirect, set_cookie};

#[derive(Deserialize)]
pub struct SignOut {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(console): State<Console>,
    signed: Signed,
    Form(form): Form<SignOut>,
) -> Response {
    if !signed.holds(&form.csrf) {
        let err = ace_app::AppError::forbidden(
            ace_app::ErrorCode::Forbidden,
            "This form has expired; reload the page and try again.",
        );
        return failure(&err, Some(&signed));
    }
    let cleared = set_cookie(&console, SESSION, "", "/app", 0);
    redirect("/app/sign-in", vec![cleared])
}
