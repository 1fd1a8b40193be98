//! Questions asked of an agent's knowledge by anyone who may see the agent: its posts
//! (matching words, narrowed by platform, window, author or the job that found them, ranked),
//! the most-liked comments on some of them, and its research findings. The knowledge routes
//! answer with these, and the Ideas agent's tools call them.

use ace_db::knowledge as store;
/// The answers, as the knowledge store reads them.
pub use ace_db::knowledge::{FoundComment, FoundFinding, FoundPost};
use ace_domain::ids::AgentId;
use ace_domain::knowledge::query::{MAX_LIMIT, PostQuery};

use crate::policy::{AgentNeed, VISIBLE, require_agent};
use crate::{Actor, App, AppResult};

/// The agent's posts that answer `query`, best first.
pub async fn posts(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    query: &PostQuery,
) -> AppResult<Vec<FoundPost>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    Ok(store::search_posts(&mut conn, agent, query, app.clock.now()).await?)
}

/// The agent's most-liked comments on its posts `posts` (knowledge ids, as [`posts`] answers
/// them), containing every word of `words` if given.
pub async fn comments(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    posts: &[i64],
    words: Option<&str>,
    limit: u32,
) -> AppResult<Vec<FoundComment>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    Ok(store::top_comments(&mut conn, agent, posts, words, limit.clamp(1, MAX_LIMIT)).await?)
}

/// The agent's research findings containing every word of `words` (all of them for none),
/// newest first.
pub async fn findings(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    words: &str,
    limit: u32,
) -> AppResult<Vec<FoundFinding>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    Ok(store::search_findings(&mut conn, agent, words, limit.clamp(1, MAX_LIMIT)).await?)
}
