//! Agent Core's monitored sources as monitoring jobs: the per-agent opt-in, and which job
//! watches which monitored item on which platform.

use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, MonitoredItemId, UserJobId};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all, fetch_one};

/// Whether the agent's monitored sources drive monitoring.
pub async fn enabled(db: &mut dyn Session, agent: AgentId) -> DbResult<bool> {
    Ok(fetch_one!(
        db,
        sqlx::query_scalar("SELECT monitors_core_items FROM agents WHERE id = $1")
            .bind(agent.get())
    ))
}

/// Turns the opt-in on or off.
pub async fn set_enabled(db: &mut dyn Session, agent: AgentId, on: bool) -> DbResult<()> {
    let sql = "UPDATE agents SET monitors_core_items = $2 WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(agent.get()).bind(on));
    Ok(())
}

/// A job watching a monitored item, with its status.
#[derive(Clone, Debug, FromRow)]
pub struct Monitor {
    #[sqlx(try_from = "i64")]
    pub user_job_id: UserJobId,
    /// `None` once the item was deleted.
    pub monitored_item_id: Option<i64>,
    pub platform: String,
    #[sqlx(try_from = "String")]
    pub status: GenerationStatus,
}

impl Monitor {
    pub fn item(&self) -> Option<MonitoredItemId> {
        self.monitored_item_id.map(MonitoredItemId::new)
    }

    /// Whether its job still runs.
    pub fn is_live(&self) -> bool {
        matches!(
            self.status,
            GenerationStatus::Pending | GenerationStatus::Processing
        )
    }
}

/// The agent's monitors, oldest first.
pub async fn for_agent(db: &mut dyn Session, agent: AgentId) -> DbResult<Vec<Monitor>> {
    let sql = "SELECT m.user_job_id, m.monitored_item_id, m.platform, j.status \
               FROM knowledge_monitors m JOIN user_jobs j ON j.id = m.user_job_id \
               WHERE m.agent_id = $1 ORDER BY m.user_job_id";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Records that `job` watches `item` on `platform`.
pub async fn insert(
    db: &mut dyn Session,
    agent: AgentId,
    job: UserJobId,
    item: MonitoredItemId,
    platform: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO knowledge_monitors (user_job_id, agent_id, monitored_item_id, platform) \
               VALUES ($1, $2, $3, $4)";
    execute!(
        db,
        sqlx::query(sql)
            .bind(job.get())
            .bind(agent.get())
            .bind(item.get())
            .bind(platform)
    );
    Ok(())
}

/// Forgets which item `job` watched (its job stays, with its history).
pub async fn remove(db: &mut dyn Session, job: UserJobId) -> DbResult<()> {
    let sql = "DELETE FROM knowledge_monitors WHERE user_job_id = $1";
    execute!(db, sqlx::query(sql).bind(job.get()));
    Ok(())
}
