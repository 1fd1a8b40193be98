//! The agent's knowledge (ace additions): import exported social content, and let Agent
//! Core's monitored sources drive content monitoring.

pub mod import;
pub mod set_monitoring;
pub mod show_monitoring;
