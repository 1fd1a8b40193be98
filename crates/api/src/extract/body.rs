//! Request bodies. A middleware reads every JSON or form body once, with a size limit, into a
//! JSON value kept in the request; extractors then read from it. So an empty body, a
//! `Content-Type: application/json` on a GET, or a form-encoded body all work, and a malformed
//! one gets GEN's envelope.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::extract::bracketed_names::insert_bracketed;
use crate::state::ApiState;

/// The parsed body of the request: a JSON object (empty when no body was sent).
#[derive(Clone, Debug)]
pub struct ParsedBody(pub Arc<Value>);

/// Routes whose JSON may be larger than the usual limit: `(route, bytes, what it is for)`.
const LARGER_BODIES: [(&str, usize, &str); 1] = [(
    "/v1/agents/{agent_id}/voice/clone",
    // A sample of up to 32 MiB, in base64, with room for the other fields.
    (ace_app::voices::clone::MAX_SAMPLE_BYTES as usize).div_ceil(3) * 4 + 64 * 1024,
    "It takes an audio_base64 sample of up to 32 MiB; send larger samples as audio_url.",
)];

/// Middleware: reads and parses the body of every request that may carry one, except
/// multipart uploads, which their handlers stream.
pub async fn parse_body(
    axum::extract::State(state): axum::extract::State<ApiState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/") {
        return next.run(request).await;
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let larger = LARGER_BODIES
        .iter()
        .find(|(path, _, _)| route.as_deref() == Some(*path));
    let limit = larger.map_or(state.settings.max_json_bytes, |(_, limit, _)| *limit);
    let (mut parts, body) = request.into_parts();
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => {
            let mut refusal = ApiError::too_large(limit);
            if let Some((_, _, why)) = larger {
                refusal.0.message = format!("{} {why}", refusal.0.message);
            }
            return refusal.into_response();
        }
        Err(_) => return ApiError::bad_body("The request body could not be read.").into_response(),
    };
    let value = match parse(&bytes, &content_type) {
        Ok(value) => value,
        Err(err) => return err.into_response(),
    };
    parts.extensions.insert(ParsedBody(Arc::new(value)));
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn parse(bytes: &[u8], content_type: &str) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_body("The request body is not UTF-8."))?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") && !trimmed.starts_with('{') {
        let mut root = Map::new();
        for (key, value) in url::form_urlencoded::parse(trimmed.as_bytes()) {
            insert_bracketed(&mut root, &key, Value::String(value.into_owned()))?;
        }
        return Ok(Value::Object(root));
    }
    let value: Value = serde_json::from_str(trimmed)
        .map_err(|err| ApiError::bad_body(format!("The request body is not valid JSON: {err}.")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(ApiError::bad_body(
            "The request body must be a JSON object.",
        ))
    }
}

/// The body as a JSON object.
#[derive(Clone, Debug)]
pub struct JsonBody(pub Value);

impl JsonBody {
    pub fn object(&self) -> &Map<String, Value> {
        self.0
            .as_object()
            .expect("the body middleware only stores objects")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        json_only(parts)?;
        Ok(JsonBody(body_value(parts)))
    }
}

/// Refuses a multipart body on a route that reads JSON, rather than reading it as `{}`.
fn json_only(parts: &Parts) -> Result<(), ApiError> {
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/"));
    if multipart {
        return Err(ApiError::new(
            ace_app::ErrorKind::UnsupportedMediaType,
            ace_app::ErrorCode::UnsupportedMediaType,
            "This endpoint takes a JSON body, not multipart form data.",
        ));
    }
    Ok(())
}

pub(crate) fn body_value(parts: &Parts) -> Value {
    parts
        .extensions
        .get::<ParsedBody>()
        .map_or_else(|| Value::Object(Map::new()), |body| (*body.0).clone())
}

/// A body read as `T` exactly as sent (for bodies GEN never wraps, such as
/// `{"rows": [...]}`).
#[derive(Clone, Debug)]
pub struct JsonAs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for JsonAs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        json_only(parts)?;
        read_as(body_value(parts)).map(JsonAs)
    }
}

/// Reads `body` as `T`; a field of the wrong shape is named in a 422.
pub fn read_as<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(body)
        .map_err(|err| ApiError::from(ace_domain::validation::from_json_path_error(&err)))
}

/// A request body GEN documents under a resource key (Rails-style parameter wrapping), such as
/// `{"agent": {...}}`. The same fields are accepted at the top level; when both are present,
/// the wrapped ones win.
pub trait Resource: DeserializeOwned {
    const KEY: &'static str;
}

/// A body read as `T`, wrapped or not.
#[derive(Clone, Debug)]
pub struct Wrapped<T>(pub T);

impl<S: Send + Sync, T: Resource> FromRequestParts<S> for Wrapped<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        json_only(parts)?;
        let body = body_value(parts);
        unwrap_resource::<T>(&body).map(Wrapped)
    }
}

/// Reads `T` from `body`, merging the resource key's object over the top-level fields.
pub fn unwrap_resource<T: Resource>(body: &Value) -> Result<T, ApiError> {
    let mut merged = body.as_object().cloned().unwrap_or_default();
    if let Some(Value::Object(inner)) = merged.remove(T::KEY) {
        merged.extend(inner);
    }
    serde_path_to_error::deserialize(Value::Object(merged))
        .map_err(|err| ApiError::from(ace_domain::validation::from_json_path_error(&err)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Named {
        name: Option<String>,
        organization_id: Option<i64>,
    }

    impl Resource for Named {
        const KEY: &'static str = "agent";
    }

    #[test]
    fn wrapped_and_unwrapped_bodies_read_the_same() {
        let wrapped: Named =
            unwrap_resource(&json!({"agent": {"name": "A"}, "organization_id": 3})).unwrap();
        let flat: Named = unwrap_resource(&json!({"name": "A", "organization_id": 3})).unwrap();
        assert_eq!(wrapped.name, flat.name);
        assert_eq!(wrapped.organization_id, Some(3));
    }

    #[test]
    fn the_wrapped_form_wins_when_both_are_sent() {
        let both: Named =
            unwrap_resource(&json!({"name": "top", "agent": {"name": "inner"}})).unwrap();
        assert_eq!(both.name.as_deref(), Some("inner"));
    }

    #[test]
    fn form_bodies_and_empty_bodies_parse() {
        let form = parse(
            b"organization%5Bname%5D=Acme&x=1",
            "application/x-www-form-urlencoded",
        )
        .unwrap();
        assert_eq!(form, json!({"organization": {"name": "Acme"}, "x": "1"}));
        assert_eq!(parse(b"  ", "application/json").unwrap(), json!({}));
        assert!(parse(b"{bad", "application/json").is_err());
        assert!(parse(b"[1]", "application/json").is_err());
    }
}
