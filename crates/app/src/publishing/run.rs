//! The publish job. A run picks up where the last one stopped, from the progress kept in the
//! job's `result`: a post not yet started asks TikTok what the creator's account allows,
//! fetches the video (ace's own files straight from storage), checks its length against the
//! creator's limit, takes one of the token's six starts a minute, starts the post and records
//! its `publish_id` before uploading, then uploads the file in chunks. A started post is
//! followed: its status is read every few seconds, each read a queued run of its own, until
//! TikTok publishes it or gives up. A run that dies mid-upload starts the post again (the
//! unfinished upload expires at TikTok), never twice once the upload is complete.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ace_db::social_connections as connections;
use ace_db::user_jobs::{self as store, Completion, Cycle, JobRecord};
use ace_domain::generation::GenerationStatus;
use ace_domain::ideas::IdeaStatus;
use ace_domain::ids::{IdeaId, UserJobId};
use ace_domain::publishing::gates::GateReport;
use ace_domain::publishing::{PostSettings, PublishRequest};
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload, StartError};
use ace_net::hosted_api::ApiKey;
use ace_net::outbound::Reach;
use ace_providers::publishers::tiktok::{
    ChunkPlan, PostStatus, TikTokError, VideoPost, VideoSource,
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::warn;

use super::LANE;
use super::accounts::{self, Unusable};
use super::{gates, metrics};
use crate::generations::outcome::WorkDir;
use crate::{App, AppError, AppResult};

/// Tries of a post's run before a transient failure (TikTok down) ends it.
pub(crate) const ATTEMPTS: u32 = 5;
/// TikTok's limit on post starts per token per minute.
const STARTS_PER_MINUTE: i64 = 6;

/// One run of a post: start it, or read its status.
#[derive(Debug, Serialize, Deserialize)]
pub struct PublishPost {
    pub user_job_id: i64,
}

impl Payload for PublishPost {
    const KIND: &'static str = "publish_content";
    const VERSION: u32 = 1;
}

/// How far a post has come, kept in the job's `result`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Progress {
    platform: String,
    /// The linked account it posts from.
    account_id: Option<i64>,
    username: Option<String>,
    publish_id: Option<String>,
    /// The whole file reached TikTok (or TikTok pulls it).
    uploaded: bool,
    privacy_level: Option<String>,
    /// TikTok's last status word.
    status: Option<String>,
    /// The public post's id; private posts have none.
    post_id: Option<String>,
    post_ids: Vec<String>,
    /// Things ace did not do as asked, and why.
    notes: Vec<String>,
    /// The quality gates' checks of the video.
    gates: Option<GateReport>,
    following_since: Option<DateTime<Utc>>,
}

impl Progress {
    fn of(job: &JobRecord) -> Self {
        job.result
            .as_ref()
            .and_then(|result| serde_json::from_value(result.0.clone()).ok())
            .unwrap_or_default()
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Runs posts.
pub struct PublishJobs {
    app: App,
}

impl PublishJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for PublishJobs {
    fn kind(&self) -> &'static str {
        PublishPost::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.app.settings.generation_retry_base;
        ace_jobs::exponential_backoff(attempt, base, base.saturating_mul(64))
    }

    fn started<'a>(
        &'a self,
        tx: &'a mut dyn ace_db::Session,
        jobs: &'a mut [Job],
    ) -> BoxFuture<'a, Result<(), StartError>> {
        let ids: Vec<UserJobId> = jobs.iter().filter_map(user_job_id).collect();
        Box::pin(crate::user_jobs::start_claimed(
            tx,
            self.app.clock.now(),
            ids,
        ))
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(
            async move { crate::user_jobs::outcome_of(advance(&app, &job).await, job.id, "post") },
        )
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(id) = user_job_id(&job) else { return };
            if let Err(err) = fail(&app, id, job.id, &reason).await {
                warn!(user_job = %id, error = %err, "could not record a failed post");
            }
        })
    }
}

fn user_job_id(job: &Job) -> Option<UserJobId> {
    job.readable_payload::<PublishPost>()
        .map(|payload| UserJobId::new(payload.user_job_id))
}

/// The job of `id` if queue entry `run` is still the one running it.
async fn current(app: &App, id: UserJobId, run: i64) -> AppResult<Option<JobRecord>> {
    let mut conn = app.db.conn().await?;
    Ok(store::find(&mut conn, id)
        .await?
        .filter(|job| job.status == GenerationStatus::Processing && job.queue_job_id == Some(run)))
}

async fn advance(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = user_job_id(job) else {
        return Ok(Outcome::Done);
    };
    let Some(record) = current(app, id, job.id).await? else {
        return Ok(Outcome::Done);
    };
    let request = match PublishRequest::stored(&record.data.0) {
        Ok(request) => request,
        Err(err) => {
            return ended(
                app,
                id,
                job,
                &format!("The stored post is no longer valid: {err}."),
            )
            .await;
        }
    };
    let mut conn = app.db.conn().await?;
    let connection = match request.account_id {
        Some(account) => {
            connections::find_by_linked_account(&mut conn, record.agent_id, account).await?
        }
        None => None,
    };
    drop(conn);
    let Some(connection) = connection else {
        let reason = "The TikTok account this post was for is no longer connected to the agent.";
        return ended(app, id, job, reason).await;
    };
    let token = match accounts::access_token(app, &connection).await? {
        Ok(token) => token,
        Err(Unusable { reason, transient }) if transient && !job.is_last_attempt() => {
            return Ok(Outcome::Retry(reason));
        }
        Err(Unusable { reason, .. }) => return ended(app, id, job, &reason).await,
    };
    let mut progress = Progress::of(&record);
    progress.platform = request.platform.as_str().to_owned();
    progress.account_id = Some(connection.linked_account_id);
    progress.username.clone_from(&connection.username);
    let step = Step {
        app,
        id,
        job,
        connection: &connection,
        token: &token,
    };
    if let Some(publish_id) = progress.publish_id.clone() {
        if progress.uploaded {
            return step.follow(progress, &publish_id, &request).await;
        }
        // A run died mid-upload: if TikTok has the whole file the post goes on, else it
        // starts again.
        match app.publishing.tiktok.status(&token, &publish_id).await {
            Ok(PostStatus::Processing(word)) if word != "PROCESSING_UPLOAD" => {
                progress.uploaded = true;
                return step.follow(progress, &publish_id, &request).await;
            }
            Ok(PostStatus::Complete { .. }) => {
                progress.uploaded = true;
                return step.follow(progress, &publish_id, &request).await;
            }
            Err(err) if err.is_transient() => return step.retry_later(progress, &err).await,
            _ => progress.publish_id = None,
        }
    }
    step.start(progress, &request).await
}

/// One run's context.
struct Step<'a> {
    app: &'a App,
    id: UserJobId,
    job: &'a Job,
    connection: &'a connections::ConnectionRecord,
    token: &'a ApiKey,
}

impl Step<'_> {
    /// Starts the post and uploads the file.
    async fn start(&self, mut progress: Progress, request: &PublishRequest) -> AppResult<Outcome> {
        let app = self.app;
        let tiktok = &app.publishing.tiktok;
        let creator = match tiktok.creator_info(self.token).await {
            Ok(creator) => creator,
            Err(err) => return self.refused(progress, &err).await,
        };
        let settings: PostSettings =
            serde_json::from_value(self.connection.settings.0.clone()).unwrap_or_default();
        let choice = match settings.choose(&creator.allows) {
            Ok(choice) => choice,
            Err(why) => return self.end(&format!("The post cannot go out: {why}.")).await,
        };
        progress.privacy_level = Some(choice.privacy_level.clone());
        let dir = app
            .settings
            .work_dir
            .join(format!("publish-{}-{}", self.id, self.job.attempt));
        tokio::fs::create_dir_all(&dir).await.map_err(|err| {
            AppError::internal(anyhow::anyhow!("creating {}: {err}", dir.display()))
        })?;
        let _cleanup = WorkDir(dir.clone());
        let file = match materialize(app, &request.media_url, &dir).await? {
            Ok(file) => file,
            Err(why) => {
                return self
                    .end(&format!("The video could not be read: {why}."))
                    .await;
            }
        };
        let stack = match app.storage.key_of_public_url(&request.media_url) {
            Some(key) => gates::rendered_stack_of_key(app, self.connection.agent_id, key).await?,
            None => None,
        };
        let measured = gates::measure(app, &file.to_string_lossy(), &dir, stack).await;
        let (Some(duration_ms), Some(_)) = (measured.duration_ms, measured.width) else {
            return self
                .end("The video could not be read: data.media_url is not a video file.")
                .await;
        };
        let max_seconds = creator
            .max_video_seconds
            .unwrap_or(gates::ASSUMED_MAX_SECONDS);
        let report = ace_domain::publishing::gates::check(&measured, max_seconds);
        let failure = report.failure();
        progress.gates = Some(report);
        if let Some(reason) = failure.filter(|_| !request.force) {
            self.record(&progress).await?;
            return self.end(&reason).await;
        }
        let cover_ms = cover(request, duration_ms, &mut progress.notes);
        let size = tokio::fs::metadata(&file)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        let source = if app
            .publishing
            .verified_url_prefixes
            .iter()
            .any(|prefix| request.media_url.starts_with(prefix.as_str()))
        {
            VideoSource::Url(request.media_url.clone())
        } else {
            match ChunkPlan::for_size(size) {
                Ok(plan) => VideoSource::File(plan),
                Err(why) => {
                    return self
                        .end(&format!("The video cannot be uploaded: {why}."))
                        .await;
                }
            }
        };
        let mut tx = app.db.begin().await?;
        let now_ms = app.clock.now().timestamp_millis();
        let slot =
            connections::take_init_slot(&mut tx, self.connection.id, now_ms, STARTS_PER_MINUTE)
                .await?;
        tx.commit().await?;
        if let Some(free_at) = slot {
            let wait = Duration::from_millis(u64::try_from(free_at - now_ms).unwrap_or(0));
            return self.later(&progress, wait).await;
        }
        let post = VideoPost {
            caption: request.caption(),
            choice,
            cover_ms,
            source: source.clone(),
        };
        let upload = match tiktok.init_video(self.token, &post).await {
            Ok(upload) => upload,
            Err(err) => return self.refused(progress, &err).await,
        };
        progress.publish_id = Some(upload.publish_id.clone());
        progress.uploaded = matches!(source, VideoSource::Url(_));
        if !self.record(&progress).await? {
            return Ok(Outcome::Done);
        }
        if let (VideoSource::File(plan), Some(url)) = (&source, &upload.upload_url) {
            if let Err(err) = tiktok.upload(url, &file, plan).await {
                return self.refused(progress, &err).await;
            }
            progress.uploaded = true;
        }
        progress.following_since = Some(app.clock.now());
        self.later(&progress, app.publishing.status_interval).await
    }

    /// Reads the post's status and ends the job, or reads again later.
    async fn follow(
        &self,
        mut progress: Progress,
        publish_id: &str,
        request: &PublishRequest,
    ) -> AppResult<Outcome> {
        let app = self.app;
        match app.publishing.tiktok.status(self.token, publish_id).await {
            Ok(PostStatus::Complete { post_ids }) => {
                progress.status = Some("PUBLISH_COMPLETE".into());
                progress.post_id = post_ids.first().cloned();
                progress.post_ids = post_ids;
                self.complete(&progress, request).await
            }
            Ok(PostStatus::Failed { reason }) => {
                self.end(&format!(
                    "TikTok could not publish the post: {reason} (publish_id {publish_id})."
                ))
                .await
            }
            Ok(PostStatus::Processing(word)) => {
                progress.status = Some(word);
                let since = *progress.following_since.get_or_insert(app.clock.now());
                let followed = (app.clock.now() - since).to_std().unwrap_or_default();
                if followed > app.publishing.follow_for {
                    return self
                        .end(&format!(
                            "TikTok had not published the post after {} hours (publish_id {publish_id}, status {}).",
                            app.publishing.follow_for.as_secs() / 3_600,
                            progress.status.as_deref().unwrap_or_default()
                        ))
                        .await;
                }
                self.later(&progress, app.publishing.status_interval).await
            }
            Err(err) if err.is_transient() => self.retry_later(progress, &err).await,
            Err(err) => self.refused(progress, &err).await,
        }
    }

    /// A refusal from TikTok: a dead grant marks the account, a rate limit waits, TikTok
    /// being down retries, anything else ends the post with TikTok's code and log id.
    async fn refused(&self, progress: Progress, err: &TikTokError) -> AppResult<Outcome> {
        match err {
            TikTokError::Grant { .. } => {
                let why = err.to_string();
                accounts::mark(self.app, self.connection, &why).await?;
                self.end(&accounts::reconnect_reason(self.connection, &why))
                    .await
            }
            TikTokError::RateLimited { .. } => {
                self.later(&progress, self.app.publishing.rate_limit_wait)
                    .await
            }
            _ if err.is_transient() && !self.job.is_last_attempt() => {
                Ok(Outcome::Retry(err.to_string()))
            }
            _ => self.end(&format!("The post failed: {err}.")).await,
        }
    }

    /// While following a post, a failed read is tried again at the next interval, until the
    /// post has been followed for as long as ace follows posts.
    async fn retry_later(&self, progress: Progress, err: &TikTokError) -> AppResult<Outcome> {
        warn!(user_job = %self.id, error = %err, "a post's status could not be read");
        if let Some(since) = progress.following_since {
            let followed = (self.app.clock.now() - since).to_std().unwrap_or_default();
            if followed > self.app.publishing.follow_for {
                let hours = self.app.publishing.follow_for.as_secs() / 3_600;
                return self
                    .end(&format!(
                        "TikTok's post status could not be read for {hours} hours: {err}."
                    ))
                    .await;
            }
        }
        let wait = match err {
            TikTokError::RateLimited { .. } => self.app.publishing.rate_limit_wait,
            _ => self.app.publishing.status_interval,
        };
        self.later(&progress, wait).await
    }

    /// Keeps the progress; `false` if the job ended meanwhile.
    async fn record(&self, progress: &Progress) -> AppResult<bool> {
        let mut tx = self.app.db.begin().await?;
        let cycle = Cycle {
            result: &progress.to_value(),
            cost_millis: 0,
            provider: Some("tiktok"),
            next_run: Some(self.job.id),
        };
        let kept = store::record_cycle(&mut tx, self.id, &cycle, self.app.clock.now())
            .await?
            .is_some();
        tx.commit().await?;
        Ok(kept)
    }

    /// Keeps the progress and queues the next run after `wait`.
    async fn later(&self, progress: &Progress, wait: Duration) -> AppResult<Outcome> {
        let app = self.app;
        let mut tx = app.db.begin().await?;
        let payload = PublishPost {
            user_job_id: self.id.get(),
        };
        let enqueue = Enqueue::new(&payload, LANE, self.job.tenant)
            .attempts(ATTEMPTS)
            .after(wait);
        let next = app.queue.enqueue(&mut tx, &enqueue).await?;
        let cycle = Cycle {
            result: &progress.to_value(),
            cost_millis: 0,
            provider: Some("tiktok"),
            next_run: Some(next),
        };
        if store::record_cycle(&mut tx, self.id, &cycle, app.clock.now())
            .await?
            .is_none()
        {
            return Ok(Outcome::Done);
        }
        tx.commit().await?;
        app.queue.wake();
        Ok(Outcome::Done)
    }

    /// Ends the post `completed`, moves the idea it was made from to `posted`, and starts
    /// reading a public post's figures back.
    async fn complete(&self, progress: &Progress, request: &PublishRequest) -> AppResult<Outcome> {
        let app = self.app;
        let result = json!({
            "platform": progress.platform,
            "account_id": progress.account_id,
            "username": progress.username,
            "publish_id": progress.publish_id,
            "post_id": progress.post_id,
            "post_ids": progress.post_ids,
            "privacy_level": progress.privacy_level,
            "status": progress.status,
            "notes": progress.notes,
            "gates": progress.gates,
        });
        let done = Completion {
            result: Some(&result),
            cost_millis: 0,
            provider: "tiktok",
            model: "content_posting_api",
            attached_resource: None,
        };
        let now = app.clock.now();
        let mut tx = app.db.begin().await?;
        if store::complete(&mut tx, self.id, &done, now)
            .await?
            .is_some()
        {
            if let Some(idea) = request.idea_id {
                posted(&mut tx, IdeaId::new(idea), now).await?;
            }
            if let Some(post_id) = &progress.post_id {
                let published = metrics::Published {
                    user_job_id: self.id,
                    agent: self.connection.agent_id,
                    account_id: self.connection.linked_account_id,
                    post_id,
                    media_url: &request.media_url,
                    tenant: self.job.tenant,
                };
                metrics::follow(&mut tx, app, &published).await?;
            }
        }
        tx.commit().await?;
        app.queue.wake();
        Ok(Outcome::Done)
    }

    async fn end(&self, reason: &str) -> AppResult<Outcome> {
        ended(self.app, self.id, self.job, reason).await
    }
}

/// Moves the idea to `posted` from wherever its status stands.
async fn posted(tx: &mut dyn ace_db::Session, idea: IdeaId, now: DateTime<Utc>) -> AppResult<()> {
    if let Some(record) = ace_db::ideas::find(tx, idea).await?
        && record.status != IdeaStatus::Posted
    {
        ace_db::ideas::change_status(tx, idea, record.status, IdeaStatus::Posted, now).await?;
    }
    Ok(())
}

async fn ended(app: &App, id: UserJobId, job: &Job, reason: &str) -> AppResult<Outcome> {
    fail(app, id, job.id, reason).await?;
    Ok(Outcome::Done)
}

/// Fails the post with `reason`, if `run` still runs it.
async fn fail(app: &App, id: UserJobId, run: i64, reason: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let still = store::find(&mut tx, id).await?.is_some_and(|job| {
        job.queue_job_id == Some(run) || job.status == GenerationStatus::Pending
    });
    if still {
        let failed = GenerationStatus::Failed.as_str();
        store::end_unpaid(&mut tx, id, failed, Some(reason), app.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The cover frame: `thumbnail_url` names a frame of the video as its URL with `#t=<seconds>`;
/// any other thumbnail is ignored, with a note.
fn cover(request: &PublishRequest, duration_ms: i64, notes: &mut Vec<String>) -> Option<u64> {
    let thumbnail = request.thumbnail_url.as_deref()?;
    let frame = thumbnail
        .split_once("#t=")
        .filter(|(video, _)| *video == request.media_url.split('#').next().unwrap_or_default())
        .and_then(|(_, seconds)| seconds.parse::<f64>().ok())
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(|seconds| (seconds * 1_000.0).round() as i64)
        .filter(|ms| *ms < duration_ms);
    match frame {
        Some(ms) => u64::try_from(ms).ok(),
        None => {
            notes.push(
                "thumbnail_url was ignored: TikTok's cover must be a frame of the video, named as \
                 <media_url>#t=<seconds>; TikTok chose the cover."
                    .into(),
            );
            None
        }
    }
}

/// A local file holding the video: ace's own file read from storage, or the URL fetched
/// under the outbound rules. `Err` is for the client.
async fn materialize(app: &App, url: &str, dir: &Path) -> AppResult<Result<PathBuf, String>> {
    let target = dir.join("video");
    let (location, reach) = match app.storage.key_of_public_url(url) {
        Some(key) => {
            if app.storage.head(key).await?.is_none() {
                return Ok(Err(
                    "data.media_url is a file of this server that no longer exists".into(),
                ));
            }
            let location = app.storage.readable_location(key).await?;
            if !location.starts_with("http://") && !location.starts_with("https://") {
                return Ok(Ok(PathBuf::from(location)));
            }
            // A short-lived signed URL of ace's own bucket.
            (location, Reach::AnyAddress)
        }
        None => (url.to_owned(), app.settings.outbound_reach),
    };
    let fetched =
        crate::renders::media::download(app, &location, reach, "data.media_url", &target).await;
    Ok(fetched.map(|()| target))
}
