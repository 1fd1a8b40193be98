//! Step 2's agent runs: start one (a message, or research on a topic), read it, approve or
//! reject the call it waits at, cancel it (an ace addition), and follow its progress stream.

pub mod approve;
pub mod cancel;
pub mod research;
pub mod show;
pub mod start;
pub mod stream;
