//! An agent's knowledge: social posts and comments, one row per (agent, platform, platform
//! id), and research findings, one per (agent, URL). Storing one again updates it (its text,
//! its latest metrics, when it was last seen) and, for a post, adds a snapshot of its metrics,
//! so growth can be read over time. Searches are full-text (FTS5 tables on SQLite, `tsvector`
//! columns on PostgreSQL, both case-folding without stemming) and rank the same on both.

use ace_domain::ids::{AgentId, UserJobId};
use ace_domain::knowledge::content::{Comment, Finding, Metrics, Post};
use ace_domain::knowledge::query::{PostQuery, Ranking, search_terms};
use chrono::{DateTime, SubsecRound, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use std::collections::{HashMap, HashSet};

use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::{DbResult, Handle, Session, fetch_all, fetch_one, fetch_optional, on_conn};

/// Whether a stored item was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub new: bool,
}

/// Rows one batched statement writes (16 parameters a post keeps it far under SQLite's
/// 32,766 and PostgreSQL's 65,535).
const BATCH: usize = 500;

/// Stores a post of the agent's, and a snapshot of its metrics as fetched at `fetched_at`.
pub async fn store_post(
    db: &mut dyn Session,
    agent: AgentId,
    post: &Post,
    fetched_at: DateTime<Utc>,
) -> DbResult<Stored> {
    let stored = store_posts(db, agent, std::slice::from_ref(post), None, fetched_at).await?;
    Ok(stored[0])
}

/// Stores posts of the agent's (brought by `job`, when given), each with a snapshot of its
/// metrics as fetched at `fetched_at`, in three statements a batch of [`BATCH`]. A post given
/// twice is stored as its last copy says, the earlier copy counted as known. The answers
/// follow `posts`.
pub async fn store_posts(
    db: &mut dyn Session,
    agent: AgentId,
    posts: &[Post],
    job: Option<UserJobId>,
    fetched_at: DateTime<Utc>,
) -> DbResult<Vec<Stored>> {
    let fetched_at = stored_precision(fetched_at);
    let mut batch = Deduplicated::new(
        posts
            .iter()
            .map(|post| (post.platform.as_str(), post.platform_id.as_str()))
            .collect(),
    );
    for chunk in batch.unique.clone().chunks(BATCH) {
        let stored: Vec<Upserted> = on_conn!(db, |conn| {
            let mut insert = QueryBuilder::new(
                "INSERT INTO knowledge_posts (agent_id, platform, platform_id, url, author, body, posted_at, \
                   views, likes, comments, shares, saves, media_urls, raw, first_seen_at, last_seen_at) ",
            );
            insert.push_values(chunk, |mut row, &i| {
                let post = &posts[i];
                let metrics = &post.metrics;
                row.push_bind(agent.get())
                    .push_bind(post.platform.as_str())
                    .push_bind(post.platform_id.as_str())
                    .push_bind(post.url.as_deref())
                    .push_bind(post.author.as_deref())
                    .push_bind(post.text.as_str())
                    .push_bind(post.created_at)
                    .push_bind(metrics.views)
                    .push_bind(metrics.likes)
                    .push_bind(metrics.comments)
                    .push_bind(metrics.shares)
                    .push_bind(metrics.saves)
                    .push_bind(Json(&post.media_urls))
                    .push_bind(Json(&post.raw))
                    .push_bind(fetched_at)
                    .push_bind(fetched_at);
            });
            insert.push(
                " ON CONFLICT (agent_id, platform, platform_id) DO UPDATE SET url = excluded.url, \
                   author = excluded.author, body = excluded.body, posted_at = excluded.posted_at, \
                   views = excluded.views, likes = excluded.likes, comments = excluded.comments, \
                   shares = excluded.shares, saves = excluded.saves, media_urls = excluded.media_urls, \
                   raw = excluded.raw, last_seen_at = excluded.last_seen_at \
                 RETURNING id, platform, platform_id, first_seen_at, last_seen_at",
            );
            insert.build_query_as().fetch_all(&mut *conn).await?
        });
        batch.record(stored);
        on_conn!(db, |conn| {
            let mut snapshot = QueryBuilder::new(
                "INSERT INTO knowledge_post_metrics (post_id, fetched_at, views, likes, comments, shares, saves) ",
            );
            snapshot.push_values(chunk, |mut row, &i| {
                let metrics = &posts[i].metrics;
                row.push_bind(batch.id_of(i))
                    .push_bind(fetched_at)
                    .push_bind(metrics.views)
                    .push_bind(metrics.likes)
                    .push_bind(metrics.comments)
                    .push_bind(metrics.shares)
                    .push_bind(metrics.saves);
            });
            snapshot.push(" ON CONFLICT (post_id, fetched_at) DO NOTHING");
            snapshot.build().execute(&mut *conn).await?.rows_affected()
        });
        if let Some(job) = job {
            on_conn!(db, |conn| {
                let mut link =
                    QueryBuilder::new("INSERT INTO knowledge_post_jobs (post_id, user_job_id) ");
                link.push_values(chunk, |mut row, &i| {
                    row.push_bind(batch.id_of(i)).push_bind(job.get());
                });
                link.push(" ON CONFLICT (post_id, user_job_id) DO NOTHING");
                link.build().execute(&mut *conn).await?.rows_affected()
            });
        }
    }
    Ok(batch.answers())
}

/// Stores a comment of the agent's.
pub async fn store_comment(
    db: &mut dyn Session,
    agent: AgentId,
    comment: &Comment,
    fetched_at: DateTime<Utc>,
) -> DbResult<Stored> {
    let stored = store_comments(db, agent, std::slice::from_ref(comment), fetched_at).await?;
    Ok(stored[0])
}

/// Stores comments of the agent's, in one statement a batch of [`BATCH`]; as
/// [`store_posts`], a comment given twice is stored as its last copy says.
pub async fn store_comments(
    db: &mut dyn Session,
    agent: AgentId,
    comments: &[Comment],
    fetched_at: DateTime<Utc>,
) -> DbResult<Vec<Stored>> {
    let fetched_at = stored_precision(fetched_at);
    let mut batch = Deduplicated::new(
        comments
            .iter()
            .map(|comment| (comment.platform.as_str(), comment.platform_id.as_str()))
            .collect(),
    );
    for chunk in batch.unique.clone().chunks(BATCH) {
        let stored: Vec<Upserted> = on_conn!(db, |conn| {
            let mut insert = QueryBuilder::new(
                "INSERT INTO knowledge_comments (agent_id, platform, platform_id, post_platform_id, author, \
                   body, posted_at, likes, raw, first_seen_at, last_seen_at) ",
            );
            insert.push_values(chunk, |mut row, &i| {
                let comment = &comments[i];
                row.push_bind(agent.get())
                    .push_bind(comment.platform.as_str())
                    .push_bind(comment.platform_id.as_str())
                    .push_bind(comment.post_platform_id.as_str())
                    .push_bind(comment.author.as_deref())
                    .push_bind(comment.text.as_str())
                    .push_bind(comment.created_at)
                    .push_bind(comment.likes)
                    .push_bind(Json(&comment.raw))
                    .push_bind(fetched_at)
                    .push_bind(fetched_at);
            });
            insert.push(
                " ON CONFLICT (agent_id, platform, platform_id) DO UPDATE SET \
                   author = excluded.author, body = excluded.body, posted_at = excluded.posted_at, \
                   likes = excluded.likes, raw = excluded.raw, last_seen_at = excluded.last_seen_at \
                 RETURNING id, platform, platform_id, first_seen_at, last_seen_at",
            );
            insert.build_query_as().fetch_all(&mut *conn).await?
        });
        batch.record(stored);
    }
    Ok(batch.answers())
}

/// What an upsert returns of a row: its id, key, and when it was first and last seen (the
/// same time only for a row the upsert inserted).
type Upserted = (i64, String, String, DateTime<Utc>, DateTime<Utc>);

/// `at` as both databases keep it (PostgreSQL to the microsecond), so what an upsert returns
/// compares equal to what it was given.
fn stored_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// Items to store, keyed by (platform, platform id): each key is stored once, as its last
/// copy says; the rows written, and which of them were new, are learnt batch by batch.
struct Deduplicated<'a> {
    keys: Vec<(&'a str, &'a str)>,
    /// For each key, the index of its last copy.
    last: HashMap<(&'a str, &'a str), usize>,
    /// The indexes of the copies to store.
    unique: Vec<usize>,
    ids: HashMap<(String, String), i64>,
    inserted: HashSet<(String, String)>,
}

impl<'a> Deduplicated<'a> {
    fn new(keys: Vec<(&'a str, &'a str)>) -> Self {
        let last: HashMap<(&str, &str), usize> =
            keys.iter().enumerate().map(|(i, key)| (*key, i)).collect();
        let unique = (0..keys.len()).filter(|&i| last[&keys[i]] == i).collect();
        Self {
            keys,
            last,
            unique,
            ids: HashMap::new(),
            inserted: HashSet::new(),
        }
    }

    /// Records the rows an upsert returned.
    fn record(&mut self, stored: Vec<Upserted>) {
        for (id, platform, platform_id, first_seen, last_seen) in stored {
            let key = (platform, platform_id);
            if first_seen == last_seen {
                self.inserted.insert(key.clone());
            }
            self.ids.insert(key, id);
        }
    }

    /// The row stored for item `i`.
    fn id_of(&self, i: usize) -> i64 {
        let (platform, platform_id) = self.keys[i];
        self.ids
            .get(&(platform.to_owned(), platform_id.to_owned()))
            .copied()
            .unwrap_or_default()
    }

    /// Each item's answer: its row, and whether it is new (its last copy, inserted now).
    fn answers(&self) -> Vec<Stored> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, key)| Stored {
                id: self.id_of(i),
                new: self.last[key] == i
                    && self
                        .inserted
                        .contains(&(key.0.to_owned(), key.1.to_owned())),
            })
            .collect()
    }
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
         FROM knowledge_comments c \
         WHERE c.agent_id = $1 AND (c.platform, c.post_platform_id) IN \
           (SELECT p.platform, p.platform_id FROM knowledge_posts p WHERE p.agent_id = $1 AND {in_posts}){matching} \
         ORDER BY COALESCE(c.likes, 0) DESC, c.id LIMIT $3",
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
