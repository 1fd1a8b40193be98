//! How published posts perform: the latest figures read back from the platform for each post
//! with a public id, how many readings were done, when the next is due, and why the readings
//! stopped early, if they did.

use ace_domain::ids::{AgentId, UserJobId};
use ace_domain::knowledge::content::Metrics;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_optional};

/// A post's figures.
#[derive(Clone, Debug, FromRow)]
pub struct PostMetricsRecord {
    pub user_job_id: i64,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub video_cell_id: Option<i64>,
    /// The linked account that posted.
    pub account_id: i64,
    pub platform: String,
    pub post_id: String,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub readings: i64,
    pub read_at: Option<DateTime<Utc>>,
    pub next_at: Option<DateTime<Utc>>,
    /// Why readings stopped before the schedule ended.
    pub stopped: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A post to follow.
#[derive(Clone, Debug)]
pub struct NewFollow<'a> {
    pub user_job_id: UserJobId,
    pub agent_id: AgentId,
    pub video_cell_id: Option<i64>,
    pub account_id: i64,
    pub platform: &'a str,
    pub post_id: &'a str,
    pub first_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "user_job_id, agent_id, video_cell_id, account_id, platform, post_id, views, likes, \
         comments, shares, readings, read_at, next_at, stopped, created_at"
    };
}

/// Starts following a post (once: following it again changes nothing).
pub async fn follow(db: &mut dyn Session, new: &NewFollow<'_>, now: DateTime<Utc>) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO post_metrics (user_job_id, agent_id, video_cell_id, account_id, platform, \
               post_id, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (user_job_id) DO NOTHING"
        )
        .bind(new.user_job_id.get())
        .bind(new.agent_id.get())
        .bind(new.video_cell_id)
        .bind(new.account_id)
        .bind(new.platform)
        .bind(new.post_id)
        .bind(new.first_at)
        .bind(now)
    );
    Ok(())
}

/// The figures of post `job`.
pub async fn find(db: &mut dyn Session, job: UserJobId) -> DbResult<Option<PostMetricsRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM post_metrics WHERE user_job_id = $1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(job.get())))
}

/// Records reading `reading` (the one after the last recorded; false otherwise) with its
/// figures and when the next is due (`None`: the schedule ended).
pub async fn record_reading(
    db: &mut dyn Session,
    job: UserJobId,
    reading: i64,
    figures: &Metrics,
    next_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let recorded = execute!(
        db,
        sqlx::query(
            "UPDATE post_metrics SET views = $3, likes = $4, comments = $5, shares = $6, \
               readings = $2, read_at = $7, next_at = $8 \
             WHERE user_job_id = $1 AND readings = $2 - 1 AND stopped IS NULL"
        )
        .bind(job.get())
        .bind(reading)
        .bind(figures.views)
        .bind(figures.likes)
        .bind(figures.comments)
        .bind(figures.shares)
        .bind(now)
        .bind(next_at)
    );
    Ok(recorded == 1)
}

/// Stops the readings, saying why.
pub async fn stop(db: &mut dyn Session, job: UserJobId, why: &str) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE post_metrics SET stopped = $2, next_at = NULL WHERE user_job_id = $1")
            .bind(job.get())
            .bind(why)
    );
    Ok(())
}

/// The latest post of the row that `cell` is in (by its video cells), if any.
pub async fn latest_of_row(db: &mut dyn Session, cell: i64) -> DbResult<Option<PostMetricsRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM post_metrics WHERE video_cell_id IN ( \
           SELECT id FROM spreadsheet_cells WHERE row_id = \
             (SELECT row_id FROM spreadsheet_cells WHERE id = $1)) \
         ORDER BY created_at DESC, user_job_id DESC LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(cell)))
}
