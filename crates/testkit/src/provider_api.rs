//! A stand-in for a provider's HTTP API, for adapter tests: it listens on 127.0.0.1, records
//! every request, and answers each one as the test's script says, so an adapter is tested
//! against the wire format it claims to speak.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::Value;

/// One request the provider received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The path with its query, such as `/v1/text-to-speech/abc/with-timestamps?output_format=mp3_44100_128`.
    pub path: String,
    /// Header names in lowercase.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// Whether the body holds `needle` (for multipart bodies).
    pub fn body_contains(&self, needle: &[u8]) -> bool {
        self.body
            .windows(needle.len().max(1))
            .any(|window| window == needle)
    }
}

type Script = dyn Fn(&Seen, usize) -> Response + Send + Sync;

struct Shared {
    seen: Mutex<Vec<Seen>>,
    script: Box<Script>,
}

/// A running stand-in provider.
#[derive(Clone)]
pub struct ProviderApi {
    /// Its base URL (`http://127.0.0.1:port`).
    pub url: String,
    shared: Arc<Shared>,
}

impl ProviderApi {
    /// Starts a provider that answers request number `n` (from 0) with `script(&seen, n)`.
    pub async fn start(script: impl Fn(&Seen, usize) -> Response + Send + Sync + 'static) -> Self {
        let shared = Arc::new(Shared {
            seen: Mutex::new(Vec::new()),
            script: Box::new(script),
        });
        let router = Router::new()
            .fallback(any(receive))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the provider");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url: format!("http://{address}"),
            shared,
        }
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = Seen {
        method: method.to_string(),
        path: uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), ToString::to_string),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let n = {
        let mut all = shared.seen.lock().unwrap_or_else(PoisonError::into_inner);
        all.push(seen.clone());
        all.len() - 1
    };
    (shared.script)(&seen, n)
}

/// A JSON answer.
pub fn reply_json(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).expect("a status code");
    (status, axum::Json(body.clone())).into_response()
}

/// An answer of raw bytes.
pub fn reply_bytes(content_type: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, content_type.to_owned())],
        bytes,
    )
        .into_response()
}
