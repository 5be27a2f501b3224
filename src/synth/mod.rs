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
pub mod text;

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

/// Writes the bundled text reports and batch downloads into `dir`.
pub fn write_text_samples(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    for t in samples::text_samples() {
        let path = dir.join(t.file);
        std::fs::write(&path, text::text_report(&t.mailbox, t.form))?;
        written.push(path);
    }
    let lines = samples::batch_lines();
    for (file, bytes) in [
        ("wave3-MigrationStatistics.csv", text::statistics_csv(&lines)),
        ("wave3-MigrationErrors.csv", text::errors_csv(&lines)),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
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
