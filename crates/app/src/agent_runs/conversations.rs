//! Conversations with the agent, as their starter manages them: listed (by agent, pinned
//! first), read with their messages (assistant messages carrying their ideas), their runs,
//! renamed and pinned, and deleted softly. Deleting one cancels its unfinished runs; the
//! ideas it produced stay.

use ace_db::agent_runs::{self as runs, RunRecord};
use ace_db::conversations as store;
/// A stored conversation, as the routes answer it.
pub use ace_db::conversations::ConversationRecord;
use ace_domain::agent_run::RunStatus;
use ace_domain::ids::AgentId;

use super::{MessageView, owned_conversation, with_ideas, worker};
use crate::policy::{AgentNeed, VISIBLE, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The conversations a list page holds.
pub const PAGE_SIZE: i64 = 100;
/// The messages a page holds unless asked otherwise, and the most it holds.
pub const MESSAGES_PER_PAGE: i64 = 50;
pub const MAX_MESSAGES_PER_PAGE: i64 = 200;
/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// A conversation with its messages.
#[derive(Clone, Debug)]
pub struct ConversationView {
    pub conversation: ConversationRecord,
    pub messages: Vec<MessageView>,
}

/// The caller's conversations, with `agent` only if given (which they must be able to see).
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: Option<AgentId>,
    page: i64,
) -> AppResult<Vec<ConversationRecord>> {
    let mut conn = app.db.conn().await?;
    if let Some(agent) = agent {
        require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    }
    let offset = (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    Ok(store::page(&mut conn, actor.user_id, agent, PAGE_SIZE, offset).await?)
}

/// The conversation with all its messages.
pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<ConversationView> {
    let mut conn = app.db.conn().await?;
    let conversation = owned_conversation(&mut conn, actor, id).await?;
    let records = store::messages(&mut conn, id, i64::MAX, 0).await?;
    let messages = with_ideas(&mut conn, records).await?;
    Ok(ConversationView {
        conversation,
        messages,
    })
}

/// A page (from 1) of the conversation's messages, in order.
pub async fn messages(
    app: &App,
    actor: &Actor,
    id: &str,
    page: i64,
    per_page: Option<i64>,
) -> AppResult<Vec<MessageView>> {
    let per_page = per_page.unwrap_or(MESSAGES_PER_PAGE);
    if !(1..=MAX_MESSAGES_PER_PAGE).contains(&per_page) || page < 1 {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("page must be at least 1 and per_page 1 to {MAX_MESSAGES_PER_PAGE}."),
        ));
    }
    let mut conn = app.db.conn().await?;
    owned_conversation(&mut conn, actor, id).await?;
    let offset = (page - 1).saturating_mul(per_page);
    let records = store::messages(&mut conn, id, per_page, offset).await?;
    with_ideas(&mut conn, records).await
}

/// The conversation's runs, oldest first.
pub async fn runs(app: &App, actor: &Actor, id: &str) -> AppResult<Vec<RunRecord>> {
    let mut conn = app.db.conn().await?;
    owned_conversation(&mut conn, actor, id).await?;
    Ok(runs::of_conversation(&mut conn, id).await?)
}

/// Renames and pins (or unpins) the conversation.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    title: Option<&str>,
    pinned: Option<bool>,
) -> AppResult<ConversationRecord> {
    let title = title.map(str::trim);
    if title.is_some_and(|title| title.is_empty() || title.chars().count() > MAX_TITLE_CHARS) {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("title must be 1 to {MAX_TITLE_CHARS} characters."),
        ));
    }
    let mut tx = app.db.begin().await?;
    owned_conversation(&mut tx, actor, id).await?;
    store::update(&mut tx, id, title, pinned, app.clock.now()).await?;
    let updated = owned_conversation(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Deletes the conversation softly, cancelling its unfinished runs.
pub async fn delete(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    owned_conversation(&mut tx, actor, id).await?;
    let mut withdrawn = Vec::new();
    for run in runs::of_conversation(&mut tx, id).await? {
        if run.status.is_final() {
            continue;
        }
        if let Some(job) = run.queue_job_id
            && app.queue.withdraw(&mut tx, job).await?
        {
            withdrawn.push(job);
        }
        worker::end(&mut tx, app, &run, RunStatus::Cancelled, Some("cancelled")).await?;
    }
    store::delete(&mut tx, id, app.clock.now()).await?;
    tx.commit().await?;
    for job in withdrawn {
        app.queue.abort_local(job);
    }
    Ok(())
}
