//! What reading one input produced: its summary line, its mailboxes, the
//! users of a batch download, and the error that stopped it.

use super::options::InputError;
use crate::analysis::{InputSummary, MailboxAnalysis};
use crate::exchange::batch_csv::BatchRecord;

/// What reading one input produced.
#[derive(Debug)]
pub(crate) struct InputResult {
    /// The input's summary line.
    pub summary: InputSummary,
    /// Its mailboxes.
    pub mailboxes: Vec<MailboxAnalysis>,
    /// The users of a batch download, by the input they came from.
    pub batch: Vec<(String, BatchRecord)>,
    /// The reader error, with its position, when reading stopped early.
    pub error: Option<InputError>,
}

impl InputResult {
    /// An input that could not be opened (or read at all).
    pub(crate) fn opening_failed(path: &str, e: std::io::Error) -> InputResult {
        InputResult {
            summary: InputSummary {
                path: path.to_string(),
                error: Some(format!("cannot open: {e}")),
                ..InputSummary::default()
            },
            mailboxes: Vec::new(),
            batch: Vec::new(),
            error: Some(InputError::Open(e)),
        }
    }
}
