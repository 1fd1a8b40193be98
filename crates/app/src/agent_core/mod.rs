//! Agent core: the agent's whole setup canvas read in one call and changed in one merge
//! patch. Each section of a patch is written in its own transaction, so one failing section
//! (say, a voice that is not the agent's) leaves the others written, and the caller learns
//! which is which (GEN's 207 Multi-Status).

mod apply;
mod echoes;
mod items;

use ace_db::Session;
use ace_db::agent_core::{self as store, CoreRecord, LinkedAccountRecord, MonitoredRecord};
use ace_db::agents::AgentView;
use ace_domain::agent_core::{Change, CorePatch, IdentityType, MonitoredKind, PatchShape};
use ace_domain::ids::{AgentId, LinkedAccountId, MonitoredItemId};
use tracing::error;

use crate::agents::Agent;
use crate::policy::{AgentDenial, AgentNeed, agent_for};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

pub(crate) use apply::{apply_brand, check_changes};
pub use items::{add_account, add_inspiration, remove_account, remove_inspiration};

/// The canvas as stored: what patches are checked against.
#[derive(Clone, Debug)]
pub(crate) struct Canvas {
    pub agent: AgentView,
    pub core: CoreRecord,
    pub monitored: Vec<MonitoredRecord>,
    pub linked_accounts: Vec<LinkedAccountRecord>,
}

/// Everything the canvas shows.
#[derive(Clone, Debug)]
pub struct CoreView {
    pub agent: Agent,
    pub core: Core,
    pub monitored: Vec<MonitoredSource>,
    pub linked_accounts: Vec<Account>,
}

/// The brand, personality and look fields of the canvas.
#[derive(Clone, Debug, Default)]
pub struct Core {
    pub brand_name: Option<String>,
    pub description: Option<String>,
    pub identity_type: Option<IdentityType>,
    pub goal: Option<String>,
    pub target_platforms: Vec<String>,
    pub shortform: Option<bool>,
    pub longform: Option<bool>,
    pub onboarding_status: Option<String>,
    pub keywords: Vec<String>,
    pub research_topics: Vec<String>,
    pub personality: Option<String>,
    pub look_description: Option<String>,
    pub content_idea_preferences: Option<String>,
}

impl From<CoreRecord> for Core {
    fn from(core: CoreRecord) -> Self {
        Self {
            identity_type: core.identity_type(),
            brand_name: core.brand_name,
            description: core.description,
            goal: core.goal,
            target_platforms: core.target_platforms.0,
            shortform: core.shortform,
            longform: core.longform,
            onboarding_status: core.onboarding_status,
            keywords: core.keywords.0,
            research_topics: core.research_topics.0,
            personality: core.personality,
            look_description: core.look_description,
            content_idea_preferences: core.content_idea_preferences,
        }
    }
}

/// A monitored source: an account, hashtag or keyword the agent follows.
#[derive(Clone, Debug)]
pub struct MonitoredSource {
    pub id: MonitoredItemId,
    pub handle: String,
    pub kind: MonitoredKind,
    pub platform: Option<String>,
}

impl From<MonitoredRecord> for MonitoredSource {
    fn from(item: MonitoredRecord) -> Self {
        Self {
            id: item.id,
            kind: item.kind(),
            handle: item.handle,
            platform: item.platform,
        }
    }
}

/// One of the agent's own social accounts.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: LinkedAccountId,
    pub agent_id: AgentId,
    pub url: String,
    pub platform: Option<String>,
    pub display_name: Option<String>,
}

impl From<LinkedAccountRecord> for Account {
    fn from(account: LinkedAccountRecord) -> Self {
        Self {
            id: account.id,
            agent_id: account.agent_id,
            url: account.url,
            platform: account.platform,
            display_name: account.display_name,
        }
    }
}

impl CoreView {
    pub(crate) fn new(canvas: Canvas, app: &App) -> Self {
        Self {
            agent: Agent::new(canvas.agent, app),
            core: canvas.core.into(),
            monitored: canvas.monitored.into_iter().map(Into::into).collect(),
            linked_accounts: canvas.linked_accounts.into_iter().map(Into::into).collect(),
        }
    }
}

/// How one section of a patch went.
#[derive(Clone, Debug)]
pub struct SectionOutcome {
    pub key: &'static str,
    /// `Err` holds a message for the client.
    pub result: Result<(), String>,
}

/// The result of a patch: each section's outcome and the canvas afterwards.
#[derive(Clone, Debug)]
pub struct PatchOutcome {
    pub shape: PatchShape,
    pub sections: Vec<SectionOutcome>,
    pub view: CoreView,
}

impl PatchOutcome {
    /// Whether any section failed (GEN answers 207 then).
    pub fn partial(&self) -> bool {
        self.sections.iter().any(|s| s.result.is_err())
    }
}

/// The canvas of an agent the caller can see.
pub async fn get(app: &App, actor: &Actor, agent: AgentId) -> AppResult<CoreView> {
    let mut conn = app.db.conn().await?;
    let view = load(&mut conn, actor, agent, AgentNeed::View).await?;
    Ok(CoreView::new(read_canvas(&mut conn, view).await?, app))
}

/// Applies a merge patch (flat or sectioned) to the canvas. `shown` renders a canvas as a
/// read answers it, so that what a client read and sent back unchanged counts as no change.
pub async fn patch(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    body: &serde_json::Value,
    shown: impl Fn(&CoreView) -> serde_json::Value,
) -> AppResult<PatchOutcome> {
    let mut conn = app.db.conn().await?;
    let agent_view = load(&mut conn, actor, agent, AgentNeed::Edit).await?;
    let before = read_canvas(&mut conn, agent_view).await?;
    drop(conn);
    let read = shown(&CoreView::new(before.clone(), app));
    let body = echoes::settle(body, &read)?;
    let mut patch = CorePatch::parse(&body)?;
    if let Some(echoed) = patch.agent_id
        && echoed != agent.get()
    {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("agent_id {echoed} in the body does not match agent {agent} in the path."),
        ));
    }
    // The photo a read shows, sent back, is no change.
    let current_photo = read["identity"]["profile_photo_url"].as_str();
    for section in &mut patch.sections {
        if let Change::Identity { photo_url, .. } = &mut section.change
            && photo_url.is_some()
            && photo_url.as_deref() == current_photo
        {
            *photo_url = None;
        }
    }
    check_changes(&before, &patch.sections)?;
    let mut outcomes = Vec::with_capacity(patch.sections.len());
    for section in patch.sections {
        let result = apply::write_section(app, agent, section.change).await;
        let result = match result {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(message),
            Err(err) => {
                error!(section = section.key, error = %err, "agent core section failed");
                Err(
                    "This section could not be saved because of an error on our side; try again."
                        .into(),
                )
            }
        };
        outcomes.push(SectionOutcome {
            key: section.key,
            result,
        });
    }
    crate::knowledge::monitored::sync_after_change(app, agent).await;
    crate::agent_runs::daily::sync_after_change(app, agent).await;
    let mut conn = app.db.conn().await?;
    let agent_view = load(&mut conn, actor, agent, AgentNeed::View).await?;
    let canvas = read_canvas(&mut conn, agent_view).await?;
    Ok(PatchOutcome {
        shape: patch.shape,
        sections: outcomes,
        view: CoreView::new(canvas, app),
    })
}

pub(crate) async fn read_canvas(db: &mut dyn Session, agent: AgentView) -> AppResult<Canvas> {
    let id = agent.agent.id;
    Ok(Canvas {
        core: store::find(db, id).await?,
        monitored: store::monitored(db, id).await?,
        linked_accounts: store::linked_accounts(db, id).await?,
        agent,
    })
}

/// Loads an agent with the errors GEN documents for agent core.
async fn load(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    need: AgentNeed,
) -> AppResult<AgentView> {
    match agent_for(db, actor, agent, need).await? {
        Ok(view) => Ok(view),
        Err(AgentDenial::Missing | AgentDenial::Stranger) => Err(AppError::not_found(
            ErrorCode::NotFound,
            format!("Agent {agent} not found."),
        )),
        Err(AgentDenial::RoleTooLow) => Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "Your role in this workspace does not allow changing this agent's setup.",
        )),
    }
}
