//! An agent's knowledge: social posts and comments, one row per (agent, platform, platform
//! id). Storing one again updates it (its text, its latest metrics, when it was last seen)
//! and, for a post, adds a snapshot of its metrics, so growth can be read over time.

use ace_domain::ids::AgentId;
use ace_domain::knowledge::content::{Comment, Metrics, Post};
use chrono::{DateTime, Utc};
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_one, fetch_optional};

/// Whether a stored item was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub new: bool,
}

/// Stores a post of the agent's, and a snapshot of its metrics as fetched at `fetched_at`.
pub async fn store_post(
    db: &mut dyn Session,
    agent: AgentId,
    post: &Post,
    fetched_at: DateTime<Utc>,
) -> DbResult<Stored> {
    let known: Option<i64> = fetch_optional!(
        db,
        sqlx::query_scalar(
            "SELECT id FROM knowledge_posts WHERE agent_id = $1 AND platform = $2 AND platform_id = $3"
        )
        .bind(agent.get())
        .bind(post.platform.as_str())
        .bind(&post.platform_id)
    );
    let sql = "INSERT INTO knowledge_posts (agent_id, platform, platform_id, url, author, body, \
                 posted_at, views, likes, comments, shares, saves, media_urls, raw, first_seen_at, \
                 last_seen_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) \
               ON CONFLICT (agent_id, platform, platform_id) DO UPDATE SET url = excluded.url, \
                 author = excluded.author, body = excluded.body, posted_at = excluded.posted_at, \
                 views = excluded.views, likes = excluded.likes, comments = excluded.comments, \
                 shares = excluded.shares, saves = excluded.saves, media_urls = excluded.media_urls, \
                 raw = excluded.raw, last_seen_at = excluded.last_seen_at \
               RETURNING id";
    let metrics = &post.metrics;
    let id: i64 = fetch_one!(
        db,
        sqlx::query_scalar(sql)
            .bind(agent.get())
            .bind(post.platform.as_str())
            .bind(&post.platform_id)
            .bind(&post.url)
            .bind(&post.author)
            .bind(&post.text)
            .bind(post.created_at)
            .bind(metrics.views)
            .bind(metrics.likes)
            .bind(metrics.comments)
            .bind(metrics.shares)
            .bind(metrics.saves)
            .bind(Json(&post.media_urls))
            .bind(Json(&post.raw))
            .bind(fetched_at)
    );
    let sql = "INSERT INTO knowledge_post_metrics (post_id, fetched_at, views, likes, comments, \
                 shares, saves) VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (post_id, fetched_at) DO NOTHING";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id)
            .bind(fetched_at)
            .bind(metrics.views)
            .bind(metrics.likes)
            .bind(metrics.comments)
            .bind(metrics.shares)
            .bind(metrics.saves)
    );
    Ok(Stored {
        id,
        new: known.is_none(),
    })
}

/// Stores a comment of the agent's.
pub async fn store_comment(
    db: &mut dyn Session,
    agent: AgentId,
    comment: &Comment,
    fetched_at: DateTime<Utc>,
) -> DbResult<Stored> {
    let known: Option<i64> = fetch_optional!(
        db,
        sqlx::query_scalar(
            "SELECT id FROM knowledge_comments WHERE agent_id = $1 AND platform = $2 AND platform_id = $3"
        )
        .bind(agent.get())
        .bind(comment.platform.as_str())
        .bind(&comment.platform_id)
    );
    let sql = "INSERT INTO knowledge_comments (agent_id, platform, platform_id, post_platform_id, \
                 author, body, posted_at, likes, raw, first_seen_at, last_seen_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
               ON CONFLICT (agent_id, platform, platform_id) DO UPDATE SET \
                 author = excluded.author, body = excluded.body, posted_at = excluded.posted_at, \
                 likes = excluded.likes, raw = excluded.raw, last_seen_at = excluded.last_seen_at \
               RETURNING id";
    let id: i64 = fetch_one!(
        db,
        sqlx::query_scalar(sql)
            .bind(agent.get())
            .bind(comment.platform.as_str())
            .bind(&comment.platform_id)
            .bind(&comment.post_platform_id)
            .bind(&comment.author)
            .bind(&comment.text)
            .bind(comment.created_at)
            .bind(comment.likes)
            .bind(Json(&comment.raw))
            .bind(fetched_at)
    );
    Ok(Stored {
        id,
        new: known.is_none(),
    })
}

/// How many posts and comments the agent's knowledge holds.
pub async fn counts(db: &mut dyn Session, agent: AgentId) -> DbResult<(i64, i64)> {
    let posts: i64 = fetch_one!(
        db,
        sqlx::query_scalar("SELECT COUNT(*) FROM knowledge_posts WHERE agent_id = $1")
            .bind(agent.get())
    );
    let comments: i64 = fetch_one!(
        db,
        sqlx::query_scalar("SELECT COUNT(*) FROM knowledge_comments WHERE agent_id = $1")
            .bind(agent.get())
    );
    Ok((posts, comments))
}

/// A post's metrics as each fetch saw them, oldest first.
pub async fn post_history(
    db: &mut dyn Session,
    agent: AgentId,
    platform_id: &str,
) -> DbResult<Vec<(DateTime<Utc>, Metrics)>> {
    let sql = "SELECT m.fetched_at, m.views, m.likes, m.comments, m.shares, m.saves \
               FROM knowledge_post_metrics m JOIN knowledge_posts p ON p.id = m.post_id \
               WHERE p.agent_id = $1 AND p.platform_id = $2 ORDER BY m.fetched_at";
    type Row = (
        DateTime<Utc>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> =
        crate::fetch_all!(db, sqlx::query_as(sql).bind(agent.get()).bind(platform_id));
    Ok(rows
        .into_iter()
        .map(|(at, views, likes, comments, shares, saves)| {
            (
                at,
                Metrics {
                    views,
                    likes,
                    comments,
                    shares,
                    saves,
                },
            )
        })
        .collect())
}
