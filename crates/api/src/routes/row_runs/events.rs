//! Follow a row run live: a Server-Sent Events stream of `step` events (a step's status
//! changed; the step as `GET …/runs/{run_id}` shows it), `render` events, `progress` events
//! (`{progress, credits_spent}`) and `status` events (the run's status changed; the whole
//! run), ending after the run's terminal status.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use ace_app::Actor;
use ace_app::row_runs::RunView;
use ace_domain::ids::{AgentId, RowId, SpreadsheetId};
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde_json::json;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::dto::row_runs::RunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// How long to wait for a change notice before reading the run anyway.
const RECHECK: Duration = Duration::from_secs(2);

/// Streams the run's changes until it ends.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}/runs/{run_id}/events", tag = "Row Runs", operation_id = "followRowRun",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("run_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, description = "A text/event-stream of `step`, `render`, `progress` and `status` events, ending after the run's last status", content_type = "text/event-stream"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn follow_row_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row, run)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let changes = state.app.generation_events().subscribe();
    let (sheet, row) = (sheet.into_id(), row.into_id());
    let first = ace_app::row_runs::get(&state.app, &actor, agent, sheet, row, run.0).await?;
    let follower = Follower {
        state,
        actor,
        place: (agent, sheet, row, run.0),
        changes,
        next: Some(first),
        seen: Seen::default(),
        pending: Vec::new(),
        ended: false,
    };
    let events = futures::stream::unfold(follower, |mut follower| async move {
        follower
            .next_event()
            .await
            .map(|event| (Ok(event), follower))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// What the stream has told so far.
#[derive(Default)]
struct Seen {
    status: Option<String>,
    steps: HashMap<i64, String>,
    render: Option<String>,
    progress: Option<f64>,
}

struct Follower {
    state: ApiState,
    actor: Actor,
    place: (AgentId, SpreadsheetId, RowId, i64),
    changes: broadcast::Receiver<i64>,
    next: Option<RunView>,
    seen: Seen,
    /// Events worked out but not yet sent.
    pending: Vec<Event>,
    ended: bool,
}

impl Follower {
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if !self.pending.is_empty() {
                return Some(self.pending.remove(0));
            }
            if self.ended {
                return None;
            }
            let view = match self.next.take() {
                Some(view) => view,
                None => {
                    self.wait_for_change().await;
                    let (agent, sheet, row, run) = self.place;
                    match ace_app::row_runs::get(
                        &self.state.app,
                        &self.actor,
                        agent,
                        sheet,
                        row,
                        run,
                    )
                    .await
                    {
                        Ok(view) => view,
                        Err(_) => return None,
                    }
                }
            };
            self.pending = self.changes_in(&view);
        }
    }

    /// The events `view` holds that the stream has not told yet.
    fn changes_in(&mut self, view: &RunView) -> Vec<Event> {
        let body = RunResponse::from(view);
        let mut events = Vec::new();
        for step in &body.steps {
            if self.seen.steps.get(&step.column_id) != Some(&step.status) {
                self.seen.steps.insert(step.column_id, step.status.clone());
                events.push(event("step", &json!(step)));
            }
        }
        if let Some(render) = &body.render
            && self.seen.render.as_ref() != Some(&render.status)
        {
            self.seen.render = Some(render.status.clone());
            events.push(event("render", &json!(render)));
        }
        if self.seen.progress != Some(body.progress) {
            self.seen.progress = Some(body.progress);
            events.push(event(
                "progress",
                &json!({"progress": body.progress, "credits_spent": body.credits_spent}),
            ));
        }
        if self.seen.status.as_ref() != Some(&body.status) {
            self.seen.status = Some(body.status.clone());
            events.push(event("status", &json!(body)));
        }
        self.ended = view.is_terminal();
        events
    }

    /// Returns when the run may have changed.
    async fn wait_for_change(&mut self) {
        match tokio::time::timeout(RECHECK, self.changes.recv()).await {
            Ok(Ok(_) | Err(RecvError::Lagged(_))) | Err(_) => {}
            Ok(Err(RecvError::Closed)) => tokio::time::sleep(RECHECK).await,
        }
    }
}

fn event(name: &str, data: &serde_json::Value) -> Event {
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_default()
}
