//! Following a run live over Server-Sent Events: read it, send what changed since the last
//! read, wait for a change notice from the generation feed (or a recheck), and read again,
//! until it has ended. Each stream says what it reads and what it tells ([`Followed`]).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::Event;
use futures::Stream;
use futures::future::BoxFuture;
use tokio::sync::broadcast::{self, error::RecvError};

/// How long to wait for a change notice before reading anyway.
const RECHECK: Duration = Duration::from_secs(2);

/// A run a stream follows.
pub(crate) trait Followed: Send + 'static {
    type View: Send + 'static;

    /// Reads the run afresh; `None` (gone, or access lost) ends the stream.
    fn read(&mut self) -> BoxFuture<'_, Option<Self::View>>;

    /// The events `view` holds that were not told yet, and whether the run has ended.
    fn tell(&mut self, view: &Self::View) -> (Vec<Event>, bool);
}

/// The stream of `followed`'s changes, from `first` on. Subscribe to `changes` before
/// reading `first`, so no change falls between them.
pub(crate) fn follow<F: Followed>(
    followed: F,
    first: F::View,
    changes: broadcast::Receiver<i64>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let state = State {
        followed,
        changes,
        next: Some(first),
        pending: VecDeque::new(),
        ended: false,
    };
    futures::stream::unfold(state, |mut state| async move {
        state.next_event().await.map(|event| (Ok(event), state))
    })
}

struct State<F: Followed> {
    followed: F,
    changes: broadcast::Receiver<i64>,
    next: Option<F::View>,
    /// Events worked out but not yet sent.
    pending: VecDeque<Event>,
    ended: bool,
}

impl<F: Followed> State<F> {
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            let view = match self.next.take() {
                Some(view) => view,
                None => {
                    self.wait_for_change().await;
                    self.followed.read().await?
                }
            };
            let (events, ended) = self.followed.tell(&view);
            self.pending.extend(events);
            self.ended = ended;
        }
    }

    /// Returns when the run may have changed.
    async fn wait_for_change(&mut self) {
        match tokio::time::timeout(RECHECK, self.changes.recv()).await {
            Ok(Ok(_) | Err(RecvError::Lagged(_))) | Err(_) => {}
            Ok(Err(RecvError::Closed)) => tokio::time::sleep(RECHECK).await,
        }
    }
}

/// An event named `name` carrying `data`.
pub(crate) fn event(name: &str, data: &serde_json::Value) -> Event {
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_default()
}
