//! Everything the command line says on stderr goes through here: errors
//! (`mrs-triage: <what>`), which also record the exit status they imply, and
//! notes, which `-q` silences. Names from the file system or a zip archive
//! are made visible and inert before they are printed.

use std::cell::Cell;
use std::fmt::Display;

use super::exit::ExitStatus;
use crate::clixml;
use crate::render::sanitize;

/// The stderr channel of one command, and the worst status seen so far.
#[derive(Debug)]
pub struct Messages {
    quiet: bool,
    status: Cell<ExitStatus>,
}

impl Messages {
    /// A channel; `quiet` silences notes.
    pub fn new(quiet: bool) -> Messages {
        Messages { quiet, status: Cell::new(ExitStatus::Success) }
    }

    /// Prints `mrs-triage: <what>` and records `status`.
    pub fn error(&self, status: ExitStatus, what: impl Display) {
        eprintln!("mrs-triage: {}", sanitize(&what.to_string()));
        self.record(status);
    }

    /// Prints a warning (even under `-q`) without changing the status.
    pub fn warning(&self, what: impl Display) {
        eprintln!("mrs-triage: {}", sanitize(&what.to_string()));
    }

    /// Records a status without a message (findings).
    pub fn record(&self, status: ExitStatus) {
        self.status.set(self.status.get().worst(status));
    }

    /// Prints a note, unless quiet.
    pub fn note(&self, what: impl Display) {
        if !self.quiet {
            eprintln!("mrs-triage: {}", sanitize(&what.to_string()));
        }
    }

    /// The exit status so far.
    pub fn status(&self) -> ExitStatus {
        self.status.get()
    }

    /// Prints a reader error as `<input>:<line>:<col>: <message> (byte N)`,
    /// or with the byte offset alone when no line is known, and records
    /// status 65 (74 for an I/O error).
    pub fn read_error(&self, input: &str, err: &clixml::Error) {
        let pos = &err.position;
        let text = match (pos.line, pos.column) {
            (Some(l), Some(c)) => format!("{input}:{l}:{c}: {} (byte {})", err.kind, pos.offset),
            _ => format!("{input}: byte {}: {}", pos.offset, err.kind),
        };
        let status = match err.kind {
            clixml::ErrorKind::Io(_) => ExitStatus::IoError,
            _ => ExitStatus::DataError,
        };
        self.error(status, text);
    }
}
