//! The agent-core canvas: brand fields, personality and look in one row per agent, plus the
//! ordered lists of monitored sources and linked accounts, whose rows have ids of their own.

use ace_domain::agent_core::{IdentityType, LinkedAccount, MonitoredItem, MonitoredKind};
use ace_domain::ids::{AgentId, LinkedAccountId, MonitoredItemId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// The canvas row of an agent. An agent without one reads as all empty.
#[derive(Clone, Debug, Default, FromRow)]
pub struct CoreRecord {
    pub brand_name: Option<String>,
    pub description: Option<String>,
    identity_type: Option<String>,
    pub goal: Option<String>,
    pub target_platforms: Json<Vec<String>>,
    pub shortform: Option<bool>,
    pub longform: Option<bool>,
    pub onboarding_status: Option<String>,
    pub keywords: Json<Vec<String>>,
    pub research_topics: Json<Vec<String>>,
    pub personality: Option<String>,
    pub look_description: Option<String>,
    pub content_idea_preferences: Option<String>,
}

impl CoreRecord {
    pub fn identity_type(&self) -> Option<IdentityType> {
        self.identity_type.as_deref().and_then(IdentityType::parse)
    }

    pub fn set_identity_type(&mut self, value: Option<IdentityType>) {
        self.identity_type = value.map(|t| t.as_str().to_owned());
    }
}

/// A stored monitored source.
#[derive(Clone, Debug, FromRow)]
pub struct MonitoredRecord {
    #[sqlx(try_from = "i64")]
    pub id: MonitoredItemId,
    pub handle: String,
    item_type: String,
    pub platform: Option<String>,
}

impl MonitoredRecord {
    pub fn kind(&self) -> MonitoredKind {
        MonitoredKind::parse(&self.item_type).unwrap_or(MonitoredKind::Keyword)
    }
}

/// A stored linked account.
#[derive(Clone, Debug, FromRow)]
pub struct LinkedAccountRecord {
    #[sqlx(try_from = "i64")]
    pub id: LinkedAccountId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub url: String,
    pub platform: Option<String>,
    pub display_name: Option<String>,
}

macro_rules! core_columns {
    () => {
        "brand_name, description, identity_type, goal, target_platforms, shortform, longform, \
     onboarding_status, keywords, research_topics, personality, look_description, content_idea_preferences"
    };
}

/// The agent's canvas row, or an empty one.
pub async fn find(db: &mut dyn Session, agent: AgentId) -> DbResult<CoreRecord> {
    let sql = concat!(
        "SELECT ",
        core_columns!(),
        " FROM agent_cores WHERE agent_id = $1"
    );
    let row: Option<CoreRecord> = fetch_optional!(db, sqlx::query_as(sql).bind(agent.get()));
    Ok(row.unwrap_or_default())
}

/// Writes the whole canvas row.
pub async fn save(
    db: &mut dyn Session,
    agent: AgentId,
    core: &CoreRecord,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = concat!(
        "INSERT INTO agent_cores (agent_id, ",
        core_columns!(),
        ", updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (agent_id) DO UPDATE SET brand_name = excluded.brand_name, \
           description = excluded.description, identity_type = excluded.identity_type, goal = excluded.goal, \
           target_platforms = excluded.target_platforms, shortform = excluded.shortform, \
           longform = excluded.longform, onboarding_status = excluded.onboarding_status, \
           keywords = excluded.keywords, research_topics = excluded.research_topics, \
           personality = excluded.personality, look_description = excluded.look_description, \
           content_idea_preferences = excluded.content_idea_preferences, updated_at = excluded.updated_at"
    );
    execute!(
        db,
        sqlx::query(sql)
            .bind(agent.get())
            .bind(&core.brand_name)
            .bind(&core.description)
            .bind(&core.identity_type)
            .bind(&core.goal)
            .bind(&core.target_platforms)
            .bind(core.shortform)
            .bind(core.longform)
            .bind(&core.onboarding_status)
            .bind(&core.keywords)
            .bind(&core.research_topics)
            .bind(&core.personality)
            .bind(&core.look_description)
            .bind(&core.content_idea_preferences)
            .bind(now)
    );
    Ok(())
}

/// The agent's monitored sources, in order.
pub async fn monitored(db: &mut dyn Session, agent: AgentId) -> DbResult<Vec<MonitoredRecord>> {
    let sql = "SELECT id, handle, item_type, platform FROM agent_monitored_items \
               WHERE agent_id = $1 ORDER BY position, id";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Makes the stored list equal `desired`: rows with an id are updated in place, rows without
/// one are inserted, and stored rows missing from the list are deleted. Ids must already be
/// known to belong to the agent.
pub async fn replace_monitored(
    db: &mut dyn Session,
    agent: AgentId,
    desired: &[MonitoredItem],
    now: DateTime<Utc>,
) -> DbResult<()> {
    let keep: Vec<i64> = desired
        .iter()
        .filter_map(|i| i.id.map(MonitoredItemId::get))
        .collect();
    delete_others(db, List::Monitored, agent, &keep).await?;
    for (position, item) in (0_i64..).zip(desired) {
        match item.id {
            Some(id) => {
                let sql = "UPDATE agent_monitored_items SET handle = $3, item_type = $4, platform = $5, position = $6 \
                           WHERE id = $1 AND agent_id = $2";
                execute!(
                    db,
                    sqlx::query(sql)
                        .bind(id.get())
                        .bind(agent.get())
                        .bind(&item.handle)
                        .bind(item.kind.as_str())
                        .bind(&item.platform)
                        .bind(position)
                );
            }
            None => {
                insert_monitored(db, agent, item, position, now).await?;
            }
        }
    }
    Ok(())
}

/// Appends one monitored source at `position`.
pub async fn insert_monitored(
    db: &mut dyn Session,
    agent: AgentId,
    item: &MonitoredItem,
    position: i64,
    now: DateTime<Utc>,
) -> DbResult<MonitoredRecord> {
    let sql = "INSERT INTO agent_monitored_items (agent_id, handle, item_type, platform, position, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, handle, item_type, platform";
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(&item.handle)
            .bind(item.kind.as_str())
            .bind(&item.platform)
            .bind(position)
            .bind(now)
    ))
}

/// Deletes one monitored source of the agent; returns whether it existed.
pub async fn delete_monitored(
    db: &mut dyn Session,
    agent: AgentId,
    id: MonitoredItemId,
) -> DbResult<bool> {
    let sql = "DELETE FROM agent_monitored_items WHERE agent_id = $1 AND id = $2";
    let deleted = execute!(db, sqlx::query(sql).bind(agent.get()).bind(id.get()));
    Ok(deleted == 1)
}

/// The agent's linked accounts, in order.
pub async fn linked_accounts(
    db: &mut dyn Session,
    agent: AgentId,
) -> DbResult<Vec<LinkedAccountRecord>> {
    let sql = "SELECT id, agent_id, url, platform, display_name FROM agent_linked_accounts \
               WHERE agent_id = $1 ORDER BY position, id";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Makes the stored list equal `desired`, diffing by id like [`replace_monitored`].
pub async fn replace_linked_accounts(
    db: &mut dyn Session,
    agent: AgentId,
    desired: &[LinkedAccount],
    now: DateTime<Utc>,
) -> DbResult<()> {
    let keep: Vec<i64> = desired
        .iter()
        .filter_map(|a| a.id.map(LinkedAccountId::get))
        .collect();
    delete_others(db, List::LinkedAccounts, agent, &keep).await?;
    for (position, account) in (0_i64..).zip(desired) {
        match account.id {
            Some(id) => {
                let sql = "UPDATE agent_linked_accounts SET url = $3, platform = $4, display_name = $5, \
                           position = $6, updated_at = $7 WHERE id = $1 AND agent_id = $2";
                execute!(
                    db,
                    sqlx::query(sql)
                        .bind(id.get())
                        .bind(agent.get())
                        .bind(&account.url)
                        .bind(&account.platform)
                        .bind(&account.display_name)
                        .bind(position)
                        .bind(now)
                );
            }
            None => {
                insert_linked_account(db, agent, account, position, now).await?;
            }
        }
    }
    Ok(())
}

/// Appends one linked account at `position`.
pub async fn insert_linked_account(
    db: &mut dyn Session,
    agent: AgentId,
    account: &LinkedAccount,
    position: i64,
    now: DateTime<Utc>,
) -> DbResult<LinkedAccountRecord> {
    let sql = "INSERT INTO agent_linked_accounts (agent_id, url, platform, display_name, position, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id, agent_id, url, platform, display_name";
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(&account.url)
            .bind(&account.platform)
            .bind(&account.display_name)
            .bind(position)
            .bind(now)
    ))
}

/// Deletes one linked account of the agent; returns whether it existed.
pub async fn delete_linked_account(
    db: &mut dyn Session,
    agent: AgentId,
    id: LinkedAccountId,
) -> DbResult<bool> {
    let sql = "DELETE FROM agent_linked_accounts WHERE agent_id = $1 AND id = $2";
    let deleted = execute!(db, sqlx::query(sql).bind(agent.get()).bind(id.get()));
    Ok(deleted == 1)
}

/// The two id-bearing lists of the canvas.
#[derive(Clone, Copy)]
enum List {
    Monitored,
    LinkedAccounts,
}

/// Deletes the agent's rows of `list` whose ids are not in `keep`.
async fn delete_others(
    db: &mut dyn Session,
    list: List,
    agent: AgentId,
    keep: &[i64],
) -> DbResult<()> {
    let (select, delete) = match list {
        List::Monitored => (
            "SELECT id FROM agent_monitored_items WHERE agent_id = $1",
            "DELETE FROM agent_monitored_items WHERE id = $1",
        ),
        List::LinkedAccounts => (
            "SELECT id FROM agent_linked_accounts WHERE agent_id = $1",
            "DELETE FROM agent_linked_accounts WHERE id = $1",
        ),
    };
    let existing: Vec<i64> = fetch_all!(db, sqlx::query_scalar(select).bind(agent.get()));
    for id in existing.into_iter().filter(|id| !keep.contains(id)) {
        execute!(db, sqlx::query(delete).bind(id));
    }
    Ok(())
}
