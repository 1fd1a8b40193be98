//! Imports (`import_social`, an ace addition): a file exported by a hosted scraper (or written
//! in ace's generic shape) is streamed to staging storage, and a queued run reads it into the
//! agent's knowledge. Imports are free, since nothing is scraped. A record that cannot be read
//! is reported in the job's result with its line, and never drops the others; a file with
//! nothing readable fails the job, saying why.

use std::fmt::Display;

use ace_db::Session;
use ace_db::user_jobs::{self as store, Completion, NewJob};
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, UserJobId};
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload, StartError};
use ace_sources::import::{self, Format, Item};
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::warn;

use super::GATHERING;
use super::keep::keep;
use crate::files::Incoming;
use crate::files::{clean_filename, delete_blobs};
use crate::generations::{GenerationView, load_view};
use crate::policy::{AgentNeed, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind, user_jobs};

/// The job that reads one imported file.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportSocial {
    pub user_job_id: i64,
}

impl Payload for ImportSocial {
    const KIND: &'static str = "import_social";
    const VERSION: u32 = 1;
}

/// The largest file an import takes (it is read whole), unless the server's file cap is lower.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;
/// Where imported files wait to be read; staging is never served.
const STAGING: &str = "staging/knowledge-imports";
/// The queue lane imports run in.
const LANE: &str = "imports";
/// The unreadable records a result lists (all are counted).
const PROBLEMS_LISTED: usize = 100;

/// A file staged for import.
#[derive(Debug)]
pub struct StagedImport {
    key: String,
    file_name: Option<String>,
    byte_size: u64,
}

/// Checks the caller may import into the agent's knowledge, before the file is read.
pub async fn authorize(app: &App, actor: &Actor, agent: AgentId) -> AppResult<()> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::Edit, &GATHERING).await?;
    Ok(())
}

/// The largest file this server imports.
pub fn limit(app: &App) -> u64 {
    app.settings.max_file_bytes.min(MAX_IMPORT_BYTES)
}

/// Streams an upload to staging storage, refusing one larger than [`limit`] or empty.
pub async fn stage<S, E>(app: &App, incoming: Incoming<S>) -> AppResult<StagedImport>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let Incoming {
        file_name,
        mut body,
        ..
    } = incoming;
    let limit = limit(app);
    let key = format!("{STAGING}/{}", uuid::Uuid::new_v4().simple());
    let mut writer = app.storage.writer(&key).await.map_err(AppError::internal)?;
    let written = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|err| {
                AppError::new(
                    ErrorKind::BadRequest,
                    ErrorCode::BadRequest,
                    format!("The upload was interrupted: {err}"),
                )
            })?;
            if writer.written() + chunk.len() as u64 > limit {
                return Err(AppError::new(
                    ErrorKind::PayloadTooLarge,
                    ErrorCode::PayloadTooLarge,
                    format!(
                        "The file is larger than the {} MiB an import takes.",
                        limit / (1024 * 1024)
                    ),
                ));
            }
            writer.write(chunk).await.map_err(AppError::internal)?;
        }
        Ok(())
    }
    .await;
    if let Err(err) = written {
        writer.abort().await;
        return Err(err);
    }
    let byte_size = writer.finish().await.map_err(AppError::internal)?;
    let staged = StagedImport {
        key,
        file_name: file_name.as_deref().and_then(clean_filename),
        byte_size,
    };
    if byte_size == 0 {
        discard(app, staged).await;
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "The file is empty.",
        ));
    }
    Ok(staged)
}

/// Deletes a staged file that will not be imported.
pub async fn discard(app: &App, staged: StagedImport) {
    delete_blobs(app, [staged.key]).await;
}

/// Records the import of a staged file as a job of the agent's and queues its run. `format`
/// names the file's shape; without it, each record's fields tell.
pub async fn record(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    staged: StagedImport,
    format: Option<Format>,
) -> AppResult<GenerationView> {
    let recorded = record_job(app, actor, agent, &staged, format).await;
    if recorded.is_err() {
        discard(app, staged).await;
    }
    recorded
}

async fn record_job(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    staged: &StagedImport,
    format: Option<Format>,
) -> AppResult<GenerationView> {
    let mut tx = app.db.begin().await?;
    let view = require_agent(&mut tx, actor, agent, AgentNeed::Edit, &GATHERING).await?;
    let organization = view.agent.organization_id;
    let data = json!({
        "file_name": staged.file_name,
        "byte_size": staged.byte_size,
        "format": format.map(Format::as_str),
        "file_key": staged.key,
    });
    let new = NewJob::of_agent(
        agent,
        organization,
        JobKind::ImportSocial,
        &data,
        staged.file_name.as_deref(),
        0,
    );
    let job = store::insert(&mut tx, &new, app.clock.now()).await?;
    let payload = ImportSocial {
        user_job_id: job.id.get(),
    };
    let queued = app
        .queue
        .enqueue(&mut tx, &Enqueue::new(&payload, LANE, organization.get()))
        .await?;
    store::attach_run(&mut tx, job.id, None, queued).await?;
    let job = store::find(&mut tx, job.id)
        .await?
        .ok_or_else(|| user_jobs::not_found(job.id))?;
    let view = load_view(&mut tx, job).await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(view)
}

/// What an import job keeps of its file.
#[derive(Debug, Deserialize)]
struct ImportData {
    file_key: String,
    format: Option<String>,
}

/// Runs queued imports.
pub struct ImportJobs {
    app: App,
}

impl ImportJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for ImportJobs {
    fn kind(&self) -> &'static str {
        ImportSocial::KIND
    }

    fn started<'a>(
        &'a self,
        tx: &'a mut dyn Session,
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
            async move { crate::user_jobs::outcome_of(run(&app, &job).await, job.id, "import") },
        )
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(id) = user_job_id(&job) else { return };
            if let Err(err) = fail(&app, id, &reason).await {
                warn!(user_job = %id, error = %err, "could not record a failed import");
            }
        })
    }
}

fn user_job_id(job: &Job) -> Option<UserJobId> {
    job.readable_payload::<ImportSocial>()
        .map(|payload| UserJobId::new(payload.user_job_id))
}

async fn run(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = user_job_id(job) else {
        return Ok(Outcome::Done);
    };
    let mut conn = app.db.conn().await?;
    let Some(record) = store::find(&mut conn, id)
        .await?
        .filter(|record| record.status == GenerationStatus::Processing)
    else {
        return Ok(Outcome::Done);
    };
    drop(conn);
    let Ok(data) = serde_json::from_value::<ImportData>(record.data.0.clone()) else {
        fail(app, id, "The import's file is no longer known.").await?;
        return Ok(Outcome::Done);
    };
    let format = data.format.as_deref().and_then(|name| name.parse().ok());
    let Some(bytes) = app
        .storage
        .get(&data.file_key)
        .await
        .map_err(AppError::internal)?
    else {
        fail(app, id, "The imported file is gone; upload it again.").await?;
        return Ok(Outcome::Done);
    };
    let imported = tokio::task::spawn_blocking(move || import::read(&bytes, format))
        .await
        .map_err(AppError::internal)?;
    let mut posts = Vec::new();
    let mut comments = Vec::new();
    for item in imported.items {
        match item {
            Item::Post(post) => posts.push(post),
            Item::Comment(comment) => comments.push(comment),
        }
    }
    let problems: Vec<Value> = imported
        .problems
        .iter()
        .take(PROBLEMS_LISTED)
        .map(|problem| json!({"line": problem.at, "error": problem.message}))
        .collect();
    if posts.is_empty() && comments.is_empty() {
        let reason = match imported.problems.first() {
            Some(first) => format!(
                "Nothing in the file could be read ({} problems; line {}: {}).",
                imported.problems.len(),
                first.at,
                first.message
            ),
            None => "The file holds no posts or comments.".to_owned(),
        };
        fail(app, id, &reason).await?;
        delete_blobs(app, [data.file_key]).await;
        return Ok(Outcome::Done);
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let tally = keep(&mut tx, record.agent_id, id, &posts, &comments, now).await?;
    let mut result = serde_json::to_value(tally).unwrap_or_else(|_| json!({}));
    if let Value::Object(fields) = &mut result {
        fields.insert("problem_count".into(), imported.problems.len().into());
        fields.insert("problems".into(), Value::Array(problems));
    }
    let completion = Completion {
        result: Some(&result),
        cost_millis: 0,
        provider: "import",
        model: format.map_or("detected", Format::as_str),
        attached_resource: None,
    };
    store::complete(&mut tx, id, &completion, now).await?;
    tx.commit().await?;
    delete_blobs(app, [data.file_key]).await;
    Ok(Outcome::Done)
}

async fn fail(app: &App, id: UserJobId, reason: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let failed = GenerationStatus::Failed.as_str();
    store::end_unpaid(&mut tx, id, failed, Some(reason), app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}
