//! Generations (GEN: user jobs): a creation card run on a cell or a layer. Triggering checks
//! the card and charges an estimate in one transaction with the queued job; a worker runs the
//! card's generator and reconciles the charge; stop refunds and really cancels; continue
//! charges again. Every status change is announced (live stream, webhooks, callbacks).

pub mod control;
pub mod events;
mod lanes;
pub(crate) mod outcome;
pub mod prepare;
pub mod run;
pub mod trigger;

use ace_db::Session;
use ace_db::user_jobs::{self as store, JobRecord, OutputRecord};
use ace_domain::credits::Credits;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{LedgerEntryId, OrganizationId, UserJobId};
use ace_jobs::{Enqueue, Payload};
use ace_storage::BlobStore;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::credits::{self, Reservation};
use crate::policy::{AgentNeed, Denials, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The job that runs one generation.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunGeneration {
    pub user_job_id: i64,
}

impl Payload for RunGeneration {
    const KIND: &'static str = "generation";
    const VERSION: u32 = 1;
}

/// A generation with the resources it produced.
#[derive(Clone, Debug)]
pub struct GenerationView {
    pub(crate) job: JobRecord,
    pub(crate) outputs: Vec<OutputRecord>,
}

impl GenerationView {
    pub fn id(&self) -> UserJobId {
        self.job.id
    }

    pub fn status(&self) -> GenerationStatus {
        self.job.status
    }

    pub fn kind(&self) -> ace_domain::generation::JobKind {
        self.job.user_job_type
    }

    /// How far a running render has come, 0 to 1.
    pub fn progress(&self) -> Option<f64> {
        self.job.progress
    }

    /// GEN's generation object, its URLs resolved in `app`'s blob store.
    pub fn object(&self, app: &App) -> GenerationObject {
        object(
            &self.job,
            &self.outputs.iter().collect::<Vec<_>>(),
            &app.storage,
        )
    }
}

/// GEN's generation object, as responses and webhook events carry it.
#[derive(Clone, Debug, Serialize)]
pub struct GenerationObject {
    pub id: i64,
    pub status: String,
    pub user_job_type: String,
    pub result: Option<Value>,
    pub failed_reason: Option<String>,
    pub output_resources: Vec<OutputObject>,
    /// Credits charged, as a decimal string.
    pub execution_cost: String,
    /// How far a running render has come, 0 to 1 (an ace addition; absent for other jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
}

/// A resource a generation produced.
#[derive(Clone, Debug, Serialize)]
pub struct OutputObject {
    pub id: i64,
    pub url: String,
    pub thumbnail_url: Option<String>,
    /// `Video`, `Image` or `Audio`.
    pub object_type: String,
    /// `video`, `image` or `audio`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Builds GEN's generation object from a job and its outputs.
pub(crate) fn object(
    job: &JobRecord,
    outputs: &[&OutputRecord],
    storage: &BlobStore,
) -> GenerationObject {
    GenerationObject {
        id: job.id.get(),
        status: job.status.to_string(),
        user_job_type: job.user_job_type.to_string(),
        result: job.result.as_ref().map(|r| r.0.clone()),
        failed_reason: job.failed_reason.clone(),
        output_resources: outputs
            .iter()
            .map(|output| OutputObject {
                id: output.id,
                url: storage.public_url(&output.storage_key),
                thumbnail_url: output
                    .thumbnail_key
                    .as_deref()
                    .map(|k| storage.public_url(k)),
                object_type: capitalized(&output.kind),
                kind: output.kind.clone(),
            })
            .collect(),
        execution_cost: Credits::from_millis(job.execution_cost_millis).to_string(),
        progress: job.progress,
    }
}

/// `video` → `Video`.
fn capitalized(kind: &str) -> String {
    let mut chars = kind.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Reads a generation the caller may see.
pub async fn get(app: &App, actor: &Actor, id: UserJobId) -> AppResult<GenerationView> {
    let mut conn = app.db.conn().await?;
    let job = open(&mut conn, actor, id, AgentNeed::View).await?;
    load_view(&mut conn, job).await
}

pub(crate) async fn load_view(db: &mut dyn Session, job: JobRecord) -> AppResult<GenerationView> {
    let outputs = store::outputs(db, job.id).await?;
    Ok(GenerationView { job, outputs })
}

const ACCESS: Denials = Denials {
    missing: hidden,
    stranger: hidden,
    role: read_only,
};

fn hidden(_: ace_domain::ids::AgentId) -> AppError {
    AppError::not_found(ErrorCode::NotFound, "Generation not found.")
}

fn read_only(_: ace_domain::ids::AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        "Your role in this workspace may view generations but not start or stop them.",
    )
}

/// Finds a generation and checks the caller may `need` its agent; strangers get 404. Jobs
/// that gather knowledge are read and changed on `/user_jobs`, not here.
pub(crate) async fn open(
    db: &mut dyn Session,
    actor: &Actor,
    id: UserJobId,
    need: AgentNeed,
) -> AppResult<JobRecord> {
    let job = store::find(db, id)
        .await?
        .filter(|job| !job.user_job_type.is_knowledge())
        .ok_or_else(|| not_found(id))?;
    require_agent(db, actor, job.agent_id, need, &ACCESS).await?;
    Ok(job)
}

pub(crate) fn not_found(id: UserJobId) -> AppError {
    AppError::not_found(ErrorCode::NotFound, format!("Generation {id} not found."))
}

/// Reserves the job's estimate and queues its run, in the caller's transaction. Free work
/// reserves nothing: the caller has checked the workspace has usable credits.
pub(crate) async fn queue_run(
    tx: &mut dyn Session,
    app: &App,
    job: &JobRecord,
    lane: &str,
) -> AppResult<()> {
    let organization = organization_of(job)?;
    let estimate = Credits::from_millis(job.estimate_millis);
    let now = app.clock.now();
    let reservation = if estimate.is_positive() {
        let reference = format!("user_job:{}", job.id);
        let held = credits::reserve(tx, organization, estimate, &reference, now).await?;
        Some(held.id.get())
    } else {
        None
    };
    let payload = RunGeneration {
        user_job_id: job.id.get(),
    };
    let enqueue =
        Enqueue::new(&payload, lane, organization.get()).attempts(app.settings.generation_attempts);
    let queued = app.queue.enqueue(tx, &enqueue).await?;
    store::attach_run(tx, job.id, reservation, queued).await?;
    Ok(())
}

/// The open reservation paying for the job's run, if any.
pub(crate) fn reservation_of(job: &JobRecord) -> AppResult<Option<Reservation>> {
    let Some(id) = job.reservation_id else {
        return Ok(None);
    };
    Ok(Some(Reservation {
        id: LedgerEntryId::new(id),
        organization_id: organization_of(job)?,
        amount: Credits::from_millis(job.estimate_millis),
    }))
}

fn organization_of(job: &JobRecord) -> AppResult<OrganizationId> {
    job.organization_id
        .map(OrganizationId::new)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("job {} has no organization", job.id)))
}
