//! Row runs (an ace addition): "make this row's video" in one call. A run generates every
//! cell of a row whose column has a creation card and no value yet (all of them when forced),
//! in the order their cards depend on each other, independent cells at once, then renders the
//! row's final video. Each cell is an ordinary generation: charged, refunded, announced,
//! visible in `GET /v1/generations/{id}`. A run is driven by `row_run` jobs on the job engine,
//! one queued whenever one of its generations ends, so it survives restarts and needs no
//! worker to wait. A dry run plans and prices without starting anything; batches run many
//! rows, a few at a time.

mod advance;
pub mod batches;
mod planning;
pub(crate) mod stats;
pub(crate) mod wakeup;

use ace_db::Session;
use ace_db::row_runs::{self as store, NewRun, NewStep, RunRecord, StepRecord};
use ace_db::sheets::engines::{self, SheetRecord};
use ace_db::user_jobs::{self as jobs, JobRecord};
use ace_domain::credits::Credits;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, OrganizationId, RowId, SpreadsheetId, UserJobId};
use ace_domain::sheet::run_status::{RunStatus, StepState, generation_has_ended};

pub use advance::RowRunJobs;
pub use planning::{RowPlanView, StepPlan};

use self::wakeup::queue_advance;
use crate::policy::AgentNeed;
use crate::sheets::{agent_access, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorCode, credits};

/// What a run asks for.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Regenerate cells that have a value too.
    pub force: bool,
}

/// A step of a run as it stands.
#[derive(Clone, Debug)]
pub struct StepView {
    pub(crate) step: StepRecord,
    pub(crate) generation: Option<JobRecord>,
}

impl StepView {
    pub fn column_id(&self) -> i64 {
        self.step.column_id
    }

    pub fn column_title(&self) -> &str {
        &self.step.column_title
    }

    /// The card's type, as planned.
    pub fn generation_type(&self) -> &str {
        &self.step.generation_type
    }

    /// The generation it started, once started.
    pub fn generation_id(&self) -> Option<i64> {
        self.step.generation_id
    }

    /// The generations' words. A kept cell is completed; a skipped step stopped; a refused
    /// one failed.
    pub fn status(&self) -> GenerationStatus {
        match (self.step.state, &self.generation) {
            (StepState::Started, Some(job)) => job.status,
            (StepState::Kept, _) => GenerationStatus::Completed,
            (StepState::Skipped, _) => GenerationStatus::Stopped,
            (StepState::Refused, _) | (StepState::Started, None) => GenerationStatus::Failed,
            (StepState::Waiting, _) => GenerationStatus::Pending,
        }
    }

    /// Why it did not (or will not) complete, or that its value was kept.
    pub fn reason(&self) -> Option<String> {
        match (self.step.state, &self.generation) {
            (StepState::Started, Some(job)) => job.failed_reason.clone(),
            (StepState::Started, None) => Some("its generation was deleted".to_owned()),
            (StepState::Kept, _) => {
                Some("the cell has a value, which is kept (force: true regenerates it)".to_owned())
            }
            _ => self.step.reason.clone(),
        }
    }

    fn credits(&self) -> Credits {
        self.generation.as_ref().map_or(Credits::ZERO, |job| {
            Credits::from_millis(job.execution_cost_millis)
        })
    }
}

/// A run as it stands: its steps and its render.
#[derive(Clone, Debug)]
pub struct RunView {
    pub(crate) run: RunRecord,
    pub(crate) steps: Vec<StepView>,
    pub(crate) render: Option<JobRecord>,
}

impl RunView {
    pub fn id(&self) -> i64 {
        self.run.id
    }

    pub fn row_id(&self) -> i64 {
        self.run.row_id
    }

    pub fn steps(&self) -> &[StepView] {
        &self.steps
    }

    /// The render's generation and its status, once the render started.
    pub fn render(&self) -> Option<(UserJobId, GenerationStatus)> {
        self.render.as_ref().map(|job| (job.id, job.status))
    }

    pub fn failed_reason(&self) -> Option<&str> {
        self.run.failed_reason.as_deref()
    }

    /// The generations' words; a run waiting in its batch is pending.
    pub fn status(&self) -> GenerationStatus {
        self.run.status.as_generation_status()
    }

    /// What its generations and render have cost so far.
    pub fn credits_spent(&self) -> Credits {
        let render = self.render.as_ref().map_or(Credits::ZERO, |job| {
            Credits::from_millis(job.execution_cost_millis)
        });
        self.steps
            .iter()
            .fold(render, |sum, step| sum + step.credits())
    }

    /// The share of its work that has ended, 0 to 1 (the render counts as one step).
    pub fn progress(&self) -> f64 {
        let ended = self
            .steps
            .iter()
            .filter(|step| generation_has_ended(step.status()))
            .count()
            + usize::from(
                self.render
                    .as_ref()
                    .is_some_and(|job| generation_has_ended(job.status)),
            );
        ended as f64 / (self.steps.len() + 1) as f64
    }

    pub fn is_terminal(&self) -> bool {
        self.run.status.has_ended()
    }
}

/// Plans a run of a row and prices it, starting nothing and charging nothing.
pub async fn dry_run(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    row: RowId,
    options: RunOptions,
) -> AppResult<RowPlanView> {
    let mut conn = app.db.conn().await?;
    let (_, engine) = engine_to_run(&mut conn, actor, agent, sheet, false).await?;
    planning::plan_row(app, &mut conn, agent, &engine, row, options.force).await
}

/// The engine a run goes in, once the caller may change the agent's engines and, for a run
/// that charges, its workspace has usable credits; with the workspace.
async fn engine_to_run(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    charging: bool,
) -> AppResult<(OrganizationId, SheetRecord)> {
    let organization = agent_access(db, actor, agent, AgentNeed::Edit)
        .await?
        .agent
        .organization_id;
    if charging {
        credits::require_usable(db, organization).await?;
    }
    let engine = engines::find(db, agent, sheet)
        .await?
        .ok_or_else(|| not_found("Engine", sheet))?;
    Ok((organization, engine))
}

/// Starts a run of a row; it is pending when this returns.
pub async fn start(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    row: RowId,
    options: RunOptions,
) -> AppResult<RunRecord> {
    let mut conn = app.db.conn().await?;
    let (organization, engine) = engine_to_run(&mut conn, actor, agent, sheet, true).await?;
    let plan = planning::plan_row(app, &mut conn, agent, &engine, row, options.force).await?;
    drop(conn);
    refuse_unrunnable(&plan, None)?;
    let mut tx = app.db.begin().await?;
    let run = record(
        &mut tx,
        app,
        actor,
        agent,
        organization,
        sheet,
        &plan,
        options,
        None,
    )
    .await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(run)
}

/// A 422 naming every step that cannot run, when any cannot.
fn refuse_unrunnable(plan: &RowPlanView, row: Option<RowId>) -> AppResult<()> {
    let refusals = plan.refusals();
    if refusals.is_empty() {
        return Ok(());
    }
    let subject = match row {
        Some(row) => format!("Row {row} cannot run here"),
        None => "This row cannot run here".to_owned(),
    };
    Err(AppError::unprocessable(
        ErrorCode::ValidationError,
        format!("{subject}: {}. Nothing was charged.", refusals.join("; ")),
    ))
}

/// Records a run of a planned row with its steps, refusing a second run of a row that has
/// one going, and queues its first advance unless it waits in a batch.
#[expect(
    clippy::too_many_arguments,
    reason = "a run is recorded from all of these"
)]
async fn record(
    tx: &mut dyn Session,
    app: &App,
    actor: &Actor,
    agent: AgentId,
    organization: OrganizationId,
    sheet: SpreadsheetId,
    plan: &RowPlanView,
    options: RunOptions,
    batch: Option<(i64, bool)>,
) -> AppResult<RunRecord> {
    // Two starts of the same row must not both see it idle.
    ace_db::sheets::lock(tx, sheet).await?;
    if let Some(active) = store::active_for_row(tx, plan.row).await? {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Row {} is already running (run {}); stop it first or wait for it.",
                plan.row, active.id
            ),
        ));
    }
    let depends: Vec<Vec<i64>> = plan
        .steps
        .iter()
        .map(|step| step.planned.depends_on.clone())
        .collect();
    let steps: Vec<NewStep<'_>> = plan
        .steps
        .iter()
        .zip(&depends)
        .map(|(step, depends_on)| NewStep {
            column_id: step.planned.column_id,
            column_title: &step.planned.column_title,
            generation_type: step.planned.kind.as_str(),
            model: step.model.as_deref(),
            depends_on,
            state: if step.planned.generate {
                StepState::Waiting
            } else {
                StepState::Kept
            },
        })
        .collect();
    let queued = batch.is_some_and(|(_, waits)| waits);
    let new = NewRun {
        agent_id: agent,
        organization_id: organization,
        spreadsheet_id: sheet,
        row_id: plan.row,
        user_id: actor.user_id,
        batch_id: batch.map(|(id, _)| id),
        force: options.force,
        status: if queued {
            RunStatus::Queued
        } else {
            RunStatus::Pending
        },
        render_needs: &plan.render_needs,
    };
    let run = store::insert(tx, &new, &steps, app.clock.now()).await?;
    if !queued {
        queue_advance(tx, app, &run).await?;
    }
    Ok(run)
}

/// A run of a row of an engine the caller may see.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    row: RowId,
    run: i64,
) -> AppResult<RunView> {
    let mut conn = app.db.conn().await?;
    agent_access(&mut conn, actor, agent, AgentNeed::View).await?;
    let record = store::find(&mut conn, run)
        .await?
        .filter(|r| r.agent_id == agent && r.spreadsheet_id == sheet.get() && r.row_id == row.get())
        .ok_or_else(|| not_found("Run", run))?;
    load_view(&mut conn, record).await
}

/// The run's steps and render with their generations.
pub(crate) async fn load_view(db: &mut dyn Session, run: RunRecord) -> AppResult<RunView> {
    let steps = store::steps(db, run.id).await?;
    let ids: Vec<i64> = steps
        .iter()
        .filter_map(|step| step.generation_id)
        .chain(run.render_generation_id)
        .collect();
    let mut found = jobs::find_many(db, &ids).await?;
    let mut take = |id: Option<i64>| {
        let id = id?;
        let index = found.iter().position(|job| job.id.get() == id)?;
        Some(found.swap_remove(index))
    };
    let steps = steps
        .into_iter()
        .map(|step| StepView {
            generation: take(step.generation_id),
            step,
        })
        .collect();
    let render = take(run.render_generation_id);
    Ok(RunView { run, steps, render })
}

/// Stops a run: what is running is stopped (and refunded), what has not started never will.
pub async fn stop(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    row: RowId,
    run: i64,
) -> AppResult<RunView> {
    let view = get(app, actor, agent, sheet, row, run).await?;
    if view.is_terminal() {
        return Err(AppError::unprocessable(
            ErrorCode::JobCannotBeStopped,
            format!(
                "Run {run} is {}; only a pending or processing run can be stopped.",
                view.status()
            ),
        ));
    }
    halt(app, actor, &view).await?;
    let mut conn = app.db.conn().await?;
    let record = store::find(&mut conn, run)
        .await?
        .ok_or_else(|| not_found("Run", run))?;
    load_view(&mut conn, record).await
}

/// Stops a generation the run no longer wants, unless it has ended on its own.
pub(crate) async fn abandon(app: &App, actor: &Actor, generation: i64) -> AppResult<()> {
    match crate::generations::control::stop(app, actor, UserJobId::new(generation)).await {
        Err(err) if err.code == ErrorCode::JobCannotBeStopped => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Ends a run as stopped and stops its unfinished generations.
pub(crate) async fn halt(app: &App, actor: &Actor, view: &RunView) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let ended = store::end(
        &mut tx,
        view.run.id,
        RunStatus::Stopped,
        Some("stopped"),
        now,
    )
    .await?;
    for step in &view.steps {
        if step.step.state == StepState::Waiting {
            store::settle_step(
                &mut tx,
                step.step.id,
                StepState::Skipped,
                None,
                Some("the run was stopped"),
            )
            .await?;
        }
    }
    tx.commit().await?;
    let running = view
        .steps
        .iter()
        .filter_map(|step| step.generation.as_ref())
        .chain(view.render.as_ref())
        .filter(|job| !generation_has_ended(job.status));
    for job in running {
        abandon(app, actor, job.id.get()).await?;
    }
    if let Some(ended) = ended {
        batches::after_run(app, &ended).await?;
    }
    app.generation_events.poke(0);
    Ok(())
}
