//! `/v1/content_resources`: the files of an agent's asset library.

pub mod check;
pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;
