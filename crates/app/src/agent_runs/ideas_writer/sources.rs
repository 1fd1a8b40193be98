//! The posts ideas draw on: what worked for the agent itself first, then what works for
//! others.

use ace_db::knowledge::{self, FoundPost};
use ace_domain::ids::AgentId;
use ace_domain::knowledge::query::{PostQuery, Ranking};

use super::Brief;
use crate::{App, AppResult};

/// The posts the ideas draw on: what worked for the agent itself first (its own posts with
/// the most views, read back from its accounts), then the most viewed posts matching its
/// brief, else its most viewed posts at all.
pub(crate) async fn sources(
    app: &App,
    agent: AgentId,
    brief: &Brief,
    count: u32,
) -> AppResult<Vec<FoundPost>> {
    let limit = (count * 2).clamp(4, 40);
    let mut found = Vec::new();
    let mut conn = app.db.conn().await?;
    let now = app.clock.now();
    for handle in &brief.own_handles {
        let query = PostQuery {
            author: Some(handle.clone()),
            ranking: Ranking::Views,
            limit: count.clamp(1, 3),
            ..PostQuery::default()
        };
        found.extend(knowledge::search_posts(&mut conn, agent, &query, now).await?);
    }
    drop(conn);
    for post in others(app, agent, brief, limit).await? {
        if !found.iter().any(|seen| seen.id == post.id) {
            found.push(post);
        }
    }
    found.truncate(limit as usize);
    Ok(found)
}

/// The most viewed posts matching the brief, else the most viewed at all.
async fn others(app: &App, agent: AgentId, brief: &Brief, limit: u32) -> AppResult<Vec<FoundPost>> {
    let mut conn = app.db.conn().await?;
    let now = app.clock.now();
    for words in brief.search_words() {
        let query = PostQuery {
            words: Some(words),
            ranking: Ranking::Views,
            limit,
            ..PostQuery::default()
        };
        let found = knowledge::search_posts(&mut conn, agent, &query, now).await?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    let query = PostQuery {
        ranking: Ranking::Views,
        limit,
        ..PostQuery::default()
    };
    Ok(knowledge::search_posts(&mut conn, agent, &query, now).await?)
}
