//! The authenticated caller, put in the request by the auth middleware.

use ace_app::Actor;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// The caller of a protected route.
#[derive(Clone, Debug)]
pub struct Authenticated(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Authenticated)
            .ok_or_else(|| ApiError(ace_app::AppError::unauthorized("Authentication required.")))
    }
}
