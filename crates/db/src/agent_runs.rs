//! Agent runs and what they keep: the run itself (its status moved only from the status it
//! is in), its tool calls keyed by call id (a result written once), and the events of its
//! progress stream. The conversations the runs belong to are in [`crate::conversations`].

use ace_domain::agent_run::RunStatus;
use ace_domain::ids::{AgentId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored run.
#[derive(Clone, Debug, FromRow)]
pub struct RunRecord {
    pub id: String,
    pub conversation_id: String,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    /// What was asked: the message, what it was read as, and the request's extras.
    pub request: Json<Value>,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    pub error: Option<String>,
    pub estimate_millis: i64,
    pub reservation_id: Option<i64>,
    pub cost_millis: Option<i64>,
    pub queue_job_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! run_columns {
    () => {
        "id, conversation_id, agent_id, organization_id, user_id, request, status, error, \
         estimate_millis, reservation_id, cost_millis, queue_job_id, created_at, started_at, \
         finished_at, updated_at"
    };
}

/// A run to store.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    pub id: &'a str,
    pub conversation_id: &'a str,
    pub agent_id: AgentId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub request: &'a Value,
    pub estimate_millis: i64,
}

/// Stores a new run, `queued`.
pub async fn insert(
    db: &mut dyn Session,
    run: &NewRun<'_>,
    now: DateTime<Utc>,
) -> DbResult<RunRecord> {
    let sql = concat!(
        "INSERT INTO agent_runs (id, conversation_id, agent_id, organization_id, user_id, request, \
           status, estimate_millis, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $8) RETURNING ",
        run_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(run.id)
            .bind(run.conversation_id)
            .bind(run.agent_id.get())
            .bind(run.organization_id.get())
            .bind(run.user_id.get())
            .bind(Json(run.request))
            .bind(run.estimate_millis)
            .bind(now)
    ))
}

/// The run `id`.
pub async fn find(db: &mut dyn Session, id: &str) -> DbResult<Option<RunRecord>> {
    let sql = concat!("SELECT ", run_columns!(), " FROM agent_runs WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// The runs of conversation `conversation`, oldest first.
pub async fn of_conversation(db: &mut dyn Session, conversation: &str) -> DbResult<Vec<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        run_columns!(),
        " FROM agent_runs WHERE conversation_id = $1 ORDER BY created_at, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(conversation)))
}

/// Whether a run of `conversation` holds it: running, waiting for approval, or queued for a
/// worker.
pub async fn conversation_busy(db: &mut dyn Session, conversation: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM agent_runs WHERE conversation_id = $1 \
               AND (status IN ('running', 'awaiting_approval') \
                    OR (status = 'queued' AND queue_job_id IS NOT NULL))";
    let busy: i64 = fetch_one!(db, sqlx::query_scalar(sql).bind(conversation));
    Ok(busy > 0)
}

/// The oldest run of `conversation` waiting behind another.
pub async fn next_waiting(db: &mut dyn Session, conversation: &str) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "SELECT ",
        run_columns!(),
        " FROM agent_runs WHERE conversation_id = $1 AND status = 'queued' \
           AND queue_job_id IS NULL ORDER BY created_at, id LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(conversation)))
}

/// Hands run `id` to queue entry `job` and the reservation paying for it, each if given.
pub async fn attach(
    db: &mut dyn Session,
    id: &str,
    job: Option<i64>,
    reservation: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "UPDATE agent_runs SET queue_job_id = COALESCE($2, queue_job_id), \
               reservation_id = COALESCE($3, reservation_id), updated_at = $4 WHERE id = $1"
        )
        .bind(id)
        .bind(job)
        .bind(reservation)
        .bind(now)
    );
    Ok(())
}

/// Moves run `id` from `from` to `to`; `None` when it was no longer in `from`.
pub async fn change_status(
    db: &mut dyn Session,
    id: &str,
    from: RunStatus,
    to: RunStatus,
    now: DateTime<Utc>,
) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "UPDATE agent_runs SET status = $3, updated_at = $4, \
           started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, $4) ELSE started_at END \
         WHERE id = $1 AND status = $2 RETURNING ",
        run_columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(now)
    ))
}

/// How a run ended.
#[derive(Clone, Copy, Debug)]
pub struct Ending<'a> {
    pub status: RunStatus,
    pub error: Option<&'a str>,
    pub cost_millis: i64,
}

/// Ends run `id` if it has not ended; `None` when it had.
pub async fn end(
    db: &mut dyn Session,
    id: &str,
    ending: Ending<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "UPDATE agent_runs SET status = $2, error = $3, cost_millis = $4, queue_job_id = NULL, \
           finished_at = $5, updated_at = $5 \
         WHERE id = $1 AND status NOT IN ('completed', 'failed', 'cancelled') RETURNING ",
        run_columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id)
            .bind(ending.status.as_str())
            .bind(ending.error)
            .bind(ending.cost_millis)
            .bind(now)
    ))
}

/// A tool call of a run.
#[derive(Clone, Debug, FromRow)]
pub struct CallRecord {
    pub run_id: String,
    pub call_id: String,
    pub position: i32,
    /// The agent's turn it was asked for in, from 1.
    pub round: i32,
    pub tool: String,
    pub arguments: Json<Value>,
    /// What the call will do, in words, for the approval gate.
    pub summary: String,
    pub gated: bool,
    /// The user's decision on a gated call; `None` until made.
    pub approved: Option<bool>,
    /// `None` until the call finished.
    pub result: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

macro_rules! call_columns {
    () => {
        "run_id, call_id, position, round, tool, arguments, summary, gated, approved, result, \
         created_at, finished_at"
    };
}

/// A call to store.
#[derive(Clone, Debug)]
pub struct NewCall<'a> {
    pub call_id: &'a str,
    pub round: i32,
    pub tool: &'a str,
    pub arguments: &'a Value,
    pub summary: &'a str,
    pub gated: bool,
}

/// Stores `call` as the run's next, unless a call of that id is stored already.
pub async fn plan_call(
    db: &mut dyn Session,
    run: &str,
    call: &NewCall<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO agent_tool_calls (run_id, call_id, position, round, tool, arguments, \
               summary, gated, created_at) \
             VALUES ($1, $2, (SELECT COUNT(*) FROM agent_tool_calls WHERE run_id = $1), \
               $8, $3, $4, $5, $6, $7) \
             ON CONFLICT (run_id, call_id) DO NOTHING"
        )
        .bind(run)
        .bind(call.call_id)
        .bind(call.tool)
        .bind(Json(call.arguments))
        .bind(call.summary)
        .bind(call.gated)
        .bind(now)
        .bind(call.round)
    );
    Ok(())
}

/// The run's calls, in order.
pub async fn calls(db: &mut dyn Session, run: &str) -> DbResult<Vec<CallRecord>> {
    let sql = concat!(
        "SELECT ",
        call_columns!(),
        " FROM agent_tool_calls WHERE run_id = $1 ORDER BY position"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(run)))
}

/// Records the result of call `call`; `false` when it had one already.
pub async fn finish_call(
    db: &mut dyn Session,
    run: &str,
    call: &str,
    result: &Value,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE agent_tool_calls SET result = $3, finished_at = $4 \
             WHERE run_id = $1 AND call_id = $2 AND result IS NULL"
        )
        .bind(run)
        .bind(call)
        .bind(Json(result))
        .bind(now)
    );
    Ok(changed > 0)
}

/// Records the user's decision on gated call `call`, once.
pub async fn decide_call(
    db: &mut dyn Session,
    run: &str,
    call: &str,
    approved: bool,
) -> DbResult<bool> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE agent_tool_calls SET approved = $3 \
             WHERE run_id = $1 AND call_id = $2 AND approved IS NULL"
        )
        .bind(run)
        .bind(call)
        .bind(approved)
    );
    Ok(changed > 0)
}

/// An event of a run's progress stream.
#[derive(Clone, Debug, FromRow)]
pub struct EventRecord {
    pub id: i64,
    pub run_id: String,
    pub event: String,
    pub data: Json<Value>,
    pub created_at: DateTime<Utc>,
}

/// Appends an event to the run's stream.
pub async fn append_event(
    db: &mut dyn Session,
    run: &str,
    event: &str,
    data: &Value,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO agent_run_events (run_id, event, data, created_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(run)
        .bind(event)
        .bind(Json(data))
        .bind(now)
    );
    Ok(())
}

/// The run's events after event `after` (0 for all), oldest first.
pub async fn events_after(
    db: &mut dyn Session,
    run: &str,
    after: i64,
) -> DbResult<Vec<EventRecord>> {
    Ok(fetch_all!(
        db,
        sqlx::query_as(
            "SELECT id, run_id, event, data, created_at FROM agent_run_events \
             WHERE run_id = $1 AND id > $2 ORDER BY id"
        )
        .bind(run)
        .bind(after)
    ))
}

/// Pauses running run `id` at a gate: `awaiting_approval`, its queue entry done; `None` when
/// it was no longer running.
pub async fn pause(
    db: &mut dyn Session,
    id: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<RunRecord>> {
    let sql = concat!(
        "UPDATE agent_runs SET status = 'awaiting_approval', queue_job_id = NULL, updated_at = $2 \
         WHERE id = $1 AND status = 'running' RETURNING ",
        run_columns!()
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id).bind(now)))
}
