//! `/v1/agent/profile?agent_id=`: the legacy profile over the same values as agent core.

pub mod create;
pub mod delete;
pub mod show;
pub mod update;
