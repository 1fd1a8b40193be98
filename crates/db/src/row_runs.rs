//! Row runs and their batches: a row's generations in dependency order, then its render. A
//! run keeps its plan as steps; a started step's status is its generation's, so nothing is
//! stored twice. Every change is one conditional statement (a step leaves `waiting` once; a
//! run ends once), so advances racing each other agree.

use ace_domain::ids::{AgentId, OrganizationId, RowId, SpreadsheetId, UserId};
use ace_domain::sheet::run_status::{BatchStatus, RunStatus, StepState};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored run.
#[derive(Clone, Debug, FromRow)]
pub struct RunRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub organization_id: i64,
    pub spreadsheet_id: i64,
    pub row_id: i64,
    pub user_id: i64,
    pub batch_id: Option<i64>,
    pub force: bool,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    pub failed_reason: Option<String>,
    /// The steps (column ids) the render needs.
    pub render_needs: Json<Vec<i64>>,
    pub render_generation_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A stored step.
#[derive(Clone, Debug, FromRow)]
pub struct StepRecord {
    pub id: i64,
    pub run_id: i64,
    pub position: i64,
    pub column_id: i64,
    pub column_title: String,
    pub generation_type: String,
    pub model: Option<String>,
    pub depends_on: Json<Vec<i64>>,
    #[sqlx(try_from = "String")]
    pub state: StepState,
    pub generation_id: Option<i64>,
    pub reason: Option<String>,
}

/// A stored batch.
#[derive(Clone, Debug, FromRow)]
pub struct BatchRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub organization_id: i64,
    pub spreadsheet_id: i64,
    pub user_id: i64,
    pub max_parallel_rows: i64,
    #[sqlx(try_from = "String")]
    pub status: BatchStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A run to record.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    pub agent_id: AgentId,
    pub organization_id: OrganizationId,
    pub spreadsheet_id: SpreadsheetId,
    pub row_id: RowId,
    pub user_id: UserId,
    pub batch_id: Option<i64>,
    pub force: bool,
    /// Pending, or queued behind the other runs of its batch.
    pub status: RunStatus,
    pub render_needs: &'a [i64],
}

/// A step to record.
#[derive(Clone, Debug)]
pub struct NewStep<'a> {
    pub column_id: i64,
    pub column_title: &'a str,
    pub generation_type: &'a str,
    pub model: Option<&'a str>,
    pub depends_on: &'a [i64],
    /// Waiting, or kept for a cell whose value stays.
    pub state: StepState,
}

macro_rules! run_columns {
    () => {
        "id, agent_id, organization_id, spreadsheet_id, row_id, user_id, batch_id, force, status, \
         failed_reason, render_needs, render_generation_id, created_at, updated_at, finished_at"
    };
}

macro_rules! step_columns {
    () => {
        "id, run_id, position, column_id, column_title, generation_type, model, depends_on, state, \
         generation_id, reason"
    };
}

macro_rules! batch_columns {
    () => {
        "id, agent_id, organization_id, spreadsheet_id, user_id, max_parallel_rows, status, \
         created_at, updated_at, finished_at"
    };
}

/// Records a run and its steps.
pub async fn insert(
    db: &mut dyn Session,
    new: &NewRun<'_>,
    steps: &[NewStep<'_>],
    now: DateTime<Utc>,
) -> DbResult<RunRecord> {
    let sql = concat!(
        "INSERT INTO row_runs (agent_id, organization_id, spreadsheet_id, row_id, user_id, batch_id, \
           force, status, render_needs, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING ",
        run_columns!()
    );
    let run: RunRecord = fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.organization_id.get())
            .bind(new.spreadsheet_id.get())
            .bind(new.row_id.get())
            .bind(new.user_id.get())
            .bind(new.batch_id)
            .bind(new.force)
            .bind(new.status.as_str())
            .bind(Json(new.render_needs))
            .bind(now)
    );
    let sql = "INSERT INTO row_run_steps (run_id, position, column_id, column_title, generation_type, \
                 model, depends_on, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    for (position, step) in steps.iter().enumerate() {
        execute!(
            db,
            sqlx::query(sql)
                .bind(run.id)
                .bind(i64::try_from(position).unwrap_or(i64::MAX) + 1)
                .bind(step.column_id)
                .bind(step.column_title)
                .bind(step.generation_type)
                .bind(step.model)
                .bind(Json(step.depends_on))
                .bind(step.state.as_str())
        );
    }
    Ok(run)
}

pub async fn find(db: &mut dyn Session, id: i64) -> DbResult<Option<RunRecord>> {
    let sql = concat!("SELECT ", run_columns!(), " FROM row_runs WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// A run's steps, in plan order.
pub async fn steps(db: &mut dyn Session, run: i64) -> DbResult<Vec<StepRecord>> {
    let sql = concat!(
        "SELECT ",
        step_columns!(),
        " FROM row_run_steps WHERE run_id = $1 ORDER BY position"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(run)))
}

/// The unfinished run of a row, if it has one.
pub async fn active_for_row(db: &mut dyn Session, row: RowId) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        run_columns!(),
        " FROM row_runs WHERE row_id = $1 AND status IN ('queued', 'pending', 'processing') \
         ORDER BY id DESC LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(row.get())))
}

/// Moves a step out of `waiting`: started with its generation, or skipped or refused with a
/// reason. `false` when it had left `waiting` already.
pub async fn settle_step(
    db: &mut dyn Session,
    step: i64,
    state: StepState,
    generation: Option<i64>,
    reason: Option<&str>,
) -> DbResult<bool> {
    let sql = "UPDATE row_run_steps SET state = $2, generation_id = $3, reason = $4 \
               WHERE id = $1 AND state = 'waiting'";
    Ok(execute!(
        db,
        sqlx::query(sql)
            .bind(step)
            .bind(state.as_str())
            .bind(generation)
            .bind(reason)
    ) == 1)
}

/// Lets a queued run of a batch start; `false` when it was not queued.
pub async fn promote(db: &mut dyn Session, run: i64, now: DateTime<Utc>) -> DbResult<bool> {
    let sql = "UPDATE row_runs SET status = 'pending', updated_at = $2 WHERE id = $1 AND status = 'queued'";
    Ok(execute!(db, sqlx::query(sql).bind(run).bind(now)) == 1)
}

/// Marks a queued or pending run as processing.
pub async fn mark_processing(db: &mut dyn Session, run: i64, now: DateTime<Utc>) -> DbResult<()> {
    let sql = "UPDATE row_runs SET status = 'processing', updated_at = $2 \
               WHERE id = $1 AND status IN ('queued', 'pending')";
    execute!(db, sqlx::query(sql).bind(run).bind(now));
    Ok(())
}

/// Records the run's render.
pub async fn set_render(
    db: &mut dyn Session,
    run: i64,
    generation: i64,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE row_runs SET render_generation_id = $2, updated_at = $3 WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(run).bind(generation).bind(now));
    Ok(())
}

/// Ends an unfinished run; `None` when it had ended already.
pub async fn end(
    db: &mut dyn Session,
    run: i64,
    status: RunStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "UPDATE row_runs SET status = $2, failed_reason = $3, updated_at = $4, finished_at = $4 \
         WHERE id = $1 AND status IN ('queued', 'pending', 'processing') RETURNING ",
        run_columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(run)
            .bind(status.as_str())
            .bind(reason)
            .bind(now)
    ))
}

/// Records a batch.
pub async fn insert_batch(
    db: &mut dyn Session,
    agent: AgentId,
    organization: OrganizationId,
    sheet: SpreadsheetId,
    user: UserId,
    max_parallel_rows: i64,
    now: DateTime<Utc>,
) -> DbResult<BatchRecord> {
    let sql = concat!(
        "INSERT INTO row_run_batches (agent_id, organization_id, spreadsheet_id, user_id, \
           max_parallel_rows, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'processing', $6, $6) RETURNING ",
        batch_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(organization.get())
            .bind(sheet.get())
            .bind(user.get())
            .bind(max_parallel_rows)
            .bind(now)
    ))
}

pub async fn find_batch(db: &mut dyn Session, id: i64) -> DbResult<Option<BatchRecord>> {
    let sql = concat!(
        "SELECT ",
        batch_columns!(),
        " FROM row_run_batches WHERE id = $1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// A batch's runs, in row order of their start.
pub async fn batch_runs(db: &mut dyn Session, batch: i64) -> DbResult<Vec<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        run_columns!(),
        " FROM row_runs WHERE batch_id = $1 ORDER BY id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(batch)))
}

/// Ends an unfinished batch.
pub async fn end_batch(
    db: &mut dyn Session,
    batch: i64,
    status: BatchStatus,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "UPDATE row_run_batches SET status = $2, updated_at = $3, finished_at = $3 \
               WHERE id = $1 AND status IN ('pending', 'processing')";
    Ok(execute!(
        db,
        sqlx::query(sql).bind(batch).bind(status.as_str()).bind(now)
    ) == 1)
}
