//! Settling finished runs in batches. A run's outcome (finished, or due again later) is
//! handed to the worker's settler, which writes whatever has gathered in one go: one
//! statement deletes every finished job. Under load many outcomes share a write; when idle
//! each is written at once. Until its outcome is written a job keeps its lease, so a crash
//! in between only means the job runs again, which handlers allow.

use ace_db::queue as store;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;

use crate::queue::Queue;

/// The most outcomes one write settles.
const BATCH: usize = 256;

/// How a run left its job.
#[derive(Clone, Debug)]
pub(crate) enum Settlement {
    /// Done with: the job leaves the queue.
    Finished(i64),
    /// Run again at `run_at_ms`.
    Retry {
        id: i64,
        run_at_ms: i64,
        error: String,
    },
}

/// Where runs hand their outcomes.
#[derive(Clone)]
pub(crate) struct Settler {
    outcomes: mpsc::UnboundedSender<Settlement>,
}

impl Settler {
    /// Starts settling for `worker`. The task ends once every `Settler` clone is dropped
    /// and what they sent is written.
    pub(crate) fn start(queue: Queue, worker: String) -> (Self, JoinHandle<()>) {
        let (outcomes, received) = mpsc::unbounded_channel();
        let task = tokio::spawn(settle(queue, worker, received));
        (Self { outcomes }, task)
    }

    pub(crate) fn settle(&self, settlement: Settlement) {
        // The receiver lives until every sender is gone, so this cannot fail.
        let _ = self.outcomes.send(settlement);
    }
}

async fn settle(queue: Queue, worker: String, mut received: mpsc::UnboundedReceiver<Settlement>) {
    let mut batch = Vec::with_capacity(BATCH);
    while received.recv_many(&mut batch, BATCH).await > 0 {
        if let Err(err) = write(&queue, &worker, &batch).await {
            warn!(worker = %worker, error = %err, jobs = batch.len(),
                "could not settle jobs; their leases will lapse and they will run again");
        }
        queue.announce_settled();
        batch.clear();
    }
}

async fn write(queue: &Queue, worker: &str, batch: &[Settlement]) -> ace_db::DbResult<()> {
    let finished: Vec<i64> = batch
        .iter()
        .filter_map(|settlement| match settlement {
            Settlement::Finished(id) => Some(*id),
            Settlement::Retry { .. } => None,
        })
        .collect();
    let mut conn = queue.db().writer().await?;
    if !finished.is_empty() {
        store::finish_many(&mut conn, &finished, worker).await?;
    }
    for settlement in batch {
        if let Settlement::Retry {
            id,
            run_at_ms,
            error,
        } = settlement
        {
            store::requeue(&mut conn, *id, worker, *run_at_ms, Some(error), false).await?;
        }
    }
    Ok(())
}
