//! Announcing generation status changes: a change is recorded in the transaction that made
//! it (a `NOTIFY` for other processes, webhook and callback deliveries for the agent; when it
//! ends, the row's STATS cell and, for a step of a row run, the run's next advance), and once
//! committed it pokes this process's live streams. A poke carries only the job id;
//! listeners re-read the job, so duplicates and reordering are harmless.

use std::time::Duration;

use ace_db::Session;
use ace_db::notify::{self, Heard};
use ace_db::user_jobs::{JobRecord, OutputRecord};
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tracing::warn;

use super::GenerationView;
use crate::automation::delivery::{self, Routes};
use crate::{App, AppResult};

/// The channel other processes hear changes on (the payload is the job id).
pub(crate) const CHANNEL: &str = "ace_generations";

/// This process's feed of changed generation ids.
#[derive(Clone, Debug)]
pub struct Bus {
    sender: broadcast::Sender<i64>,
}

impl Default for Bus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl Bus {
    /// Hears every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.sender.subscribe()
    }

    /// Says generation `id` changed.
    pub fn poke(&self, id: i64) {
        let _ = self.sender.send(id);
    }
}

/// Records that `job` entered its current status (with `outputs`, what a completed job
/// made): tells other processes at commit and queues deliveries on the agent's `routes`.
/// Poke the bus after the commit.
pub(crate) async fn announce(
    tx: &mut dyn Session,
    app: &App,
    routes: &Routes,
    job: &JobRecord,
    outputs: &[OutputRecord],
) -> AppResult<()> {
    notify::after_commit(tx, CHANNEL, &job.id.get().to_string());
    let status = job.status;
    let event = delivery::Event {
        routes,
        agent: job.agent_id,
        tenant: job.organization_id.unwrap_or_default(),
        event_type: &format!("generation.{}", job.status),
        terminal: status.is_terminal(),
    };
    if status.is_terminal() {
        if let Some(cell) = job.cell_id {
            crate::row_runs::stats::refresh(tx, cell, app.clock.now()).await?;
        }
        if let Some(run) = job.row_run_id
            && let Some(run) = ace_db::row_runs::find(tx, run).await?
        {
            crate::row_runs::wakeup::queue_advance(tx, app, &run).await?;
        }
    }
    delivery::queue_event(tx, app, &event, || {
        event_data(
            app,
            &GenerationView {
                job: job.clone(),
                outputs: outputs.to_vec(),
            },
        )
    })
    .await?;
    Ok(())
}

/// A generation event's `data`: GEN's generation object and where it belongs.
fn event_data(app: &App, view: &GenerationView) -> Value {
    let mut data = serde_json::to_value(view.object(app)).unwrap_or_default();
    if let Value::Object(map) = &mut data {
        let job = &view.job;
        map.insert("agent_id".into(), json!(job.agent_id.get()));
        map.insert("spreadsheet_id".into(), json!(job.spreadsheet_id));
        map.insert("cell_id".into(), json!(job.cell_id));
        map.insert("layer_id".into(), json!(job.layer_id));
    }
    data
}

/// Forwards other processes' changes to this process's bus, for as long as it runs
/// (PostgreSQL only; returns at once on SQLite).
pub async fn follow(app: App) {
    loop {
        let mut listener = match app.db.listen(&[CHANNEL]).await {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(err) => {
                warn!(error = %err, "could not listen for generation changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            match listener.next().await {
                Ok(Heard::Notice(notice)) => {
                    if let Ok(id) = notice.payload.parse() {
                        app.generation_events.poke(id);
                    }
                }
                // Changes may have been missed: streams re-read on any poke, so poke them all.
                Ok(Heard::Gap) => app.generation_events.poke(0),
                Err(err) => {
                    warn!(error = %err, "lost the generation change listener; reconnecting");
                    break;
                }
            }
        }
    }
}
