//! Moving a run forward, as a `row_run` job. An advance reads the run, starts every step whose
//! steps-before have completed (each an ordinary generation, started as the run's user with
//! an idempotency key of its own, so two advances racing start it once), skips the steps
//! behind one that failed, and once every step has ended, starts the render (unless something
//! it needs failed) and ends the run with it. Generations of a run queue an advance when they
//! end, so an advance never waits.

use std::collections::HashMap;
use std::time::Duration;

use ace_db::row_runs::{self as store, RunRecord};
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, CellId, SpreadsheetId, UserId};
use ace_domain::sheet::run_status::{RunStatus, StepState, generation_has_ended};
use ace_jobs::{Handler, Job, Outcome, Payload, exponential_backoff};
use futures::future::BoxFuture;
use serde_json::json;
use tracing::warn;

use super::wakeup::AdvanceRowRun;
use super::{RunView, StepView, abandon, batches, load_view};
use crate::generations::trigger::{Target, Trigger, trigger};
use crate::idempotency::Idempotent;
use crate::{Actor, App, AppResult, ErrorKind};

/// Runs the jobs that move row runs forward.
pub struct RowRunJobs {
    app: App,
}

impl RowRunJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for RowRunJobs {
    fn kind(&self) -> &'static str {
        AdvanceRowRun::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        exponential_backoff(attempt, Duration::from_millis(500), Duration::from_secs(60))
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(run) = row_run_id(&job) else {
                return Outcome::Done;
            };
            match advance(&app, run).await {
                Ok(()) => Outcome::Done,
                Err(err) => {
                    warn!(run, error = %err, "a row run could not advance");
                    Outcome::Retry("ace could not advance the run".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(run) = row_run_id(&job) else {
                return;
            };
            let ended = async {
                let mut tx = app.db.begin().await?;
                let reason = format!("ace could not carry the run on: {reason}");
                let ended = store::end(
                    &mut tx,
                    run,
                    RunStatus::Failed,
                    Some(&reason),
                    app.clock.now(),
                )
                .await?;
                tx.commit().await?;
                if let Some(ended) = ended {
                    batches::after_run(&app, &ended).await?;
                }
                AppResult::Ok(())
            };
            if let Err(err) = ended.await {
                warn!(run, error = %err, "could not record a failed row run");
            }
        })
    }
}

fn row_run_id(job: &Job) -> Option<i64> {
    job.readable_payload::<AdvanceRowRun>()
        .map(|payload| payload.row_run_id)
}

/// How a step stands, for the steps after it.
#[derive(Clone, Copy, Debug)]
enum Standing {
    Done,
    /// Failed, stopped, skipped or refused: the steps that need it are skipped.
    Failed,
    Going,
}

/// Moves run `id` forward as far as it can go now.
pub(super) async fn advance(app: &App, id: i64) -> AppResult<()> {
    let mut conn = app.db.conn().await?;
    let Some(run) = store::find(&mut conn, id).await? else {
        return Ok(());
    };
    if run.status == RunStatus::Queued || run.status.has_ended() {
        return Ok(());
    }
    let view = load_view(&mut conn, run).await?;
    drop(conn);
    if view.run.status == RunStatus::Pending {
        let mut writer = app.db.writer().await?;
        store::mark_processing(&mut writer, view.run.id, app.clock.now()).await?;
    }
    let actor = Actor::on_behalf_of(UserId::new(view.run.user_id));
    let titles: HashMap<i64, &str> = view
        .steps
        .iter()
        .map(|step| (step.step.column_id, step.step.column_title.as_str()))
        .collect();
    let mut standing: HashMap<i64, Standing> = HashMap::new();
    for step in &view.steps {
        let now = standing_of(app, &actor, &view.run, step, &standing, &titles).await?;
        standing.insert(step.step.column_id, now);
    }
    app.generation_events.poke(0);
    if standing.values().any(|s| matches!(s, Standing::Going)) {
        return Ok(());
    }
    finish(app, &actor, &view, &standing).await
}

/// Where a step stands, starting it (or skipping it) when its time has come.
async fn standing_of(
    app: &App,
    actor: &Actor,
    run: &RunRecord,
    step: &StepView,
    before: &HashMap<i64, Standing>,
    titles: &HashMap<i64, &str>,
) -> AppResult<Standing> {
    match step.step.state {
        StepState::Kept => return Ok(Standing::Done),
        StepState::Skipped | StepState::Refused => return Ok(Standing::Failed),
        StepState::Started => {
            return Ok(match step.generation.as_ref().map(|job| job.status) {
                Some(GenerationStatus::Completed) => Standing::Done,
                Some(status) if generation_has_ended(status) => Standing::Failed,
                Some(_) => Standing::Going,
                None => Standing::Failed,
            });
        }
        StepState::Waiting => {}
    }
    let needs: Vec<(&i64, Option<&Standing>)> = step
        .step
        .depends_on
        .0
        .iter()
        .map(|column| (column, before.get(column)))
        .collect();
    if let Some((column, _)) = needs
        .iter()
        .find(|(_, standing)| matches!(standing, Some(Standing::Failed)))
    {
        let title = titles.get(column).copied().unwrap_or("a step");
        let reason = format!("skipped: {title}, which it needs, did not complete");
        let mut writer = app.db.writer().await?;
        store::settle_step(
            &mut writer,
            step.step.id,
            StepState::Skipped,
            None,
            Some(&reason),
        )
        .await?;
        return Ok(Standing::Failed);
    }
    if !needs
        .iter()
        .all(|(_, standing)| matches!(standing, Some(Standing::Done)))
    {
        return Ok(Standing::Going);
    }
    let cell = cell_of(app, run, step.step.column_id).await?;
    let Some(cell) = cell else {
        let reason = "its cell is gone (the column or row was deleted)";
        let mut writer = app.db.writer().await?;
        store::settle_step(
            &mut writer,
            step.step.id,
            StepState::Refused,
            None,
            Some(reason),
        )
        .await?;
        return Ok(Standing::Failed);
    };
    let asked = Trigger {
        generation_type: None,
        data: json!({}),
        idempotency_key: Some(format!("row-run:{}:step:{}", run.id, step.step.id)),
        row_run: Some(run.id),
    };
    let target = Target::Cell(CellId::new(cell));
    let sheet = SpreadsheetId::new(run.spreadsheet_id);
    match trigger(app, actor, run.agent_id, sheet, target, asked).await {
        Ok(started) => {
            let mut writer = app.db.writer().await?;
            let settled = store::settle_step(
                &mut writer,
                step.step.id,
                StepState::Started,
                Some(started.generation_id),
                None,
            )
            .await?;
            drop(writer);
            if !settled || !still_going(app, run.id).await? {
                // Stopped meanwhile (another advance starting it gets the same generation).
                let mut conn = app.db.conn().await?;
                let now_started = store::steps(&mut conn, run.id).await?.into_iter().any(|s| {
                    s.id == step.step.id && s.generation_id == Some(started.generation_id)
                });
                drop(conn);
                if !now_started || !still_going(app, run.id).await? {
                    abandon(app, actor, started.generation_id).await?;
                    return Ok(Standing::Failed);
                }
            }
            Ok(Standing::Going)
        }
        Err(err) if is_refusal(err.kind) => {
            let mut writer = app.db.writer().await?;
            store::settle_step(
                &mut writer,
                step.step.id,
                StepState::Refused,
                None,
                Some(&err.message),
            )
            .await?;
            Ok(Standing::Failed)
        }
        Err(err) => Err(err),
    }
}

/// Whether the run has not ended (it may have been stopped while a step was starting).
async fn still_going(app: &App, run: i64) -> AppResult<bool> {
    let mut conn = app.db.conn().await?;
    Ok(store::find(&mut conn, run)
        .await?
        .is_some_and(|run| !run.status.has_ended()))
}

/// Whether an error is the request's (a refusal to record), not ours (to retry).
fn is_refusal(kind: ErrorKind) -> bool {
    !matches!(kind, ErrorKind::Internal | ErrorKind::Unavailable)
}

/// The row's cell in `column`, if both still exist.
async fn cell_of(app: &App, run: &RunRecord, column: i64) -> AppResult<Option<i64>> {
    let mut conn = app.db.conn().await?;
    Ok(
        ace_db::sheets::cells::find_in_row(&mut conn, run.row_id, column)
            .await?
            .map(|cell| cell.id.get()),
    )
}

/// Every step has ended: starts the render, or ends the run with it.
async fn finish(
    app: &App,
    actor: &Actor,
    view: &RunView,
    standing: &HashMap<i64, Standing>,
) -> AppResult<()> {
    let run = &view.run;
    if let Some(render) = &view.render {
        if !generation_has_ended(render.status) {
            return Ok(());
        }
        let (status, reason) = if render.status == GenerationStatus::Completed {
            (RunStatus::Completed, None)
        } else {
            let why = render
                .failed_reason
                .clone()
                .unwrap_or_else(|| format!("the render was {}", render.status));
            (RunStatus::Failed, Some(why))
        };
        return end(app, run.id, status, reason.as_deref()).await;
    }
    let blocked = run
        .render_needs
        .0
        .iter()
        .find_map(|column| match standing.get(column) {
            Some(Standing::Failed) => view
                .steps
                .iter()
                .find(|step| step.step.column_id == *column)
                .map(|step| step.step.column_title.clone()),
            _ => None,
        });
    if let Some(title) = blocked {
        let reason =
            format!("the render was not started: {title}, which its layers show, did not complete");
        return end(app, run.id, RunStatus::Failed, Some(&reason)).await;
    }
    let mut conn = app.db.conn().await?;
    let final_cell = ace_db::sheets::cells::find_by_role(
        &mut conn,
        run.row_id,
        ace_domain::sheet::column::ColumnRole::FinalVideo.as_str(),
    )
    .await?;
    drop(conn);
    let Some(final_cell) = final_cell else {
        return end(
            app,
            run.id,
            RunStatus::Failed,
            Some("the row has no final video cell to render into"),
        )
        .await;
    };
    let key = format!("row-run:{}:render", run.id);
    let operation = format!(
        "render {}/{}/cell/{}",
        run.agent_id, run.spreadsheet_id, final_cell.id
    );
    let idempotency = Idempotent::new(&key, &operation, &json!({}))?;
    let sheet = SpreadsheetId::new(run.spreadsheet_id);
    let agent: AgentId = run.agent_id;
    match crate::renders::render_for_run(
        app,
        actor,
        agent,
        sheet,
        final_cell.id,
        idempotency,
        run.id,
    )
    .await
    {
        Ok(started) => {
            let mut writer = app.db.writer().await?;
            store::set_render(&mut writer, run.id, started.generation_id, app.clock.now()).await?;
            drop(writer);
            if !still_going(app, run.id).await? {
                abandon(app, actor, started.generation_id).await?;
            }
            app.generation_events.poke(0);
            Ok(())
        }
        Err(err) if is_refusal(err.kind) => {
            let reason = format!("the render could not start: {}", err.message);
            end(app, run.id, RunStatus::Failed, Some(&reason)).await
        }
        Err(err) => Err(err),
    }
}

/// Ends the run, and lets its batch move on.
async fn end(app: &App, run: i64, status: RunStatus, reason: Option<&str>) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let ended = store::end(&mut tx, run, status, reason, app.clock.now()).await?;
    tx.commit().await?;
    if let Some(ended) = ended {
        batches::after_run(app, &ended).await?;
    }
    app.generation_events.poke(0);
    Ok(())
}
