//! Follow a row run live: a Server-Sent Events stream of `step` events (a step's status
//! changed; the step as `GET …/runs/{run_id}` shows it), `render` events, `progress` events
//! (`{progress, credits_spent}`) and `status` events (the run's status changed; the whole
//! run), ending after the run's terminal status.

use std::collections::HashMap;
use std::convert::Infallible;

use ace_app::Actor;
use ace_app::row_runs::RunView;
use ace_domain::ids::{AgentId, RowId, SpreadsheetId};
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use futures::future::BoxFuture;
use serde_json::json;

use crate::dto::row_runs::RunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::routes::following::{Followed, event, follow};
use crate::state::ApiState;

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
    let followed = RowRun {
        state,
        actor,
        place: (agent, sheet, row, run.0),
        seen: Seen::default(),
    };
    Ok(Sse::new(follow(followed, first, changes)).keep_alive(KeepAlive::default()))
}

/// What the stream has told so far.
#[derive(Default)]
struct Seen {
    status: Option<String>,
    steps: HashMap<i64, String>,
    render: Option<String>,
    progress: Option<f64>,
}

struct RowRun {
    state: ApiState,
    actor: Actor,
    place: (AgentId, SpreadsheetId, RowId, i64),
    seen: Seen,
}

impl Followed for RowRun {
    type View = RunView;

    fn read(&mut self) -> BoxFuture<'_, Option<RunView>> {
        let (agent, sheet, row, run) = self.place;
        Box::pin(async move {
            ace_app::row_runs::get(&self.state.app, &self.actor, agent, sheet, row, run)
                .await
                .ok()
        })
    }

    fn tell(&mut self, view: &RunView) -> (Vec<Event>, bool) {
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
        (events, view.is_terminal())
    }
}
