//! The command line: `ace serve`, `ace worker`, `ace migrate`, `ace admin ...` and
//! `ace render` and `ace mcp`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::admin::{self, AdminCommand};
use crate::config::{ConfigArgs, Settings};
use crate::startup::{self, Application};
use crate::telemetry;

/// ace: a self-hosted GEN Auto Content Engine API server.
#[derive(Debug, Parser)]
#[command(name = "ace", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default setup needs no flags). It runs jobs too, unless
    /// `ACE_SERVE_JOBS=false`.
    Serve,
    /// Run jobs (generations, webhook deliveries) without serving HTTP: scale out by
    /// starting several beside `ace serve` on one PostgreSQL.
    Worker,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Operator commands.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Render a layer stack file to an MP4, without a server.
    Render(crate::render_cli::RenderArgs),
    /// Serve MCP over stdio, configured like GEN's MCP server: `GEN_API_KEY`, and
    /// `GEN_API_BASE_URL` to relay to a server elsewhere (else the tools run here, on the
    /// local data directory).
    #[cfg(feature = "mcp")]
    Mcp,
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::resolve(&cli.config) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("ace: {err:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("ace: could not start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve => {
                Application::build(&settings)
                    .await?
                    .run_until(startup::shutdown_signal())
                    .await
            }
            Command::Worker => startup::run_worker(&settings, startup::shutdown_signal()).await,
            Command::Migrate => {
                startup::connect(&settings, startup::Caller::Command).await?;
                println!("The database schema is up to date.");
                Ok(())
            }
            Command::Admin(command) => admin::run(&settings, command).await,
            Command::Render(args) => crate::render_cli::run(&args).await,
            #[cfg(feature = "mcp")]
            Command::Mcp => crate::mcp_cli::run(&settings).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ace: {err:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
