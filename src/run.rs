//! Runs a parsed command line: opens inputs, drives the library, reports
//! per-input errors on stderr and computes the exit status.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, DumpArgs, LimitArgs};
use crate::clixml::{self, Reader};
use crate::dump;
use crate::exit::ExitStatus;

/// Runs the command. `Err` is only returned for output failures (a broken
/// pipe among them); input problems are reported and reflected in the status.
pub fn run(cli: Cli) -> io::Result<ExitStatus> {
    match cli.command {
        Command::Dump(args) => run_dump(&args),
    }
}

impl LimitArgs {
    /// Reader options from the command-line limits.
    pub fn reader_options(&self) -> clixml::Options {
        clixml::Options {
            max_depth: self.max_depth,
            max_value_bytes: self.max_value_size,
            ..clixml::Options::default()
        }
    }
}

/// An input named on the command line: a file or standard input.
pub enum Input {
    /// A file path.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// Classifies a command-line path.
    pub fn from_arg(p: &Path) -> Input {
        if p.as_os_str() == "-" { Input::Stdin } else { Input::File(p.to_path_buf()) }
    }

    /// How messages name it.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }

    /// Opens it for reading.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::File(p) => Box::new(File::open(p)?),
            Input::Stdin => Box::new(io::stdin()),
        })
    }
}

/// Prints `mrs-triage: <input>:<line>:<col>: <message>` on stderr.
pub fn report_read_error(input: &str, err: &clixml::Error) {
    let pos = &err.position;
    match (pos.line, pos.column) {
        (Some(l), Some(c)) => {
            eprintln!("mrs-triage: {input}:{l}:{c}: {} (byte {})", err.kind, pos.offset)
        }
        _ => eprintln!("mrs-triage: {input}: byte {}: {}", pos.offset, err.kind),
    }
}

fn run_dump(args: &DumpArgs) -> io::Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut status = ExitStatus::Success;
    for path in &args.inputs {
        let input = Input::from_arg(path);
        let name = input.display();
        let source = match input.open() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mrs-triage: {name}: cannot open: {e}");
                status = status.worst(ExitStatus::NoInput);
                continue;
            }
        };
        let reader = match Reader::with_options(source, args.limits.reader_options()) {
            Ok(r) => r,
            Err(e) => {
                report_read_error(&name, &e);
                status = status.worst(ExitStatus::IoError);
                continue;
            }
        };
        for value in reader {
            match value {
                Ok(v) => dump::write_line(&mut out, &v)?,
                Err(e) => {
                    // Flush what was read before the error so output and
                    // message appear in order.
                    out.flush()?;
                    report_read_error(&name, &e);
                    status = status.worst(match e.kind {
                        clixml::ErrorKind::Io(_) => ExitStatus::IoError,
                        _ => ExitStatus::DataError,
                    });
                }
            }
        }
    }
    out.flush()?;
    Ok(status)
}
