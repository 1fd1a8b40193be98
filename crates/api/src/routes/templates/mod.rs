//! `/v1/templates`: the curated template library.

pub mod clone;
pub mod list;
pub mod show;
