//! The agent's knowledge (ace additions): import exported social content.

pub mod import;
