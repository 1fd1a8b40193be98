//! Waiting for a generation the way a live client does: following its event stream
//! (`GET /v1/generations/{id}/events`) until it enters a status. No polling, no sleeps; the
//! stream ends after a terminal status, so waiting for one it never reaches fails at once.

use std::time::Duration;

use serde_json::Value;

use super::Client;

/// A safety net for a generation that never moves (a bug under test), not a timing check.
const STUCK: Duration = Duration::from_secs(300);

/// Follows generation `id` until it is in `status`; returns the generation object as the
/// stream carried it, checked against the contract.
pub async fn wait_for(client: &Client, id: i64, status: &str) -> Value {
    follow_until(client, id, status, |event| event == status).await
}

/// Follows generation `id` until it has ended: completed, failed or stopped.
pub async fn wait_until_ended(client: &Client, id: i64) -> Value {
    follow_until(client, id, "ended", |event| {
        matches!(event, "completed" | "failed" | "stopped")
    })
    .await
}

async fn follow_until(
    client: &Client,
    id: i64,
    status: &str,
    reached: impl Fn(&str) -> bool,
) -> Value {
    let path = format!("/v1/generations/{id}/events");
    let mut response = client
        .request(reqwest::Method::GET, &path)
        .send()
        .await
        .expect("the event stream opens");
    assert_eq!(response.status(), 200, "following generation {id}");
    let mut buffer = String::new();
    let mut seen = Vec::new();
    let mut last = Value::Null;
    loop {
        let chunk = tokio::time::timeout(STUCK, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("generation {id} never became {status}: saw {seen:?}"))
            .expect("the event stream reads");
        let Some(chunk) = chunk else {
            panic!("generation {id} ended without becoming {status}: saw {seen:?}, last {last}");
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let event = frame.lines().find_map(|line| line.strip_prefix("event: "));
            let data = frame.lines().find_map(|line| line.strip_prefix("data: "));
            let (Some(event), Some(data)) = (event, data) else {
                continue;
            };
            if event == "progress" {
                continue;
            }
            seen.push(event.to_owned());
            let body: Value = serde_json::from_str(data).expect("events carry JSON");
            if reached(event) {
                crate::contract().assert_conforms("getGeneration", 200, &body);
                return body;
            }
            last = body;
        }
    }
}
