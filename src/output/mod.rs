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
pub mod diff;
pub mod export_json;
mod grid;
pub mod html;
pub mod parquet;
pub mod script;
pub mod summary_json;
pub mod table;
pub mod tabular;
pub mod target;
pub mod xlsx;

pub use target::{Destination, OutputError, Stream, Target, discard_staged};

/// One output format of a finished run (`T`: a [`Run`], or the
/// [`crate::pipeline::Compared`] exports of a diff).
pub trait Exporter<T: ?Sized = Run> {
    /// Writes `of` into `out`.
    fn export(&self, of: &T, out: &mut dyn Destination) -> io::Result<()>;
}

/// Writes `of` with `exporter` to `target`; returns the files written.
pub fn write<T: ?Sized>(
    exporter: &dyn Exporter<T>,
    of: &T,
    target: &Target,
) -> Result<Vec<std::path::PathBuf>, OutputError> {
    target.write(|out| exporter.export(of, out))
}
