//! Sheet pipelines (GEN documents the surface as coming soon; ace ships it): pipelines with
//! their triggers, their actions, runs started by hand, by schedule or by a signed webhook
//! URL, each run followed live, and an ideas prompt tried alone.

pub mod cancel_run;
pub mod create;
pub mod create_action;
pub mod delete;
pub mod delete_action;
pub mod follow_run;
pub mod list;
pub mod list_runs;
pub mod show;
pub mod show_action;
pub mod show_run;
pub mod start_run;
pub mod test_prompt;
pub mod update;
pub mod update_action;
pub mod webhook;
