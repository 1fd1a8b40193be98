//! Follow a run live, without a key (the link's token is the credential, as a browser's
//! `EventSource` cannot send one).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;

use crate::error::{ApiResult, ErrorBody};
use crate::state::ApiState;

/// How often the stream looks for new events.
const POLL: Duration = Duration::from_millis(400);

/// The stream link's token.
#[derive(Debug, Deserialize)]
pub struct StreamToken {
    token: Option<String>,
}

/// Streams the run's progress as Server-Sent Events: `status` (running, awaiting_approval
/// with the `pending_action`, completed or failed), `plan` (the numbered steps), `thinking`
/// (the step under way), `message` (the answer) and `done`, after which the stream ends.
/// Each event has an `id`; reconnecting with `Last-Event-ID` resumes after it. The link is
/// the `firebase_path` a run answers with; it stops working a day after the run ends. Polling
/// `GET /v1/agent/runs/{run_id}` stays authoritative.
#[utoipa::path(get, path = "/v1/agent/runs/{run_id}/stream", tag = "Agent Chat", operation_id = "followAgentRun",
    params(("run_id" = String, Path), ("token" = String, Query), ("Last-Event-ID" = Option<i64>, Header)),
    responses((status = 200, description = "A text/event-stream of `status`, `plan`, `thinking`, `message` and `done` events", content_type = "text/event-stream"),
        (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn follow_agent_run(
    State(state): State<ApiState>,
    Path(run_id): Path<String>,
    Query(query): Query<StreamToken>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let token = query.token.unwrap_or_default();
    let after = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let (first, ended) =
        ace_app::agent_runs::stream_events(&state.app, &run_id, &token, after).await?;
    let follower = Follower {
        state,
        run_id,
        token,
        after,
        pending: first.into_iter().map(event).collect(),
        ended,
        first: true,
    };
    let events = futures::stream::unfold(follower, |mut follower| async move {
        follower.next().await.map(|event| (Ok(event), follower))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

struct Follower {
    state: ApiState,
    run_id: String,
    token: String,
    /// The id of the last event read.
    after: i64,
    pending: Vec<(i64, Event)>,
    /// The run had ended when its events were last read.
    ended: bool,
    first: bool,
}

impl Follower {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if !self.pending.is_empty() {
                let (id, event) = self.pending.remove(0);
                self.after = id;
                return Some(event);
            }
            if self.ended {
                return None;
            }
            if !self.first {
                tokio::time::sleep(POLL).await;
            }
            self.first = false;
            let (events, ended) = ace_app::agent_runs::stream_events(
                &self.state.app,
                &self.run_id,
                &self.token,
                self.after,
            )
            .await
            .ok()?;
            self.pending = events.into_iter().map(event).collect();
            self.ended = ended;
        }
    }
}

fn event(record: ace_app::agent_runs::EventRecord) -> (i64, Event) {
    let event = Event::default()
        .id(record.id.to_string())
        .event(record.event)
        .json_data(record.data.0)
        .unwrap_or_default();
    (record.id, event)
}
