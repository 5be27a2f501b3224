//! What the benches share: criterion's mode, the data folder, the large
//! generated export, and the baseline raw quick-xml pass every throughput is
//! compared with.

#![allow(dead_code)] // each bench uses its own part

use std::fs::File;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use mrs_triage::clixml::writer::OutputEncoding;
use mrs_triage::synth::samples::{BulkShape, bulk_mailboxes};

/// Whether criterion runs real measurements (`cargo bench` passes `--bench`).
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// `<target dir>/bench-data`: the bench executable lives in
/// `<target dir>/<profile>/deps/`, which also honours `CARGO_TARGET_DIR`.
pub fn data_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("bench executable path");
    let dir = exe
        .ancestors()
        .nth(3)
        .map(|target| target.join("bench-data"))
        .unwrap_or_else(|| std::env::temp_dir().join("mrs-triage-bench-data"));
    std::fs::create_dir_all(&dir).expect("create bench data dir");
    dir
}

/// Bumped whenever the generated content changes, so stale files are not reused.
pub const GENERATOR_VERSION: u32 = 2;

pub fn write_export(path: &Path, mailboxes: usize, items: usize, seed: u64, shape: BulkShape) {
    let tmp = path.with_extension("tmp");
    let out = BufWriter::with_capacity(1 << 20, File::create(&tmp).unwrap());
    mrs_triage::synth::write_export(
        out,
        OutputEncoding::Utf8,
        bulk_mailboxes(mailboxes, items, seed, shape),
    )
    .unwrap()
    .flush()
    .unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// The large single export (cached).
pub fn big_export(mailboxes: usize, items: usize) -> PathBuf {
    let path =
        data_dir().join(format!("triage-v{GENERATOR_VERSION}-mixed-{mailboxes}x{items}.xml"));
    if !path.exists() {
        let started = std::time::Instant::now();
        write_export(&path, mailboxes, items, 42, BulkShape::Mixed);
        eprintln!("generated {} in {:.1?}", path.display(), started.elapsed());
    }
    path
}

// ---------------------------------------------------------------------------
// The baseline.

/// The baseline: quick-xml tokenising with its default configuration (which is
/// the reader's: end names checked, text not trimmed), touching every event
/// and every attribute. Returns the number of top-level values (children of
/// the root) and a checksum.
pub fn raw_quick_xml<R: BufRead>(input: R) -> (u64, u64) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(8 * 1024);
    let (mut depth, mut top, mut sum) = (0u32, 0u64, 0u64);
    loop {
        match reader.read_event_into(&mut buf).expect("well-formed input") {
            Event::Eof => break,
            Event::Start(e) => {
                sum += touch(&e);
                top += u64::from(depth == 1);
                depth += 1;
            }
            Event::Empty(e) => {
                sum += touch(&e);
                top += u64::from(depth == 1);
            }
            Event::End(e) => {
                sum += e.name().as_ref().len() as u64;
                depth -= 1;
            }
            Event::Text(t) => sum += t.len() as u64,
            Event::GeneralRef(r) => sum += r.len() as u64,
            Event::CData(c) => sum += c.len() as u64,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => sum += 1,
        }
        buf.clear();
    }
    (top, sum)
}

/// Reads a tag's name and every attribute, as any consumer must.
fn touch(e: &quick_xml::events::BytesStart<'_>) -> u64 {
    let mut sum = e.name().as_ref().len() as u64;
    for a in e.attributes().with_checks(false) {
        let a = a.expect("well-formed attribute");
        sum += (a.key.as_ref().len() + a.value.len()) as u64;
    }
    sum
}
