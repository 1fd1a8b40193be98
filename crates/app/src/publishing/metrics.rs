//! Closing the loop (an ace addition): a post that completed with a public id is read back
//! with TikTok's video query on a schedule, hourly for two days and then daily for a month.
//! Each reading keeps the post's latest figures, writes them into the STATS cell of the row
//! whose video it was, and stores the post in the agent's knowledge base as one of its own
//! (marked `own`), so the Ideas agent ranks what worked for this agent beside what works for
//! others. Readings stop early, saying why, when the account lost its grant or never allowed
//! `video.list`.

use std::time::Duration;

use ace_db::post_metrics::{self as store, NewFollow, PostMetricsRecord};
use ace_db::social_connections as connections;
use ace_db::user_jobs;
use ace_domain::ids::UserJobId;
use ace_domain::knowledge::content::{Metrics, Post};
use ace_domain::knowledge::monitoring::Platform;
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload};
use ace_providers::publishers::tiktok::{TikTokError, VIDEO_LIST_SCOPE, VideoFigures};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing::warn;

use super::LANE;
use super::accounts::{self, Unusable};
use crate::{App, AppResult};

/// Hourly readings, over the first two days.
pub const HOURLY_READINGS: i64 = 48;
/// Daily readings after those, for a month.
pub const DAILY_READINGS: i64 = 30;

/// One reading of a post's figures.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadPostFigures {
    pub user_job_id: i64,
    /// From 1; a reading that is not the one after the last recorded does nothing.
    pub reading: i64,
}

impl Payload for ReadPostFigures {
    const KIND: &'static str = "post_figures";
    const VERSION: u32 = 1;
}

/// A post just published with a public id.
pub(crate) struct Published<'a> {
    pub user_job_id: UserJobId,
    pub agent: ace_domain::ids::AgentId,
    pub account_id: i64,
    pub post_id: &'a str,
    pub media_url: &'a str,
    pub tenant: i64,
}

/// How long before reading `reading` (from 1), in units of the hourly interval.
fn wait_before(app: &App, reading: i64) -> Duration {
    let unit = app.publishing.figures_interval;
    if reading <= HOURLY_READINGS {
        unit
    } else {
        unit * 24
    }
}

/// Starts following a post, in the transaction that completes it: its first reading an hour
/// later.
pub(crate) async fn follow(
    tx: &mut dyn ace_db::Session,
    app: &App,
    post: &Published<'_>,
) -> AppResult<()> {
    let now = app.clock.now();
    let video_cell_id = match app.storage.key_of_public_url(post.media_url) {
        Some(key) => super::gates::rendered_cell_of_key(tx, post.agent, key)
            .await?
            .map(|cell| cell.get()),
        None => None,
    };
    let wait = wait_before(app, 1);
    let new = NewFollow {
        user_job_id: post.user_job_id,
        agent_id: post.agent,
        video_cell_id,
        account_id: post.account_id,
        platform: "tiktok",
        post_id: post.post_id,
        first_at: now + wait,
    };
    store::follow(tx, &new, now).await?;
    enqueue(tx, app, post.user_job_id, 1, post.tenant, wait).await
}

async fn enqueue(
    tx: &mut dyn ace_db::Session,
    app: &App,
    job: UserJobId,
    reading: i64,
    tenant: i64,
    wait: Duration,
) -> AppResult<()> {
    let payload = ReadPostFigures {
        user_job_id: job.get(),
        reading,
    };
    let enqueue = Enqueue::new(&payload, LANE, tenant).attempts(5).after(wait);
    app.queue.enqueue(tx, &enqueue).await?;
    Ok(())
}

/// Reads posts' figures.
pub struct FigureJobs {
    app: App,
}

impl FigureJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for FigureJobs {
    fn kind(&self) -> &'static str {
        ReadPostFigures::KIND
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<ReadPostFigures>() else {
                return Outcome::Done;
            };
            match read(&app, &payload, &job).await {
                Ok(outcome) => outcome,
                Err(err) => {
                    warn!(job = job.id, post = payload.user_job_id, error = %err, "a post's figures could not be read");
                    Outcome::Retry("ace could not read the post's figures".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<ReadPostFigures>() else {
                return;
            };
            let why = format!("reading {} failed: {reason}", payload.reading);
            if let Err(err) = stop(&app, UserJobId::new(payload.user_job_id), &why).await {
                warn!(job = job.id, error = %err, "a post's readings could not be stopped");
            }
        })
    }
}

async fn stop(app: &App, job: UserJobId, why: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    store::stop(&mut tx, job, why).await?;
    tx.commit().await?;
    Ok(())
}

/// One reading: TikTok's figures kept, the row's STATS cell written, the post stored in the
/// knowledge base as the agent's own, and the next reading queued.
async fn read(app: &App, payload: &ReadPostFigures, job: &Job) -> AppResult<Outcome> {
    let id = UserJobId::new(payload.user_job_id);
    let mut conn = app.db.conn().await?;
    let Some(record) = store::find(&mut conn, id).await? else {
        return Ok(Outcome::Done);
    };
    if record.readings + 1 != payload.reading || record.stopped.is_some() {
        return Ok(Outcome::Done);
    }
    let connection =
        connections::find_by_linked_account(&mut conn, record.agent_id, record.account_id).await?;
    let post = user_jobs::find(&mut conn, id).await?;
    drop(conn);
    let Some(connection) = connection else {
        stop(app, id, "the account that posted is no longer connected").await?;
        return Ok(Outcome::Done);
    };
    if !connection
        .scopes
        .split([',', ' '])
        .any(|scope| scope == VIDEO_LIST_SCOPE)
    {
        let why = "the account did not allow video.list; connect it again to read its posts back";
        stop(app, id, why).await?;
        return Ok(Outcome::Done);
    }
    let token = match accounts::access_token(app, &connection).await? {
        Ok(token) => token,
        Err(Unusable { reason, transient }) if transient && !job.is_last_attempt() => {
            return Ok(Outcome::Retry(reason));
        }
        Err(Unusable { reason, .. }) => {
            stop(app, id, &reason).await?;
            return Ok(Outcome::Done);
        }
    };
    let figures = match app
        .publishing
        .tiktok
        .video_figures(&token, std::slice::from_ref(&record.post_id))
        .await
    {
        Ok(videos) => videos.into_iter().find(|video| video.id == record.post_id),
        Err(err) if err.is_transient() && !job.is_last_attempt() => {
            return Ok(Outcome::Retry(err.to_string()));
        }
        Err(err @ TikTokError::Grant { .. }) => {
            accounts::mark(app, &connection, &err.to_string()).await?;
            stop(app, id, &err.to_string()).await?;
            return Ok(Outcome::Done);
        }
        Err(err) => {
            stop(app, id, &err.to_string()).await?;
            return Ok(Outcome::Done);
        }
    };
    let Some(figures) = figures else {
        stop(app, id, "TikTok no longer shows the post").await?;
        return Ok(Outcome::Done);
    };
    let description = post
        .as_ref()
        .and_then(|post| post.data.0["description"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let posted_at = post.as_ref().and_then(|post| post.finished_at);
    record_reading(
        app,
        &record,
        payload.reading,
        &figures,
        Own {
            username: connection.username.as_deref(),
            description: &description,
            posted_at,
        },
        job.tenant,
    )
    .await?;
    Ok(Outcome::Done)
}

/// What the knowledge base keeps of one of the agent's own posts.
struct Own<'a> {
    username: Option<&'a str>,
    description: &'a str,
    posted_at: Option<DateTime<Utc>>,
}

async fn record_reading(
    app: &App,
    record: &PostMetricsRecord,
    reading: i64,
    figures: &VideoFigures,
    own: Own<'_>,
    tenant: i64,
) -> AppResult<()> {
    let now = app.clock.now();
    let metrics = Metrics {
        views: figures.views,
        likes: figures.likes,
        comments: figures.comments,
        shares: figures.shares,
        saves: None,
    };
    let next = (reading < HOURLY_READINGS + DAILY_READINGS).then(|| wait_before(app, reading + 1));
    let next_at = next.map(|wait| now + wait);
    let id = UserJobId::new(record.user_job_id);
    let mut tx = app.db.begin().await?;
    if !store::record_reading(&mut tx, id, reading, &metrics, next_at, now).await? {
        return Ok(());
    }
    let text = if own.description.is_empty() {
        figures.title.clone().unwrap_or_default()
    } else {
        own.description.to_owned()
    };
    let post = Post {
        platform: Platform::TikTok,
        platform_id: record.post_id.clone(),
        url: figures.share_url.clone(),
        author: own.username.map(str::to_owned),
        text,
        created_at: own.posted_at,
        metrics,
        media_urls: Vec::new(),
        raw: json!({"own": true, "user_job_id": record.user_job_id}),
    };
    ace_db::knowledge::store_post(&mut tx, record.agent_id, &post, now).await?;
    if let Some(cell) = record.video_cell_id {
        crate::row_runs::stats::refresh(&mut tx, cell, now).await?;
    }
    if let Some(wait) = next {
        enqueue(&mut tx, app, id, reading + 1, tenant, wait).await?;
    }
    tx.commit().await?;
    app.queue.wake();
    Ok(())
}
