//! User jobs read as GEN's `/user_jobs` surface shows them: any job of an agent's (a card's
//! generation, a render, a voice preview, a scrape, monitoring or an import), one id space,
//! read one at a time or listed newest first.

use ace_db::Session;
use ace_db::user_jobs::{self as store, JobFilter, JobRecord};
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, UserJobId};
use ace_jobs::StartError;
use chrono::{DateTime, Utc};

use crate::generations::{GenerationView, load_view};
use crate::policy::{AgentNeed, Denials, VISIBLE, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// Jobs a page.
pub const PAGE_SIZE: i64 = 20;

/// Which jobs a list shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListFilter {
    pub user_job_type: Option<JobKind>,
    pub status: Option<GenerationStatus>,
}

/// Reads a job the caller may see. When `agent` is given (GEN's `agent_id`), the job must be
/// that agent's.
pub async fn get(
    app: &App,
    actor: &Actor,
    id: UserJobId,
    agent: Option<AgentId>,
) -> AppResult<GenerationView> {
    let mut conn = app.db.conn().await?;
    let job = open(&mut conn, actor, id, agent, AgentNeed::View).await?;
    load_view(&mut conn, job).await
}

/// The agent's jobs, newest first, [`PAGE_SIZE`] a page; pages count from 1.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    filter: ListFilter,
    page: i64,
) -> AppResult<Vec<GenerationView>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    let offset = (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    let filter = JobFilter {
        user_job_type: filter.user_job_type,
        status: filter.status,
    };
    let jobs = store::list_for_agent(&mut conn, agent, filter, offset, PAGE_SIZE).await?;
    let mut views = Vec::with_capacity(jobs.len());
    for job in jobs {
        views.push(load_view(&mut conn, job).await?);
    }
    Ok(views)
}

const ACCESS: Denials = Denials {
    missing: hidden,
    stranger: hidden,
    role: read_only,
};

fn hidden(_: AgentId) -> AppError {
    AppError::not_found(ErrorCode::UserJobNotFound, "User job not found.")
}

fn read_only(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::PermissionDenied,
        "Your role in this workspace may view this agent's jobs but not change them.",
    )
}

/// Finds a job and checks the caller may `need` its agent: a job of another agent than the
/// one named, or of an agent the caller cannot see, is not found.
pub(crate) async fn open(
    db: &mut dyn Session,
    actor: &Actor,
    id: UserJobId,
    agent: Option<AgentId>,
    need: AgentNeed,
) -> AppResult<JobRecord> {
    let job = store::find(db, id)
        .await?
        .filter(|job| agent.is_none_or(|agent| job.agent_id == agent))
        .ok_or_else(|| not_found(id))?;
    require_agent(db, actor, job.agent_id, need, &ACCESS).await?;
    Ok(job)
}

pub(crate) fn not_found(id: UserJobId) -> AppError {
    AppError::not_found(
        ErrorCode::UserJobNotFound,
        format!("User job {id} not found for this agent."),
    )
}

/// Moves the pending jobs of freshly claimed runs to processing, in the claiming transaction
/// (a reclaimed run's job is processing already and stays so).
pub(crate) async fn start_claimed(
    tx: &mut dyn Session,
    now: DateTime<Utc>,
    ids: Vec<UserJobId>,
) -> Result<(), StartError> {
    store::start_many(tx, &ids, now)
        .await
        .map(|_| ())
        .map_err(|err| StartError::from(err.to_string()))
}

/// A user job's run as the job engine takes it: an error inside ace is logged and the run is
/// tried again later; `what` names the run for the client ("cycle", "import", "post").
pub(crate) fn outcome_of(
    result: AppResult<ace_jobs::Outcome>,
    job: i64,
    what: &str,
) -> ace_jobs::Outcome {
    result.unwrap_or_else(|err| {
        tracing::warn!(job, error = %err, "a {what} failed inside ace");
        ace_jobs::Outcome::Retry(format!("ace could not finish the {what}"))
    })
}
