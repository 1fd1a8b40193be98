//! The engine rows themselves: title, slug, default flag, canvas.

use ace_domain::ids::{AgentId, SpreadsheetId, TemplateId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Handle, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored engine.
#[derive(Clone, Debug, FromRow)]
pub struct SheetRecord {
    #[sqlx(try_from = "i64")]
    pub id: SpreadsheetId,
    /// `None` for the engine behind a library template.
    pub agent_id: Option<i64>,
    pub template_id: Option<i64>,
    pub slug: String,
    pub uuid: String,
    pub title: String,
    pub is_default: bool,
    pub status: String,
    pub aspect_ratio: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An engine to record.
#[derive(Clone, Debug)]
pub struct NewSheet<'a> {
    pub agent_id: Option<AgentId>,
    pub template_id: Option<TemplateId>,
    pub slug: &'a str,
    pub title: &'a str,
    pub is_default: bool,
    pub aspect_ratio: &'a str,
}

macro_rules! columns {
    () => {
        "id, agent_id, template_id, slug, uuid, title, is_default, status, aspect_ratio, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewSheet<'_>,
    now: DateTime<Utc>,
) -> DbResult<SheetRecord> {
    let sql = concat!(
        "INSERT INTO spreadsheets (agent_id, template_id, slug, uuid, title, is_default, aspect_ratio, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.map(AgentId::get))
            .bind(new.template_id.map(TemplateId::get))
            .bind(new.slug)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(new.title)
            .bind(new.is_default)
            .bind(new.aspect_ratio)
            .bind(now)
    ))
}

/// One of the agent's engines.
pub async fn find(
    db: &mut dyn Session,
    agent: AgentId,
    id: SpreadsheetId,
) -> DbResult<Option<SheetRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheets WHERE agent_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id.get())
    ))
}

/// The agent's engines, the most recently changed first.
pub async fn for_agent(db: &mut dyn Session, agent: AgentId) -> DbResult<Vec<SheetRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheets WHERE agent_id = $1 ORDER BY updated_at DESC, id DESC"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Any engine, the templates' included.
pub async fn find_any(db: &mut dyn Session, id: SpreadsheetId) -> DbResult<Option<SheetRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM spreadsheets WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// The agent's slugs that are `base` or `base-…`, to pick a free one.
pub async fn slugs_like(db: &mut dyn Session, agent: AgentId, base: &str) -> DbResult<Vec<String>> {
    let sql = "SELECT slug FROM spreadsheets WHERE agent_id = $1 AND (slug = $2 OR slug LIKE $3)";
    let rows: Vec<(String,)> = fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(base)
            .bind(format!("{base}-%"))
    );
    Ok(rows.into_iter().map(|(slug,)| slug).collect())
}

/// Unmarks the agent's default engine, if any.
pub async fn clear_default(
    db: &mut dyn Session,
    agent: AgentId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE spreadsheets SET is_default = FALSE, updated_at = $2 WHERE agent_id = $1 AND is_default";
    execute!(db, sqlx::query(sql).bind(agent.get()).bind(now));
    Ok(())
}

/// Serialises engine creation for one agent (slugs and the default flag) until the
/// transaction ends. SQLite's write transactions are serial already.
pub async fn lock_agent(db: &mut dyn Session, agent: AgentId) -> DbResult<()> {
    if let Handle::Postgres(conn) = db.handle() {
        sqlx::query("SELECT id FROM agents WHERE id = $1 FOR UPDATE")
            .bind(agent.get())
            .fetch_optional(&mut *conn)
            .await?;
        crate::count_statement();
    }
    Ok(())
}

/// Marks the engine changed.
pub async fn touch(db: &mut dyn Session, id: SpreadsheetId, now: DateTime<Utc>) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE spreadsheets SET updated_at = $2 WHERE id = $1")
            .bind(id.get())
            .bind(now)
    );
    Ok(())
}

/// Deletes an engine and everything in it.
pub async fn delete(db: &mut dyn Session, id: SpreadsheetId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM spreadsheets WHERE id = $1").bind(id.get())
    );
    Ok(())
}
