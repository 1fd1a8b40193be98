//! `/app`: the workspace for a signed-in browser, the sign-in form otherwise.

use axum::response::Response;

use crate::session::{Signed, redirect};

pub async fn home(signed: Result<Signed, Response>) -> Response {
    let to = if signed.is_ok() {
        "/app/workspace"
    } else {
        "/app/sign-in"
    };
    redirect(to, Vec::new())
}
