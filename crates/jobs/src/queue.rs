//! The queue handle the rest of ace holds: queue work inside a transaction, withdraw it, and
//! wake or cancel the workers of this process. Other processes hear of both over
//! PostgreSQL `NOTIFY`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ace_db::queue::{self as store, NewQueued};
use ace_db::{Database, DbResult, Session, notify};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::task::AbortHandle;

use crate::payload::{Payload, encode};

/// How often [`Queue::idle`] looks again for jobs that other processes settle.
const OTHER_PROCESSES: Duration = Duration::from_millis(250);

/// The channel that tells workers new work is due.
pub(crate) const WAKE_CHANNEL: &str = "ace_jobs_wake";
/// The channel that tells workers to cancel a job (the payload is its id).
pub(crate) const CANCEL_CHANNEL: &str = "ace_jobs_cancel";

/// Work to queue: a typed payload, the lane it runs in and whose work it is.
#[derive(Clone, Debug)]
pub struct Enqueue<'a> {
    kind: &'static str,
    payload: Value,
    /// The concurrency group (a provider, say).
    lane: &'a str,
    /// Whose work it is, for fairness (an organization id).
    tenant: i64,
    max_attempts: u32,
    /// How long to wait before the first run.
    delay: Duration,
}

impl<'a> Enqueue<'a> {
    /// `payload`'s job, run once, at once, in `lane` for `tenant`.
    pub fn new<P: Payload>(payload: &P, lane: &'a str, tenant: i64) -> Self {
        Self {
            kind: P::KIND,
            payload: encode(payload),
            lane,
            tenant,
            max_attempts: 1,
            delay: Duration::ZERO,
        }
    }

    /// Runs it up to `attempts` times before giving up.
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Waits `delay` before the first run.
    #[must_use]
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// The shared handle: cheap to clone.
#[derive(Clone)]
pub struct Queue {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    wake: Notify,
    /// Fired whenever a job of this process leaves the queue or is put back.
    settled: Notify,
    /// Jobs running in this process: their worker and a handle that aborts them.
    running: Mutex<HashMap<i64, (String, AbortHandle)>>,
}

impl Queue {
    pub fn new(db: Database) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                wake: Notify::new(),
                settled: Notify::new(),
                running: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    /// Queues work in the caller's transaction and returns the job id. Call [`Queue::wake`]
    /// once the transaction commits.
    pub async fn enqueue(&self, tx: &mut dyn Session, job: &Enqueue<'_>) -> DbResult<i64> {
        let now = now_ms();
        let new = NewQueued {
            kind: job.kind,
            payload: &job.payload,
            lane: job.lane,
            tenant: job.tenant,
            max_attempts: i64::from(job.max_attempts.max(1)),
            run_at_ms: now + millis(job.delay),
        };
        let id = store::enqueue(tx, &new, now).await?;
        notify::after_commit(tx, WAKE_CHANNEL, "");
        Ok(id)
    }

    /// Wakes this process's workers (other processes were told at commit).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Says jobs of this process were settled (finished, given up or put back).
    pub(crate) fn announce_settled(&self) {
        self.inner.settled.notify_waiters();
    }

    /// Waits until no job is queued or running, in any process: each has run, been retried
    /// as often as it was going to be, or been given up. A job queues its follow-ups before it
    /// ends, so an empty queue means the work has come to rest (a job that never ends keeps
    /// this waiting). For tests, tools and shutdown.
    pub async fn idle(&self) -> DbResult<()> {
        self.rest(None).await
    }

    /// Like [`Queue::idle`], but jobs queued to run more than `horizon` from now (the next
    /// cycle of a monitoring job, say) may stay queued.
    pub async fn idle_within(&self, horizon: Duration) -> DbResult<()> {
        self.rest(Some(horizon)).await
    }

    async fn rest(&self, horizon: Option<Duration>) -> DbResult<()> {
        loop {
            let settled = self.inner.settled.notified();
            tokio::pin!(settled);
            settled.as_mut().enable();
            let mut conn = self.db().conn().await?;
            let outstanding = match horizon {
                None => store::outstanding(&mut conn).await?,
                Some(horizon) => {
                    store::outstanding_by(&mut conn, now_ms() + millis(horizon)).await?
                }
            };
            drop(conn);
            if outstanding == 0 {
                return Ok(());
            }
            // Other processes' settlements are not heard here; look again now and then.
            let _ = tokio::time::timeout(OTHER_PROCESSES, settled).await;
        }
    }

    /// Runs every queued job of `P`'s kind now rather than when it was due (the next cycles
    /// of monitoring jobs, say), and wakes the workers. Returns how many were brought forward.
    pub async fn run_now<P: Payload>(&self) -> DbResult<u64> {
        let mut tx = self.db().begin().await?;
        let moved = store::bring_forward(&mut tx, P::KIND, now_ms()).await?;
        notify::after_commit(&mut tx, WAKE_CHANNEL, "");
        tx.commit().await?;
        self.wake();
        Ok(moved)
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await;
    }

    /// Withdraws a job in the caller's transaction, whoever runs it. Call
    /// [`Queue::abort_local`] once the transaction commits; other processes abort theirs
    /// when they hear of it, or at their next heartbeat at the latest.
    pub async fn withdraw(&self, tx: &mut dyn Session, id: i64) -> DbResult<bool> {
        let removed = store::remove(tx, id).await?;
        notify::notify(tx, CANCEL_CHANNEL, &id.to_string()).await?;
        Ok(removed)
    }

    /// Aborts the job if it runs in this process: its future is dropped, which kills its
    /// child processes and aborts its requests.
    pub fn abort_local(&self, id: i64) {
        if let Some((_, handle)) = self.running().remove(&id) {
            handle.abort();
        }
        self.announce_settled();
    }

    pub(crate) fn track(&self, id: i64, worker: &str, handle: AbortHandle) {
        self.running().insert(id, (worker.to_owned(), handle));
    }

    pub(crate) fn untrack(&self, id: i64) {
        self.running().remove(&id);
    }

    /// The jobs `worker` runs in this process.
    pub(crate) fn running_for(&self, worker: &str) -> Vec<i64> {
        self.running()
            .iter()
            .filter(|(_, (owner, _))| owner == worker)
            .map(|(id, _)| *id)
            .collect()
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (String, AbortHandle)>> {
        self.inner
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX / 4)
}
