//! The agent's knowledge (ace additions): import exported social content, let Agent Core's
//! monitored sources drive content monitoring, and ask the knowledge for posts, comments and
//! research findings.

pub mod import;
pub mod search_findings;
pub mod search_posts;
pub mod set_monitoring;
pub mod show_monitoring;
pub mod top_comments;
