//! Two sets of inputs compared: an earlier and a later export of the same
//! moves, each read like a triage (in parallel, streaming), with only each
//! bad item's identity kept, and one redactor for both sides so that a
//! redacted value is the same token on either.

use super::input::Source;
use super::options::{InputError, Job, TriageOptions};
use super::triage::read_all;
use crate::analysis::InputSummary;
use crate::diff::{self, Diff};

/// One side of a comparison: what each input gave.
#[derive(Debug, Default)]
pub struct SideInputs {
    /// Per-input outcome, in the order given.
    pub inputs: Vec<InputSummary>,
    /// `(index of the source, error)`, in source order.
    pub errors: Vec<(usize, InputError)>,
}

/// A finished comparison: both sides' inputs and what changed.
#[derive(Debug, Default)]
pub struct Compared {
    /// The earlier export.
    pub old: SideInputs,
    /// The later export.
    pub new: SideInputs,
    /// What changed, per mailbox.
    pub diff: Diff,
}

/// Compares the mailboxes of `old` with those of `new`. Each bad item is
/// kept only as its identity, whatever `opts.keep_items` says, and only
/// until the comparison is made.
pub fn compare(old: &[Source], new: &[Source], opts: &TriageOptions) -> Compared {
    let opts = TriageOptions { keep_items: false, keep_identities: true, ..opts.clone() };
    let job = Job::new(&opts);
    let before = read_all(old, &job);
    let after = read_all(new, &job);
    let diff = diff::diff(&before.mailboxes, &after.mailboxes);
    Compared {
        old: SideInputs { inputs: before.inputs, errors: before.errors },
        new: SideInputs { inputs: after.inputs, errors: after.errors },
        diff,
    }
}
