//! A local HTTP receiver for webhooks and callbacks: it records every request and can be
//! told to fail the first few or to never answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::any;

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    failures_left: AtomicU32,
    hang: AtomicBool,
}

/// A running receiver on 127.0.0.1.
#[derive(Clone)]
pub struct WebhookSink {
    /// Its base URL (`http://127.0.0.1:port`).
    pub url: String,
    shared: Arc<Shared>,
}

impl WebhookSink {
    /// Starts a receiver that answers 200.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .fallback(any(receive))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the sink");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url: format!("http://{address}"),
            shared,
        }
    }

    /// Answers 500 to the next `times` requests.
    pub fn fail_next(&self, times: u32) {
        self.shared.failures_left.store(times, Ordering::SeqCst);
    }

    /// Never answers (records, then waits forever).
    pub fn hang(&self, hang: bool) {
        self.shared.hang.store(hang, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `count` requests matched `filter`, and returns them; panics after
    /// `within`.
    pub async fn wait_for(
        &self,
        count: usize,
        within: Duration,
        filter: impl Fn(&Received) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let matched: Vec<Received> = self.received().into_iter().filter(&filter).collect();
            if matched.len() >= count {
                return matched;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the sink got {} of {count} expected requests",
                matched.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    shared
        .received
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Received {
            path: uri.path().to_owned(),
            headers,
            body: body.to_vec(),
        });
    if shared.hang.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let left = shared.failures_left.load(Ordering::SeqCst);
    if left > 0 {
        shared.failures_left.store(left - 1, Ordering::SeqCst);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}
