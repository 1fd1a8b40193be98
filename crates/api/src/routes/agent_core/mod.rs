//! `/v1/agents/{agent_id}/core`: the setup canvas, and its single-item list edits.

pub mod add_account;
pub mod add_inspiration;
pub mod remove_account;
pub mod remove_inspiration;
pub mod show;
pub mod update;
