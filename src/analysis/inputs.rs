//! What reading one input gave: its path and folder, its encoding, how many
//! objects and mailboxes it held, and the error that stopped it, if any.

use std::collections::BTreeMap;

use serde::Serialize;

/// One input file's outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputSummary {
    /// The path as given (`-` for standard input, `archive.zip!entry` for
    /// an archive's entry).
    pub path: String,
    /// The folder it is in (for the per-folder roll-up).
    pub folder: String,
    /// What the input is: `clixml`, `text_report`, `batch_statistics` or
    /// `batch_errors` (told from its content).
    pub kind: Option<&'static str>,
    /// The detected encoding label, when the file could be opened.
    pub encoding: Option<&'static str>,
    /// Top-level objects read.
    pub objects: u64,
    /// Mailbox records found.
    pub mailboxes: usize,
    /// Top-level objects that were not move reports, by type.
    pub other_objects: BTreeMap<String, u64>,
    /// The error that stopped reading, if any (records before it are kept).
    pub error: Option<String>,
    /// How the input was read when that is worth saying (an encoding guessed).
    pub note: Option<String>,
}
