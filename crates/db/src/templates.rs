//! The template library: each template is an engine without an agent, plus the metadata
//! and checksum of the data file it was loaded from.

use ace_domain::ids::{SpreadsheetId, TemplateId, UserId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Handle, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored template.
#[derive(Clone, Debug, FromRow)]
pub struct TemplateRecord {
    #[sqlx(try_from = "i64")]
    pub id: TemplateId,
    pub slug: String,
    pub uuid: String,
    pub spreadsheet_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub video_type: String,
    pub cover: Option<String>,
    pub tutorial_url: Option<String>,
    pub tags: Json<Vec<String>>,
    pub checksum: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A template's metadata, as its data file gives it.
#[derive(Clone, Debug)]
pub struct TemplateFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub video_type: &'a str,
    pub cover: Option<&'a str>,
    pub tutorial_url: Option<&'a str>,
    pub tags: &'a [String],
    pub checksum: &'a str,
}

/// A recent output of an engine made from a template.
#[derive(Clone, Debug, FromRow)]
pub struct RecentContent {
    pub template_id: i64,
    pub id: i64,
    pub kind: String,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
}

macro_rules! columns {
    () => {
        "id, slug, uuid, spreadsheet_id, title, description, video_type, cover, tutorial_url, tags, checksum, \
         created_at, updated_at"
    };
}

/// Serialises library syncs across processes until the transaction ends (SQLite's write
/// transactions are serial already).
pub async fn lock_library(db: &mut dyn Session) -> DbResult<()> {
    if let Handle::Postgres(conn) = db.handle() {
        // An arbitrary constant that names "the template library" among advisory locks.
        sqlx::query("SELECT pg_advisory_xact_lock(7061626954)")
            .execute(&mut *conn)
            .await?;
        crate::count_statement();
    }
    Ok(())
}

/// Every template, in library order.
pub async fn all(db: &mut dyn Session) -> DbResult<Vec<TemplateRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM templates ORDER BY id");
    Ok(fetch_all!(db, sqlx::query_as(sql)))
}

/// A page of the library.
pub async fn page(db: &mut dyn Session, offset: i64, limit: i64) -> DbResult<Vec<TemplateRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM templates ORDER BY id LIMIT $1 OFFSET $2"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(limit).bind(offset)))
}

/// The template a slug, UUID or numeric id names.
pub async fn find(db: &mut dyn Session, key: &str) -> DbResult<Option<TemplateRecord>> {
    let id = key.parse::<i64>().unwrap_or(0);
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM templates WHERE slug = $1 OR uuid = $1 OR id = $2"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(key).bind(id)))
}

/// Records a template or replaces its metadata, pointing it at `spreadsheet`.
pub async fn upsert(
    db: &mut dyn Session,
    fields: &TemplateFields<'_>,
    spreadsheet: SpreadsheetId,
    now: DateTime<Utc>,
) -> DbResult<TemplateRecord> {
    let sql = concat!(
        "INSERT INTO templates (slug, uuid, spreadsheet_id, title, description, video_type, cover, tutorial_url, tags, \
           checksum, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (slug) DO UPDATE SET spreadsheet_id = excluded.spreadsheet_id, title = excluded.title, \
           description = excluded.description, video_type = excluded.video_type, cover = excluded.cover, \
           tutorial_url = excluded.tutorial_url, tags = excluded.tags, checksum = excluded.checksum, \
           updated_at = excluded.updated_at \
         RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(fields.slug)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(spreadsheet.get())
            .bind(fields.title)
            .bind(fields.description)
            .bind(fields.video_type)
            .bind(fields.cover)
            .bind(fields.tutorial_url)
            .bind(Json(fields.tags))
            .bind(fields.checksum)
            .bind(now)
    ))
}

pub async fn delete(db: &mut dyn Session, id: TemplateId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM templates WHERE id = $1").bind(id.get())
    );
    Ok(())
}

/// The newest videos and images (up to `per_template` each) made in engines cloned from
/// these templates by agents of the viewer's workspaces. Others' work is never shown.
pub async fn recent_contents(
    db: &mut dyn Session,
    templates: &[TemplateId],
    viewer: UserId,
    per_template: i64,
) -> DbResult<Vec<RecentContent>> {
    let (Some(first), Some(last)) = (
        templates.iter().min().map(|t| t.get()),
        templates.iter().max().map(|t| t.get()),
    ) else {
        return Ok(Vec::new());
    };
    let sql = "SELECT template_id, id, kind, storage_key, thumbnail_key FROM ( \
           SELECT s.template_id, r.id, r.kind, r.storage_key, r.thumbnail_key, \
             ROW_NUMBER() OVER (PARTITION BY s.template_id ORDER BY r.id DESC) AS n \
           FROM content_resources r \
             JOIN spreadsheets s ON s.id = r.project_id \
             JOIN agents a ON a.id = s.agent_id AND a.deleted_at IS NULL \
             JOIN memberships m ON m.organization_id = a.organization_id AND m.user_id = $1 \
           WHERE s.template_id BETWEEN $2 AND $3 AND r.kind IN ('video', 'image') \
         ) recent WHERE n <= $4 ORDER BY template_id, id DESC";
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(viewer.get())
            .bind(first)
            .bind(last)
            .bind(per_template)
    ))
}
