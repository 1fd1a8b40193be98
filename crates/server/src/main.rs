//! The `ace` command.

fn main() -> std::process::ExitCode {
    ace_server::cli::run()
}
