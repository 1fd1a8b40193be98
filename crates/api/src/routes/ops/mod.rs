//! Operational routes outside `/v1`: health, readiness, metrics, the OpenAPI document and
//! public file delivery. None needs a credential.

pub mod files;
pub mod health;
pub mod metrics;
