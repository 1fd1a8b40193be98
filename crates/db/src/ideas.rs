//! The ideas the agent proposed: stored in GEN's shape, listed per agent newest first, their
//! status changed only from the status the caller read (so two changes cannot both apply to
//! the same reading), and deleted.

use ace_domain::ideas::{IdeaContent, IdeaData, IdeaStatus, VideoType};
use ace_domain::ids::{AgentId, IdeaId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored idea.
#[derive(Clone, Debug, FromRow)]
pub struct IdeaRecord {
    #[sqlx(try_from = "i64")]
    pub id: IdeaId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    /// Its number in the set it was proposed in.
    pub idea_number: i32,
    pub title: String,
    pub hook: String,
    pub full_script: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    pub video_type: VideoType,
    #[sqlx(try_from = "String")]
    pub status: IdeaStatus,
    pub estimated_duration: Option<i32>,
    pub aspect_ratio: String,
    pub data: Json<IdeaData>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl IdeaRecord {
    /// What the idea says, apart from its record's bookkeeping.
    pub fn content(&self) -> IdeaContent {
        IdeaContent {
            title: self.title.clone(),
            hook: self.hook.clone(),
            full_script: self.full_script.clone(),
            description: self.description.clone(),
            video_type: self.video_type,
            estimated_duration: self
                .estimated_duration
                .and_then(|seconds| u32::try_from(seconds).ok()),
            aspect_ratio: self.aspect_ratio.clone(),
            data: self.data.0.clone(),
        }
    }
}

macro_rules! columns {
    () => {
        "id, agent_id, idea_number, title, hook, full_script, description, video_type, status, \
         estimated_duration, aspect_ratio, data, created_at, updated_at"
    };
}

/// Stores a new idea of `agent`'s, numbered `number` in its set, as `generated`.
pub async fn insert(
    db: &mut dyn Session,
    agent: AgentId,
    number: u32,
    idea: &IdeaContent,
    now: DateTime<Utc>,
) -> DbResult<IdeaRecord> {
    let sql = concat!(
        "INSERT INTO ideas (agent_id, idea_number, title, hook, full_script, description, video_type, \
           status, estimated_duration, aspect_ratio, data, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'generated', $8, $9, $10, $11, $11) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(i32::try_from(number).unwrap_or(i32::MAX))
            .bind(&idea.title)
            .bind(&idea.hook)
            .bind(&idea.full_script)
            .bind(&idea.description)
            .bind(idea.video_type.as_str())
            .bind(
                idea.estimated_duration
                    .map(|s| i32::try_from(s).unwrap_or(i32::MAX))
            )
            .bind(&idea.aspect_ratio)
            .bind(Json(&idea.data))
            .bind(now)
    ))
}

/// The idea `id`, whoever's it is.
pub async fn find(db: &mut dyn Session, id: IdeaId) -> DbResult<Option<IdeaRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM ideas WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// One page of `agent`'s ideas, newest first, in `status` if given.
pub async fn page(
    db: &mut dyn Session,
    agent: AgentId,
    status: Option<IdeaStatus>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<IdeaRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM ideas WHERE agent_id = $1 AND ($2 IS NULL OR status = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(status.map(IdeaStatus::as_str))
            .bind(limit)
            .bind(offset)
    ))
}

/// Moves idea `id` from `from` to `to`; `None` when its status was no longer `from`.
pub async fn change_status(
    db: &mut dyn Session,
    id: IdeaId,
    from: IdeaStatus,
    to: IdeaStatus,
    now: DateTime<Utc>,
) -> DbResult<Option<IdeaRecord>> {
    let sql = concat!(
        "UPDATE ideas SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(now)
    ))
}

/// Deletes idea `id`; whether it was there.
pub async fn delete(db: &mut dyn Session, id: IdeaId) -> DbResult<bool> {
    let deleted = execute!(
        db,
        sqlx::query("DELETE FROM ideas WHERE id = $1").bind(id.get())
    );
    Ok(deleted > 0)
}

/// Rewrites idea `id`'s content (a refinement keeps its id, number and status).
pub async fn update_content(
    db: &mut dyn Session,
    id: IdeaId,
    idea: &IdeaContent,
    now: DateTime<Utc>,
) -> DbResult<Option<IdeaRecord>> {
    let sql = concat!(
        "UPDATE ideas SET title = $2, hook = $3, full_script = $4, description = $5, \
           video_type = $6, estimated_duration = $7, aspect_ratio = $8, data = $9, updated_at = $10 \
         WHERE id = $1 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(&idea.title)
            .bind(&idea.hook)
            .bind(&idea.full_script)
            .bind(&idea.description)
            .bind(idea.video_type.as_str())
            .bind(
                idea.estimated_duration
                    .map(|s| i32::try_from(s).unwrap_or(i32::MAX))
            )
            .bind(&idea.aspect_ratio)
            .bind(Json(&idea.data))
            .bind(now)
    ))
}
