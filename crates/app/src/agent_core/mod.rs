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
use ace_domain::agent_core::{Change, CorePatch, PatchShape};
use ace_domain::ids::AgentId;
use tracing::error;

use crate::policy::{AgentDenial, AgentNeed, agent_for};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

pub(crate) use apply::{apply_brand, check_changes};
pub use items::{add_account, add_inspiration, remove_account, remove_inspiration};

/// Everything the canvas shows.
#[derive(Clone, Debug)]
pub struct CoreView {
    pub agent: AgentView,
    pub core: CoreRecord,
    pub monitored: Vec<MonitoredRecord>,
    pub linked_accounts: Vec<LinkedAccountRecord>,
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
    read_view(&mut conn, view).await
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
    let before = read_view(&mut conn, agent_view).await?;
    drop(conn);
    let read = shown(&before);
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
    let mut conn = app.db.conn().await?;
    let agent_view = load(&mut conn, actor, agent, AgentNeed::View).await?;
    let view = read_view(&mut conn, agent_view).await?;
    Ok(PatchOutcome {
        shape: patch.shape,
        sections: outcomes,
        view,
    })
}

pub(crate) async fn read_view(db: &mut dyn Session, agent: AgentView) -> AppResult<CoreView> {
    let id = agent.agent.id;
    Ok(CoreView {
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
