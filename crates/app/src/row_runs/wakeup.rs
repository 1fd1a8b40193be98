//! Waking a run: the `row_run` job that moves one run forward, queued in the transaction of
//! whatever changed (a run starting, a step's generation ending, a batch making room). It
//! stands apart from the runs themselves so that a generation ending can wake its run
//! without knowing how runs work.

use ace_db::Session;
use ace_db::row_runs::RunRecord;
use ace_jobs::{Enqueue, Payload};
use serde::{Deserialize, Serialize};

use crate::{App, AppResult};

/// The job that moves one run forward.
#[derive(Debug, Serialize, Deserialize)]
pub struct AdvanceRowRun {
    pub row_run_id: i64,
}

impl Payload for AdvanceRowRun {
    const KIND: &'static str = "row_run";
    const VERSION: u32 = 1;
}

/// The lane those jobs run in: quick bookkeeping, never waiting on a provider.
const LANE: &str = "row_runs";

/// Queues a job that moves `run` forward, in the caller's transaction.
pub(crate) async fn queue_advance(
    tx: &mut dyn Session,
    app: &App,
    run: &RunRecord,
) -> AppResult<()> {
    let payload = AdvanceRowRun { row_run_id: run.id };
    let enqueue = Enqueue::new(&payload, LANE, run.organization_id).attempts(10);
    app.queue.enqueue(tx, &enqueue).await?;
    Ok(())
}
