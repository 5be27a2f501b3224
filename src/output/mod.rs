//! The output formats. Each is an [`Exporter`]: it renders a finished
//! [`Run`] (what the analysis and the plan hold, never recomputing a fact)
//! into the named streams of a [`Destination`]: one stream for the terminal
//! table, the summary JSON, the HTML report, the script, the export
//! JSON/NDJSON and the Excel workbook; one file per table for CSV and
//! Parquet. A [`Target`] (standard output, a file, a folder) provides the
//! destination and writes files atomically. The tabular formats share one typed table model
//! ([`tabular`]); how values are written for people is decided in
//! [`crate::render`].

use std::io;

use crate::pipeline::Run;

pub mod csv;
pub mod export_json;
pub mod html;
pub mod parquet;
pub mod script;
pub mod summary_json;
pub mod table;
pub mod tabular;
pub mod target;
pub mod xlsx;

pub use target::{Destination, OutputError, Stream, Target, discard_staged};

/// One output format.
pub trait Exporter {
    /// Writes the run into `out`.
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()>;
}

/// Writes `run` with `exporter` to `target`; returns the files written.
pub fn write(
    exporter: &dyn Exporter,
    run: &Run,
    target: &Target,
) -> Result<Vec<std::path::PathBuf>, OutputError> {
    target.write(|out| exporter.export(run, out))
}
