//! Waking a pipeline run: the `pipeline_run` job that moves a run along its actions, queued
//! in the transaction of whatever a run waits on when it ends (an agent run, a batch of row
//! runs). It stands apart from the runs so that those can wake one without knowing how
//! pipelines work.

use ace_db::Session;
use ace_db::pipeline_runs as store;
use ace_jobs::{Enqueue, Payload};
use serde::{Deserialize, Serialize};

use crate::{App, AppResult};

/// The job that moves one pipeline run along.
#[derive(Debug, Serialize, Deserialize)]
pub struct AdvancePipelineRun {
    pub pipeline_run_id: i64,
}

impl Payload for AdvancePipelineRun {
    const KIND: &'static str = "pipeline_run";
    const VERSION: u32 = 1;
}

/// The lane of pipeline jobs: quick bookkeeping, never waiting on a provider.
pub(crate) const LANE: &str = "pipelines";

/// What a run waits on, as stored.
pub(crate) fn agent_run(id: &str) -> String {
    format!("agent_run:{id}")
}

/// What a run waits on, as stored.
pub(crate) fn row_batch(id: i64) -> String {
    format!("row_batch:{id}")
}

/// Queues a job that moves run `id` along, in the caller's transaction.
pub(crate) async fn queue_advance(
    tx: &mut dyn Session,
    app: &App,
    id: i64,
    tenant: i64,
) -> AppResult<()> {
    let payload = AdvancePipelineRun {
        pipeline_run_id: id,
    };
    let job = Enqueue::new(&payload, LANE, tenant).attempts(10);
    app.queue.enqueue(tx, &job).await?;
    Ok(())
}

/// Wakes the runs waiting on `what`, in the caller's transaction.
pub(crate) async fn wake(tx: &mut dyn Session, app: &App, what: &str) -> AppResult<()> {
    for (run, tenant) in store::wake_waiting(tx, what).await? {
        queue_advance(tx, app, run, tenant).await?;
    }
    Ok(())
}
