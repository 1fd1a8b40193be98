//! The shapes on the wire, with their OpenAPI schemas. Responses follow GEN's field names and
//! types; ids are JSON numbers and timestamps look like `2026-03-01T12:00:00.000Z`.

pub mod agent;
pub mod agent_core;
pub mod agent_profile;
pub mod agent_runs;
pub mod api_key;
pub mod avatar;
pub mod files;
pub mod generations;
pub mod ideas;
pub mod knowledge;
pub mod message;
pub mod organization;
pub mod pipelines;
pub mod renders;
pub mod row_runs;
pub mod sheets;
pub mod social_accounts;
pub mod templates;
pub mod time;
pub mod user;
pub mod user_jobs;
pub mod voices;
