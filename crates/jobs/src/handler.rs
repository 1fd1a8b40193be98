//! What a kind of job does: run it, say how long to wait before retrying it, and record that
//! it was given up on.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use ace_db::Session;
use futures::future::BoxFuture;
use serde_json::Value;
use tracing::warn;

use crate::payload::{Payload, PayloadError, decode};

/// A claimed job, as its handler sees it.
#[derive(Clone, Debug)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// As stored; read it with [`Job::payload`].
    pub(crate) payload: Value,
    pub lane: String,
    pub tenant: i64,
    /// This attempt's number, from 1.
    pub attempt: u32,
    pub max_attempts: u32,
    /// What [`Handler::started`] learned about the job, handed on to [`Handler::run`].
    pub context: Context,
}

impl Job {
    /// The job's typed payload; an error when the job is of another kind, carries a newer
    /// version than this build reads, or is not of the payload's shape.
    pub fn payload<P: Payload>(&self) -> Result<P, PayloadError> {
        decode(&self.kind, &self.payload)
    }

    /// The typed payload, or `None` (with a warning naming the job) when it cannot be read:
    /// for handlers that can only end such a job.
    pub fn readable_payload<P: Payload>(&self) -> Option<P> {
        self.payload()
            .inspect_err(|err| warn!(job = self.id, error = %err, "a job's payload is unreadable"))
            .ok()
    }
}

/// Whatever a handler's `started` hook keeps for the run that follows (what it read or
/// wrote while starting), so the run need not read it again. Empty for a job that started
/// elsewhere or earlier.
#[derive(Clone, Default)]
pub struct Context(Option<Arc<dyn Any + Send + Sync>>);

impl Context {
    pub fn set<T: Any + Send + Sync>(&mut self, value: T) {
        self.0 = Some(Arc::new(value));
    }

    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.as_deref().and_then(|value| value.downcast_ref())
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Context(set)"
        } else {
            "Context(empty)"
        })
    }
}

impl Job {
    /// Whether a failure now would be the last one allowed.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Finished (successfully or not: the handler recorded what happened). The job leaves
    /// the queue.
    Done,
    /// A transient failure: run again after the handler's backoff, or give up if this was
    /// the last attempt.
    Retry(String),
}

/// One kind of job. Runs must be idempotent: a run can be repeated after a crash, so a
/// handler checks what was already done before doing it again.
pub trait Handler: Send + Sync + 'static {
    /// The kind this handler runs, as stored in the queue.
    fn kind(&self) -> &'static str;

    /// How long to wait after failed attempt number `attempt` (from 1).
    fn backoff(&self, attempt: u32) -> Duration {
        exponential_backoff(attempt, Duration::from_secs(2), Duration::from_secs(300))
    }

    /// Runs inside the transaction that claims `jobs` (all of this kind, all about to run),
    /// so whatever a start means to the jobs' owners (a generation turning `processing`,
    /// say) commits together with the claim, or not at all. An error rolls the claim back.
    /// A job can start more than once (reclaimed after its worker died), so this must be
    /// idempotent. What it sets in a job's [`Context`] reaches that job's run. The default
    /// does nothing.
    fn started<'a>(
        &'a self,
        tx: &'a mut dyn Session,
        jobs: &'a mut [Job],
    ) -> BoxFuture<'a, Result<(), StartError>> {
        let _ = (tx, jobs);
        Box::pin(async { Ok(()) })
    }

    /// Runs the job. Dropping the future cancels it: handlers hold child processes with
    /// `kill_on_drop` and abortable requests, so cancellation really stops the work.
    fn run(&self, job: Job) -> BoxFuture<'static, Outcome>;

    /// Records that the job will not run again: its attempts ran out (`reason` says why).
    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()>;
}

/// Why [`Handler::started`] failed.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// `base × 2^(attempt-1)`, at most `cap`.
pub fn exponential_backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
    base.saturating_mul(factor).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let base = Duration::from_secs(2);
        let cap = Duration::from_secs(60);
        let waits: Vec<u64> = (1..=7)
            .map(|attempt| exponential_backoff(attempt, base, cap).as_secs())
            .collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(exponential_backoff(u32::MAX, base, cap), cap);
    }
}
