//! Handlers, one file per action, grouped by resource. `router.rs` lists them all.

pub mod agent_core;
pub mod agent_profile;
pub mod agent_runs;
pub mod agents;
pub mod asset_folders;
pub mod asset_libraries;
pub mod automation;
pub mod avatars;
pub mod cells;
pub mod columns;
pub mod content_resources;
pub mod conversations;
pub mod direct_uploads;
pub(crate) mod following;
pub mod generations;
pub mod global_variables;
pub mod ideas;
pub mod knowledge;
pub mod layers;
pub mod me;
pub mod ops;
pub mod organizations;
pub mod persisted_tokens;
pub mod pipelines;
pub mod renders;
pub mod row_runs;
pub mod rows;
pub mod sheets;
pub mod social_accounts;
pub mod templates;
pub mod user_jobs;
pub mod voices;
pub mod workspaces;

/// The setup phase of GEN's five-step journey, for `x-phase`.
pub(crate) const SETUP: &str = "setup";
/// The ideas phase, for `x-phase`.
pub(crate) const IDEAS: &str = "ideas";
/// The convert phase, for `x-phase`.
pub(crate) const CONVERT: &str = "convert";
/// The edit phase, for `x-phase`.
pub(crate) const EDIT: &str = "edit";
/// The export phase, for `x-phase`.
pub(crate) const EXPORT: &str = "export";
