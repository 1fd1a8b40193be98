//! `/v1/agents/{agent_id}/avatars`: an agent's avatar images.

pub mod create;
pub mod delete;
pub mod list;
pub mod set_primary;
