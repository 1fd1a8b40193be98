//! Batches: one call runs many rows of an engine, at most `max_parallel_rows` at a time. Every
//! row is planned (and refused, naming the row, if it cannot run) before any starts; the rest
//! wait as queued runs and start as others end. A batch ends when its last run does, and
//! wakes a pipeline run waiting on it.

use ace_db::row_runs::{self as store, BatchRecord, RunRecord};
use ace_db::sheets::rows;
use ace_domain::ids::{AgentId, RowId, SpreadsheetId};
use ace_domain::sheet::run_status::{BatchStatus, RunStatus};

use super::wakeup::queue_advance;
use super::{
    RunOptions, RunView, engine_to_run, halt, load_view, planning, record, refuse_unrunnable,
};
use crate::pipelines::wakeup;
use crate::policy::AgentNeed;
use crate::sheets::{agent_access, not_found};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The most rows one batch may hold.
pub const MAX_ROWS: usize = 500;

/// The most rows a batch runs at once.
pub const MAX_PARALLEL_ROWS: i64 = 16;

/// What a batch asks for.
#[derive(Clone, Debug, Default)]
pub struct BatchRequest {
    /// The rows to run; every row of the engine when `None`.
    pub row_ids: Option<Vec<RowId>>,
    /// How many rows run at once (2 by default).
    pub max_parallel_rows: Option<i64>,
    pub options: RunOptions,
}

/// A batch with its runs.
#[derive(Clone, Debug)]
pub struct BatchView {
    pub(crate) batch: BatchRecord,
    pub(crate) runs: Vec<RunView>,
}

impl BatchView {
    pub fn id(&self) -> i64 {
        self.batch.id
    }

    pub fn status(&self) -> BatchStatus {
        self.batch.status
    }

    pub fn max_parallel_rows(&self) -> i64 {
        self.batch.max_parallel_rows
    }

    pub fn runs(&self) -> &[RunView] {
        &self.runs
    }
}

/// A batch just recorded.
#[derive(Clone, Copy, Debug)]
pub struct StartedBatch {
    pub id: i64,
    pub status: BatchStatus,
}

/// Starts runs of many rows.
pub async fn start(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    request: BatchRequest,
) -> AppResult<StartedBatch> {
    let parallel = request.max_parallel_rows.unwrap_or(2);
    if !(1..=MAX_PARALLEL_ROWS).contains(&parallel) {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("max_parallel_rows must be between 1 and {MAX_PARALLEL_ROWS}"),
        ));
    }
    let mut conn = app.db.conn().await?;
    let (organization, engine) = engine_to_run(&mut conn, actor, agent, sheet, true).await?;
    let all: Vec<RowId> = rows::list(&mut conn, sheet)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
    let chosen = match request.row_ids {
        None => all,
        Some(ids) => {
            if let Some(missing) = ids.iter().find(|id| !all.contains(id)) {
                return Err(not_found("Row", missing));
            }
            let mut unique = Vec::with_capacity(ids.len());
            for id in ids {
                if !unique.contains(&id) {
                    unique.push(id);
                }
            }
            unique
        }
    };
    if chosen.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "row_ids is empty, or the engine has no rows",
        ));
    }
    if chosen.len() > MAX_ROWS {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "A batch runs at most {MAX_ROWS} rows; {} were asked for.",
                chosen.len()
            ),
        ));
    }
    let mut plans = Vec::with_capacity(chosen.len());
    for row in chosen {
        let plan =
            planning::plan_row(app, &mut conn, agent, &engine, row, request.options.force).await?;
        refuse_unrunnable(&plan, Some(row))?;
        plans.push(plan);
    }
    drop(conn);
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let batch = store::insert_batch(
        &mut tx,
        agent,
        organization,
        sheet,
        actor.user_id,
        parallel,
        now,
    )
    .await?;
    for (index, plan) in plans.iter().enumerate() {
        let waits = i64::try_from(index).unwrap_or(i64::MAX) >= parallel;
        record(
            &mut tx,
            app,
            actor,
            agent,
            organization,
            sheet,
            plan,
            request.options,
            Some((batch.id, waits)),
        )
        .await?;
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(StartedBatch {
        id: batch.id,
        status: batch.status,
    })
}

/// A batch of an engine the caller may see, with its runs.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    batch: i64,
) -> AppResult<BatchView> {
    let mut conn = app.db.conn().await?;
    agent_access(&mut conn, actor, agent, AgentNeed::View).await?;
    let record = store::find_batch(&mut conn, batch)
        .await?
        .filter(|b| b.agent_id == agent && b.spreadsheet_id == sheet.get())
        .ok_or_else(|| not_found("Batch", batch))?;
    let mut runs = Vec::new();
    for run in store::batch_runs(&mut conn, batch).await? {
        runs.push(load_view(&mut conn, run).await?);
    }
    Ok(BatchView {
        batch: record,
        runs,
    })
}

/// Stops a batch: its running rows are stopped and its waiting ones never start.
pub async fn stop(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    batch: i64,
) -> AppResult<BatchView> {
    let view = get(app, actor, agent, sheet, batch).await?;
    if view.batch.status.has_ended() {
        return Err(AppError::unprocessable(
            ErrorCode::JobCannotBeStopped,
            format!(
                "Batch {batch} is {}; it can no longer be stopped.",
                view.batch.status
            ),
        ));
    }
    let mut tx = app.db.begin().await?;
    store::end_batch(&mut tx, batch, BatchStatus::Stopped, app.clock.now()).await?;
    wakeup::wake(&mut tx, app, &wakeup::row_batch(batch)).await?;
    tx.commit().await?;
    app.queue.wake();
    for run in view.runs.iter().filter(|run| !run.is_terminal()) {
        halt(app, actor, run).await?;
    }
    get(app, actor, agent, sheet, batch).await
}

/// After a run of a batch ended: starts the next waiting runs, or ends the batch with its last.
pub(crate) async fn after_run(app: &App, run: &RunRecord) -> AppResult<()> {
    let Some(batch) = run.batch_id else {
        return Ok(());
    };
    let mut conn = app.db.conn().await?;
    let Some(record) = store::find_batch(&mut conn, batch).await? else {
        return Ok(());
    };
    let runs = store::batch_runs(&mut conn, batch).await?;
    drop(conn);
    let active = runs
        .iter()
        .filter(|r| matches!(r.status, RunStatus::Pending | RunStatus::Processing))
        .count();
    let waiting: Vec<&RunRecord> = runs
        .iter()
        .filter(|r| r.status == RunStatus::Queued)
        .collect();
    let now = app.clock.now();
    if record.status == BatchStatus::Processing && !waiting.is_empty() {
        let room = usize::try_from(record.max_parallel_rows)
            .unwrap_or(1)
            .saturating_sub(active);
        let mut tx = app.db.begin().await?;
        for next in waiting.iter().take(room) {
            if store::promote(&mut tx, next.id, now).await? {
                queue_advance(&mut tx, app, next).await?;
            }
        }
        tx.commit().await?;
        app.queue.wake();
        return Ok(());
    }
    if active == 0 && waiting.is_empty() {
        let status = if runs.iter().all(|r| r.status == RunStatus::Completed) {
            BatchStatus::Completed
        } else if runs.iter().any(|r| r.status == RunStatus::Failed) {
            BatchStatus::Failed
        } else {
            BatchStatus::Stopped
        };
        let mut tx = app.db.begin().await?;
        store::end_batch(&mut tx, batch, status, now).await?;
        wakeup::wake(&mut tx, app, &wakeup::row_batch(batch)).await?;
        tx.commit().await?;
        app.queue.wake();
    }
    Ok(())
}
