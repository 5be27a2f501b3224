//! The triage pipeline: from inputs to one finished [`Run`]. Inputs are
//! discovered ([`input`]; how an argument becomes a glob pattern:
//! [`pattern`]) and read in parallel; each top-level value becomes mailbox
//! records that are classified, analysed and (with `redact`)
//! redacted as pool tasks while the input is still being read ([`read`]; a
//! large file is read as parallel segments, [`segmented`]). The analysed
//! mailboxes are then rolled up ([`crate::analysis::Analysis::new`]) and
//! their next steps worked out once ([`crate::remediate::plan`]).

mod compare;
pub mod input;
mod options;
mod outcome;
mod pattern;
mod read;
mod run;
mod segmented;
mod sniff;
mod text;
mod triage;

pub use compare::{Compared, SideInputs, compare};
pub use input::{DiscoveryError, Source, ZipLimits, discover, discover_with};
pub use options::{InputError, Progress, TriageOptions};
pub use run::Run;
pub use segmented::{SEGMENT_BYTES, reads_in_segments};
pub use triage::{Triaged, triage, triage_reader};
