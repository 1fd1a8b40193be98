//! Conversations with the agent and their messages. A conversation belongs to the user who
//! started it; deleting it is soft (it is kept, with its runs and messages, but no longer
//! found). Lists count the runs of each conversation in the same query.

use ace_domain::ids::{AgentId, UserId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored conversation, with how many runs it holds.
#[derive(Clone, Debug, FromRow)]
pub struct ConversationRecord {
    pub id: String,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub title: Option<String>,
    pub pinned: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub run_count: i64,
}

macro_rules! columns {
    () => {
        "c.id, c.agent_id, c.user_id, c.title, c.pinned, c.created_at, c.updated_at, \
         (SELECT COUNT(*) FROM agent_runs r WHERE r.conversation_id = c.id) AS run_count"
    };
}

/// Stores a new conversation of `user`'s with `agent`.
pub async fn insert(
    db: &mut dyn Session,
    id: &str,
    agent: AgentId,
    user: UserId,
    title: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO agent_conversations (id, agent_id, user_id, title, pinned, created_at, \
               updated_at) VALUES ($1, $2, $3, $4, FALSE, $5, $5)"
        )
        .bind(id)
        .bind(agent.get())
        .bind(user.get())
        .bind(title)
        .bind(now)
    );
    Ok(())
}

/// The conversation `id`, unless deleted.
pub async fn find(db: &mut dyn Session, id: &str) -> DbResult<Option<ConversationRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM agent_conversations c WHERE c.id = $1 AND c.deleted_at IS NULL"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// A page of `user`'s conversations (with `agent` only, if given): pinned first, then the
/// most recently active.
pub async fn page(
    db: &mut dyn Session,
    user: UserId,
    agent: Option<AgentId>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<ConversationRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM agent_conversations c WHERE c.user_id = $1 AND c.deleted_at IS NULL \
           AND ($2 IS NULL OR c.agent_id = $2) \
         ORDER BY c.pinned DESC, c.updated_at DESC, c.id LIMIT $3 OFFSET $4"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(user.get())
            .bind(agent.map(AgentId::get))
            .bind(limit)
            .bind(offset)
    ))
}

/// Renames and pins (or unpins) conversation `id`, each if given.
pub async fn update(
    db: &mut dyn Session,
    id: &str,
    title: Option<&str>,
    pinned: Option<bool>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "UPDATE agent_conversations SET title = COALESCE($2, title), \
               pinned = COALESCE($3, pinned), updated_at = $4 \
             WHERE id = $1 AND deleted_at IS NULL"
        )
        .bind(id)
        .bind(title)
        .bind(pinned)
        .bind(now)
    );
    Ok(())
}

/// Marks conversation `id` as active now.
pub async fn touch(db: &mut dyn Session, id: &str, now: DateTime<Utc>) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE agent_conversations SET updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
    );
    Ok(())
}

/// Deletes conversation `id` softly; whether it was there.
pub async fn delete(db: &mut dyn Session, id: &str, now: DateTime<Utc>) -> DbResult<bool> {
    let deleted = execute!(
        db,
        sqlx::query(
            "UPDATE agent_conversations SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL"
        )
        .bind(id)
        .bind(now)
    );
    Ok(deleted > 0)
}

/// A message of a conversation.
#[derive(Clone, Debug, FromRow)]
pub struct MessageRecord {
    pub id: i64,
    pub conversation_id: String,
    pub run_id: Option<String>,
    pub role: String,
    pub content: String,
    /// Structured content: an assistant message's ideas, findings or preferences.
    pub data: Option<Json<Value>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! message_columns {
    () => {
        "id, conversation_id, run_id, role, content, data, created_at"
    };
}

/// A message to store.
#[derive(Clone, Copy, Debug)]
pub struct NewMessage<'a> {
    pub conversation_id: &'a str,
    pub run_id: Option<&'a str>,
    pub role: &'a str,
    pub content: &'a str,
    pub data: Option<&'a Value>,
}

/// Appends a message to its conversation.
pub async fn add_message(
    db: &mut dyn Session,
    message: NewMessage<'_>,
    now: DateTime<Utc>,
) -> DbResult<MessageRecord> {
    let sql = concat!(
        "INSERT INTO agent_messages (conversation_id, run_id, role, content, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
        message_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(message.conversation_id)
            .bind(message.run_id)
            .bind(message.role)
            .bind(message.content)
            .bind(message.data.map(Json))
            .bind(now)
    ))
}

/// The messages of run `run`, in order.
pub async fn messages_of_run(db: &mut dyn Session, run: &str) -> DbResult<Vec<MessageRecord>> {
    let sql = concat!(
        "SELECT ",
        message_columns!(),
        " FROM agent_messages WHERE run_id = $1 ORDER BY id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(run)))
}

/// A page of the conversation's messages, in order.
pub async fn messages(
    db: &mut dyn Session,
    conversation: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<MessageRecord>> {
    let sql = concat!(
        "SELECT ",
        message_columns!(),
        " FROM agent_messages WHERE conversation_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(conversation)
            .bind(limit)
            .bind(offset)
    ))
}

/// The conversation's latest assistant messages that carry data, newest first.
pub async fn latest_with_data(
    db: &mut dyn Session,
    conversation: &str,
    limit: i64,
) -> DbResult<Vec<MessageRecord>> {
    let sql = concat!(
        "SELECT ",
        message_columns!(),
        " FROM agent_messages WHERE conversation_id = $1 AND role = 'assistant' \
           AND data IS NOT NULL ORDER BY id DESC LIMIT $2"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql).bind(conversation).bind(limit)
    ))
}
