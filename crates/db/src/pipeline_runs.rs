//! Pipeline runs: the actions as they were when a run started, each with its state; the
//! credits the run may spend and has spent; what it waits on; and the lease of the one
//! advancer moving it at a time. A wake-up that finds the lease held leaves `rewake` for the
//! holder, which looks again before it lets go, so no wake-up is lost.

use ace_domain::ids::{OrganizationId, UserId};
use ace_domain::pipeline::{RunStatus, Started};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_optional};

/// A stored run.
#[derive(Clone, Debug, FromRow)]
pub struct RunRecord {
    pub id: i64,
    pub pipeline_id: i64,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    #[sqlx(try_from = "String")]
    pub started_by: Started,
    pub slot_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    pub failed_reason: Option<String>,
    pub budget_millis: i64,
    pub spent_millis: i64,
    /// Each action with its config and state.
    pub actions: Json<Value>,
    /// The body a webhook brought.
    pub input: Option<Json<Value>>,
    pub waiting_on: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, pipeline_id, organization_id, user_id, started_by, slot_at, status, failed_reason, \
         budget_millis, spent_millis, actions, input, waiting_on, created_at, finished_at, updated_at"
    };
}

/// A run to record.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    pub pipeline_id: i64,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub started_by: Started,
    pub slot_at: Option<DateTime<Utc>>,
    pub budget_millis: i64,
    pub actions: &'a Value,
    pub input: Option<&'a Value>,
}

/// Records a running run; `None` when its slot already has one.
pub async fn insert(
    db: &mut dyn Session,
    new: &NewRun<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "INSERT INTO pipeline_runs (pipeline_id, organization_id, user_id, started_by, slot_at, \
           status, budget_millis, actions, input, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $9) \
         ON CONFLICT (pipeline_id, slot_at) DO NOTHING RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(new.pipeline_id)
            .bind(new.organization_id.get())
            .bind(new.user_id.get())
            .bind(new.started_by.as_str())
            .bind(new.slot_at)
            .bind(new.budget_millis)
            .bind(Json(new.actions))
            .bind(new.input.map(Json))
            .bind(now)
    ))
}

/// A run by id.
pub async fn find(db: &mut dyn Session, id: i64) -> DbResult<Option<RunRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM pipeline_runs WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// The pipeline's runs, newest first, at most `limit`.
pub async fn for_pipeline(
    db: &mut dyn Session,
    pipeline: i64,
    limit: i64,
) -> DbResult<Vec<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM pipeline_runs WHERE pipeline_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql).bind(pipeline).bind(limit)
    ))
}

/// Keeps a running run's action states, what it has spent and what it waits on.
pub async fn save(
    db: &mut dyn Session,
    id: i64,
    actions: &Value,
    spent_millis: i64,
    waiting_on: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "UPDATE pipeline_runs SET actions = $2, spent_millis = $3, waiting_on = $4, \
               updated_at = $5 WHERE id = $1 AND status = 'running'"
        )
        .bind(id)
        .bind(Json(actions))
        .bind(spent_millis)
        .bind(waiting_on)
        .bind(now)
    );
    Ok(())
}

/// Ends a running run; false when it had ended already.
pub async fn end(
    db: &mut dyn Session,
    id: i64,
    status: RunStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let ended = execute!(
        db,
        sqlx::query(
            "UPDATE pipeline_runs SET status = $2, failed_reason = $3, waiting_on = NULL, \
               finished_at = $4, updated_at = $4 WHERE id = $1 AND status = 'running'"
        )
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
    );
    Ok(ended == 1)
}

/// Takes the run's lease for queue job `job` until `until_ms`, unless another job holds it
/// unexpired; a job may take again the lease it held. Clears `rewake`: the taker reads the
/// run afresh.
pub async fn take_lease(
    db: &mut dyn Session,
    id: i64,
    job: i64,
    now_ms: i64,
    until_ms: i64,
) -> DbResult<bool> {
    let taken = execute!(
        db,
        sqlx::query(
            "UPDATE pipeline_runs SET lease_job = $2, lease_until_ms = $4, rewake = FALSE \
             WHERE id = $1 AND status = 'running' \
               AND (lease_job IS NULL OR lease_job = $2 OR lease_until_ms < $3)"
        )
        .bind(id)
        .bind(job)
        .bind(now_ms)
        .bind(until_ms)
    );
    Ok(taken == 1)
}

/// Lets go of the lease `job` holds, unless a wake-up came meanwhile: then it clears the
/// wake-up, keeps the lease and answers false, so the holder looks again.
pub async fn release_lease(db: &mut dyn Session, id: i64, job: i64) -> DbResult<bool> {
    let released = execute!(
        db,
        sqlx::query(
            "UPDATE pipeline_runs SET lease_job = NULL, lease_until_ms = NULL \
             WHERE id = $1 AND lease_job = $2 AND rewake = FALSE"
        )
        .bind(id)
        .bind(job)
    );
    if released == 1 {
        return Ok(true);
    }
    let rewoken = execute!(
        db,
        sqlx::query(
            "UPDATE pipeline_runs SET rewake = FALSE WHERE id = $1 AND lease_job = $2 AND rewake = TRUE"
        )
        .bind(id)
        .bind(job)
    );
    // Neither: the lease was lost (it lapsed and another took it); that one carries on.
    Ok(rewoken == 0)
}

/// The running runs waiting on `what`, each marked woken; their ids and organizations.
pub async fn wake_waiting(db: &mut dyn Session, what: &str) -> DbResult<Vec<(i64, i64)>> {
    let sql = "UPDATE pipeline_runs SET rewake = TRUE \
               WHERE waiting_on = $1 AND status = 'running' RETURNING id, organization_id";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(what)))
}

/// The pipeline's run still going, if any.
pub async fn running_of(db: &mut dyn Session, pipeline: i64) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM pipeline_runs WHERE pipeline_id = $1 AND status = 'running' ORDER BY id LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(pipeline)))
}
