//! The agent's knowledge: what content monitoring (`train_social`) may ask of each social
//! platform, checked exactly as GEN documents it, and the one shape posts and comments take
//! whatever source they come from. Fetching and storing belong to the adapters and the app.

pub mod content;
pub mod monitoring;
