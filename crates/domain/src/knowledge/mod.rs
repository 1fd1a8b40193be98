//! The agent's knowledge: what content monitoring (`train_social`) may ask of each social
//! platform, checked exactly as GEN documents it. Fetching and storing belong to the app.

pub mod monitoring;
