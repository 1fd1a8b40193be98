//! Content monitoring (`train_social`): a one-time scrape, or monitoring that fetches again on
//! a schedule until it is turned off. Each cycle is one queued run: it reserves the most the
//! fetch can cost, fetches from the source serving the platform and search type, keeps what
//! came back, settles the charge to what was really fetched and, for monitoring, queues the
//! next cycle in the same transaction, so a job has one run at a time and survives restarts.
//! A cycle that cannot run (no source configured, nothing to pay with, the source refusing)
//! fails a one-time scrape with the reason; monitoring stays `processing`, keeps the error in
//! its result and tries again at the next cycle.

use std::time::Duration;

use ace_db::Session;
use ace_db::user_jobs::{self as store, Completion, Cycle, JobRecord, NewJob};
use ace_domain::credits::Credits;
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, OrganizationId, UserJobId};
use ace_domain::knowledge::monitoring::{MonitoringChanges, MonitoringRequest};
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload, StartError, exponential_backoff};
use ace_sources::{Fetched, Query, source::setting_for};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tracing::warn;

use super::GATHERING;
use super::keep::{Tally, keep};
use crate::credits::{self, Reservation};
use crate::generations::{GenerationView, load_view, reservation_of};
use crate::policy::{AgentNeed, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode, user_jobs};

/// The job that runs one cycle of a scrape or monitoring job.
#[derive(Debug, Serialize, Deserialize)]
pub struct GatherSocial {
    pub user_job_id: i64,
}

impl Payload for GatherSocial {
    const KIND: &'static str = "train_social";
    const VERSION: u32 = 1;
}

/// Runs before a transient failure (a rate limit, the source down) ends a cycle.
const ATTEMPTS: u32 = 5;
/// The queue lane of cycles no source serves.
const UNSERVED_LANE: &str = "sources";
/// The cycle errors a monitoring job's result keeps.
const ERRORS_KEPT: usize = 10;

/// Starts a scrape (or monitoring) for the agent from the job's `data`.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    data: &Value,
) -> AppResult<GenerationView> {
    let request = MonitoringRequest::from_data(data)?;
    let mut tx = app.db.begin().await?;
    let view = require_agent(&mut tx, actor, agent, AgentNeed::Edit, &GATHERING).await?;
    let organization = view.agent.organization_id;
    let balance = ace_db::credits::balance(&mut tx, organization).await?;
    if !balance.is_usable() {
        return Err(AppError::unprocessable(
            ErrorCode::NoActiveCreditPurchase,
            "This agent's workspace has no credits to pay for content monitoring. Add credits to continue.",
        ));
    }
    let job = start(&mut tx, app, agent, organization, &request).await?;
    let view = load_view(&mut tx, job).await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(view)
}

/// Changes a scrape or monitoring job with GEN's flat fields, while it is pending or
/// processing. Turning monitoring off between cycles ends the job with what it gathered.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: UserJobId,
    agent: Option<AgentId>,
    fields: &Map<String, Value>,
) -> AppResult<GenerationView> {
    let changes = MonitoringChanges::from_fields(fields);
    let mut tx = app.db.begin().await?;
    let job = user_jobs::open(&mut tx, actor, id, agent, AgentNeed::Edit).await?;
    if job.user_job_type != JobKind::TrainSocial {
        return Err(user_jobs::not_found(id));
    }
    if !matches!(
        job.status,
        GenerationStatus::Pending | GenerationStatus::Processing
    ) {
        return Err(status_invalid(job.status));
    }
    let current = MonitoringRequest::from_data(&job.data.0)?;
    let changed = current.changed(&changes)?;
    let (updated, withdrawn) = rewrite(&mut tx, app, &job, &current, &changed).await?;
    let view = load_view(&mut tx, updated).await?;
    tx.commit().await?;
    if let Some(queued) = withdrawn {
        app.queue.abort_local(queued);
    }
    Ok(view)
}

/// Records a scrape or monitoring job of the agent's and queues its first cycle, in `tx`.
pub(crate) async fn start(
    tx: &mut dyn Session,
    app: &App,
    agent: AgentId,
    organization: OrganizationId,
    request: &MonitoringRequest,
) -> AppResult<JobRecord> {
    let stored = request.to_data();
    let (posts, comments) = Query::of(request).most();
    let estimate = app.pricing.for_scraping(posts, comments).millis();
    let new = NewJob::of_agent(
        agent,
        organization,
        JobKind::TrainSocial,
        &stored,
        Some(&request.value),
        estimate,
    );
    let job = store::insert(tx, &new, app.clock.now()).await?;
    let queued = queue_cycle(tx, app, &job, request, Duration::ZERO).await?;
    store::attach_run(tx, job.id, None, queued).await?;
    store::find(tx, job.id)
        .await?
        .ok_or_else(|| user_jobs::not_found(job.id))
}

/// Rewrites a live job's request from `current` to `changed`, in `tx`. Turning monitoring off
/// between cycles completes the job with what it gathered; the queue entry withdrawn then is
/// returned, to abort locally once `tx` commits.
pub(crate) async fn rewrite(
    tx: &mut dyn Session,
    app: &App,
    job: &JobRecord,
    current: &MonitoringRequest,
    changed: &MonitoringRequest,
) -> AppResult<(JobRecord, Option<i64>)> {
    let now = app.clock.now();
    let updated = store::update_data(tx, job.id, &changed.to_data(), now)
        .await?
        .ok_or_else(|| status_invalid(job.status))?;
    let between_cycles = updated.status == GenerationStatus::Processing
        && updated.reservation_id.is_none()
        && Report::of(&updated).cycles > 0;
    if !(current.monitoring && !changed.monitoring && between_cycles) {
        return Ok((updated, None));
    }
    let mut withdrawn = None;
    if let Some(queued) = updated.queue_job_id
        && app.queue.withdraw(tx, queued).await?
    {
        withdrawn = Some(queued);
    }
    let mut report = Report::of(&updated);
    report.next_cycle_at = None;
    let result = report.to_value();
    let done = Completion {
        result: Some(&result),
        cost_millis: updated.execution_cost_millis,
        provider: updated.provider.as_deref().unwrap_or_default(),
        model: updated.model.as_deref().unwrap_or_default(),
        attached_resource: None,
    };
    let ended = store::complete(tx, job.id, &done, now).await?;
    Ok((ended.unwrap_or(updated), withdrawn))
}

/// Ends a monitoring job that is waiting (pending, or between cycles) at once, in `tx`; one
/// in the middle of a fetch ends when the fetch does. Returns the queue entry withdrawn, to
/// abort locally once `tx` commits.
pub(crate) async fn turn_off(
    tx: &mut dyn Session,
    app: &App,
    job: &JobRecord,
) -> AppResult<Option<i64>> {
    let current = MonitoringRequest::from_data(&job.data.0)?;
    if job.status == GenerationStatus::Pending {
        let withdrawn = match job.queue_job_id {
            Some(queued) if app.queue.withdraw(tx, queued).await? => Some(queued),
            _ => None,
        };
        let completed = GenerationStatus::Completed.as_str();
        store::end_unpaid(tx, job.id, completed, None, app.clock.now()).await?;
        return Ok(withdrawn);
    }
    let changed = MonitoringRequest {
        monitoring: false,
        ..current.clone()
    };
    Ok(rewrite(tx, app, job, &current, &changed).await?.1)
}

fn status_invalid(status: GenerationStatus) -> AppError {
    AppError::unprocessable(
        ErrorCode::JobStatusInvalid,
        format!("Only pending or processing jobs can be updated; this one is {status}."),
    )
}

/// Queues a cycle of `job` to run after `delay`, in the lane of the source serving it.
async fn queue_cycle(
    tx: &mut dyn Session,
    app: &App,
    job: &JobRecord,
    request: &MonitoringRequest,
    delay: Duration,
) -> AppResult<i64> {
    let lane = app
        .sources
        .serving(request.platform, request.search)
        .map_or(UNSERVED_LANE, |source| source.name());
    let tenant = job.organization_id.unwrap_or_default();
    let payload = GatherSocial {
        user_job_id: job.id.get(),
    };
    let enqueue = Enqueue::new(&payload, lane, tenant)
        .attempts(ATTEMPTS)
        .after(delay);
    Ok(app.queue.enqueue(tx, &enqueue).await?)
}

/// What a scrape or monitoring job's `result` holds: its last cycle, the errors of recent
/// cycles and when the next one runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Report {
    /// The last cycle that fetched: posts and comments fetched, new and already known.
    #[serde(flatten)]
    last: Tally,
    /// Cycles run, fetching or not.
    cycles: u64,
    cycle_started_at: Option<String>,
    cycle_finished_at: Option<String>,
    /// Why the last fetch stopped early, when it did.
    cut_short: Option<String>,
    /// The error of the last cycle, `None` when it fetched without one.
    last_error: Option<String>,
    /// The errors of recent cycles, oldest first.
    errors: Vec<CycleError>,
    /// When monitoring fetches next; `None` once it ends.
    next_cycle_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct CycleError {
    at: String,
    error: String,
}

impl Report {
    fn of(job: &JobRecord) -> Self {
        job.result
            .as_ref()
            .and_then(|result| serde_json::from_value(result.0.clone()).ok())
            .unwrap_or_default()
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn fetched(
        &mut self,
        tally: Tally,
        cut_short: Option<String>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) {
        self.cycles += 1;
        self.last = tally;
        self.cycle_started_at = Some(stamp(from));
        self.cycle_finished_at = Some(stamp(to));
        self.last_error.clone_from(&cut_short);
        if let Some(why) = &cut_short {
            self.remember(why.clone(), to);
        }
        self.cut_short = cut_short;
    }

    fn missed(&mut self, error: String, at: DateTime<Utc>) {
        self.cycles += 1;
        self.last_error = Some(error.clone());
        self.remember(error, at);
    }

    fn remember(&mut self, error: String, at: DateTime<Utc>) {
        self.errors.push(CycleError {
            at: stamp(at),
            error,
        });
        let excess = self.errors.len().saturating_sub(ERRORS_KEPT);
        self.errors.drain(..excess);
    }
}

/// Runs the cycles of scrape and monitoring jobs.
pub struct GatherJobs {
    app: App,
}

impl GatherJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for GatherJobs {
    fn kind(&self) -> &'static str {
        GatherSocial::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.app.settings.generation_retry_base;
        exponential_backoff(attempt, base, base.saturating_mul(64))
    }

    fn started<'a>(
        &'a self,
        tx: &'a mut dyn Session,
        jobs: &'a mut [Job],
    ) -> BoxFuture<'a, Result<(), StartError>> {
        let ids: Vec<UserJobId> = jobs.iter().filter_map(user_job_id).collect();
        Box::pin(crate::user_jobs::start_claimed(
            tx,
            self.app.clock.now(),
            ids,
        ))
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            crate::user_jobs::outcome_of(
                cycle(&app, &job).await,
                job.id,
                "content monitoring cycle",
            )
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(id) = user_job_id(&job) else { return };
            if let Err(err) = missed(&app, id, job.id, reason).await {
                warn!(user_job = %id, error = %err, "could not record a missed monitoring cycle");
            }
        })
    }
}

fn user_job_id(job: &Job) -> Option<UserJobId> {
    job.readable_payload::<GatherSocial>()
        .map(|payload| UserJobId::new(payload.user_job_id))
}

/// The job of `id` if this run (queue entry `run`) is still the one that runs it.
async fn current(db: &mut dyn Session, id: UserJobId, run: i64) -> AppResult<Option<JobRecord>> {
    Ok(store::find(db, id)
        .await?
        .filter(|job| job.status == GenerationStatus::Processing && job.queue_job_id == Some(run)))
}

async fn cycle(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = user_job_id(job) else {
        return Ok(Outcome::Done);
    };
    let mut conn = app.db.conn().await?;
    let Some(record) = current(&mut conn, id, job.id).await? else {
        return Ok(Outcome::Done);
    };
    drop(conn);
    // A reservation left open by a run that died is handed back before anything else.
    release(app, &record, reservation_of(&record)?).await?;
    let request = match MonitoringRequest::from_data(&record.data.0) {
        Ok(request) => request,
        Err(err) => {
            let reason = format!("The stored request is no longer valid: {err}.");
            return missed(app, id, job.id, reason).await;
        }
    };
    let query = Query::of(&request);
    let Some(source) = app.sources.serving(query.platform, query.search) else {
        let reason = format!(
            "No source is configured for {} {} searches; set {}.",
            query.platform,
            query.search,
            setting_for(query.platform)
        );
        return missed(app, id, job.id, reason).await;
    };
    let (posts, comments) = query.most();
    let estimate = app.pricing.for_scraping(posts, comments);
    let reservation = match hold(app, &record, estimate).await? {
        Ok(reservation) => reservation,
        Err(reason) => return missed(app, id, job.id, reason).await,
    };
    let started_at = app.clock.now();
    match source.fetch(&query).await {
        Ok(fetched) => {
            let finished = Finished {
                source: source.name(),
                platform: query.platform.as_str(),
                reservation,
                fetched,
                started_at,
            };
            finish(app, id, job.id, finished).await
        }
        Err(err) => {
            release(app, &record, reservation).await?;
            if err.is_transient() && !job.is_last_attempt() {
                Ok(Outcome::Retry(err.to_string()))
            } else {
                let reason = format!("{} could not fetch: {err}.", source.name());
                missed(app, id, job.id, reason).await
            }
        }
    }
}

/// Reserves what the cycle may cost; `Err` with the reason the workspace cannot pay.
async fn hold(
    app: &App,
    record: &JobRecord,
    estimate: Credits,
) -> AppResult<Result<Option<Reservation>, String>> {
    if !estimate.is_positive() {
        return Ok(Ok(None));
    }
    let Some(organization) = record
        .organization_id
        .map(ace_domain::ids::OrganizationId::new)
    else {
        return Ok(Err("The job has no workspace to pay for it.".into()));
    };
    let mut tx = app.db.begin().await?;
    let reference = format!("user_job:{}", record.id);
    let reservation = match credits::reserve(
        &mut tx,
        organization,
        estimate,
        &reference,
        app.clock.now(),
    )
    .await
    {
        Ok(reservation) => reservation,
        Err(err)
            if matches!(
                err.code,
                ErrorCode::UsableGenCreditRequired | ErrorCode::InsufficientCreditsForJob
            ) =>
        {
            return Ok(Err(format!("Skipped: {}", err.message)));
        }
        Err(err) => return Err(err),
    };
    if !store::hold(
        &mut tx,
        record.id,
        Some(reservation.id.get()),
        estimate.millis(),
    )
    .await?
    {
        // Stopped or ended meanwhile: nothing is held.
        return Ok(Err("The job ended before its cycle ran.".into()));
    }
    tx.commit().await?;
    Ok(Ok(Some(reservation)))
}

/// Hands a cycle's reservation back.
async fn release(app: &App, record: &JobRecord, reservation: Option<Reservation>) -> AppResult<()> {
    let Some(reservation) = reservation else {
        return Ok(());
    };
    let mut tx = app.db.begin().await?;
    credits::refund(&mut tx, reservation, app.clock.now()).await?;
    store::hold(&mut tx, record.id, None, record.estimate_millis).await?;
    tx.commit().await?;
    Ok(())
}

/// A fetch that came back.
struct Finished {
    source: &'static str,
    platform: &'static str,
    reservation: Option<Reservation>,
    fetched: Fetched,
    started_at: DateTime<Utc>,
}

/// Keeps what a cycle fetched, settles its charge, and ends the scrape or queues monitoring's
/// next cycle, in one transaction.
async fn finish(app: &App, id: UserJobId, run: i64, done: Finished) -> AppResult<Outcome> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let Some(record) = current(&mut tx, id, run).await? else {
        // Stopped meanwhile: whatever was held goes back.
        if let Some(reservation) = done.reservation {
            credits::refund(&mut tx, reservation, now).await?;
        }
        tx.commit().await?;
        return Ok(Outcome::Done);
    };
    let tally = keep(
        &mut tx,
        record.agent_id,
        id,
        &done.fetched.posts,
        &done.fetched.comments,
        now,
    )
    .await?;
    let held = done.reservation.map_or(Credits::ZERO, |r| r.amount);
    let cost = app
        .pricing
        .for_scraping(tally.posts_fetched, tally.comments_fetched)
        .min(held);
    if let Some(reservation) = done.reservation {
        credits::settle(&mut tx, reservation, cost, now).await?;
    }
    let mut report = Report::of(&record);
    report.fetched(tally, done.fetched.cut_short, done.started_at, now);
    let request = MonitoringRequest::from_data(&record.data.0)?;
    if request.monitoring {
        let next = queue_cycle(
            &mut tx,
            app,
            &record,
            &request,
            app.settings.monitoring_interval,
        )
        .await?;
        report.next_cycle_at = Some(stamp(after(now, app.settings.monitoring_interval)));
        let cycle = Cycle {
            result: &report.to_value(),
            cost_millis: cost.millis(),
            provider: Some(done.source),
            next_run: Some(next),
        };
        store::record_cycle(&mut tx, id, &cycle, now).await?;
    } else {
        report.next_cycle_at = None;
        let result = report.to_value();
        let completion = Completion {
            result: Some(&result),
            cost_millis: record.execution_cost_millis + cost.millis(),
            provider: done.source,
            model: done.platform,
            attached_resource: None,
        };
        store::complete(&mut tx, id, &completion, now).await?;
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(Outcome::Done)
}

/// A cycle that could not fetch: a one-time scrape fails with `reason`; monitoring keeps the
/// error and tries again at its next cycle.
async fn missed(app: &App, id: UserJobId, run: i64, reason: String) -> AppResult<Outcome> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let Some(record) = current(&mut tx, id, run).await? else {
        return Ok(Outcome::Done);
    };
    let request = MonitoringRequest::from_data(&record.data.0).ok();
    match request.filter(|request| request.monitoring) {
        None => {
            store::end_unpaid(
                &mut tx,
                id,
                GenerationStatus::Failed.as_str(),
                Some(&reason),
                now,
            )
            .await?;
        }
        Some(request) => {
            let interval = app.settings.monitoring_interval;
            let next = queue_cycle(&mut tx, app, &record, &request, interval).await?;
            let mut report = Report::of(&record);
            report.missed(reason, now);
            report.next_cycle_at = Some(stamp(after(now, interval)));
            let cycle = Cycle {
                result: &report.to_value(),
                cost_millis: 0,
                provider: None,
                next_run: Some(next),
            };
            store::record_cycle(&mut tx, id, &cycle, now).await?;
        }
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(Outcome::Done)
}

/// `delay` after `now`.
fn after(now: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    now + chrono::TimeDelta::from_std(delay).unwrap_or_else(|_| chrono::TimeDelta::days(365))
}

/// A time as ace writes them: `2026-03-01T12:00:00.000Z`.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
