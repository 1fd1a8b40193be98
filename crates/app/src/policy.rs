//! Who may do what to an agent. A caller sees an agent when they belong to its workspace; what
//! they may do with it follows their role (see [`ace_domain::role::Role`]). The answer is a
//! [`AgentDenial`] that each use case turns into the error GEN documents for its endpoint.

use ace_db::Session;
use ace_db::agents::{self, AgentView};
use ace_domain::ids::AgentId;

use crate::{Actor, AppError, AppResult, ErrorCode};

/// What the caller wants to do with the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentNeed {
    /// Read it: any member of its workspace.
    View,
    /// Change it: editors and above.
    Edit,
    /// Delete it: owners and managers, or whoever created it.
    Delete,
}

/// Why the caller may not have the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentDenial {
    /// No live agent has this id.
    Missing,
    /// It exists, but the caller is not in its workspace.
    Stranger,
    /// The caller is in its workspace, but their role does not allow this.
    RoleTooLow,
}

/// Loads the agent as the caller sees it, if they may do `need` with it.
pub async fn agent_for(
    db: &mut dyn Session,
    actor: &Actor,
    id: AgentId,
    need: AgentNeed,
) -> AppResult<Result<AgentView, AgentDenial>> {
    let Some(view) = agents::view(db, id, actor.user_id).await? else {
        return Ok(Err(AgentDenial::Missing));
    };
    let Some(role) = view.viewer_role() else {
        return Ok(Err(AgentDenial::Stranger));
    };
    let allowed = match need {
        AgentNeed::View => true,
        AgentNeed::Edit => role.may_edit_agents(),
        AgentNeed::Delete => {
            role.administers_workspace() || view.agent.created_by() == Some(actor.user_id)
        }
    };
    Ok(if allowed {
        Ok(view)
    } else {
        Err(AgentDenial::RoleTooLow)
    })
}

/// The errors an endpoint answers each denial with, as GEN documents them for it.
pub struct Denials {
    pub missing: fn(AgentId) -> AppError,
    pub stranger: fn(AgentId) -> AppError,
    pub role: fn(AgentId) -> AppError,
}

impl Denials {
    /// Every denial answered alike.
    pub const fn uniform(answer: fn(AgentId) -> AppError) -> Self {
        Self {
            missing: answer,
            stranger: answer,
            role: answer,
        }
    }

    /// An agent the caller cannot see is not found; a role too low gets `role`.
    pub const fn hidden_or(role: fn(AgentId) -> AppError) -> Self {
        Self {
            missing: agent_not_accessible,
            stranger: agent_not_accessible,
            role,
        }
    }
}

/// Reading an agent's things: an agent the caller cannot see is not found, whatever the
/// reason.
pub const VISIBLE: Denials = Denials::uniform(agent_not_accessible);

/// The usual answer for an agent that does not exist or is not the caller's to see.
pub fn agent_not_accessible(agent: AgentId) -> AppError {
    AppError::not_found(
        ErrorCode::NotFound,
        format!("Agent {agent} not found or not accessible."),
    )
}

/// GEN's answer for an agent that does not exist: 422 `agent_not_found`.
pub fn agent_not_found(agent: AgentId) -> AppError {
    AppError::unprocessable(
        ErrorCode::AgentNotFound,
        format!("Agent {agent} not found."),
    )
}

/// GEN's answer for an agent of another workspace: 403 `permission_denied`.
pub fn no_access_to_agent(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::PermissionDenied,
        "You do not have access to this agent.",
    )
}

/// Loads the agent for `need`, answering a denial with the endpoint's own errors.
pub async fn require_agent(
    db: &mut dyn Session,
    actor: &Actor,
    id: AgentId,
    need: AgentNeed,
    denials: &Denials,
) -> AppResult<AgentView> {
    match agent_for(db, actor, id, need).await? {
        Ok(view) => Ok(view),
        Err(AgentDenial::Missing) => Err((denials.missing)(id)),
        Err(AgentDenial::Stranger) => Err((denials.stranger)(id)),
        Err(AgentDenial::RoleTooLow) => Err((denials.role)(id)),
    }
}
