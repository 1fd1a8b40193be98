//! Who may do what to an agent. A caller sees an agent when they belong to its workspace; what
//! they may do with it follows their role (see [`ace_domain::role::Role`]). The answer is a
//! [`AgentDenial`] that each use case turns into the error GEN documents for its endpoint.

use ace_db::Session;
use ace_db::agents::{self, AgentView};
use ace_domain::ids::AgentId;

use crate::{Actor, AppResult};

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
