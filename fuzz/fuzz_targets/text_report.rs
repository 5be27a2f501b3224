//! Fuzz target: arbitrary bytes as a plain-text move report and as a batch
//! CSV download, read directly (`Survey`, `Parser`, `batch_csv::Columns`)
//! and through the pipeline from a file, as the command reads them.
//!
//! Checked besides "no panic":
//! - the parser counts exactly the entries the survey counted, and finds
//!   at most one bad item per entry, each with the entry's time;
//! - reading the same lines again gives the same mailbox (no hidden state);
//! - through the pipeline, an input that is a text report gives exactly
//!   one mailbox with the directly parsed bad items, and one that is not
//!   gives none;
//! - a header `recognise`s as a batch download only if `Columns::of`
//!   finds its columns, and every batch record has a non-empty, trimmed
//!   address and trimmed values; the pipeline keeps exactly those records,
//!   one mailbox per user they name.
#![no_main]

use std::io::{BufRead, Read};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mrs_triage::clixml::decode::Decoder;
use mrs_triage::exchange::batch_csv::{Columns, recognise};
use mrs_triage::exchange::model::Mailbox;
use mrs_triage::exchange::text_report::{Parser, Survey};
use mrs_triage::pipeline::{Source, TriageOptions, triage};

/// The input's lines as the pipeline hands them to the parsers: decoded
/// (BOM, UTF-16 by its zero bytes, else UTF-8), invalid UTF-8 replaced,
/// line breaks removed; a decoding error ends them.
fn lines(bytes: &[u8]) -> Vec<String> {
    let Ok(mut d) = Decoder::new(bytes, usize::MAX) else { return Vec::new() };
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match d.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => return out,
            Ok(_) => {
                let line = String::from_utf8_lossy(&buf);
                out.push(line.trim_end_matches(['\n', '\r']).to_string());
            }
        }
    }
}

fn parse(lines: &[String]) -> (Survey, Mailbox) {
    let mut survey = Survey::default();
    lines.iter().for_each(|l| survey.push(l));
    let mut parser = Parser::new(&survey);
    lines.iter().for_each(|l| parser.push(l));
    (survey, parser.finish())
}

fn file() -> &'static std::path::Path {
    static FILE: OnceLock<std::path::PathBuf> = OnceLock::new();
    FILE.get_or_init(|| mrs_triage_fuzz::scratch_file("text"))
}

/// The batch records of a CSV download, read the way the pipeline reads
/// one (delimiter from the header line, flexible rows), with the checks on
/// each record: how many there are, and how many users (addresses, case
/// ignored) they name. `None` when the text is not a batch download.
fn batch_records(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut d = Decoder::new(bytes, usize::MAX).ok()?;
    let mut text = Vec::new();
    d.read_to_end(&mut text).ok()?;
    let first = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| first.iter().filter(|&&b| b == c).count())
        .unwrap_or(b',');
    let mut rows =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(&text[..]);
    let header: Vec<String> = rows.headers().ok()?.iter().map(str::to_string).collect();
    let columns = Columns::of(&header);
    if recognise(&header).is_some() {
        assert!(columns.is_some(), "a recognised header without columns: {header:?}");
    }
    let columns = columns?;
    let mut n = 0;
    let mut users = std::collections::BTreeSet::new();
    for row in rows.records() {
        let Ok(row) = row else { return None };
        let Some(r) = columns.record(&row) else { continue };
        assert!(!r.email.is_empty() && r.email.trim() == r.email, "address {:?}", r.email);
        for v in [&r.status, &r.object_type, &r.error].into_iter().flatten() {
            assert!(!v.is_empty() && v.trim() == v, "value {v:?} in {row:?}");
        }
        users.insert(r.email.to_lowercase());
        n += 1;
    }
    Some((n, users.len()))
}

fuzz_target!(|data: &[u8]| {
    let ls = lines(data);
    let (survey, mailbox) = parse(&ls);
    assert_eq!(mailbox.report_entries as usize, survey.entries(), "entries counted differently");
    assert!(mailbox.bad_items.len() <= survey.entries(), "more bad items than entries");
    for item in &mailbox.bad_items {
        assert!(item.timestamp.is_some(), "a logged bad item without its entry's time: {item:?}");
    }
    let (_, again) = parse(&ls);
    assert_eq!(format!("{mailbox:?}"), format!("{again:?}"), "the same lines read differently");

    let direct_batch = batch_records(data);

    // The command's own path: the kind told from the first bytes, then the
    // text read twice from the file (or the CSV read once).
    std::fs::write(file(), data).unwrap();
    let triaged = mrs_triage_fuzz::serial_pool()
        .install(|| triage(&[Source::File(file().into())], &TriageOptions::default()));
    let run = triaged.expect("the roll-up of at most one mailbox cannot fail").run;
    let input = &run.analysis.inputs[0];
    match input.kind {
        Some("text_report") if input.error.is_none() => {
            assert!(survey.is_report(), "read as a report that the survey says is none");
            assert_eq!(run.analysis.mailboxes.len(), 1, "{input:?}");
            let a = &run.analysis.mailboxes[0];
            // Bad items are counted, not kept, by default.
            assert_eq!(a.counts.total(), mailbox.bad_items.len() as u64, "pipeline vs direct");
            assert_eq!(a.mailbox.report_entries, mailbox.report_entries, "pipeline vs direct");
        }
        Some("text_report") => {
            // Not a report, or a decoding error part way: nothing is kept.
            assert!(run.analysis.mailboxes.is_empty(), "{input:?}");
        }
        Some("batch_statistics" | "batch_errors") if input.error.is_none() => {
            let (records, users) = direct_batch.expect("the pipeline read a batch download");
            assert_eq!(input.objects as usize, records, "pipeline vs direct CSV");
            // With no report in the run, each user is a mailbox of its own.
            assert_eq!(run.analysis.mailboxes.len(), users, "one mailbox per user");
            assert!(run.analysis.mailboxes.iter().all(|a| a.batch_report.is_some()));
        }
        _ => {}
    }
});
