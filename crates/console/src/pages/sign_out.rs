//! Signing out: the session cookie is cleared.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::Console;
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
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let cleared = set_cookie(&console, SESSION, "", "/app", 0);
    redirect("/app/sign-in", vec![cleared])
}
