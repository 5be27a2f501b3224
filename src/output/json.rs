//! The `--format json` output: one `mrs-triage.summary.v1` document.

use std::io::{self, Write};

use crate::summary::Run;

/// Writes the summary document, pretty-printed, with a final newline.
pub fn write<W: Write>(out: &mut W, run: &Run) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &run.json()).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
