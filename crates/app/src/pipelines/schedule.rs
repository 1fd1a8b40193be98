//! Scheduled pipelines fire once per slot. An enabled scheduled pipeline keeps the queue
//! entry of its next firing; the firing, under the pipeline's lock, checks it is still that
//! entry, records a run for its slot (a slot holds one run: a unique index), and queues the
//! next firing, all in one transaction. So a firing that runs twice (a worker died after it
//! committed) or two processes racing on PostgreSQL still make one run per slot, and the
//! schedule survives restarts because it lives in the queue.

use std::time::Duration;

use ace_db::Session;
use ace_db::pipelines::{self as store, PipelineRecord};
use ace_domain::pipeline::Started;
use ace_domain::pipeline::trigger::{Trigger, config_of};
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tracing::warn;

use super::runs;
use super::wakeup::LANE;
use crate::{App, AppResult};

/// The job that fires a pipeline for one slot.
#[derive(Debug, Serialize, Deserialize)]
pub struct FirePipeline {
    pub pipeline_id: i64,
    /// The slot, in Unix milliseconds.
    pub slot_ms: i64,
}

impl Payload for FirePipeline {
    const KIND: &'static str = "pipeline_firing";
    const VERSION: u32 = 1;
}

/// The pipeline's trigger as stored.
pub(crate) fn trigger_of(record: &PipelineRecord) -> Option<Trigger> {
    let config = config_of(&record.trigger_config.0).ok()?;
    Trigger::parse(&record.trigger_type, &config, None).ok()
}

/// Withdraws the pipeline's queued firing and, when it is enabled and scheduled, queues one
/// for its next slot from now. Answers the withdrawn job, for [`after_rearm`].
pub(crate) async fn rearm(
    tx: &mut dyn Session,
    app: &App,
    record: &PipelineRecord,
) -> AppResult<Option<i64>> {
    let withdrawn = disarm(tx, app, record).await?;
    let next = trigger_of(record)
        .filter(|_| record.enabled)
        .and_then(|trigger| trigger.next_after(app.clock.now()));
    if let Some(slot) = next {
        let job = enqueue(tx, app, record, slot).await?;
        store::set_schedule(tx, record.id, Some((slot, job))).await?;
    }
    Ok(withdrawn)
}

/// Withdraws the pipeline's queued firing, if any.
pub(crate) async fn disarm(
    tx: &mut dyn Session,
    app: &App,
    record: &PipelineRecord,
) -> AppResult<Option<i64>> {
    let mut withdrawn = None;
    if let Some(job) = record.queue_job_id
        && app.queue.withdraw(tx, job).await?
    {
        withdrawn = Some(job);
    }
    store::set_schedule(tx, record.id, None).await?;
    Ok(withdrawn)
}

/// After the transaction of [`rearm`] or [`disarm`] committed.
pub(crate) fn after_rearm(app: &App, withdrawn: Option<i64>) {
    if let Some(job) = withdrawn {
        app.queue.abort_local(job);
    }
    app.queue.wake();
}

async fn enqueue(
    tx: &mut dyn Session,
    app: &App,
    record: &PipelineRecord,
    slot: DateTime<Utc>,
) -> AppResult<i64> {
    let payload = FirePipeline {
        pipeline_id: record.id,
        slot_ms: slot.timestamp_millis(),
    };
    let wait = (slot - app.clock.now()).to_std().unwrap_or(Duration::ZERO);
    let job = Enqueue::new(&payload, LANE, record.organization_id.get())
        .attempts(5)
        .after(wait);
    Ok(app.queue.enqueue(tx, &job).await?)
}

/// Fires scheduled pipelines.
pub struct PipelineFirings {
    app: App,
}

impl PipelineFirings {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for PipelineFirings {
    fn kind(&self) -> &'static str {
        FirePipeline::KIND
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<FirePipeline>() else {
                return Outcome::Done;
            };
            match fire(&app, &payload, job.id).await {
                Ok(()) => Outcome::Done,
                Err(err) => {
                    warn!(job = job.id, pipeline = payload.pipeline_id, error = %err, "a pipeline could not fire");
                    Outcome::Retry("ace could not fire the pipeline".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            warn!(job = job.id, %reason, "a pipeline's firing was given up; saving the pipeline arms it again");
        })
    }
}

/// One firing: a run for the slot, and the next firing queued.
async fn fire(app: &App, payload: &FirePipeline, job: i64) -> AppResult<()> {
    let Some(slot) = DateTime::from_timestamp_millis(payload.slot_ms) else {
        return Ok(());
    };
    let mut tx = app.db.begin().await?;
    store::lock(&mut tx, payload.pipeline_id).await?;
    let Some(record) = store::find(&mut tx, payload.pipeline_id).await? else {
        return Ok(());
    };
    if record.queue_job_id != Some(job) || !record.enabled {
        return Ok(());
    }
    runs::begin(&mut tx, app, &record, Started::Schedule, Some(slot), None).await?;
    // The next slot after this one and after now: slots missed while ace was down are not
    // made up, one by one.
    let after = slot.max(app.clock.now());
    match trigger_of(&record).and_then(|trigger| trigger.next_after(after)) {
        Some(next) => {
            let next_job = enqueue(&mut tx, app, &record, next).await?;
            store::set_schedule(&mut tx, record.id, Some((next, next_job))).await?;
        }
        None => store::set_schedule(&mut tx, record.id, None).await?,
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(())
}
