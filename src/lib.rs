//! mrs-triage: offline triage of Exchange mailbox move reports.
//!
//! The engine behind the `mrs-triage` command, in layers, each using only
//! the ones before it:
//! - [`clixml`]: the streaming CLIXML reader (and its decoder, writer and
//!   NDJSON rendering);
//! - [`exchange`]: typed move-report records from CLIXML values;
//! - [`analysis`]: classification, verdicts, limits, counts and the
//!   roll-ups of a run, with redaction before anything is rolled up;
//! - [`remediate`]: the next steps worked out from an analysis;
//! - [`pipeline`]: inputs read in parallel into one finished [`pipeline::Run`];
//! - [`output`]: the formats, each an [`output::Exporter`] over a run.
//!
//! ```no_run
//! use mrs_triage::pipeline::{self, TriageOptions};
//! let (sources, _) = pipeline::discover(&["case-folder".into()]);
//! let triaged = pipeline::triage(&sources, &TriageOptions::default())?;
//! for (mailbox, steps) in triaged.run.mailboxes() {
//!     println!("{}: {} ({} steps)", mailbox.label(), mailbox.verdict, steps.len());
//! }
//! # Ok::<(), mrs_triage::analysis::RollupError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analysis;
pub mod clixml;
pub mod diff;
pub mod exchange;
pub mod output;
pub mod pipeline;
pub mod remediate;

mod keyed;
mod render;
// Public, but hidden from the docs, only so the fuzz targets (fuzz/) can reach
// the timestamp parsers the performance analysis relies on.
#[doc(hidden)]
pub mod time;

pub use keyed::Keyed;

#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod synth;
