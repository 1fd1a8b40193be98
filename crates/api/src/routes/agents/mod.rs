//! `/v1/agents`: the agents of the caller's workspaces.

pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;
