//! Asset folders: a tree per agent. Deleting a folder deletes everything under it (the
//! database cascades; callers collect blob keys first).

use ace_domain::ids::{AgentId, AssetFolderId};
use ace_domain::text::fold;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored folder.
#[derive(Clone, Debug, FromRow)]
pub struct FolderRecord {
    #[sqlx(try_from = "i64")]
    pub id: AssetFolderId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub parent_id: Option<i64>,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FolderRecord {
    pub fn parent(&self) -> Option<AssetFolderId> {
        self.parent_id.map(AssetFolderId::new)
    }
}

pub async fn insert(
    db: &mut dyn Session,
    agent: AgentId,
    parent: Option<AssetFolderId>,
    name: &str,
    now: DateTime<Utc>,
) -> DbResult<FolderRecord> {
    let sql = "INSERT INTO asset_folders (agent_id, parent_id, name, name_key, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $5) RETURNING id, agent_id, parent_id, name, created_at, updated_at";
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(parent.map(AssetFolderId::get))
            .bind(name)
            .bind(fold(name))
            .bind(now)
    ))
}

/// One of the agent's folders.
pub async fn find(
    db: &mut dyn Session,
    agent: AgentId,
    id: AssetFolderId,
) -> DbResult<Option<FolderRecord>> {
    let sql = "SELECT id, agent_id, parent_id, name, created_at, updated_at FROM asset_folders \
               WHERE agent_id = $1 AND id = $2";
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id.get())
    ))
}

/// Renames and/or moves a folder.
pub async fn update(
    db: &mut dyn Session,
    folder: &FolderRecord,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE asset_folders SET name = $3, name_key = $4, parent_id = $5, updated_at = $6 \
               WHERE agent_id = $1 AND id = $2";
    execute!(
        db,
        sqlx::query(sql)
            .bind(folder.agent_id.get())
            .bind(folder.id.get())
            .bind(&folder.name)
            .bind(fold(&folder.name))
            .bind(folder.parent_id)
            .bind(now)
    );
    Ok(())
}

/// The folder and all its ancestors, nearest first.
pub async fn lineage(db: &mut dyn Session, id: AssetFolderId) -> DbResult<Vec<AssetFolderId>> {
    let sql = "WITH RECURSIVE up(id, parent_id, depth) AS ( \
                 SELECT id, parent_id, 0 FROM asset_folders WHERE id = $1 \
                 UNION ALL SELECT f.id, f.parent_id, u.depth + 1 FROM asset_folders f JOIN up u ON f.id = u.parent_id \
                 WHERE u.depth < 10000) \
               SELECT id FROM up ORDER BY depth";
    let ids: Vec<i64> = fetch_all!(db, sqlx::query_scalar(sql).bind(id.get()));
    Ok(ids.into_iter().map(AssetFolderId::new).collect())
}

/// Deletes a folder with everything under it; returns whether it existed.
pub async fn delete(db: &mut dyn Session, agent: AgentId, id: AssetFolderId) -> DbResult<bool> {
    let sql = "DELETE FROM asset_folders WHERE agent_id = $1 AND id = $2";
    let deleted = execute!(db, sqlx::query(sql).bind(agent.get()).bind(id.get()));
    Ok(deleted == 1)
}
