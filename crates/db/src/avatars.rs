//! Agent avatars: image blobs in storage, at most one primary per agent.

use ace_domain::ids::{AgentId, AvatarId, OrganizationId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored avatar.
#[derive(Clone, Debug, FromRow)]
pub struct AvatarRecord {
    #[sqlx(try_from = "i64")]
    pub id: AvatarId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: String,
    pub byte_size: i64,
    pub width: i64,
    pub height: i64,
    pub degod_avatar_id: Option<String>,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
}

/// An avatar to store.
#[derive(Clone, Debug)]
pub struct NewAvatar {
    pub agent_id: AgentId,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: String,
    pub byte_size: i64,
    pub width: i64,
    pub height: i64,
}

macro_rules! columns {
    () => {
        "id, agent_id, storage_key, thumbnail_key, content_type, byte_size, width, height, \
     degod_avatar_id, is_primary, created_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewAvatar,
    now: DateTime<Utc>,
) -> DbResult<AvatarRecord> {
    let sql = concat!(
        "INSERT INTO agent_avatars (agent_id, storage_key, thumbnail_key, content_type, byte_size, width, height, \
           is_primary, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(&new.storage_key)
            .bind(&new.thumbnail_key)
            .bind(&new.content_type)
            .bind(new.byte_size)
            .bind(new.width)
            .bind(new.height)
            .bind(now)
    ))
}

/// One page of avatars. The first page (no cursor) starts with the primary avatar and goes
/// on by id; later pages hold the non-primary avatars with ids above the cursor.
pub async fn page(
    db: &mut dyn Session,
    agent: AgentId,
    cursor: Option<AvatarId>,
    limit: i64,
) -> DbResult<Vec<AvatarRecord>> {
    Ok(match cursor {
        None => {
            let sql = concat!(
                "SELECT ",
                columns!(),
                " FROM agent_avatars WHERE agent_id = $1 ORDER BY is_primary DESC, id LIMIT $2"
            );
            fetch_all!(db, sqlx::query_as(sql).bind(agent.get()).bind(limit))
        }
        Some(after) => {
            let sql = concat!(
                "SELECT ",
                columns!(),
                " FROM agent_avatars WHERE agent_id = $1 AND NOT is_primary AND id > $3 \
                 ORDER BY id LIMIT $2"
            );
            fetch_all!(
                db,
                sqlx::query_as(sql)
                    .bind(agent.get())
                    .bind(limit)
                    .bind(after.get())
            )
        }
    })
}

pub async fn find(
    db: &mut dyn Session,
    agent: AgentId,
    id: AvatarId,
) -> DbResult<Option<AvatarRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM agent_avatars WHERE agent_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id.get())
    ))
}

/// Makes `id` the agent's only primary avatar.
pub async fn set_primary(db: &mut dyn Session, agent: AgentId, id: AvatarId) -> DbResult<()> {
    // Two statements: PostgreSQL checks the one-primary index row by row, so flipping both
    // flags in one UPDATE could trip it halfway.
    let clear = "UPDATE agent_avatars SET is_primary = FALSE WHERE agent_id = $1 AND is_primary";
    let set = "UPDATE agent_avatars SET is_primary = TRUE WHERE agent_id = $1 AND id = $2";
    execute!(db, sqlx::query(clear).bind(agent.get()));
    execute!(db, sqlx::query(set).bind(agent.get()).bind(id.get()));
    Ok(())
}

/// Makes the oldest avatar primary when the agent has none; returns the one promoted.
pub async fn promote_if_none_primary(
    db: &mut dyn Session,
    agent: AgentId,
) -> DbResult<Option<AvatarId>> {
    let sql = "UPDATE agent_avatars SET is_primary = TRUE WHERE id = ( \
                 SELECT MIN(id) FROM agent_avatars WHERE agent_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM agent_avatars p WHERE p.agent_id = $1 AND p.is_primary)) \
               RETURNING id";
    let promoted: Option<i64> = fetch_optional!(db, sqlx::query_scalar(sql).bind(agent.get()));
    Ok(promoted.map(AvatarId::new))
}

/// Deletes the listed avatars of an agent and returns the rows deleted.
pub async fn delete_many(
    db: &mut dyn Session,
    agent: AgentId,
    ids: &[AvatarId],
) -> DbResult<Vec<AvatarRecord>> {
    let mut deleted = Vec::with_capacity(ids.len());
    let sql = concat!(
        "DELETE FROM agent_avatars WHERE agent_id = $1 AND id = $2 RETURNING ",
        columns!()
    );
    for id in ids {
        let row: Option<AvatarRecord> =
            fetch_optional!(db, sqlx::query_as(sql).bind(agent.get()).bind(id.get()));
        deleted.extend(row);
    }
    Ok(deleted)
}

/// Storage keys of every avatar of every agent in an organization, for cleaning up blobs
/// when the organization goes.
pub async fn keys_in_organization(
    db: &mut dyn Session,
    org: OrganizationId,
) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT av.storage_key, av.thumbnail_key FROM agent_avatars av \
               JOIN agents a ON a.id = av.agent_id WHERE a.organization_id = $1";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(org.get())))
}
