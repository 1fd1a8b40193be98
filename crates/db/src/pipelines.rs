//! Sheet pipelines and their actions: what triggers a pipeline, the credits one run may
//! spend, whether it is on, and the queue entry of its next scheduled firing.

use ace_domain::ids::{AgentId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Handle, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored pipeline.
#[derive(Clone, Debug, FromRow)]
pub struct PipelineRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub spreadsheet_id: i64,
    #[sqlx(try_from = "i64")]
    pub created_by: UserId,
    pub name: String,
    pub trigger_type: String,
    pub trigger_config: Json<Value>,
    pub budget_millis: i64,
    pub enabled: bool,
    /// Part of what the webhook URL's token signs: a new nonce retires every earlier URL.
    pub webhook_nonce: String,
    pub next_at: Option<DateTime<Utc>>,
    pub queue_job_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A pipeline's settings, to record or to replace.
#[derive(Clone, Debug)]
pub struct PipelineSettings<'a> {
    pub name: &'a str,
    pub trigger_type: &'a str,
    pub trigger_config: &'a Value,
    pub budget_millis: i64,
    pub enabled: bool,
}

macro_rules! columns {
    () => {
        "id, agent_id, organization_id, spreadsheet_id, created_by, name, trigger_type, \
         trigger_config, budget_millis, enabled, webhook_nonce, next_at, queue_job_id, created_at, \
         updated_at"
    };
}

/// Records a pipeline of `sheet`, created by `user`.
#[expect(
    clippy::too_many_arguments,
    reason = "a pipeline is recorded from all of these"
)]
pub async fn insert(
    db: &mut dyn Session,
    agent: AgentId,
    organization: OrganizationId,
    sheet: i64,
    user: UserId,
    settings: &PipelineSettings<'_>,
    nonce: &str,
    now: DateTime<Utc>,
) -> DbResult<PipelineRecord> {
    let sql = concat!(
        "INSERT INTO pipelines (agent_id, organization_id, spreadsheet_id, created_by, name, \
           trigger_type, trigger_config, budget_millis, enabled, webhook_nonce, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(organization.get())
            .bind(sheet)
            .bind(user.get())
            .bind(settings.name)
            .bind(settings.trigger_type)
            .bind(Json(settings.trigger_config))
            .bind(settings.budget_millis)
            .bind(settings.enabled)
            .bind(nonce)
            .bind(now)
    ))
}

/// A pipeline by id.
pub async fn find(db: &mut dyn Session, id: i64) -> DbResult<Option<PipelineRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM pipelines WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// The pipelines of a sheet, oldest first.
pub async fn for_sheet(db: &mut dyn Session, sheet: i64) -> DbResult<Vec<PipelineRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM pipelines WHERE spreadsheet_id = $1 ORDER BY id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(sheet)))
}

/// Holds the pipeline for the rest of the transaction (PostgreSQL; SQLite has one writer).
pub async fn lock(db: &mut dyn Session, id: i64) -> DbResult<()> {
    if let Handle::Postgres(conn) = db.handle() {
        sqlx::query("SELECT id FROM pipelines WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        crate::count_statement();
    }
    Ok(())
}

/// Replaces the pipeline's settings.
pub async fn update(
    db: &mut dyn Session,
    id: i64,
    settings: &PipelineSettings<'_>,
    now: DateTime<Utc>,
) -> DbResult<PipelineRecord> {
    let sql = concat!(
        "UPDATE pipelines SET name = $2, trigger_type = $3, trigger_config = $4, budget_millis = $5, \
           enabled = $6, updated_at = $7 WHERE id = $1 RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(id)
            .bind(settings.name)
            .bind(settings.trigger_type)
            .bind(Json(settings.trigger_config))
            .bind(settings.budget_millis)
            .bind(settings.enabled)
            .bind(now)
    ))
}

/// Keeps the queue entry of the pipeline's next firing and when it is due (both `None`: no
/// firing is scheduled).
pub async fn set_schedule(
    db: &mut dyn Session,
    id: i64,
    next: Option<(DateTime<Utc>, i64)>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE pipelines SET next_at = $2, queue_job_id = $3 WHERE id = $1")
            .bind(id)
            .bind(next.map(|(at, _)| at))
            .bind(next.map(|(_, job)| job))
    );
    Ok(())
}

/// Deletes the pipeline with its actions and runs.
pub async fn delete(db: &mut dyn Session, id: i64) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM pipelines WHERE id = $1").bind(id)
    );
    Ok(())
}

/// A stored action.
#[derive(Clone, Debug, FromRow)]
pub struct ActionRecord {
    pub id: i64,
    pub pipeline_id: i64,
    pub action_type: String,
    pub position: i64,
    pub config: Json<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! action_columns {
    () => {
        "id, pipeline_id, action_type, position, config, created_at, updated_at"
    };
}

/// Records an action at `position`.
pub async fn insert_action(
    db: &mut dyn Session,
    pipeline: i64,
    action_type: &str,
    position: i64,
    config: &Value,
    now: DateTime<Utc>,
) -> DbResult<ActionRecord> {
    let sql = concat!(
        "INSERT INTO pipeline_actions (pipeline_id, action_type, position, config, created_at, \
           updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING ",
        action_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(pipeline)
            .bind(action_type)
            .bind(position)
            .bind(Json(config))
            .bind(now)
    ))
}

/// The pipeline's actions in the order they run.
pub async fn actions(db: &mut dyn Session, pipeline: i64) -> DbResult<Vec<ActionRecord>> {
    let sql = concat!(
        "SELECT ",
        action_columns!(),
        " FROM pipeline_actions WHERE pipeline_id = $1 ORDER BY position, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(pipeline)))
}

/// Replaces an action's position and config.
pub async fn update_action(
    db: &mut dyn Session,
    id: i64,
    position: i64,
    config: &Value,
    now: DateTime<Utc>,
) -> DbResult<ActionRecord> {
    let sql = concat!(
        "UPDATE pipeline_actions SET position = $2, config = $3, updated_at = $4 WHERE id = $1 \
         RETURNING ",
        action_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(id)
            .bind(position)
            .bind(Json(config))
            .bind(now)
    ))
}

/// Deletes an action.
pub async fn delete_action(db: &mut dyn Session, id: i64) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM pipeline_actions WHERE id = $1").bind(id)
    );
    Ok(())
}
