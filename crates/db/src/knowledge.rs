//! An agent's knowledge: social posts and comments, one row per (agent, platform, platform
//! id), and research findings, one per (agent, URL). Storing one again updates it (its text,
//! its latest metrics, when it was last seen) and, for a post, adds a snapshot of its metrics,
//! so growth can be read over time. Searches are full-text (FTS5 tables on SQLite, `tsvector`
//! columns on PostgreSQL, both case-folding without stemming) and rank the same on both.

use ace_domain::ids::{AgentId, UserJobId};
use ace_domain::knowledge::content::{Comment, Finding, Metrics, Post};
use ace_domain::knowledge::query::{PostQuery, Ranking, search_terms};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use sqlx::AssertSqlSafe;

use crate::{DbResult, Handle, Session, execute, fetch_all, fetch_one, fetch_optional};

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
    let rows: Vec<Row> = fetch_all!(db, sqlx::query_as(sql).bind(agent.get()).bind(platform_id));
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

/// Records that `job` brought post `post`.
pub async fn link_post(db: &mut dyn Session, post: i64, job: UserJobId) -> DbResult<()> {
    let sql = "INSERT INTO knowledge_post_jobs (post_id, user_job_id) VALUES ($1, $2) \
               ON CONFLICT (post_id, user_job_id) DO NOTHING";
    execute!(db, sqlx::query(sql).bind(post).bind(job.get()));
    Ok(())
}

/// A post found by a search, with what it was ranked by.
#[derive(Clone, Debug, PartialEq, FromRow)]
pub struct FoundPost {
    pub id: i64,
    pub platform: String,
    pub platform_id: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub body: String,
    pub posted_at: Option<DateTime<Utc>>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
    /// Interactions per view; `None` without views.
    pub engagement: Option<f64>,
    /// Views gained between the first and the last fetch in the window.
    pub growth: i64,
}

/// The interactions-per-view expression, the same on both databases.
macro_rules! engagement {
    () => {
        "CASE WHEN COALESCE(p.views, 0) > 0 THEN CAST(COALESCE(p.likes, 0) + COALESCE(p.comments, 0) \
           + COALESCE(p.shares, 0) + COALESCE(p.saves, 0) AS DOUBLE PRECISION) / p.views END"
    };
}

/// Views gained since the first snapshot at or after `$3` (the window's start, or the epoch).
macro_rules! growth {
    () => {
        "COALESCE(p.views, 0) - COALESCE((SELECT m.views FROM knowledge_post_metrics m \
           WHERE m.post_id = p.id AND m.fetched_at >= $3 ORDER BY m.fetched_at LIMIT 1), p.views, 0)"
    };
}

/// The agent's posts that answer `query`, best first, seen at `now`.
pub async fn search_posts(
    db: &mut dyn Session,
    agent: AgentId,
    query: &PostQuery,
    now: DateTime<Utc>,
) -> DbResult<Vec<FoundPost>> {
    let terms = query.terms();
    let since = query.since(now);
    let order = match query.ranking {
        Ranking::Views => "COALESCE(p.views, 0) DESC",
        Ranking::Likes => "COALESCE(p.likes, 0) DESC",
        Ranking::Engagement => concat!("COALESCE(", engagement!(), ", -1) DESC"),
        Ranking::Growth => "growth DESC",
        Ranking::Recent => "COALESCE(p.posted_at, p.first_seen_at) DESC",
    };
    let sqlite = is_sqlite(db);
    let matching = match (sqlite, terms.is_empty()) {
        (_, true) => "",
        (true, false) => {
            " AND p.id IN (SELECT rowid FROM knowledge_posts_fts WHERE knowledge_posts_fts MATCH $8)"
        }
        (false, false) => " AND p.search @@ plainto_tsquery('simple', $8)",
    };
    let sql = format!(
        concat!(
            "SELECT p.id, p.platform, p.platform_id, p.url, p.author, p.body, p.posted_at, p.views, p.likes, \
               p.comments, p.shares, p.saves, ",
            engagement!(),
            " AS engagement, ",
            growth!(),
            " AS growth FROM knowledge_posts p \
             WHERE p.agent_id = $1 AND ($2 IS NULL OR p.platform = $2) \
               AND ($4 IS NULL OR COALESCE(p.posted_at, p.first_seen_at) >= $4) \
               AND ($5 IS NULL OR lower(p.author) = $5) \
               AND ($6 IS NULL OR EXISTS (SELECT 1 FROM knowledge_post_jobs j WHERE j.post_id = p.id AND j.user_job_id = $6))\
             {matching} ORDER BY {order}, p.id LIMIT $7"
        ),
        matching = matching,
        order = order,
    );
    let window_start = since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let words = search_words(sqlite, &terms);
    Ok(fetch_all!(
        db,
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(agent.get())
            .bind(query.platform.map(|p| p.as_str()))
            .bind(window_start)
            .bind(since)
            .bind(query.author_key())
            .bind(query.found_by.map(UserJobId::get))
            .bind(i64::from(query.bounded_limit()))
            .bind_words(words.as_deref())
    ))
}

/// Whether the session is on SQLite (whose full-text search is spelled differently).
fn is_sqlite(db: &mut dyn Session) -> bool {
    matches!(db.handle(), Handle::Sqlite(_))
}

/// The full-text parameter for `terms`, `None` when there are none (the statement then has
/// no such parameter): on SQLite an FTS5 query requiring every term, each quoted; on
/// PostgreSQL the terms for `plainto_tsquery`. Terms are letters and digits only.
fn search_words(sqlite: bool, terms: &[String]) -> Option<String> {
    if terms.is_empty() {
        None
    } else if sqlite {
        let quoted: Vec<String> = terms.iter().map(|term| format!("\"{term}\"")).collect();
        Some(quoted.join(" "))
    } else {
        Some(terms.join(" "))
    }
}

/// Binds the full-text parameter, when the statement has one.
trait BindWords: Sized {
    fn bind_words(self, words: Option<&str>) -> Self;
}

impl<'q, DB, O> BindWords for sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    String: for<'a> sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    fn bind_words(self, words: Option<&str>) -> Self {
        match words {
            Some(words) => self.bind(words.to_owned()),
            None => self,
        }
    }
}

/// A comment found by a search.
#[derive(Clone, Debug, PartialEq, FromRow)]
pub struct FoundComment {
    pub id: i64,
    pub platform: String,
    pub platform_id: String,
    pub post_platform_id: String,
    pub author: Option<String>,
    pub body: String,
    pub posted_at: Option<DateTime<Utc>>,
    pub likes: Option<i64>,
}

/// The agent's most-liked comments on posts `posts` (their knowledge ids), containing every
/// word of `words` if given.
pub async fn top_comments(
    db: &mut dyn Session,
    agent: AgentId,
    posts: &[i64],
    words: Option<&str>,
    limit: u32,
) -> DbResult<Vec<FoundComment>> {
    let terms = words.map(search_terms).unwrap_or_default();
    let sqlite = is_sqlite(db);
    let (in_posts, matching) = match sqlite {
        true => (
            "p.id IN (SELECT value FROM json_each($2))",
            " AND c.id IN (SELECT rowid FROM knowledge_comments_fts WHERE knowledge_comments_fts MATCH $4)",
        ),
        false => (
            "p.id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)",
            " AND c.search @@ plainto_tsquery('simple', $4)",
        ),
    };
    let sql = format!(
        "SELECT c.id, c.platform, c.platform_id, c.post_platform_id, c.author, c.body, c.posted_at, c.likes \
         FROM knowledge_comments c JOIN knowledge_posts p ON p.agent_id = c.agent_id \
           AND p.platform = c.platform AND p.platform_id = c.post_platform_id \
         WHERE c.agent_id = $1 AND {in_posts}{matching} ORDER BY COALESCE(c.likes, 0) DESC, c.id LIMIT $3",
        matching = if terms.is_empty() { "" } else { matching },
    );
    let ids = serde_json::to_string(posts).unwrap_or_else(|_| "[]".into());
    let words = search_words(sqlite, &terms);
    Ok(fetch_all!(
        db,
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(agent.get())
            .bind(ids.as_str())
            .bind(i64::from(limit.clamp(1, 100)))
            .bind_words(words.as_deref())
    ))
}

/// Stores a research finding of the agent's (again: its title, excerpt and fetch time).
pub async fn store_finding(
    db: &mut dyn Session,
    agent: AgentId,
    finding: &Finding,
    fetched_at: DateTime<Utc>,
) -> DbResult<Stored> {
    let known: Option<i64> = fetch_optional!(
        db,
        sqlx::query_scalar("SELECT id FROM knowledge_findings WHERE agent_id = $1 AND url = $2")
            .bind(agent.get())
            .bind(&finding.url)
    );
    let sql = "INSERT INTO knowledge_findings (agent_id, source, url, title, excerpt, topic, \
                 published_at, raw, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
               ON CONFLICT (agent_id, url) DO UPDATE SET source = excluded.source, \
                 title = excluded.title, excerpt = excluded.excerpt, topic = excluded.topic, \
                 published_at = excluded.published_at, raw = excluded.raw, fetched_at = excluded.fetched_at \
               RETURNING id";
    let id: i64 = fetch_one!(
        db,
        sqlx::query_scalar(sql)
            .bind(agent.get())
            .bind(&finding.source)
            .bind(&finding.url)
            .bind(&finding.title)
            .bind(&finding.excerpt)
            .bind(&finding.topic)
            .bind(finding.published_at)
            .bind(Json(&finding.raw))
            .bind(fetched_at)
    );
    Ok(Stored {
        id,
        new: known.is_none(),
    })
}

/// A stored research finding.
#[derive(Clone, Debug, PartialEq, FromRow)]
pub struct FoundFinding {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub title: String,
    pub excerpt: String,
    pub topic: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub raw: Json<Value>,
    pub fetched_at: DateTime<Utc>,
}

/// The agent's findings containing every word of `words`, newest fetched first.
pub async fn search_findings(
    db: &mut dyn Session,
    agent: AgentId,
    words: &str,
    limit: u32,
) -> DbResult<Vec<FoundFinding>> {
    let terms = search_terms(words);
    let sqlite = is_sqlite(db);
    let matching = match (sqlite, terms.is_empty()) {
        (_, true) => "",
        (true, false) => {
            " AND f.id IN (SELECT rowid FROM knowledge_findings_fts WHERE knowledge_findings_fts MATCH $3)"
        }
        (false, false) => " AND f.search @@ plainto_tsquery('simple', $3)",
    };
    let sql = format!(
        "SELECT f.id, f.source, f.url, f.title, f.excerpt, f.topic, f.published_at, f.raw, f.fetched_at \
         FROM knowledge_findings f WHERE f.agent_id = $1{matching} ORDER BY f.fetched_at DESC, f.id DESC LIMIT $2"
    );
    let words = search_words(sqlite, &terms);
    Ok(fetch_all!(
        db,
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(agent.get())
            .bind(i64::from(limit.clamp(1, 100)))
            .bind_words(words.as_deref())
    ))
}
