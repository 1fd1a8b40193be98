//! Follow a generation live (an ace addition): a Server-Sent Events stream with one event
//! per status it enters, named after the status and carrying the generation object, ending
//! after the terminal one. Jobs that can tell how far they have come (renders) also send
//! `progress` events while processing, with the object's `progress` from 0 to 1. Polling
//! clients are unaffected.

use std::convert::Infallible;
use std::time::Duration;

use ace_app::Actor;
use ace_app::generations::GenerationView;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::UserJobId;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use super::response;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// How long to wait for a change notice before re-reading anyway.
const RECHECK: Duration = Duration::from_secs(15);

/// Streams the generation's status changes until it ends.
#[utoipa::path(get, path = "/v1/generations/{generation_id}/events", tag = "Generations", operation_id = "followGeneration",
    params(("generation_id" = i64, Path)),
    responses((status = 200, description = "A text/event-stream of `pending`, `processing`, `completed`, `failed` or `stopped` events, each with the generation object as data, and `progress` events while a render runs", content_type = "text/event-stream"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn follow_generation(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let id: UserJobId = id.into_id();
    // Subscribe before the first read, so no change falls between them.
    let changes = state.app.generation_events().subscribe();
    let first = ace_app::generations::get(&state.app, &actor, id).await?;
    let follower = Follower {
        state,
        actor,
        id,
        changes,
        next: Some(first),
        last_status: None,
        last_progress: None,
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

struct Follower {
    state: ApiState,
    actor: Actor,
    id: UserJobId,
    changes: broadcast::Receiver<i64>,
    next: Option<GenerationView>,
    last_status: Option<GenerationStatus>,
    last_progress: Option<f64>,
    ended: bool,
}

impl Follower {
    async fn next_event(&mut self) -> Option<Event> {
        while !self.ended {
            let view = match self.next.take() {
                Some(view) => view,
                None => {
                    self.wait_for_change().await;
                    match ace_app::generations::get(&self.state.app, &self.actor, self.id).await {
                        Ok(view) => view,
                        // Deleted, or access lost: end the stream.
                        Err(_) => return None,
                    }
                }
            };
            let status = view.status();
            let name = if self.last_status != Some(status) {
                status.as_str()
            } else if view.progress().is_some() && view.progress() != self.last_progress {
                "progress"
            } else {
                continue;
            };
            self.last_status = Some(status);
            self.last_progress = view.progress();
            self.ended = status.is_terminal();
            let body = response(&view, &self.state);
            let event = Event::default()
                .event(name)
                .json_data(&body)
                .unwrap_or_default();
            return Some(event);
        }
        None
    }

    /// Returns when this generation may have changed.
    async fn wait_for_change(&mut self) {
        loop {
            match tokio::time::timeout(RECHECK, self.changes.recv()).await {
                Ok(Ok(id)) if id == self.id.get() || id == 0 => return,
                Ok(Ok(_)) => {}
                Ok(Err(RecvError::Lagged(_))) | Err(_) => return,
                Ok(Err(RecvError::Closed)) => {
                    tokio::time::sleep(RECHECK).await;
                    return;
                }
            }
        }
    }
}
