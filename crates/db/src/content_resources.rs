//! Content resources: the files of an agent's asset library, each a blob in storage.

use ace_domain::ids::{
    AgentId, AssetFolderId, ContentResourceId, OrganizationId, SpreadsheetId, UserJobId,
};
use ace_domain::text::fold;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Handle, Session, fetch_all, fetch_one, fetch_optional};

/// A stored content resource.
#[derive(Clone, Debug, FromRow)]
pub struct ResourceRecord {
    #[sqlx(try_from = "i64")]
    pub id: ContentResourceId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub folder_id: Option<i64>,
    pub project_id: Option<i64>,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub file_name: String,
    pub content_type: String,
    /// image, video, audio, zip or safe_tensors.
    pub kind: String,
    pub byte_size: i64,
    /// Base64 MD5 of the bytes, when the client declared one (direct uploads).
    pub checksum: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    /// The generation that made it; `None` for uploads.
    pub user_job_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A resource to record.
#[derive(Clone, Debug)]
pub struct NewResource {
    pub agent_id: AgentId,
    pub folder_id: Option<AssetFolderId>,
    /// The engine the file belongs to, if any (listed under `project_id`).
    pub project_id: Option<SpreadsheetId>,
    /// The generation that made it; `None` for uploads.
    pub user_job_id: Option<UserJobId>,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub kind: String,
    pub byte_size: i64,
    pub checksum: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
}

/// Which resources a listing shows.
#[derive(Clone, Debug, Default)]
pub struct ResourceFilter {
    pub kind: Option<String>,
    pub project_id: Option<i64>,
    /// Only these ids (when `Some`).
    pub ids: Option<Vec<i64>>,
}

macro_rules! columns {
    () => {
        "id, agent_id, folder_id, project_id, storage_key, thumbnail_key, file_name, content_type, kind, \
         byte_size, checksum, width, height, duration_ms, user_job_id, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewResource,
    now: DateTime<Utc>,
) -> DbResult<ResourceRecord> {
    let sql = concat!(
        "INSERT INTO content_resources (agent_id, folder_id, storage_key, thumbnail_key, file_name, file_name_key, \
           content_type, kind, byte_size, checksum, width, height, duration_ms, project_id, user_job_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.folder_id.map(AssetFolderId::get))
            .bind(&new.storage_key)
            .bind(&new.thumbnail_key)
            .bind(&new.file_name)
            .bind(fold(&new.file_name))
            .bind(&new.content_type)
            .bind(&new.kind)
            .bind(new.byte_size)
            .bind(&new.checksum)
            .bind(new.width)
            .bind(new.height)
            .bind(new.duration_ms)
            .bind(new.project_id.map(SpreadsheetId::get))
            .bind(new.user_job_id.map(UserJobId::get))
            .bind(now)
    ))
}

/// One of the agent's resources.
pub async fn find(
    db: &mut dyn Session,
    agent: AgentId,
    id: ContentResourceId,
) -> DbResult<Option<ResourceRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM content_resources WHERE agent_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id.get())
    ))
}

/// The agent's resource stored under `key`, if any.
pub async fn find_by_key(
    db: &mut dyn Session,
    agent: AgentId,
    key: &str,
) -> DbResult<Option<ResourceRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM content_resources WHERE agent_id = $1 AND storage_key = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(key)
    ))
}

/// A page of the agent's resources, newest first.
pub async fn list(
    db: &mut dyn Session,
    agent: AgentId,
    filter: &ResourceFilter,
    offset: i64,
    limit: i64,
) -> DbResult<Vec<ResourceRecord>> {
    // Only the way a list of ids is passed differs between the two databases.
    macro_rules! list_sql {
        ($in_ids:literal) => {
            concat!(
                "SELECT ",
                columns!(),
                " FROM content_resources WHERE agent_id = $1 \
                 AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR project_id = $3) \
                 AND ($4 IS NULL OR ",
                $in_ids,
                ") ORDER BY id DESC LIMIT $5 OFFSET $6"
            )
        };
    }
    let records = match db.handle() {
        Handle::Sqlite(conn) => {
            let ids = filter
                .ids
                .as_ref()
                .map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
            sqlx::query_as(list_sql!("id IN (SELECT value FROM json_each($4))"))
                .bind(agent.get())
                .bind(&filter.kind)
                .bind(filter.project_id)
                .bind(&ids)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *conn)
                .await?
        }
        Handle::Postgres(conn) => {
            sqlx::query_as(list_sql!("id = ANY($4)"))
                .bind(agent.get())
                .bind(&filter.kind)
                .bind(filter.project_id)
                .bind(&filter.ids)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(records)
}

/// Renames one of the agent's resources; returns whether it exists.
pub async fn rename(
    db: &mut dyn Session,
    agent: AgentId,
    id: ContentResourceId,
    file_name: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<ResourceRecord>> {
    let sql = concat!(
        "UPDATE content_resources SET file_name = $3, file_name_key = $4, updated_at = $5 \
         WHERE agent_id = $1 AND id = $2 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(id.get())
            .bind(file_name)
            .bind(fold(file_name))
            .bind(now)
    ))
}

/// Deletes one of the agent's resources and returns it.
pub async fn delete(
    db: &mut dyn Session,
    agent: AgentId,
    id: ContentResourceId,
) -> DbResult<Option<ResourceRecord>> {
    let sql = concat!(
        "DELETE FROM content_resources WHERE agent_id = $1 AND id = $2 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id.get())
    ))
}

/// The blob keys (file, thumbnail) of every resource inside `folder` or its subfolders.
pub async fn keys_under_folder(
    db: &mut dyn Session,
    folder: AssetFolderId,
) -> DbResult<Vec<(String, Option<String>)>> {
    let sql = "WITH RECURSIVE tree(id) AS ( \
                 SELECT id FROM asset_folders WHERE id = $1 \
                 UNION ALL SELECT f.id FROM asset_folders f JOIN tree t ON f.parent_id = t.id) \
               SELECT storage_key, thumbnail_key FROM content_resources WHERE folder_id IN (SELECT id FROM tree)";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(folder.get())))
}

/// The blob keys of every resource of every agent in an organization.
pub async fn keys_in_organization(
    db: &mut dyn Session,
    org: OrganizationId,
) -> DbResult<Vec<(String, Option<String>)>> {
    let sql = "SELECT r.storage_key, r.thumbnail_key FROM content_resources r \
               JOIN agents a ON a.id = r.agent_id WHERE a.organization_id = $1";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(org.get())))
}
