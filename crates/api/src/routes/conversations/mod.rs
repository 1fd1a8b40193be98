//! Step 2's conversations: list them, read one with its messages, page through its
//! messages, list its runs, rename or pin it, and delete it softly.

pub mod delete;
pub mod list;
pub mod messages;
pub mod runs;
pub mod show;
pub mod update;
