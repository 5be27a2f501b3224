//! Inputs that are not CLIXML: what kind an input is, told from its first
//! bytes (never its name), and the reading of plain-text reports and of a
//! batch's CSV downloads. A text report is read twice, line by line (a
//! survey, then the parse), so memory does not grow with it; standard
//! input, which cannot be read twice, is kept in memory for the second read.

use std::io::{BufRead, Read};

use super::input::Source;
use super::options::{InputError, Job};
use super::outcome::InputResult;
use super::sniff::{HEAD, Kind, kind_of_head};
use crate::analysis::InputSummary;
use crate::clixml::decode::{Decoder, Encoding};
use crate::exchange::batch_csv::{BatchRecord, Columns};
use crate::exchange::text_report::{Parser, Survey};

/// The kind of a source (an unreadable one counts as CLIXML: its reader
/// reports why).
pub(crate) fn kind_of(source: &Source) -> Kind {
    if matches!(source, Source::Stdin) {
        return Kind::Clixml; // peeked by `read_stdin` instead
    }
    source
        .with_reader(|r| {
            let mut head = Vec::with_capacity(HEAD as usize);
            let _ = r.take(HEAD).read_to_end(&mut head);
            kind_of_head(&head)
        })
        .unwrap_or(Kind::Clixml)
}

/// Feeds every line of an input (decoded, line breaks removed) to `f`.
fn each_line(input: impl Read, mut f: impl FnMut(&str)) -> std::io::Result<Encoding> {
    let mut d = Decoder::new(input, usize::MAX)?;
    let encoding = d.encoding();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if d.read_until(b'\n', &mut buf)? == 0 {
            return Ok(encoding);
        }
        let line = String::from_utf8_lossy(&buf);
        f(line.trim_end_matches(['\n', '\r']));
    }
}

/// What stopped reading a text: bytes that are no text in the encoding the
/// input was read in are a data error at their byte (a binary file named
/// `.txt` or `.xml` opens fine), anything else a failure to read it.
fn read_failed(e: std::io::Error) -> InputError {
    use crate::clixml::decode::DecodeError;
    use crate::clixml::{Error, ErrorKind, Position};
    let Some(d) = e.get_ref().and_then(|inner| inner.downcast_ref::<DecodeError>()) else {
        return InputError::Open(e);
    };
    InputError::Read(Error {
        kind: ErrorKind::from(d.kind),
        position: Position { offset: d.src_offset, ..Position::default() },
    })
}

fn failed(path: &str, summary: InputSummary, error: InputError) -> InputResult {
    InputResult {
        summary: InputSummary { path: path.to_string(), error: Some(error.to_string()), ..summary },
        mailboxes: Vec::new(),
        batch: Vec::new(),
        error: Some(error),
    }
}

/// Reads a text report from a source that can be read twice.
pub(crate) fn read_text(source: &Source, job: &Job<'_>) -> InputResult {
    let path = source.display();
    let mut survey = Survey::default();
    let encoding = match source.with_reader(|r| each_line(r, |l| survey.push(l))) {
        Ok(Ok(e)) => e,
        Ok(Err(e)) => return failed(&path, InputSummary::default(), read_failed(e)),
        Err(e) => return failed(&path, InputSummary::default(), InputError::Open(e)),
    };
    if !survey.is_report() {
        return failed(
            &path,
            InputSummary { encoding: Some(encoding.label()), ..Default::default() },
            InputError::NotAReport,
        );
    }
    let mut parser = Parser::new(&survey);
    match source.with_reader(|r| each_line(r, |l| parser.push(l))) {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return failed(&path, InputSummary::default(), read_failed(e)),
        Err(e) => return failed(&path, InputSummary::default(), InputError::Open(e)),
    }
    text_result(&path, encoding, parser, job)
}

/// Reads a text report already in memory (standard input).
pub(crate) fn read_text_bytes(path: &str, bytes: &[u8], job: &Job<'_>) -> InputResult {
    let mut survey = Survey::default();
    let encoding = match each_line(bytes, |l| survey.push(l)) {
        Ok(e) => e,
        Err(e) => return failed(path, InputSummary::default(), read_failed(e)),
    };
    if !survey.is_report() {
        return failed(
            path,
            InputSummary { encoding: Some(encoding.label()), ..Default::default() },
            InputError::NotAReport,
        );
    }
    let mut parser = Parser::new(&survey);
    let _ = each_line(bytes, |l| parser.push(l));
    text_result(path, encoding, parser, job)
}

fn text_result(path: &str, encoding: Encoding, parser: Parser, job: &Job<'_>) -> InputResult {
    let mut a = job.analyse(parser.finish(), path);
    a.mailbox.index = 0;
    InputResult {
        summary: InputSummary {
            path: path.to_string(),
            encoding: Some(encoding.label()),
            objects: 1,
            mailboxes: 1,
            ..InputSummary::default()
        },
        mailboxes: vec![a],
        batch: Vec::new(),
        error: None,
    }
}

/// Reads a batch download's users.
pub(crate) fn read_batch(path: &str, input: impl Read, job: &Job<'_>) -> InputResult {
    let mut d = match Decoder::new(input, usize::MAX) {
        Ok(d) => d,
        Err(e) => return failed(path, InputSummary::default(), InputError::Open(e)),
    };
    let encoding = d.encoding();
    let mut text = Vec::new();
    let mut first = String::new();
    // The header decides the delimiter (Excel in some locales saves `;`).
    if let Err(e) = d.read_line(&mut first) {
        return failed(path, InputSummary::default(), InputError::Open(e));
    }
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| first.bytes().filter(|&b| b == c).count())
        .unwrap_or(b',');
    text.extend_from_slice(first.as_bytes());
    let mut rows = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Cursor::new(text).chain(d));
    let header: Vec<String> = match rows.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            return failed(
                path,
                InputSummary::default(),
                InputError::Open(std::io::Error::other(e)),
            );
        }
    };
    let Some(columns) = Columns::of(&header) else {
        return failed(path, InputSummary::default(), InputError::NotAReport);
    };
    let mut batch = Vec::new();
    for row in rows.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                return failed(
                    path,
                    InputSummary::default(),
                    InputError::Open(std::io::Error::other(e)),
                );
            }
        };
        if let Some(mut r) = columns.record(&row) {
            if let Some(redactor) = &job.redactor {
                redactor.batch_record(&mut r);
            }
            batch.push(r);
        }
    }
    InputResult {
        summary: InputSummary {
            path: path.to_string(),
            encoding: Some(encoding.label()),
            objects: batch.len() as u64,
            ..InputSummary::default()
        },
        mailboxes: Vec::new(),
        batch: batch.into_iter().map(|r: BatchRecord| (path.to_string(), r)).collect(),
        error: None,
    }
}
