//! Follow a pipeline run live: a Server-Sent Events stream of `action` events (an action's
//! state changed; the action as `GET …/runs/{run_id}` shows it), `credits` events
//! (`{credits_spent, budget_credits}`) and `status` events (the run's status changed; the
//! whole run), ending after the run's terminal status.

use std::collections::HashMap;
use std::convert::Infallible;

use ace_app::Actor;
use ace_app::pipelines::runs::RunView;
use ace_domain::ids::{AgentId, SpreadsheetId};
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use futures::future::BoxFuture;
use serde_json::json;

use crate::dto::pipelines::PipelineRunResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::routes::following::{Followed, event, follow};
use crate::state::ApiState;

/// Streams the run's changes until it ends.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/pipelines/{pipeline_id}/runs/{run_id}/events", tag = "Pipelines", operation_id = "followPipelineRun",
    params(("sheet_id" = i64, Path), ("pipeline_id" = i64, Path), ("run_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, description = "A text/event-stream of `action`, `credits` and `status` events, ending after the run's last status", content_type = "text/event-stream"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn follow_pipeline_run(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, pipeline, run)): Path<(RawId, RawId, RawId)>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // A generation ending is the likeliest moment for a run to move; the recheck covers the
    // rest (an agent run, a post).
    let changes = state.app.generation_events().subscribe();
    let sheet = sheet.into_id();
    let first =
        ace_app::pipelines::runs::get(&state.app, &actor, agent, sheet, pipeline.0, run.0).await?;
    let followed = PipelineRun {
        state,
        actor,
        place: (agent, sheet, pipeline.0, run.0),
        seen: Seen::default(),
    };
    Ok(Sse::new(follow(followed, first, changes)).keep_alive(KeepAlive::default()))
}

/// What the stream has told so far.
#[derive(Default)]
struct Seen {
    status: Option<String>,
    /// Each action as last told.
    actions: HashMap<usize, String>,
    credits: Option<f64>,
}

struct PipelineRun {
    state: ApiState,
    actor: Actor,
    place: (AgentId, SpreadsheetId, i64, i64),
    seen: Seen,
}

impl Followed for PipelineRun {
    type View = RunView;

    fn read(&mut self) -> BoxFuture<'_, Option<RunView>> {
        let (agent, sheet, pipeline, run) = self.place;
        Box::pin(async move {
            ace_app::pipelines::runs::get(&self.state.app, &self.actor, agent, sheet, pipeline, run)
                .await
                .ok()
        })
    }

    fn tell(&mut self, view: &RunView) -> (Vec<Event>, bool) {
        let (agent, sheet, _, _) = self.place;
        let body = PipelineRunResponse::of(view, sheet.get(), agent.get());
        let mut events = Vec::new();
        for (index, action) in body.actions.iter().enumerate() {
            let told = json!(action).to_string();
            if self.seen.actions.get(&index) != Some(&told) {
                self.seen.actions.insert(index, told);
                events.push(event("action", &json!(action)));
            }
        }
        if self.seen.credits != Some(body.credits_spent) {
            self.seen.credits = Some(body.credits_spent);
            events.push(event(
                "credits",
                &json!({"credits_spent": body.credits_spent, "budget_credits": body.budget_credits}),
            ));
        }
        if self.seen.status.as_ref() != Some(&body.status) {
            self.seen.status = Some(body.status.clone());
            events.push(event("status", &json!(body)));
        }
        (events, view.record.status.has_ended())
    }
}
