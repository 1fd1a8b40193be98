//! `/v1/autocontentengine`: create, read and clone engines.

pub mod clone;
pub mod create;
pub mod show;

use serde::Deserialize;

/// `?with_execution_cost=true`.
#[derive(Debug, Default, Deserialize)]
pub struct CostQuery {
    pub with_execution_cost: Option<bool>,
}
