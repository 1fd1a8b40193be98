//! The schedule of each agent's daily research on its Agent Core topics: the conversation the
//! rounds are kept in, the queue entry of the next round and when it is due.

use ace_domain::ids::AgentId;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_optional};

/// An agent's daily research schedule.
#[derive(Clone, Debug, FromRow)]
pub struct ScheduleRecord {
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub conversation_id: Option<String>,
    pub queue_job_id: Option<i64>,
    pub next_at: DateTime<Utc>,
    pub last_at: Option<DateTime<Utc>>,
}

/// The agent's schedule, if it has one.
pub async fn find(db: &mut dyn Session, agent: AgentId) -> DbResult<Option<ScheduleRecord>> {
    Ok(fetch_optional!(
        db,
        sqlx::query_as(
            "SELECT agent_id, conversation_id, queue_job_id, next_at, last_at \
             FROM agent_daily_research WHERE agent_id = $1"
        )
        .bind(agent.get())
    ))
}

/// Schedules the agent's next round: queue entry `job`, due at `next_at` (after a round ran
/// at `ran_at`, kept in `conversation`, when given).
pub async fn schedule(
    db: &mut dyn Session,
    agent: AgentId,
    job: i64,
    next_at: DateTime<Utc>,
    ran: Option<(DateTime<Utc>, &str)>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let (last_at, conversation) = ran.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    execute!(
        db,
        sqlx::query(
            "INSERT INTO agent_daily_research (agent_id, conversation_id, queue_job_id, next_at, \
               last_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (agent_id) DO UPDATE SET \
               conversation_id = COALESCE(excluded.conversation_id, agent_daily_research.conversation_id), \
               queue_job_id = excluded.queue_job_id, next_at = excluded.next_at, \
               last_at = COALESCE(excluded.last_at, agent_daily_research.last_at), \
               updated_at = excluded.updated_at"
        )
        .bind(agent.get())
        .bind(conversation)
        .bind(job)
        .bind(next_at)
        .bind(last_at)
        .bind(now)
    );
    Ok(())
}

/// Removes the agent's schedule.
pub async fn remove(db: &mut dyn Session, agent: AgentId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM agent_daily_research WHERE agent_id = $1").bind(agent.get())
    );
    Ok(())
}
