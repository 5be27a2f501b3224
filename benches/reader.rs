//! Throughput of the CLIXML reader against a raw quick-xml pass over the same
//! bytes, on a generated move-report export (UTF-8 and UTF-16 LE).
//!
//! `cargo bench --bench reader` uses a file of about 200 MB (generated once
//! into `target/bench-data/`); `cargo test --benches` (criterion's test mode)
//! runs every benchmark once on a small file so CI stays fast.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mrs_triage::clixml::Reader;
use mrs_triage::clixml::writer::OutputEncoding;
use mrs_triage::decode::Decoder;
use mrs_triage::synth;

// The same allocator as the `mrs-triage` binary, so the figures are the tool's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether criterion runs real measurements (`cargo bench` passes `--bench`).
fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates (or reuses) an export of `mailboxes` × `items` bad items.
fn export(name: &str, encoding: OutputEncoding, mailboxes: usize, items: usize) -> PathBuf {
    let path = data_dir().join(format!("{name}-{mailboxes}x{items}.xml"));
    if !path.exists() {
        let tmp = path.with_extension("tmp");
        let out = BufWriter::with_capacity(1 << 20, File::create(&tmp).unwrap());
        synth::write_export(out, encoding, synth::samples::bulk_mailboxes(mailboxes, items, 42))
            .unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

/// The baseline: tokenising with quick-xml, touching every attribute.
fn raw_quick_xml<R: std::io::BufRead>(input: R) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(8192);
    let mut events = 0u64;
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes().with_checks(false) {
                    events += a.unwrap().value.len() as u64;
                }
            }
            _ => {}
        }
        events += 1;
        buf.clear();
    }
    events
}

fn read_all(path: &Path) -> usize {
    let mut n = 0;
    for v in Reader::new(File::open(path).unwrap()).unwrap() {
        std::hint::black_box(v.unwrap());
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let (mailboxes, items) = if full_run() { (120, 300) } else { (4, 20) };
    let utf8 = export("bulk-utf8", OutputEncoding::Utf8, mailboxes, items);
    let utf16 = export("bulk-utf16", OutputEncoding::Utf16LeBom, mailboxes, items);
    let size8 = std::fs::metadata(&utf8).unwrap().len();
    let size16 = std::fs::metadata(&utf16).unwrap().len();
    eprintln!("inputs: {} ({size8} bytes), {} ({size16} bytes)", utf8.display(), utf16.display());

    let mut g = c.benchmark_group("utf8");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    g.throughput(Throughput::Bytes(size8));
    g.bench_function("raw-quick-xml", |b| {
        b.iter(|| raw_quick_xml(BufReader::with_capacity(64 * 1024, File::open(&utf8).unwrap())))
    });
    g.bench_function("reader", |b| b.iter(|| read_all(&utf8)));
    g.bench_function("reader+dump", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1 << 20);
            for v in Reader::new(File::open(&utf8).unwrap()).unwrap() {
                out.clear();
                mrs_triage::dump::write_value(&mut out, &v.unwrap()).unwrap();
            }
            out.len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("utf16");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    g.throughput(Throughput::Bytes(size16));
    g.bench_function("raw-quick-xml", |b| {
        b.iter(|| raw_quick_xml(Decoder::new(File::open(&utf16).unwrap(), usize::MAX).unwrap()))
    });
    g.bench_function("reader", |b| b.iter(|| read_all(&utf16)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
