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

/// Writes one sample's export (the file `sample.file`) to `out`.
pub fn write_sample(sample: &samples::Sample, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use crate::clixml::writer::OutputEncoding;
    let encoding = match sample.encoding {
        samples::SampleEncoding::Utf8 => OutputEncoding::Utf8,
        samples::SampleEncoding::Utf16LeBom => OutputEncoding::Utf16LeBom,
    };
    write_export(out, encoding, sample.mailboxes.iter().cloned())?;
    Ok(())
}

/// The bundled text reports and batch downloads: each file's name and bytes.
pub fn text_sample_files() -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = samples::text_samples()
        .iter()
        .map(|t| (t.file, text::text_report(&t.mailbox, t.form)))
        .collect();
    let lines = samples::batch_lines();
    files.push(("wave3-MigrationStatistics.csv", text::statistics_csv(&lines)));
    files.push(("wave3-MigrationErrors.csv", text::errors_csv(&lines)));
    files
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
