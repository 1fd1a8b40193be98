//! Agent Core's `research_topics`, researched daily. An agent with topics has a schedule and
//! one queued round at a time; each round starts a research run per topic (the same run as
//! `POST /v1/research`, charged the same) in the agent's "Daily research" conversation,
//! owned by whoever created the agent, and queues the next round a day later in the same
//! transaction. A topic the workspace cannot pay for that day is skipped, with a note in the
//! conversation. Clearing the topics ends the schedule.

use std::time::Duration;

use ace_db::conversations::{self as talk, NewMessage};
use ace_db::daily_research as schedule;
use ace_db::{Session, agent_core, agents};
use ace_domain::agent_run::{Depth, Intent};
use ace_domain::ideas::pricing::AgentWork;
use ace_domain::ids::AgentId;
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::warn;

use super::{Asked, Owner, queue_run};
use crate::{App, AppResult};

/// How long a round waits after the last.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// The conversation rounds are kept in.
const TITLE: &str = "Daily research";
/// The queue lane of rounds (each round only queues runs).
const LANE: &str = "agent";

/// The job that runs one round of an agent's daily research.
#[derive(Debug, Serialize, Deserialize)]
pub struct DailyResearch {
    pub agent_id: i64,
}

impl Payload for DailyResearch {
    const KIND: &'static str = "daily_research";
    const VERSION: u32 = 1;
}

/// Brings the agent's schedule in line with its topics, for callers that have already
/// answered: a failure is logged, and the next change syncs again.
pub(crate) async fn sync_after_change(app: &App, agent: AgentId) {
    if let Err(err) = sync(app, agent).await {
        warn!(%agent, error = %err, "could not bring the agent's daily research in line with its topics");
    }
}

/// Starts the schedule (its first round at once) when the agent has topics and none, and ends
/// it when the agent has none.
async fn sync(app: &App, agent: AgentId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let Some(record) = agents::find(&mut tx, agent).await? else {
        return Ok(());
    };
    let topics = agent_core::find(&mut tx, agent).await?.research_topics.0;
    let current = schedule::find(&mut tx, agent).await?;
    let mut withdrawn = None;
    match (topics.is_empty(), current) {
        (true, Some(current)) => {
            if let Some(job) = current.queue_job_id
                && app.queue.withdraw(&mut tx, job).await?
            {
                withdrawn = Some(job);
            }
            schedule::remove(&mut tx, agent).await?;
        }
        (false, None) => {
            let now = app.clock.now();
            let job = enqueue(
                &mut tx,
                app,
                agent,
                record.organization_id.get(),
                Duration::ZERO,
            )
            .await?;
            schedule::schedule(&mut tx, agent, job, now, None, now).await?;
        }
        _ => {}
    }
    tx.commit().await?;
    if let Some(job) = withdrawn {
        app.queue.abort_local(job);
    }
    app.queue.wake();
    Ok(())
}

async fn enqueue(
    tx: &mut dyn Session,
    app: &App,
    agent: AgentId,
    tenant: i64,
    after: Duration,
) -> AppResult<i64> {
    let payload = DailyResearch {
        agent_id: agent.get(),
    };
    let job = Enqueue::new(&payload, LANE, tenant)
        .attempts(3)
        .after(after);
    Ok(app.queue.enqueue(tx, &job).await?)
}

/// Runs rounds of daily research.
pub struct DailyResearchJobs {
    app: App,
}

impl DailyResearchJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for DailyResearchJobs {
    fn kind(&self) -> &'static str {
        DailyResearch::KIND
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<DailyResearch>() else {
                return Outcome::Done;
            };
            match round(&app, AgentId::new(payload.agent_id), job.id).await {
                Ok(()) => Outcome::Done,
                Err(err) => {
                    warn!(job = job.id, error = %err, "a round of daily research failed inside ace");
                    Outcome::Retry("ace could not start the round".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            warn!(job = job.id, %reason, "a round of daily research was given up; the next change to the agent's topics starts the schedule again");
        })
    }
}

/// One round: a research run per topic, or a note for a topic the workspace cannot pay for;
/// then the next round, a day later.
async fn round(app: &App, agent: AgentId, job: i64) -> AppResult<()> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let Some(current) = schedule::find(&mut tx, agent).await? else {
        return Ok(());
    };
    if current.queue_job_id != Some(job) {
        return Ok(());
    }
    let topics = agent_core::find(&mut tx, agent).await?.research_topics.0;
    let record = agents::find(&mut tx, agent).await?;
    let (Some(record), false) = (record, topics.is_empty()) else {
        schedule::remove(&mut tx, agent).await?;
        tx.commit().await?;
        return Ok(());
    };
    let Some(user) = record.created_by() else {
        warn!(%agent, "the agent has no creator to keep its daily research for; the schedule ends");
        schedule::remove(&mut tx, agent).await?;
        tx.commit().await?;
        return Ok(());
    };
    let owner = Owner {
        agent,
        organization: record.organization_id,
        user,
    };
    let conversation = match current.conversation_id {
        Some(id) if talk::find(&mut tx, &id).await?.is_some() => id,
        _ => {
            let id = uuid::Uuid::new_v4().to_string();
            talk::insert(&mut tx, &id, agent, user, TITLE, now).await?;
            id
        }
    };
    let price = app.pricing.for_agent(AgentWork::Research);
    for topic in topics
        .iter()
        .map(|topic| topic.trim())
        .filter(|topic| !topic.is_empty())
    {
        let balance = ace_db::credits::balance(&mut tx, owner.organization).await?;
        if !balance.is_usable() || balance.generic < price {
            let note = format!(
                "Skipped today's research on \"{topic}\": it costs {price} credits and the workspace has {}.",
                balance.generic
            );
            let skipped = NewMessage {
                conversation_id: &conversation,
                run_id: None,
                role: "system",
                content: &note,
                data: Some(&json!({ "skipped": topic, "reason": "insufficient_credits" })),
            };
            talk::add_message(&mut tx, skipped, now).await?;
            continue;
        }
        let asked = Asked {
            message: format!("Daily research: {topic}"),
            intent: Intent::Research {
                topic: topic.to_owned(),
                depth: Depth::Default,
            },
            attachments: Value::Null,
            context: json!({ "research": { "topic": topic, "depth": "default" }, "daily": true }),
            debug: false,
        };
        queue_run(&mut tx, app, owner, &conversation, &asked).await?;
    }
    let next = enqueue(&mut tx, app, agent, owner.organization.get(), DAY).await?;
    let due = now + chrono::Duration::from_std(DAY).unwrap_or_default();
    schedule::schedule(&mut tx, agent, next, due, Some((now, &conversation)), now).await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(())
}
