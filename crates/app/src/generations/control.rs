//! Stopping and continuing. Stop ends a pending or running generation at once: the run is
//! withdrawn from the queue and aborted wherever it runs (its provider call dropped, its
//! child processes killed) and the reservation is refunded. Continue charges again and
//! queues a new run of a stopped generation.

use ace_db::user_jobs as store;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::UserJobId;

use super::{GenerationView, events, load_view, open, queue_run, reservation_of};
use crate::automation::delivery;
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode, credits};

/// Stops a pending or processing generation and refunds it.
pub async fn stop(app: &App, actor: &Actor, id: UserJobId) -> AppResult<GenerationView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let job = open(&mut tx, actor, id, AgentNeed::Edit).await?;
    // The queue row first, as a claim locks it before the generation: the other order
    // deadlocks with a worker claiming the run at this moment (PostgreSQL).
    if let Some(queued) = job.queue_job_id {
        app.queue.withdraw(&mut tx, queued).await?;
    }
    let stopped = store::end_unpaid(&mut tx, id, GenerationStatus::Stopped.as_str(), None, now)
        .await?
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::JobCannotBeStopped,
                format!(
                    "Generation {id} is {}; only a pending or processing generation can be stopped.",
                    job.status
                ),
            )
        })?;
    if let Some(reservation) = reservation_of(&job)? {
        credits::refund(&mut tx, reservation, now).await?;
    }
    let routes = delivery::routes(&mut tx, job.agent_id).await?;
    events::announce(&mut tx, app, &routes, &stopped, &[]).await?;
    let view = load_view(&mut tx, stopped).await?;
    tx.commit().await?;
    if let Some(queued) = job.queue_job_id {
        app.queue.abort_local(queued);
    }
    app.generation_events.poke(id.get());
    Ok(view)
}

/// Charges a stopped generation again and queues it.
pub async fn resume(app: &App, actor: &Actor, id: UserJobId) -> AppResult<GenerationView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let job = open(&mut tx, actor, id, AgentNeed::Edit).await?;
    let not_stopped = || {
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Generation {id} is {}; only a stopped generation can be continued.",
                job.status
            ),
        )
    };
    let resumed = store::resume(&mut tx, id, job.estimate_millis, now)
        .await?
        .ok_or_else(not_stopped)?;
    let lane = super::lanes::lane_of(app, &resumed).ok_or_else(not_stopped)?;
    if resumed.estimate_millis <= 0 {
        credits::require_usable(&mut tx, super::organization_of(&resumed)?).await?;
    }
    queue_run(&mut tx, app, &resumed, &lane).await?;
    let routes = delivery::routes(&mut tx, job.agent_id).await?;
    events::announce(&mut tx, app, &routes, &resumed, &[]).await?;
    let view = load_view(&mut tx, resumed).await?;
    tx.commit().await?;
    app.queue.wake();
    app.generation_events.poke(id.get());
    Ok(view)
}
