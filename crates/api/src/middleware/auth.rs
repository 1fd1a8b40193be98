//! Authentication: `X-API-Key`, or `Authorization: Bearer` with an API key or a JWT. A missing
//! or bad credential gets 401 `unauthorized`; a caller over their rate gets 429. The caller is
//! put in the request for handlers.

use ace_app::{AppError, ErrorCode, ErrorKind, auth};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::ApiState;

/// Authenticates the request, or answers for it.
pub async fn authenticate(
    State(state): State<ApiState>,
    mut request: Request,
    next: Next,
) -> Response {
    let actor = match credential(request.headers()) {
        Some(Credential::ApiKey(key)) => auth::authenticate_api_key(&state.app, &key).await,
        Some(Credential::Bearer(token)) => auth::authenticate_bearer(&state.app, &token).await,
        None => Err(AppError::unauthorized(
            "Missing credentials: send your API key as X-API-Key (or Authorization: Bearer).",
        )),
    };
    let actor = match actor {
        Ok(actor) => actor,
        Err(err) => return ApiError(err).into_response(),
    };
    if let Some(limiter) = &state.limiter
        && let Err(wait) = limiter.check(&actor.rate_limit_key())
    {
        let seconds = wait.as_secs() + 1;
        let mut response = ApiError::new(
            ErrorKind::TooManyRequests,
            ErrorCode::RateLimited,
            format!("Too many requests for this API key; retry in {seconds} s."),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    request.extensions_mut().insert(actor);
    next.run(request).await
}

enum Credential {
    ApiKey(String),
    Bearer(String),
}

fn credential(headers: &HeaderMap) -> Option<Credential> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(key) = text("x-api-key") {
        return Some(Credential::ApiKey(key.to_owned()));
    }
    let authorization = text(header::AUTHORIZATION.as_str())?;
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| Credential::Bearer(token.trim().to_owned()))
}
