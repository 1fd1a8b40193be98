//! `/v1/persisted_tokens`: the caller's personal access tokens.

pub mod create;
pub mod list;
pub mod revoke;
pub mod revoke_all;
pub mod update;
