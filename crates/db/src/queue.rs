//! The durable job queue's storage. A row is a piece of work waiting or running; workers
//! claim rows with a lease they keep renewing, and a row whose lease ran out is claimable
//! again, so a worker that died never strands its work. Rows are deleted when the work ends.
//! Times are Unix milliseconds.

use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Handle, Session, count_statement, execute, fetch_all, fetch_one};

/// A claimed job.
#[derive(Clone, Debug, FromRow)]
pub struct QueuedJob {
    pub id: i64,
    pub kind: String,
    pub payload: Json<Value>,
    pub lane: String,
    pub tenant: i64,
    /// Including the current one.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Work to queue.
#[derive(Clone, Debug)]
pub struct NewQueued<'a> {
    pub kind: &'a str,
    pub payload: &'a Value,
    pub lane: &'a str,
    pub tenant: i64,
    pub max_attempts: i64,
    pub run_at_ms: i64,
}

/// What [`claim`] may take.
#[derive(Clone, Debug)]
pub struct Claim<'a> {
    pub worker: &'a str,
    pub now_ms: i64,
    pub lease_until_ms: i64,
    /// Lanes not to claim from: full in this worker, or claimed by [`claim_capped`].
    pub skip_lanes: &'a [String],
    pub limit: i64,
}

macro_rules! returned {
    () => {
        " RETURNING id, kind, payload, lane, tenant, attempts, max_attempts"
    };
}

/// Queues work. Its turn is its place in its tenant's own line in that lane, so one tenant's
/// long batch cannot hold back another tenant's first job.
pub async fn enqueue(db: &mut dyn Session, new: &NewQueued<'_>, now_ms: i64) -> DbResult<i64> {
    let sql = "INSERT INTO jobs (kind, payload, lane, tenant, turn, state, max_attempts, run_at, created_at) \
               VALUES ($1, $2, $3, $4, (SELECT COUNT(*) FROM jobs WHERE tenant = $4 AND lane = $3), \
                       'queued', $5, $6, $7) \
               RETURNING id";
    let (id,): (i64,) = fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.kind)
            .bind(Json(new.payload))
            .bind(new.lane)
            .bind(new.tenant)
            .bind(new.max_attempts)
            .bind(new.run_at_ms)
            .bind(now_ms)
    );
    Ok(id)
}

/// The claim statement: marks up to a limit of due jobs (queued and due, or running with an
/// expired lease) as running, lowest turn first. Each kind is looked up on its own, so both
/// are read in turn order straight off the `(state, turn, id)` index and a long backlog costs
/// a claim no more than a short one. `$1` now, `$2` lease end, `$3` worker, `$4` the lane filter's
/// argument, `$5` the limit, `$6` the lane cap (capped claims only).
macro_rules! claim_sql {
    ($lane_filter:expr, $limit:expr, $lock:expr) => {
        concat!(
            "WITH due AS (SELECT id, turn FROM jobs WHERE state = 'queued' AND run_at <= $1 AND ",
            $lane_filter,
            " ORDER BY turn, id LIMIT ",
            $limit,
            $lock,
            "), lapsed AS (SELECT id, turn FROM jobs WHERE state = 'running' AND lease_until < $1 AND ",
            $lane_filter,
            " ORDER BY turn, id LIMIT ",
            $limit,
            $lock,
            ") UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, worker = $3 \
             WHERE id IN (SELECT id FROM (SELECT id, turn FROM due UNION ALL SELECT id, turn FROM lapsed) claimable \
               ORDER BY turn, id LIMIT ",
            $limit,
            ")",
            returned!()
        )
    };
}

/// Jobs of lane `$4` running under a live lease.
macro_rules! running_in_lane {
    () => {
        "(SELECT COUNT(*) FROM jobs WHERE lane = $4 AND state = 'running' AND lease_until >= $1)"
    };
}

/// The PostgreSQL advisory-lock space of lane claims (the lane's hash is the other key).
const LANE_LOCK_SPACE: i32 = 0x6163_6531;

/// Claims up to `limit` due jobs outside `skip_lanes`, lowest turn first. On PostgreSQL
/// concurrent claimers skip each other's rows; SQLite's write lock serialises them.
pub async fn claim(db: &mut dyn Session, claim: &Claim<'_>) -> DbResult<Vec<QueuedJob>> {
    count_statement();
    let skipped = serde_json::to_string(claim.skip_lanes).unwrap_or_else(|_| "[]".into());
    let jobs = match db.handle() {
        Handle::Sqlite(conn) => {
            let sql = claim_sql!("lane NOT IN (SELECT value FROM json_each($4))", "$5", "");
            claim_query(sql, claim, skipped)
                .fetch_all(&mut *conn)
                .await?
        }
        Handle::Postgres(conn) => {
            let sql = claim_sql!(
                "NOT (lane = ANY(ARRAY(SELECT jsonb_array_elements_text($4::jsonb))))",
                "$5",
                " FOR UPDATE SKIP LOCKED"
            );
            claim_query(sql, claim, skipped)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(jobs)
}

/// Claims up to `limit` due jobs of `lane` such that no more than `cap` of its jobs run at
/// once across every process sharing the database. Claimers of one lane go one at a time, and
/// each counts the lane's running jobs once it holds the lane: SQLite's write lock holds it,
/// on PostgreSQL an advisory lock kept until the claim commits. A PostgreSQL claimer that finds
/// another mid-claim on the lane claims nothing from it this time rather than waiting.
pub async fn claim_capped(
    db: &mut dyn Session,
    claim: &Claim<'_>,
    lane: &str,
    cap: i64,
) -> DbResult<Vec<QueuedJob>> {
    count_statement();
    let jobs = match db.handle() {
        Handle::Sqlite(conn) => {
            let sql = claim_sql!(
                "lane = $4",
                concat!("MAX(0, MIN($5, $6 - ", running_in_lane!(), "))"),
                ""
            );
            claim_query(sql, claim, lane.to_owned())
                .bind(cap)
                .fetch_all(&mut *conn)
                .await?
        }
        Handle::Postgres(conn) => {
            count_statement();
            let (holds_lane,): (bool,) =
                sqlx::query_as("SELECT pg_try_advisory_xact_lock($1, hashtext($2))")
                    .bind(LANE_LOCK_SPACE)
                    .bind(lane)
                    .fetch_one(&mut *conn)
                    .await?;
            if !holds_lane {
                return Ok(Vec::new());
            }
            let sql = claim_sql!(
                "lane = $4",
                concat!("GREATEST(0, LEAST($5, $6 - ", running_in_lane!(), "))"),
                " FOR UPDATE SKIP LOCKED"
            );
            claim_query(sql, claim, lane.to_owned())
                .bind(cap)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(jobs)
}

/// The claim statement with its first five arguments bound.
fn claim_query<'q, DB>(
    sql: &'static str,
    claim: &Claim<'_>,
    lanes: String,
) -> sqlx::query::QueryAs<'q, DB, QueuedJob, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    QueuedJob: for<'r> FromRow<'r, DB::Row>,
{
    sqlx::query_as(sql)
        .bind(claim.now_ms)
        .bind(claim.lease_until_ms)
        .bind(claim.worker.to_owned())
        .bind(lanes)
        .bind(claim.limit)
}

/// Extends the lease of every job `worker` runs; returns the ids it still holds (a job that
/// was cancelled, or reclaimed after a lapse, is missing).
pub async fn heartbeat(
    db: &mut dyn Session,
    worker: &str,
    lease_until_ms: i64,
) -> DbResult<Vec<i64>> {
    let sql =
        "UPDATE jobs SET lease_until = $1 WHERE worker = $2 AND state = 'running' RETURNING id";
    let rows: Vec<(i64,)> = fetch_all!(db, sqlx::query_as(sql).bind(lease_until_ms).bind(worker));
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Deletes finished jobs that `worker` still holds, in one statement. Returns how many it
/// deleted.
pub async fn finish_many(db: &mut dyn Session, ids: &[i64], worker: &str) -> DbResult<u64> {
    count_statement();
    Ok(match db.handle() {
        Handle::Sqlite(conn) => {
            let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
            let sql =
                "DELETE FROM jobs WHERE worker = $1 AND id IN (SELECT value FROM json_each($2))";
            sqlx::query(sql)
                .bind(worker)
                .bind(ids)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        }
        Handle::Postgres(conn) => {
            let sql = "DELETE FROM jobs WHERE worker = $1 AND id = ANY($2)";
            sqlx::query(sql)
                .bind(worker)
                .bind(ids)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        }
    })
}

/// How many jobs are queued or running.
pub async fn outstanding(db: &mut dyn Session) -> DbResult<i64> {
    Ok(fetch_one!(
        db,
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs")
    ))
}

/// How many jobs are running, or queued to run by `horizon_ms`.
pub async fn outstanding_by(db: &mut dyn Session, horizon_ms: i64) -> DbResult<i64> {
    Ok(fetch_one!(
        db,
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'running' OR run_at <= $1")
            .bind(horizon_ms)
    ))
}

/// Makes every queued job of `kind` due at `now_ms`; returns how many.
pub async fn bring_forward(db: &mut dyn Session, kind: &str, now_ms: i64) -> DbResult<u64> {
    let sql = "UPDATE jobs SET run_at = $2 WHERE state = 'queued' AND kind = $1 AND run_at > $2";
    Ok(execute!(db, sqlx::query(sql).bind(kind).bind(now_ms)))
}

/// Deletes a job whoever holds it (cancellation). Returns whether it was there.
pub async fn remove(db: &mut dyn Session, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM jobs WHERE id = $1";
    Ok(execute!(db, sqlx::query(sql).bind(id)) > 0)
}

/// Puts a claimed job back to run at `run_at_ms`. `refund_attempt` gives back the attempt
/// the claim counted (for work that never started).
pub async fn requeue(
    db: &mut dyn Session,
    id: i64,
    worker: &str,
    run_at_ms: i64,
    error: Option<&str>,
    refund_attempt: bool,
) -> DbResult<bool> {
    let sql = "UPDATE jobs SET state = 'queued', run_at = $3, worker = NULL, lease_until = NULL, \
                 last_error = COALESCE($4, last_error), \
                 attempts = CASE WHEN $5 THEN attempts - 1 ELSE attempts END \
               WHERE id = $1 AND worker = $2";
    Ok(execute!(
        db,
        sqlx::query(sql)
            .bind(id)
            .bind(worker)
            .bind(run_at_ms)
            .bind(error)
            .bind(refund_attempt)
    ) > 0)
}
