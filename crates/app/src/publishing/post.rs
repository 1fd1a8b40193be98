//! Starting and cancelling posts. A `publish_content` job is checked field by field as GEN
//! documents, bound to the connected account it will post from (the one `account_id` names,
//! else the most recently connected), and queued to run at once or at its scheduled time: the
//! queue keeps it across restarts, and runs it once. A pending post can be cancelled; it then
//! reads `failed` with the reason `cancelled`, since GEN's statuses have no other end.
//! Publishing costs no credits, but like every job it needs a workspace with credits.

use std::time::Duration;

use ace_db::Session;
use ace_db::agent_core as core_store;
use ace_db::social_connections::{self as connections, ConnectionRecord};
use ace_db::user_jobs::{self as store, NewJob};
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, IdeaId, UserJobId};
use ace_domain::publishing::{MediaType, PublishRequest};
use ace_jobs::Enqueue;
use ace_net::outbound;
use serde_json::Value;

use super::accounts::{TIKTOK, not_connected, reconnect_reason};
use super::run::{ATTEMPTS, PublishPost};
use super::{LANE, PUBLISHING};
use crate::generations::{GenerationView, load_view};
use crate::policy::{AgentNeed, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode, user_jobs};

/// The reason a cancelled post shows.
pub const CANCELLED: &str = "cancelled";

/// Starts a post of the agent's from the job's `data`.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    data: &Value,
) -> AppResult<GenerationView> {
    let now = app.clock.now();
    let mut request = PublishRequest::from_data(data, now)
        .map_err(|err| AppError::invalid(ErrorCode::ValidationError, &err))?;
    if request.media_type == MediaType::Image {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "data.media_type IMAGE is not supported yet: TikTok takes photo posts only from \
             verified URLs, and this server posts videos. Post a VIDEO.",
        ));
    }
    check_media_url(app, &request.media_url)?;
    let mut tx = app.db.begin().await?;
    let view = require_agent(&mut tx, actor, agent, AgentNeed::Edit, &PUBLISHING).await?;
    let organization = view.agent.organization_id;
    if !ace_db::credits::balance(&mut tx, organization)
        .await?
        .is_usable()
    {
        return Err(AppError::unprocessable(
            ErrorCode::NoActiveCreditPurchase,
            "This agent's workspace has no active credit purchase. Add credits to publish.",
        ));
    }
    if let Some(idea) = request.idea_id {
        let found = ace_db::ideas::find(&mut tx, IdeaId::new(idea)).await?;
        if found.is_none_or(|found| found.agent_id != agent) {
            return Err(AppError::unprocessable(
                ErrorCode::ValidationError,
                format!("data.idea_id {idea} is not one of this agent's ideas."),
            ));
        }
    }
    let connection = poster(&mut tx, agent, request.account_id).await?;
    request.account_id = Some(connection.linked_account_id);
    let stored = request.to_data();
    let new = NewJob::of_agent(
        agent,
        organization,
        JobKind::PublishContent,
        &stored,
        None,
        0,
    );
    let job = store::insert(&mut tx, &new, now).await?;
    let delay = (request.due(now) - now).to_std().unwrap_or(Duration::ZERO);
    let payload = PublishPost {
        user_job_id: job.id.get(),
    };
    let enqueue = Enqueue::new(&payload, LANE, organization.get())
        .attempts(ATTEMPTS)
        .after(delay);
    let queued = app.queue.enqueue(&mut tx, &enqueue).await?;
    store::attach_run(&mut tx, job.id, None, queued).await?;
    let job = store::find(&mut tx, job.id)
        .await?
        .ok_or_else(|| user_jobs::not_found(job.id))?;
    let view = load_view(&mut tx, job).await?;
    tx.commit().await?;
    app.queue.wake();
    Ok(view)
}

/// Cancels a post that has not started.
pub async fn cancel(
    app: &App,
    actor: &Actor,
    id: UserJobId,
    agent: Option<AgentId>,
) -> AppResult<GenerationView> {
    let mut tx = app.db.begin().await?;
    let job = user_jobs::open(&mut tx, actor, id, agent, AgentNeed::Edit).await?;
    if job.user_job_type != JobKind::PublishContent || job.status != GenerationStatus::Pending {
        return Err(AppError::unprocessable(
            ErrorCode::JobStatusInvalid,
            format!(
                "Only a pending publish_content job can be cancelled; this one is a {} job, {}.",
                job.user_job_type, job.status
            ),
        ));
    }
    let withdrawn = match job.queue_job_id {
        Some(queued) if app.queue.withdraw(&mut tx, queued).await? => Some(queued),
        _ => None,
    };
    let failed = GenerationStatus::Failed.as_str();
    let ended = store::end_unpaid(&mut tx, id, failed, Some(CANCELLED), app.clock.now())
        .await?
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::JobStatusInvalid,
                "The post started meanwhile and can no longer be cancelled.",
            )
        })?;
    let view = load_view(&mut tx, ended).await?;
    tx.commit().await?;
    if let Some(queued) = withdrawn {
        app.queue.abort_local(queued);
    }
    Ok(view)
}

/// `media_url` must be one of ace's own files, or a URL ace may fetch.
fn check_media_url(app: &App, url: &str) -> AppResult<()> {
    if app.storage.key_of_public_url(url).is_some() {
        return Ok(());
    }
    outbound::check_url(url, app.settings.outbound_reach)
        .map(|_| ())
        .map_err(|problem| {
            AppError::unprocessable(
                ErrorCode::ValidationError,
                format!("data.media_url {problem}"),
            )
        })
}

/// The connected account a post goes out from.
async fn poster(
    tx: &mut dyn Session,
    agent: AgentId,
    account: Option<i64>,
) -> AppResult<ConnectionRecord> {
    let connection = match account {
        Some(account) => {
            let found = connections::find_by_linked_account(tx, agent, account).await?;
            if found.is_none() {
                let labels = core_store::linked_accounts(tx, agent).await?;
                if !labels.iter().any(|row| row.id.get() == account) {
                    return Err(AppError::unprocessable(
                        ErrorCode::ValidationError,
                        format!("data.account_id {account} is not one of this agent's linked accounts."),
                    ));
                }
            }
            found.ok_or_else(|| not_connected(account))?
        }
        None => connections::for_agent(tx, agent)
            .await?
            .into_iter()
            .find(|connection| connection.platform == TIKTOK)
            .ok_or_else(|| {
                AppError::unprocessable(
                    ErrorCode::SocialAccountNotConnected,
                    format!(
                        "This agent has no connected TikTok account. Connect one with \
                         POST /v1/agents/{agent}/social_accounts/tiktok/connect (or, on a headless \
                         server, `ace admin link-tiktok`); a linked account that is only a URL is a label."
                    ),
                )
            })?,
    };
    if let Some(why) = &connection.needs_reconnect {
        return Err(AppError::unprocessable(
            ErrorCode::SocialAccountNotConnected,
            reconnect_reason(&connection, why),
        ));
    }
    Ok(connection)
}
