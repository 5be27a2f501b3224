//! The command line: clap's definitions ([`args`]), the configuration
//! resolved from them once ([`config`]), the commands that run it ([`run`]),
//! the stderr channel ([`messages`]) and the documented exit codes
//! ([`exit`]). Not part of the documented library: the binary's own layer.

pub mod args;
pub mod config;
pub mod exit;
pub mod messages;
pub mod run;

pub use args::Cli;
pub use config::Config;
pub use exit::ExitStatus;

/// Parses the process's arguments, runs the command and returns its status:
/// everything `main` does.
pub fn main() -> ExitStatus {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitStatus::Usage } else { ExitStatus::Success };
        }
    };
    run::run(Config::new(cli))
}
