//! Agents. Deleting an agent is soft: it keeps its row with `deleted_at` set and disappears
//! from every read.

use ace_domain::ids::{AgentId, AvatarId, OrganizationId, UserId};
use ace_domain::role::Role;
use ace_domain::text::fold;
use ace_domain::voice::VoiceRef;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored, live agent.
#[derive(Clone, Debug, FromRow)]
pub struct AgentRecord {
    #[sqlx(try_from = "i64")]
    pub id: AgentId,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub created_by: Option<i64>,
    pub name: String,
    pub description: Option<String>,
    pub time_zone: Option<String>,
    pub eleven_lab_api_key: Option<String>,
    pub hume_ai_api_key: Option<String>,
    pub default_voice: Option<Json<VoiceRef>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AgentRecord {
    pub fn created_by(&self) -> Option<UserId> {
        self.created_by.map(UserId::new)
    }

    pub fn default_voice(&self) -> Option<&VoiceRef> {
        self.default_voice.as_ref().map(|json| &json.0)
    }
}

/// An agent as one user sees it: with its workspace, the user's role there (if any) and its
/// primary avatar.
#[derive(Clone, Debug, FromRow)]
pub struct AgentView {
    #[sqlx(flatten)]
    pub agent: AgentRecord,
    pub organization_name: String,
    pub organization_uuid: String,
    viewer_role: Option<String>,
    primary_avatar_id: Option<i64>,
    pub primary_avatar_thumbnail_key: Option<String>,
}

impl AgentView {
    /// The viewer's role in the agent's workspace; `None` when they are not a member.
    pub fn viewer_role(&self) -> Option<Role> {
        self.viewer_role.as_deref().and_then(|r| r.parse().ok())
    }

    pub fn primary_avatar_id(&self) -> Option<AvatarId> {
        self.primary_avatar_id.map(AvatarId::new)
    }
}

/// An agent to create.
#[derive(Clone, Debug)]
pub struct NewAgent {
    pub organization_id: OrganizationId,
    pub created_by: Option<UserId>,
    pub name: String,
    pub description: Option<String>,
    pub time_zone: Option<String>,
    pub eleven_lab_api_key: Option<String>,
    pub hume_ai_api_key: Option<String>,
}

macro_rules! columns {
    ($p:literal) => {
        concat!(
            $p,
            "id, ",
            $p,
            "organization_id, ",
            $p,
            "created_by, ",
            $p,
            "name, ",
            $p,
            "description, ",
            $p,
            "time_zone, ",
            $p,
            "eleven_lab_api_key, ",
            $p,
            "hume_ai_api_key, ",
            $p,
            "default_voice, ",
            $p,
            "created_at, ",
            $p,
            "updated_at"
        )
    };
}

macro_rules! view_sql {
    ($filter:literal) => {
        concat!("SELECT ", columns!("a."), ", o.name AS organization_name, o.uuid AS organization_uuid, \
           m.role AS viewer_role, av.id AS primary_avatar_id, av.thumbnail_key AS primary_avatar_thumbnail_key \
         FROM agents a \
         JOIN organizations o ON o.id = a.organization_id \
         LEFT JOIN memberships m ON m.organization_id = a.organization_id AND m.user_id = $1 \
         LEFT JOIN agent_avatars av ON av.agent_id = a.id AND av.is_primary \
         WHERE a.deleted_at IS NULL ", $filter)
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewAgent,
    now: DateTime<Utc>,
) -> DbResult<AgentRecord> {
    let sql = concat!(
        "INSERT INTO agents (organization_id, created_by, name, name_key, description, time_zone, \
           eleven_lab_api_key, hume_ai_api_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $9, $4, $5, $6, $7, $8, $8) RETURNING ",
        columns!("")
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.organization_id.get())
            .bind(new.created_by.map(UserId::get))
            .bind(&new.name)
            .bind(&new.description)
            .bind(&new.time_zone)
            .bind(&new.eleven_lab_api_key)
            .bind(&new.hume_ai_api_key)
            .bind(now)
            .bind(fold(&new.name))
    ))
}

/// A live agent by id, regardless of who asks.
pub async fn find(db: &mut dyn Session, id: AgentId) -> DbResult<Option<AgentRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!("a."),
        " FROM agents a WHERE a.id = $1 AND a.deleted_at IS NULL"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// A live agent as `viewer` sees it.
pub async fn view(
    db: &mut dyn Session,
    id: AgentId,
    viewer: UserId,
) -> DbResult<Option<AgentView>> {
    let sql = view_sql!("AND a.id = $2");
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(viewer.get()).bind(id.get())
    ))
}

/// The live agents in every workspace `viewer` belongs to, optionally one workspace only.
pub async fn list_visible(
    db: &mut dyn Session,
    viewer: UserId,
    workspace: Option<OrganizationId>,
) -> DbResult<Vec<AgentView>> {
    let sql = view_sql!(
        "AND m.user_id IS NOT NULL AND ($2 IS NULL OR a.organization_id = $2) ORDER BY a.id"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(viewer.get())
            .bind(workspace.map(OrganizationId::get))
    ))
}

/// Whether a live agent in the workspace already has this name (ignoring case), other than
/// `except`.
pub async fn name_taken(
    db: &mut dyn Session,
    organization: OrganizationId,
    name: &str,
    except: Option<AgentId>,
) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM agents WHERE organization_id = $1 AND name_key = $2 \
               AND deleted_at IS NULL AND ($3 IS NULL OR id <> $3)";
    let count: i64 = fetch_one!(
        db,
        sqlx::query_scalar(sql)
            .bind(organization.get())
            .bind(fold(name))
            .bind(except.map(AgentId::get))
    );
    Ok(count > 0)
}

/// Writes every editable field of `agent` back.
pub async fn update(db: &mut dyn Session, agent: &AgentRecord, now: DateTime<Utc>) -> DbResult<()> {
    let sql = "UPDATE agents SET name = $2, name_key = $9, description = $3, time_zone = $4, \
               eleven_lab_api_key = $5, hume_ai_api_key = $6, default_voice = $7, updated_at = $8 \
               WHERE id = $1 AND deleted_at IS NULL";
    execute!(
        db,
        sqlx::query(sql)
            .bind(agent.id.get())
            .bind(&agent.name)
            .bind(&agent.description)
            .bind(&agent.time_zone)
            .bind(&agent.eleven_lab_api_key)
            .bind(&agent.hume_ai_api_key)
            .bind(&agent.default_voice)
            .bind(now)
            .bind(fold(&agent.name))
    );
    Ok(())
}

/// Marks the agent deleted; returns whether it was live.
pub async fn soft_delete(db: &mut dyn Session, id: AgentId, now: DateTime<Utc>) -> DbResult<bool> {
    let sql =
        "UPDATE agents SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL";
    let updated = execute!(db, sqlx::query(sql).bind(id.get()).bind(now));
    Ok(updated == 1)
}

/// Serialises changes to one agent (its record and its canvas) until the transaction ends,
/// so concurrent read-modify-write cycles cannot undo each other. PostgreSQL locks the row;
/// SQLite needs nothing, as its write transactions are already exclusive.
pub async fn lock(db: &mut dyn Session, id: AgentId) -> DbResult<()> {
    if let crate::Handle::Postgres(conn) = db.handle() {
        sqlx::query("SELECT id FROM agents WHERE id = $1 FOR UPDATE")
            .bind(id.get())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
