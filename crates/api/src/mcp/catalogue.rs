//! How a tool is described and called. A [`Tool`] carries its name and arguments as GEN's MCP
//! server has them (every id a string), what it costs, and the function that runs it: that
//! function calls the REST route's own handler in-process with the extractors built from the
//! arguments, so a tool and its route share every rule, shape and error.

use std::fmt::Write;
use std::sync::Arc;

use ace_app::Actor;
use ace_domain::ids::parse_raw_id;
use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::body::{ParsedBody, read_as, unwrap_resource};
use crate::extract::query::parse_query;
use crate::extract::{
    AgentParam, Authenticated, FormData, FormOrJson, JsonAs, Query, RawId, Resource, Wrapped,
};
use crate::state::ApiState;

/// What a tool runs.
pub type Run = fn(Call) -> BoxFuture<'static, ApiResult<Value>>;

/// One tool.
pub struct Tool {
    pub name: &'static str,
    /// What it does, for the model choosing a tool.
    pub about: &'static str,
    /// What it costs in credits.
    pub cost: Cost,
    pub args: &'static [Arg],
    pub run: Run,
}

/// What a tool costs.
#[derive(Clone, Copy, Debug)]
pub enum Cost {
    Free,
    /// Charged as it says (a generation's estimate, an agent run's tokens …).
    Charged(&'static str),
}

/// One argument.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub about: &'static str,
}

/// An argument's JSON type.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Number,
    Flag,
    Object,
    Texts,
    /// A list of objects.
    Objects,
    OneOf(&'static [&'static str]),
}

impl Arg {
    /// A required string.
    pub const fn text(name: &'static str, about: &'static str) -> Arg {
        Arg {
            name,
            kind: Kind::Text,
            required: true,
            about,
        }
    }

    pub const fn of(self, kind: Kind) -> Arg {
        Arg { kind, ..self }
    }

    pub const fn optional(self) -> Arg {
        Arg {
            required: false,
            ..self
        }
    }
}

impl Tool {
    /// The description the model reads: what it does, then what it costs.
    pub fn description(&self) -> String {
        let mut text = self.about.to_owned();
        match self.cost {
            Cost::Free => text.push_str(" Costs no credits."),
            Cost::Charged(how) => {
                let _ = write!(text, " Costs credits: {how}");
            }
        }
        text
    }

    /// The JSON Schema of its arguments.
    pub fn input_schema(&self) -> Map<String, Value> {
        let properties: Map<String, Value> = self
            .args
            .iter()
            .map(|arg| {
                let mut schema = match arg.kind {
                    Kind::Text => json!({"type": "string"}),
                    Kind::Number => json!({"type": "number"}),
                    Kind::Flag => json!({"type": "boolean"}),
                    Kind::Object => json!({"type": "object"}),
                    Kind::Texts => json!({"type": "array", "items": {"type": "string"}}),
                    Kind::Objects => json!({"type": "array", "items": {"type": "object"}}),
                    Kind::OneOf(values) => json!({"type": "string", "enum": values}),
                };
                schema["description"] = arg.about.into();
                (arg.name.to_owned(), schema)
            })
            .collect();
        let required: Vec<&str> = self
            .args
            .iter()
            .filter(|arg| arg.required)
            .map(|arg| arg.name)
            .collect();
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        schema
    }

    /// Checks `args` against the declared arguments: each required one present, none unknown,
    /// each of its type (an id may come as a number too).
    pub fn check(&self, args: &Map<String, Value>) -> ApiResult<()> {
        for arg in self.args {
            let value = args.get(arg.name).filter(|value| !value.is_null());
            let Some(value) = value else {
                if arg.required {
                    return Err(ApiError::validation(format!("{} is required.", arg.name)));
                }
                continue;
            };
            let fits = match arg.kind {
                Kind::Text => value.is_string() || value.is_number(),
                Kind::Number => value.is_number(),
                Kind::Flag => value.is_boolean(),
                Kind::Object => value.is_object(),
                Kind::Texts => value
                    .as_array()
                    .is_some_and(|items| items.iter().all(Value::is_string)),
                Kind::Objects => value
                    .as_array()
                    .is_some_and(|items| items.iter().all(Value::is_object)),
                Kind::OneOf(values) => value.as_str().is_some_and(|v| values.contains(&v)),
            };
            if !fits {
                let expected = match arg.kind {
                    Kind::Text => "a string".to_owned(),
                    Kind::Number => "a number".to_owned(),
                    Kind::Flag => "true or false".to_owned(),
                    Kind::Object => "an object".to_owned(),
                    Kind::Texts => "a list of strings".to_owned(),
                    Kind::Objects => "a list of objects".to_owned(),
                    Kind::OneOf(values) => format!("one of {}", values.join(", ")),
                };
                return Err(ApiError::validation(format!(
                    "{} must be {expected}.",
                    arg.name
                )));
            }
        }
        if let Some(unknown) = args
            .keys()
            .find(|key| !self.args.iter().any(|arg| arg.name == key.as_str()))
        {
            return Err(ApiError::validation(format!(
                "{unknown} is not an argument of {}.",
                self.name
            )));
        }
        Ok(())
    }
}

/// One call of a tool: who calls, and with what.
pub struct Call {
    pub state: ApiState,
    pub actor: Actor,
    pub args: Map<String, Value>,
}

impl Call {
    pub fn state(&self) -> State<ApiState> {
        State(self.state.clone())
    }

    pub fn caller(&self) -> Authenticated {
        Authenticated(self.actor.clone())
    }

    /// A string argument as text (a number is taken as written); `None` when absent.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.args.get(name)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    /// An id argument as the route reads a path segment (a non-number names nothing).
    pub fn raw_id(&self, name: &str) -> RawId {
        let text = self.text(name).unwrap_or_default();
        RawId(parse_raw_id(&text).unwrap_or(0))
    }

    /// An id argument as a path.
    pub fn path_id(&self, name: &str) -> Path<RawId> {
        Path(self.raw_id(name))
    }

    /// `agent_id`, read as the routes read it.
    pub fn agent(&self) -> ApiResult<AgentParam> {
        AgentParam::parse(self.text("agent_id"))
    }

    /// The named arguments that are set, as a query string read the route's way.
    pub fn query<T: DeserializeOwned>(&self, names: &[&str]) -> ApiResult<Query<T>> {
        let RawQuery(query) = self.raw_query(names);
        parse_query(&query.unwrap_or_default()).map(Query)
    }

    /// The named arguments that are set, as a raw query string.
    pub fn raw_query(&self, names: &[&str]) -> RawQuery {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for name in names {
            if let Some(value) = self.text(name) {
                query.append_pair(name, &value);
            }
        }
        RawQuery(Some(query.finish()))
    }

    /// The named arguments that are set, as a JSON object.
    pub fn fields(&self, names: &[&str]) -> Map<String, Value> {
        names
            .iter()
            .filter_map(|name| {
                let value = self.args.get(*name).filter(|value| !value.is_null())?;
                Some(((*name).to_owned(), value.clone()))
            })
            .collect()
    }

    /// The named arguments that are set, as a body GEN may wrap under `T`'s key.
    pub fn wrapped<T: Resource>(&self, names: &[&str]) -> ApiResult<Wrapped<T>> {
        unwrap_resource(&Value::Object(self.fields(names))).map(Wrapped)
    }

    /// `body` read as `T`, as a route reads a body GEN never wraps.
    pub fn json_as<T: DeserializeOwned>(&self, body: Value) -> ApiResult<JsonAs<T>> {
        read_as(body).map(JsonAs)
    }

    /// `body` as a JSON request body.
    pub fn body(&self, body: Value) -> FormOrJson {
        FormOrJson(FormData {
            value: body,
            uploads: Vec::new(),
        })
    }

    /// `body` as a whole JSON request, for a route that reads the request itself.
    pub fn request(&self, body: Value) -> Request {
        let mut request = Request::new(Body::empty());
        request.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        request.extensions_mut().insert(ParsedBody(Arc::new(body)));
        request
    }
}

/// A handler's answer as the tool's result.
pub trait Answer {
    fn into_value(self) -> Value;
}

impl<T: Serialize> Answer for Json<T> {
    fn into_value(self) -> Value {
        serde_json::to_value(self.0).unwrap_or(Value::Null)
    }
}

impl<T: Serialize> Answer for (StatusCode, Json<T>) {
    fn into_value(self) -> Value {
        self.1.into_value()
    }
}

impl Answer for StatusCode {
    fn into_value(self) -> Value {
        json!({"status": self.as_u16()})
    }
}

/// A handler's result as a tool's.
pub fn answer(result: ApiResult<impl Answer>) -> ApiResult<Value> {
    result.map(Answer::into_value)
}

/// The result of a handler that builds its own response (its status varies), as a tool's:
/// the response's JSON body.
pub async fn answer_response(result: ApiResult<Response>) -> ApiResult<Value> {
    let bytes = to_bytes(result?.into_body(), usize::MAX)
        .await
        .map_err(|err| internal(anyhow::Error::new(err).context("reading a handler's answer")))?;
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes)
        .map_err(|err| internal(anyhow::Error::new(err).context("a handler's answer is not JSON")))
}

fn internal(err: anyhow::Error) -> ApiError {
    ApiError(ace_app::AppError::internal(err))
}
