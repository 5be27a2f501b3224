//! How a triage runs (reader limits, progress, items kept, redaction,
//! segments) and why an input could not be read completely.

use std::fmt;
use std::sync::Arc;

use crate::analysis::redact::Redactor;
use crate::analysis::{Keep, MailboxAnalysis, Percentile};
use crate::clixml;
use crate::exchange::model::Mailbox;

/// Told how far reading has got, in bytes of the inputs (a progress bar).
pub trait Progress: Send + Sync {
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
    /// `bytes` already counted will be read again.
    fn rewind(&self, bytes: u64);
}

/// Options of a triage run.
#[derive(Clone, Default)]
pub struct TriageOptions {
    /// Reader limits (`resolve` is chosen per input).
    pub reader: clixml::Options,
    /// Told of the bytes read, when wanted.
    pub progress: Option<Arc<dyn Progress>>,
    /// Keep every bad item (for item-level exports); otherwise only counts
    /// and principals are kept and memory stays flat.
    pub keep_items: bool,
    /// Keep each bad item's identity (kind, folder, entry id or subject,
    /// principal) and nothing else of it: what a comparison of exports needs.
    pub keep_identities: bool,
    /// Replace personal data with tokens before anything is rolled up.
    pub redact: bool,
    /// Size of the segments a large file is split into to read it on several
    /// threads (`None`: [`SEGMENT_BYTES`]; `Some(0)`: never split).
    pub segment_bytes: Option<u64>,
    /// The kept-moves percentile of the batch and server performance (90).
    pub percentile: Percentile,
}

impl fmt::Debug for TriageOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TriageOptions")
            .field("reader", &self.reader)
            .field("progress", &self.progress.is_some())
            .field("keep_items", &self.keep_items)
            .field("keep_identities", &self.keep_identities)
            .field("redact", &self.redact)
            .field("segment_bytes", &self.segment_bytes)
            .field("percentile", &self.percentile.get())
            .finish()
    }
}

impl TriageOptions {
    /// What each mailbox keeps of its items.
    pub(crate) fn keep(&self) -> Keep {
        Keep { items: self.keep_items, identities: self.keep_identities }
    }
}

/// Why an input could not be read completely.
#[derive(Debug)]
pub enum InputError {
    /// It could not be opened.
    Open(std::io::Error),
    /// Reading failed at a position.
    Read(clixml::Error),
    /// Neither CLIXML nor a move report in text form.
    NotAReport,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Open(e) => write!(f, "cannot open: {e}"),
            InputError::Read(e) => e.fmt(f),
            InputError::NotAReport => f.write_str(
                "not a move report: neither CLIXML nor a text report (no `{time} [{server}] {message}` entry line)",
            ),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Open(e) => Some(e),
            InputError::Read(e) => Some(e),
            InputError::NotAReport => None,
        }
    }
}

/// What one triage needs while it reads: the options and the run's redactor.
pub(crate) struct Job<'a> {
    pub opts: &'a TriageOptions,
    pub redactor: Option<Redactor>,
}

impl<'a> Job<'a> {
    pub fn new(opts: &'a TriageOptions) -> Self {
        Job { opts, redactor: opts.redact.then(Redactor::new) }
    }

    /// Analyses one record (and redacts it, when the run redacts).
    pub fn analyse(&self, m: Mailbox, path: &str) -> MailboxAnalysis {
        let mut a = crate::analysis::analyse(m, path, self.opts.keep());
        if let Some(r) = &self.redactor {
            r.mailbox(&mut a);
        }
        a
    }
}
