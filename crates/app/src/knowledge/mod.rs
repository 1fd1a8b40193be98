//! The agent's knowledge: social posts and comments gathered by a scrape or by monitoring
//! (`train_social`, [`gather`]) or read from an exported file (`import_social`, [`imports`]),
//! kept per agent, deduplicated by platform and platform id, with a metrics snapshot per
//! fetch. Both are user jobs, in the generations' id space. Agent Core's monitored sources
//! can drive monitoring ([`monitored`]), opted in per agent. [`research`] keeps what the
//! research sources find about a topic, and [`ask`] answers questions of all of it.

pub mod ask;
pub mod gather;
pub mod imports;
mod keep;
pub mod monitored;
pub mod research;

use ace_domain::ids::AgentId;

use crate::policy::{Denials, agent_not_found, no_access_to_agent};
use crate::{AppError, ErrorCode};

pub use keep::Tally;

/// Who may gather into an agent's knowledge: its editors. An agent that does not exist is
/// `agent_not_found`; one the caller may not change is `permission_denied`, as GEN documents
/// for content monitoring.
const GATHERING: Denials = Denials {
    missing: agent_not_found,
    stranger: no_access_to_agent,
    role: role_too_low,
};

fn role_too_low(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::PermissionDenied,
        "Your role in this workspace does not allow gathering content for this agent.",
    )
}
