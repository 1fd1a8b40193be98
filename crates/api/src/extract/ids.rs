//! Ids in paths, queries and bodies. A path id that is not a number cannot name any resource;
//! it reads as id 0, which no row has, so each use case answers with its own documented
//! not-found error instead of a generic one.

use ace_domain::ids::{AgentId, parse_raw_id};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;
use crate::extract::body::body_value;

/// An id segment of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawId(pub i64);

impl RawId {
    pub fn into_id<T: From<i64>>(self) -> T {
        T::from(self.0)
    }
}

impl<'de> Deserialize<'de> for RawId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(RawId(parse_raw_id(&text).unwrap_or(0)))
    }
}

/// The `agent_id` a request is scoped to: from the query, or else from the body's top level.
#[derive(Clone, Copy, Debug)]
pub struct AgentParam(pub AgentId);

impl AgentParam {
    /// Reads an `agent_id` as sent; it is required.
    pub fn parse(raw: Option<String>) -> Result<AgentParam, ApiError> {
        let raw = raw.ok_or_else(|| {
            ApiError::validation("agent_id is required (as a query parameter or in the body).")
        })?;
        parse_raw_id(&raw)
            .map(|id| AgentParam(AgentId::new(id)))
            .map_err(|_| ApiError::validation(format!("agent_id {raw:?} must be a numeric id.")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AgentParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let from_query = parts.uri.query().and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "agent_id")
                .map(|(_, value)| value.into_owned())
        });
        let raw = match from_query {
            Some(text) => Some(text),
            None => match body_value(parts).get("agent_id") {
                Some(serde_json::Value::String(text)) => Some(text.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            },
        };
        AgentParam::parse(raw)
    }
}
