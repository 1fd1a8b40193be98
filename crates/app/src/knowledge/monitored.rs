//! Agent Core's monitored sources driving content monitoring (an ace setting on the agent, off
//! by default, since keywords mirror into `monitored` and a free edit of the canvas must never
//! start paid scrapes by itself). When it is on, each monitored item is watched by a monitoring
//! job on each of the agent's target platforms that can search it; a changed item rewrites its
//! jobs, a removed one (or the setting turned off) turns them off. [`sync`] runs after every
//! change of the canvas, its items or the setting, under the agent's lock.

use ace_db::Session;
use ace_db::agent_core as core_store;
use ace_db::knowledge_monitors::{self as store, Monitor};
use ace_db::user_jobs;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, MonitoredItemId, UserJobId};
use ace_domain::knowledge::monitored::request_for;
use ace_domain::knowledge::monitoring::{MonitoringRequest, Platform};
use tracing::warn;

use super::{GATHERING, gather};
use crate::policy::{AgentNeed, VISIBLE, require_agent};
use crate::{Actor, App, AppResult};

/// The setting and the jobs it drives.
#[derive(Clone, Debug)]
pub struct MonitorsView {
    pub enabled: bool,
    pub monitors: Vec<MonitorView>,
}

/// A monitoring job watching a monitored item on a platform.
#[derive(Clone, Debug)]
pub struct MonitorView {
    pub user_job_id: UserJobId,
    /// `None` once the item was removed.
    pub monitored_item_id: Option<MonitoredItemId>,
    pub platform: String,
    pub status: GenerationStatus,
}

impl From<Monitor> for MonitorView {
    fn from(monitor: Monitor) -> Self {
        Self {
            user_job_id: monitor.user_job_id,
            monitored_item_id: monitor.item(),
            platform: monitor.platform,
            status: monitor.status,
        }
    }
}

/// The agent's setting and monitors.
pub async fn show(app: &App, actor: &Actor, agent: AgentId) -> AppResult<MonitorsView> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    view(&mut conn, agent).await
}

/// Turns the setting on or off, and brings the agent's monitors in line with it.
pub async fn set(app: &App, actor: &Actor, agent: AgentId, on: bool) -> AppResult<MonitorsView> {
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &GATHERING).await?;
    store::set_enabled(&mut tx, agent, on).await?;
    tx.commit().await?;
    sync(app, agent).await?;
    let mut conn = app.db.conn().await?;
    view(&mut conn, agent).await
}

async fn view(db: &mut dyn Session, agent: AgentId) -> AppResult<MonitorsView> {
    Ok(MonitorsView {
        enabled: store::enabled(db, agent).await?,
        monitors: store::for_agent(db, agent)
            .await?
            .into_iter()
            .map(MonitorView::from)
            .collect(),
    })
}

/// [`sync`], for callers that have already answered: a failure is logged, and the next change
/// syncs again.
pub(crate) async fn sync_after_change(app: &App, agent: AgentId) {
    if let Err(err) = sync(app, agent).await {
        warn!(%agent, error = %err, "could not bring the agent's monitoring in line with its core");
    }
}

/// Makes the agent's monitoring jobs match its monitored items, target platforms and setting.
pub(crate) async fn sync(app: &App, agent: AgentId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    ace_db::agents::lock(&mut tx, agent).await?;
    let Some(record) = ace_db::agents::find(&mut tx, agent).await? else {
        return Ok(());
    };
    let wanted = if store::enabled(&mut tx, agent).await? {
        wanted(&mut tx, agent).await?
    } else {
        Vec::new()
    };
    let monitors = store::for_agent(&mut tx, agent).await?;
    let mut withdrawn = Vec::new();
    for monitor in &monitors {
        let want = wanted.iter().find(|(item, platform, _)| {
            Some(*item) == monitor.item() && platform.as_str() == monitor.platform
        });
        let job = user_jobs::find(&mut tx, monitor.user_job_id).await?;
        match (want, job) {
            (None, job) => {
                if let Some(job) = job.filter(|_| monitor.is_live()) {
                    withdrawn.extend(gather::turn_off(&mut tx, app, &job).await?);
                }
                store::remove(&mut tx, monitor.user_job_id).await?;
            }
            (Some((_, _, request)), Some(job)) if monitor.is_live() => {
                let current = MonitoringRequest::from_data(&job.data.0)?;
                if current.search != request.search || current.value != request.value {
                    let changed = MonitoringRequest {
                        search: request.search,
                        value: request.value.clone(),
                        ..current.clone()
                    };
                    let (_, gone) = gather::rewrite(&mut tx, app, &job, &current, &changed).await?;
                    withdrawn.extend(gone);
                }
            }
            // Ended by its user (turned off with PUT): the item stays unwatched on this
            // platform until it is removed and added again, or the setting turned off and on.
            (Some(_), _) => {}
        }
    }
    for (item, platform, request) in &wanted {
        let watched = monitors
            .iter()
            .any(|monitor| monitor.item() == Some(*item) && monitor.platform == platform.as_str());
        if !watched {
            let job = gather::start(&mut tx, app, agent, record.organization_id, request).await?;
            store::insert(&mut tx, agent, job.id, *item, platform.as_str()).await?;
        }
    }
    tx.commit().await?;
    app.queue.wake();
    for queued in withdrawn {
        app.queue.abort_local(queued);
    }
    Ok(())
}

/// Every (item, platform) the agent's core asks to watch, with its request.
async fn wanted(
    db: &mut dyn Session,
    agent: AgentId,
) -> AppResult<Vec<(MonitoredItemId, Platform, MonitoringRequest)>> {
    let core = core_store::find(db, agent).await?;
    let mut platforms: Vec<Platform> = Vec::new();
    for name in core.target_platforms.0.iter() {
        if let Ok(platform) = name.trim().to_ascii_lowercase().parse::<Platform>()
            && !platforms.contains(&platform)
        {
            platforms.push(platform);
        }
    }
    let mut wanted = Vec::new();
    for item in core_store::monitored(db, agent).await? {
        for platform in &platforms {
            if let Some(request) = request_for(
                item.kind(),
                &item.handle,
                item.platform.as_deref(),
                *platform,
            ) {
                wanted.push((item.id, *platform, request));
            }
        }
    }
    Ok(wanted)
}
