//! Single-item edits of the canvas lists, as GEN's clients call them: append or remove one
//! inspiration source (`core/inspiration`) or one linked account (`core/accounts`).

use ace_db::agent_core as store;
use ace_db::agents;
use ace_domain::agent_core::{limits, parse_account_item, parse_inspiration_item};
use ace_domain::ids::{AgentId, LinkedAccountId, MonitoredItemId};

use super::{Account, MonitoredSource, load};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// Appends one inspiration source (`{url, platform?}`), stored as a monitored account.
pub async fn add_inspiration(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    body: &serde_json::Value,
) -> AppResult<MonitoredSource> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    let item = parse_inspiration_item(body)?;
    let current = store::monitored(&mut tx, agent).await?;
    if current.len() >= limits::MONITORED {
        return Err(full("monitored sources", limits::MONITORED));
    }
    let position = i64::try_from(current.len()).unwrap_or(i64::MAX);
    let record = store::insert_monitored(&mut tx, agent, &item, position, app.clock.now()).await?;
    tx.commit().await?;
    crate::knowledge::monitored::sync_after_change(app, agent).await;
    Ok(record.into())
}

/// Removes one inspiration source.
pub async fn remove_inspiration(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    item: MonitoredItemId,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    if !store::delete_monitored(&mut tx, agent, item).await? {
        return Err(AppError::not_found(
            ErrorCode::NotFound,
            format!("Inspiration source {item} not found."),
        ));
    }
    tx.commit().await?;
    crate::knowledge::monitored::sync_after_change(app, agent).await;
    Ok(())
}

/// Appends one of the agent's own accounts (`{url, platform?, display_name?}`).
pub async fn add_account(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    body: &serde_json::Value,
) -> AppResult<Account> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    let account = parse_account_item(body)?;
    let current = store::linked_accounts(&mut tx, agent).await?;
    if current.len() >= limits::LINKED_ACCOUNTS {
        return Err(full("linked accounts", limits::LINKED_ACCOUNTS));
    }
    let position = i64::try_from(current.len()).unwrap_or(i64::MAX);
    let record =
        store::insert_linked_account(&mut tx, agent, &account, position, app.clock.now()).await?;
    tx.commit().await?;
    Ok(record.into())
}

/// Removes one linked account.
pub async fn remove_account(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    account: LinkedAccountId,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    let kept: Vec<i64> = store::linked_accounts(&mut tx, agent)
        .await?
        .iter()
        .map(|row| row.id.get())
        .filter(|id| *id != account.get())
        .collect();
    crate::publishing::revoke::release_removed(&mut tx, app, agent, &kept).await?;
    if !store::delete_linked_account(&mut tx, agent, account).await? {
        return Err(AppError::not_found(
            ErrorCode::NotFound,
            format!("Linked account {account} not found."),
        ));
    }
    tx.commit().await?;
    Ok(())
}

fn full(what: &str, max: usize) -> AppError {
    AppError::unprocessable(
        ErrorCode::ValidationError,
        format!("An agent can have at most {max} {what}."),
    )
}
