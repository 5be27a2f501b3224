//! The command line: the argument list arranged for clap ([`argv`]), clap's
//! definitions ([`args`]), the configuration resolved from them once
//! ([`config`]), the commands that run it ([`run`]), the completion scripts and man pages
//! generated from clap's definitions ([`shell`]), the stderr channel
//! ([`messages`]) and the documented exit codes ([`exit`]). Not part of the
//! documented library: the binary's own layer.

pub mod args;
pub mod argv;
pub mod config;
pub mod exit;
pub mod interrupt;
pub mod messages;
pub mod run;
pub mod shell;

pub use args::Cli;
pub use config::Config;
pub use exit::ExitStatus;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use crate::render::{is_hidden, sanitize};

/// The `--color` a command line asks for, found before clap parses it, so
/// that help and usage errors follow it too.
fn color_arg(args: &[OsString]) -> args::ColorWhen {
    let mut it = args.iter().map(|a| a.to_string_lossy());
    let mut when = None;
    while let Some(a) = it.next() {
        let v = match a.strip_prefix("--color") {
            Some("") => it.next().map(|v| v.into_owned()),
            Some(v) => v.strip_prefix('=').map(str::to_string),
            None => None,
        };
        when = v.or(when);
    }
    match when.as_deref() {
        Some("always") => args::ColorWhen::Always,
        Some("never") => args::ColorWhen::Never,
        _ => args::ColorWhen::Auto,
    }
}

/// Parses the process's arguments into the resolved configuration; a usage
/// error (or `--help`, `--version`) is printed here and gives the status to
/// exit with.
pub fn parse() -> Result<Config, ExitStatus> {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let color = match config::color_choice(color_arg(&raw)) {
        Some(true) => clap::ColorChoice::Always,
        Some(false) => clap::ColorChoice::Never,
        None => clap::ColorChoice::Auto,
    };
    let hostile = raw.iter().any(|a| a.to_string_lossy().chars().any(is_hidden));
    let args = argv::arrange(raw).map_err(|e| {
        eprintln!("mrs-triage: error: {}", sanitize(&e.to_string()));
        ExitStatus::Usage
    })?;
    let parsed = Cli::command()
        .color(color)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = parsed.map_err(|e| {
        print_clap_error(&e, hostile);
        if e.use_stderr() { ExitStatus::Usage } else { ExitStatus::Success }
    })?;
    Config::new(cli).map_err(|e| {
        eprintln!("mrs-triage: error: {}", sanitize(&e.to_string()));
        ExitStatus::Usage
    })
}

/// Prints clap's message (an error, or the help and version it answers
/// with). Its errors quote what was typed, which may hold an escape
/// sequence: clap writes that raw whenever it colours (a terminal,
/// `--color always`). When an argument holds a hidden character, the
/// message is printed without colours, from clap's plain rendering (which
/// drops escape sequences), with every hidden character left made visible,
/// line by line.
fn print_clap_error(e: &clap::Error, hostile: bool) {
    if !hostile {
        let _ = e.print();
        return;
    }
    let plain = e.render().to_string();
    let text: Vec<_> = plain.lines().map(sanitize).collect();
    if e.use_stderr() {
        eprintln!("{}", text.join("\n"));
    } else {
        println!("{}", text.join("\n"));
    }
}

/// Runs a resolved command and returns its exit status.
pub fn execute(config: Config) -> ExitStatus {
    interrupt::install();
    run::run(config)
}
