//! The command line: clap definitions only, no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit::EXIT_STATUS_HELP;

/// Turns Exchange mailbox move reports (Export-CliXml) into answers.
#[derive(Debug, Parser)]
#[command(name = "mrs-triage", version, max_term_width = 100, after_long_help = EXIT_STATUS_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print each top-level CLIXML object as one line of JSON (NDJSON)
    #[command(after_long_help = DUMP_HELP)]
    Dump(DumpArgs),
}

const DUMP_HELP: &str = "\
Examples:
  mrs-triage dump report.xml
  mrs-triage dump a.xml b.xml | jq '.\"@types\"[0]'
  Get-Content -Raw report.xml | mrs-triage dump -     (PowerShell 7; pass paths on 5.1)

The JSON mapping is documented in the README (section \"dump output\").

EXIT STATUS:
  0   every input was read (also when the output pipe is closed early)
  65  at least one input is not valid CLIXML; the others were still dumped
  66  an input could not be opened
  74  an I/O error while reading or writing";

/// Arguments of `dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// CLIXML files to read; `-` reads standard input
    #[arg(required = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub inputs: Vec<PathBuf>,

    /// Reader limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Reader limits shared by the commands that read CLIXML.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Deepest nesting of elements accepted
    #[arg(long, value_name = "N", default_value_t = 256, help_heading = "Limits")]
    pub max_depth: usize,

    /// Largest single value in bytes (a string, a tag, any run without markup)
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024, help_heading = "Limits")]
    pub max_value_size: usize,
}
