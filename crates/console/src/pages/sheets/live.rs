//! The grid's live stream (Server-Sent Events, read by the browser's own `EventSource`):
//! whenever a generation changes, the vidsheet is read again and each cell whose fragment
//! changed is sent as a `swap` event, `{"id", "html"}`. Changes arriving together are read
//! once. A stream whose page was drawn from an older reading (its `digest` differs) starts
//! by sending every cell.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::{self, error::RecvError};

use super::SheetPlace;
use super::cell::read_engine;
use super::grid::{digest, fragments};
use crate::Console;
use crate::layout::failure;
use crate::session::Signed;

/// How long to wait for a change before reading anyway (a change made by another process
/// whose notice was missed still shows).
const RECHECK: Duration = Duration::from_secs(10);
/// How long changes are gathered before one reading.
const GATHER: Duration = Duration::from_millis(250);

/// What the page's stream URL carries.
#[derive(Deserialize)]
pub struct Drawn {
    #[serde(default)]
    digest: String,
}

pub async fn events(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<SheetPlace>,
    Query(drawn): Query<Drawn>,
) -> Response {
    // Subscribe before the first reading, so no change falls between them.
    let changes = console.app.generation_events().subscribe();
    let engine = match read_engine(&console, &signed, place).await {
        Ok(engine) => engine,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let cells = fragments(place, &engine, &signed.csrf);
    let stale = digest(&cells) != drawn.digest;
    let mut watch = Watch {
        console,
        signed,
        place,
        changes,
        shown: HashMap::new(),
        pending: VecDeque::new(),
    };
    watch.compare(cells, stale);
    let stream = futures::stream::unfold(watch, |mut watch| async move {
        watch
            .next_event()
            .await
            .map(|event| (Ok::<_, Infallible>(event), watch))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

struct Watch {
    console: Console,
    signed: Signed,
    place: SheetPlace,
    changes: broadcast::Receiver<i64>,
    /// Each cell's fragment as last sent or drawn.
    shown: HashMap<String, String>,
    pending: VecDeque<Event>,
}

impl Watch {
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if !self.wait().await {
                return None;
            }
            // A vidsheet that can no longer be read (deleted, access lost) ends the stream.
            let engine = read_engine(&self.console, &self.signed, self.place)
                .await
                .ok()?;
            let cells = fragments(self.place, &engine, &self.signed.csrf);
            self.compare(cells, false);
        }
    }

    /// Queues the cells that differ from what was shown (every one when `all`).
    fn compare(&mut self, cells: Vec<Vec<(String, String)>>, all: bool) {
        for (id, html) in cells.into_iter().flatten() {
            if id.is_empty() {
                continue;
            }
            if all || self.shown.get(&id).is_some_and(|shown| *shown != html) {
                let data = json!({ "id": id, "html": html }).to_string();
                self.pending
                    .push_back(Event::default().event("swap").data(data));
            }
            self.shown.insert(id, html);
        }
    }

    /// Waits for a change (or the recheck), then gathers the ones right behind it; false when
    /// the feed has closed.
    async fn wait(&mut self) -> bool {
        if let Ok(Err(RecvError::Closed)) = tokio::time::timeout(RECHECK, self.changes.recv()).await
        {
            return false;
        }
        tokio::time::sleep(GATHER).await;
        loop {
            match self.changes.try_recv() {
                Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                Err(broadcast::error::TryRecvError::Empty) => return true,
                Err(broadcast::error::TryRecvError::Closed) => return false,
            }
        }
    }
}
