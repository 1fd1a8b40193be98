//! Jobs (GEN: user jobs, generations): what filled a cell or a layer, with its status, result,
//! cost and output resources. Cells and layers keep their job history here. Every status
//! change is one conditional statement, so two actors racing (a worker finishing, a user
//! stopping) cannot both win.

use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, CellId, LayerId, OrganizationId, SpreadsheetId, UserJobId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{
    DbResult, Handle, Session, count_statement, execute, fetch_all, fetch_one, fetch_optional,
};

/// A stored job.
#[derive(Clone, Debug, FromRow)]
pub struct JobRecord {
    #[sqlx(try_from = "i64")]
    pub id: UserJobId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub organization_id: Option<i64>,
    pub spreadsheet_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub layer_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub user_job_type: JobKind,
    #[sqlx(try_from = "String")]
    pub status: GenerationStatus,
    pub data: Json<Value>,
    pub result: Option<Json<Value>>,
    pub failed_reason: Option<String>,
    pub execution_cost_millis: i64,
    /// The open reservation paying for the current run.
    pub reservation_id: Option<i64>,
    pub estimate_millis: i64,
    /// The main text after variable substitution.
    pub prompt: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// The queue entry running it, while it waits or runs.
    pub queue_job_id: Option<i64>,
    /// A media card's existing resource, attached rather than generated.
    pub attached_resource_id: Option<i64>,
    /// How far it has come, 0 to 1, for jobs that report it (renders).
    pub progress: Option<f64>,
    /// The row run it is a step (or the render) of.
    pub row_run_id: Option<i64>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A job to record.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub agent_id: AgentId,
    pub organization_id: Option<OrganizationId>,
    pub spreadsheet_id: Option<SpreadsheetId>,
    pub cell_id: Option<CellId>,
    pub layer_id: Option<LayerId>,
    pub user_job_type: JobKind,
    pub status: GenerationStatus,
    pub data: &'a Value,
    pub prompt: Option<&'a str>,
    pub estimate_millis: i64,
    /// The row run it is a step (or the render) of.
    pub row_run_id: Option<i64>,
}

impl<'a> NewJob<'a> {
    /// A pending job of the agent's own, outside any engine (a scrape, an import, a voice
    /// preview).
    pub fn of_agent(
        agent_id: AgentId,
        organization_id: OrganizationId,
        user_job_type: JobKind,
        data: &'a Value,
        prompt: Option<&'a str>,
        estimate_millis: i64,
    ) -> Self {
        Self {
            agent_id,
            organization_id: Some(organization_id),
            spreadsheet_id: None,
            cell_id: None,
            layer_id: None,
            user_job_type,
            status: GenerationStatus::Pending,
            data,
            prompt,
            estimate_millis,
            row_run_id: None,
        }
    }
}

/// A resource a job produced.
#[derive(Clone, Debug, FromRow)]
pub struct OutputRecord {
    pub id: i64,
    pub user_job_id: i64,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    /// image, video, audio, zip or safe_tensors.
    pub kind: String,
}

/// How a job completed.
#[derive(Clone, Debug)]
pub struct Completion<'a> {
    pub result: Option<&'a Value>,
    pub cost_millis: i64,
    pub provider: &'a str,
    pub model: &'a str,
    /// A media card's resource.
    pub attached_resource: Option<i64>,
}

macro_rules! columns {
    () => {
        "id, agent_id, organization_id, spreadsheet_id, cell_id, layer_id, user_job_type, status, data, result, \
         failed_reason, execution_cost_millis, reservation_id, estimate_millis, prompt, provider, model, \
         queue_job_id, attached_resource_id, progress, row_run_id, started_at, finished_at, created_at, updated_at"
    };
}
pub(crate) use columns;

pub async fn insert(
    db: &mut dyn Session,
    new: &NewJob<'_>,
    now: DateTime<Utc>,
) -> DbResult<JobRecord> {
    let sql = concat!(
        "INSERT INTO user_jobs (agent_id, organization_id, spreadsheet_id, cell_id, layer_id, user_job_type, \
           status, data, prompt, estimate_millis, row_run_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.organization_id.map(OrganizationId::get))
            .bind(new.spreadsheet_id.map(SpreadsheetId::get))
            .bind(new.cell_id.map(CellId::get))
            .bind(new.layer_id.map(LayerId::get))
            .bind(new.user_job_type.as_str())
            .bind(new.status.as_str())
            .bind(Json(new.data))
            .bind(new.prompt)
            .bind(new.estimate_millis)
            .bind(new.row_run_id)
            .bind(now)
    ))
}

pub async fn find(db: &mut dyn Session, id: UserJobId) -> DbResult<Option<JobRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM user_jobs WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// The result of the completed `user_job_type` job that made content resource `resource`, if
/// one did (a speech generation's word times, say).
pub async fn result_of_maker(
    db: &mut dyn Session,
    resource: i64,
    user_job_type: JobKind,
) -> DbResult<Option<Value>> {
    let sql = "SELECT j.result FROM content_resources r JOIN user_jobs j ON j.id = r.user_job_id \
               WHERE r.id = $1 AND j.user_job_type = $2 AND j.status = 'completed'";
    let result: Option<Option<Json<Value>>> = fetch_optional!(
        db,
        sqlx::query_scalar(sql)
            .bind(resource)
            .bind(user_job_type.as_str())
    );
    Ok(result.flatten().map(|json| json.0))
}

/// Records what pays for and runs the job's current run.
pub async fn attach_run(
    db: &mut dyn Session,
    id: UserJobId,
    reservation: Option<i64>,
    queue_job: i64,
) -> DbResult<()> {
    let sql = "UPDATE user_jobs SET reservation_id = $2, queue_job_id = $3 WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(reservation)
            .bind(queue_job)
    );
    Ok(())
}

/// The jobs of `ids` that exist.
pub async fn find_many(db: &mut dyn Session, ids: &[i64]) -> DbResult<Vec<JobRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    count_statement();
    macro_rules! find_sql {
        ($in_ids:literal) => {
            concat!("SELECT ", columns!(), " FROM user_jobs WHERE ", $in_ids)
        };
    }
    Ok(match db.handle() {
        Handle::Sqlite(conn) => {
            let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(find_sql!("id IN (SELECT value FROM json_each($1))"))
                .bind(ids)
                .fetch_all(&mut *conn)
                .await?
        }
        Handle::Postgres(conn) => {
            sqlx::query_as(find_sql!("id = ANY($1)"))
                .bind(ids.to_vec())
                .fetch_all(&mut *conn)
                .await?
        }
    })
}

/// pending → processing, for those of `ids` that are pending; returns them.
pub async fn start_many(
    db: &mut dyn Session,
    ids: &[UserJobId],
    now: DateTime<Utc>,
) -> DbResult<Vec<JobRecord>> {
    count_statement();
    let ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
    macro_rules! start_sql {
        ($in_ids:literal) => {
            concat!(
                "UPDATE user_jobs SET status = 'processing', started_at = COALESCE(started_at, $1), \
                   updated_at = $1 WHERE status = 'pending' AND ",
                $in_ids,
                " RETURNING ",
                columns!()
            )
        };
    }
    Ok(match db.handle() {
        Handle::Sqlite(conn) => {
            let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            sqlx::query_as(start_sql!("id IN (SELECT value FROM json_each($2))"))
                .bind(now)
                .bind(ids)
                .fetch_all(&mut *conn)
                .await?
        }
        Handle::Postgres(conn) => {
            sqlx::query_as(start_sql!("id = ANY($2)"))
                .bind(now)
                .bind(ids)
                .fetch_all(&mut *conn)
                .await?
        }
    })
}

/// processing → completed. `None` if the job was no longer processing (stopped meanwhile).
pub async fn complete(
    db: &mut dyn Session,
    id: UserJobId,
    done: &Completion<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<JobRecord>> {
    let sql = concat!(
        "UPDATE user_jobs SET status = 'completed', result = $2, execution_cost_millis = $3, provider = $4, \
           model = $5, attached_resource_id = $7, reservation_id = NULL, queue_job_id = NULL, finished_at = $6, \
           updated_at = $6 \
         WHERE id = $1 AND status = 'processing' RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(done.result.map(Json))
            .bind(done.cost_millis)
            .bind(done.provider)
            .bind(done.model)
            .bind(now)
            .bind(done.attached_resource)
    ))
}

/// pending | processing → failed or stopped (`to`), with nothing charged. `None` if the job
/// had already ended.
pub async fn end_unpaid(
    db: &mut dyn Session,
    id: UserJobId,
    to: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<Option<JobRecord>> {
    let sql = concat!(
        "UPDATE user_jobs SET status = $2, failed_reason = $3, execution_cost_millis = 0, reservation_id = NULL, \
           queue_job_id = NULL, finished_at = $4, updated_at = $4 \
         WHERE id = $1 AND status IN ('pending', 'processing') RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(to)
            .bind(reason)
            .bind(now)
    ))
}

/// stopped → pending, for a new run. `None` if the job was not stopped.
pub async fn resume(
    db: &mut dyn Session,
    id: UserJobId,
    estimate_millis: i64,
    now: DateTime<Utc>,
) -> DbResult<Option<JobRecord>> {
    let sql = concat!(
        "UPDATE user_jobs SET status = 'pending', failed_reason = NULL, result = NULL, estimate_millis = $2, \
           progress = NULL, started_at = NULL, finished_at = NULL, updated_at = $3 \
         WHERE id = $1 AND status = 'stopped' RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(estimate_millis)
            .bind(now)
    ))
}

/// Which of an agent's jobs a list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct JobFilter {
    pub user_job_type: Option<JobKind>,
    pub status: Option<GenerationStatus>,
}

/// An agent's jobs, newest first.
pub async fn list_for_agent(
    db: &mut dyn Session,
    agent: AgentId,
    filter: JobFilter,
    offset: i64,
    limit: i64,
) -> DbResult<Vec<JobRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM user_jobs WHERE agent_id = $1 AND ($2 IS NULL OR user_job_type = $2) \
           AND ($3 IS NULL OR status = $3) ORDER BY id DESC LIMIT $4 OFFSET $5"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(filter.user_job_type.map(JobKind::as_str))
            .bind(filter.status.map(GenerationStatus::as_str))
            .bind(limit)
            .bind(offset)
    ))
}

/// Replaces a job's `data` while it is pending or processing. `None` if it has ended.
pub async fn update_data(
    db: &mut dyn Session,
    id: UserJobId,
    data: &Value,
    now: DateTime<Utc>,
) -> DbResult<Option<JobRecord>> {
    let sql = concat!(
        "UPDATE user_jobs SET data = $2, updated_at = $3 \
         WHERE id = $1 AND status IN ('pending', 'processing') RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(Json(data))
            .bind(now)
    ))
}

/// One finished cycle of a long-lived job that stays processing.
#[derive(Clone, Debug)]
pub struct Cycle<'a> {
    pub result: &'a Value,
    /// What this cycle cost, added to what the job has cost so far.
    pub cost_millis: i64,
    pub provider: Option<&'a str>,
    /// The queue entry that runs the next cycle.
    pub next_run: Option<i64>,
}

/// Records a cycle of a processing job: its result, its cost (added), the next run; the
/// cycle's reservation is closed. `None` if the job is no longer processing.
pub async fn record_cycle(
    db: &mut dyn Session,
    id: UserJobId,
    cycle: &Cycle<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<JobRecord>> {
    let sql = concat!(
        "UPDATE user_jobs SET result = $2, execution_cost_millis = execution_cost_millis + $3, \
           provider = COALESCE($4, provider), queue_job_id = $5, reservation_id = NULL, updated_at = $6 \
         WHERE id = $1 AND status = 'processing' RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(Json(cycle.result))
            .bind(cycle.cost_millis)
            .bind(cycle.provider)
            .bind(cycle.next_run)
            .bind(now)
    ))
}

/// Records the reservation paying for a processing job's current run (or none) and its
/// amount. `false` if the job is no longer processing.
pub async fn hold(
    db: &mut dyn Session,
    id: UserJobId,
    reservation: Option<i64>,
    estimate_millis: i64,
) -> DbResult<bool> {
    let sql = "UPDATE user_jobs SET reservation_id = $2, estimate_millis = $3 \
               WHERE id = $1 AND status = 'processing'";
    Ok(execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(reservation)
            .bind(estimate_millis)
    ) > 0)
}

/// Records how far a processing job has come (0 to 1). `false` if it is not processing.
pub async fn set_progress(db: &mut dyn Session, id: UserJobId, progress: f64) -> DbResult<bool> {
    let sql = "UPDATE user_jobs SET progress = $2 WHERE id = $1 AND status = 'processing'";
    Ok(execute!(db, sqlx::query(sql).bind(id.get()).bind(progress)) > 0)
}

/// An engine's jobs of one type, newest first, with the resources they produced (oldest
/// first), in two statements.
pub async fn page_of_type(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    user_job_type: JobKind,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<JobRecord>, Vec<OutputRecord>)> {
    macro_rules! page {
        () => {
            "FROM user_jobs WHERE spreadsheet_id = $1 AND user_job_type = $2 \
             ORDER BY id DESC LIMIT $3 OFFSET $4"
        };
    }
    let jobs_sql = concat!("SELECT ", columns!(), " ", page!());
    let jobs = fetch_all!(
        db,
        sqlx::query_as(jobs_sql)
            .bind(sheet.get())
            .bind(user_job_type.as_str())
            .bind(limit)
            .bind(offset)
    );
    let outputs_sql = concat!(
        "SELECT r.id, r.user_job_id, r.storage_key, r.thumbnail_key, r.kind \
         FROM content_resources r JOIN (SELECT id ",
        page!(),
        ") j ON r.user_job_id = j.id ORDER BY r.id"
    );
    let outputs = fetch_all!(
        db,
        sqlx::query_as(outputs_sql)
            .bind(sheet.get())
            .bind(user_job_type.as_str())
            .bind(limit)
            .bind(offset)
    );
    Ok((jobs, outputs))
}

/// The resources a job produced (or, for a media card, attached), oldest first.
pub async fn outputs(db: &mut dyn Session, id: UserJobId) -> DbResult<Vec<OutputRecord>> {
    let sql = "SELECT id, user_job_id, storage_key, thumbnail_key, kind FROM content_resources \
               WHERE user_job_id = $1 \
               UNION ALL \
               SELECT r.id, j.id, r.storage_key, r.thumbnail_key, r.kind FROM user_jobs j \
               JOIN content_resources r ON r.id = j.attached_resource_id WHERE j.id = $1 \
               ORDER BY 1";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(id.get())))
}
