//! The `ace` binary's library: configuration (defaults, then an optional file, then `ACE_*`
//! environment variables, then flags), start-up and first-run bootstrap, the admin commands,
//! telemetry and graceful shutdown. `main.rs` only calls [`cli::run`].

pub mod admin;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod housekeeping;
#[cfg(feature = "mcp")]
pub mod mcp_cli;
pub mod render_cli;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
