//! Agent runs: a message to the agent answered asynchronously, inside a conversation. A run's
//! status (and what GEN's endpoints show of it), what the message asks for (read by rules, so
//! the fixed commands never depend on a small model), the tools a run calls and which of
//! them wait for the user's approval, and how deep a research run goes.

pub mod depth;
pub mod intent;
pub mod status;
pub mod tool;

pub use depth::Depth;
pub use intent::{Edit, Intent};
pub use status::RunStatus;
pub use tool::Tool;
