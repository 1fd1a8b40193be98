//! The agent's knowledge: what content monitoring (`train_social`) may ask of each social
//! platform, checked exactly as GEN documents it, the one shape posts and comments take
//! whatever source they come from, and the questions asked of them. Fetching and storing
//! belong to the adapters, the database and the app.

pub mod content;
pub mod monitored;
pub mod monitoring;
pub mod query;
