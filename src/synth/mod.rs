//! Synthetic move-report exports, built from the format reference: the
//! bundled samples and the inputs of tests and benchmarks come from here.
//!
//! No real move-report export is public, so these objects follow
//! `move-report.md`: `Deserialized.` type chains, enums as `Obj` with
//! `ToString` and the number, ByteQuantifiedSize and `Unlimited<T>` objects,
//! Report entries whose BadItem/Failure records are referenced again (as
//! `Ref`) from the Report's lists, and EXO principal-mapping texts.

mod builder;
mod perf;
mod report;
pub mod samples;
pub mod spec;

pub use spec::*;

use builder::{Builder, Ids};

/// Writes one sample file into `dir`.
pub fn write_sample(
    sample: &samples::Sample,
    dir: &std::path::Path,
) -> std::io::Result<std::path::PathBuf> {
    use crate::clixml::writer::OutputEncoding;
    let path = dir.join(sample.file);
    let encoding = match sample.encoding {
        samples::SampleEncoding::Utf8 => OutputEncoding::Utf8,
        samples::SampleEncoding::Utf16LeBom => OutputEncoding::Utf16LeBom,
    };
    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    write_export(file, encoding, sample.mailboxes.iter().cloned())?;
    Ok(path)
}

/// Writes an export of the given mailboxes to `out`, one top-level object per
/// mailbox, streaming (one mailbox in memory at a time).
pub fn write_export<W: std::io::Write>(
    out: W,
    encoding: crate::clixml::writer::OutputEncoding,
    mailboxes: impl IntoIterator<Item = MailboxSpec>,
) -> std::io::Result<W> {
    let mut writer = crate::clixml::writer::Writer::new(out, encoding, "\r\n")?;
    let mut ids = Ids::default();
    for spec in mailboxes {
        let value = Builder::new(&mut ids, spec.onboarding).mailbox(&spec);
        writer.write_value(&value)?;
    }
    writer.finish()
}
