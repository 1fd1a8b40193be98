//! Research for an agent: every configured research source (Hacker News, Reddit, the web, X)
//! is asked about a topic at once. What they find is kept as the agent's findings, tagged with
//! the topic; a source that fails is reported beside the others' findings and never loses
//! them. The Ideas agent's research runs call this, and charge for it as runs; it is not a
//! route of its own.

use ace_db::knowledge as store;
use ace_domain::ids::AgentId;
use ace_domain::knowledge::content::Finding;
use ace_sources::Topic;
use futures::future::join_all;
use tracing::warn;

use super::GATHERING;
use crate::policy::{AgentNeed, require_agent};
use crate::{Actor, App, AppResult};

/// What to say when no research source is configured.
pub const NO_SOURCE: &str = "no research source is configured: set \
    ACE_PROVIDER_HACKERNEWS_API=hackernews (it needs no key), or a key in \
    ACE_PROVIDER_BRAVE_API_KEY, ACE_PROVIDER_REDDIT_API_KEY or ACE_PROVIDER_X_API_KEY";

/// What one research brought.
#[derive(Clone, Debug, Default)]
pub struct Researched {
    pub findings: Vec<Kept>,
    /// The sources that failed, and why.
    pub unanswered: Vec<Unanswered>,
}

/// A finding as kept: its id among the agent's findings, and whether it is new to them.
#[derive(Clone, Debug)]
pub struct Kept {
    pub id: i64,
    pub new: bool,
    pub finding: Finding,
}

/// A source that could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unanswered {
    pub source: String,
    pub reason: String,
}

/// Asks every research source about `topic` and keeps what they find as `agent`'s findings.
/// The caller must be able to change the agent.
pub async fn research(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    topic: &Topic,
) -> AppResult<Researched> {
    {
        let mut conn = app.db.conn().await?;
        require_agent(&mut conn, actor, agent, AgentNeed::Edit, &GATHERING).await?;
    }
    let sources = app.sources.research();
    if sources.is_empty() {
        return Ok(Researched {
            findings: Vec::new(),
            unanswered: vec![Unanswered {
                source: "research".into(),
                reason: NO_SOURCE.into(),
            }],
        });
    }
    let answers = join_all(
        sources
            .iter()
            .map(|source| async move { (source.name(), source.search(topic).await) }),
    )
    .await;
    let now = app.clock.now();
    let mut researched = Researched::default();
    let mut tx = app.db.begin().await?;
    for (source, answer) in answers {
        match answer {
            Ok(found) => {
                for mut finding in found {
                    finding.topic = Some(topic.words.clone());
                    let stored = store::store_finding(&mut tx, agent, &finding, now).await?;
                    researched.findings.push(Kept {
                        id: stored.id,
                        new: stored.new,
                        finding,
                    });
                }
            }
            Err(err) => {
                warn!(%agent, source, error = %err, "a research source could not answer");
                researched.unanswered.push(Unanswered {
                    source: source.into(),
                    reason: err.to_string(),
                });
            }
        }
    }
    tx.commit().await?;
    Ok(researched)
}
