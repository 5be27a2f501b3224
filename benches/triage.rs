//! End-to-end triage speed: one large export against a raw quick-xml pass
//! over the same bytes, a folder of many small exports on one and on two
//! threads, and what the performance pass costs of the triage.
//!
//! `cargo bench --bench triage` generates (once, cached in
//! `<target dir>/bench-data/`) a 1 GiB export of 1,000 mailboxes with 500
//! bad items each (500,000 in all; `generate --shape mixed`), every move
//! with full performance data (durations, sizes, servers, session
//! statistics, copy-progress and stall lines), and a folder of 2,000 exports
//! of one mailbox each. `cargo test --benches` (criterion's test mode) uses
//! small versions, checks the triage finds every mailbox, bad item and
//! performance record, and runs each benchmark once. Peak memory is not a
//! criterion figure: the README gives the `/usr/bin/time -v` command that
//! measures it.
//!
//! The performance pass (`performance/pass`) is timed where it runs, around
//! its own calls only, while the large export is read: each move's
//! statistics read from its value (`exchange::extract::move_stats`) and
//! analysed (`analysis::performance::analyse`), the batch and server
//! roll-ups, and the performance next steps. Its share of the triage is
//! then measured in alternating pairs (a drifting host moves criterion's
//! two separate figures apart).

use std::collections::HashSet;
use std::fs::File;
use std::hint::black_box;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use mrs_triage::analysis::{self, Analysis, Percentile, performance, rollup};
use mrs_triage::clixml::{self, Reader, RefId};
use mrs_triage::exchange::access::View;
use mrs_triage::exchange::extract::{Extracted, extract, move_stats};
use mrs_triage::pipeline::{Source, TriageOptions, triage};
use mrs_triage::remediate;
use mrs_triage::synth::samples::BulkShape;

mod common;
use common::{GENERATOR_VERSION, big_export, data_dir, full_run, raw_quick_xml, write_export};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A folder of `files` small exports (cached; complete once `.done` exists).
fn folder(files: usize, items: usize) -> Vec<PathBuf> {
    let dir = data_dir().join(format!("triage-v{GENERATOR_VERSION}-folder-{files}x{items}"));
    let paths: Vec<PathBuf> = (0..files).map(|i| dir.join(format!("export-{i:05}.xml"))).collect();
    if !dir.join(".done").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        for (i, p) in paths.iter().enumerate() {
            write_export(p, 1, items, 1000 + i as u64, BulkShape::Structured);
        }
        File::create(dir.join(".done")).unwrap();
    }
    paths
}

fn size_of(paths: &[PathBuf]) -> u64 {
    paths.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum()
}

/// What `mrs-triage FILE...` does before printing: read, classify, analyse,
/// roll up. Returns the number of mailboxes.
fn run_triage(sources: &[Source]) -> (usize, u64) {
    let triaged = triage(sources, &TriageOptions::default()).expect("roll-ups");
    assert!(triaged.errors.is_empty(), "generated inputs are valid: {:?}", triaged.errors);
    let a = &triaged.run.analysis;
    assert!(a.mailboxes.iter().all(|m| m.performance.is_some()), "every move has performance");
    (a.totals.mailboxes, a.totals.counts.total())
}

/// The performance pass over one export, timed around its own calls only:
/// per move, its statistics read from the value and analysed; then the
/// batch and server roll-ups and the performance next steps. Everything
/// else (reading, the bad items) runs untimed. Returns the time and the
/// number of performance records.
fn performance_pass(path: &Path) -> (Duration, usize) {
    let mut reader = Reader::new(BufReader::with_capacity(64 * 1024, File::open(path).unwrap()))
        .expect("generated input");
    let mut timed = Duration::ZERO;
    let mut analysed = Vec::new();
    let mut records = 0;
    while let Some(value) = reader.next_value() {
        let value = value.expect("generated input");
        let wanted: HashSet<&RefId> = reader.value_references().iter().collect();
        let found = clixml::objects_by_id(&value, &wanted);
        let resolver = |id: &RefId| found.get(id).cloned();
        let view = View::new(&resolver);
        let Extracted::Mailboxes(list) = extract(&value, view) else { continue };
        let object = value.as_object().expect("a statistics object");
        for mut m in list {
            let start = Instant::now();
            m.stats = move_stats(object, view);
            let p = performance::analyse(&m);
            timed += start.elapsed();
            records += usize::from(p.is_some());
            analysed.push(analysis::analyse(m, "bench", analysis::Keep::default()));
        }
    }
    let analysis = Analysis::new(Vec::new(), analysed, Percentile::DEFAULT).expect("roll-ups");
    let start = Instant::now();
    black_box(rollup::performance(&analysis.mailboxes, Percentile::DEFAULT).expect("roll-ups"));
    let slow = remediate::performance::slow_source_servers(&analysis);
    for a in &analysis.mailboxes {
        black_box(remediate::performance::for_mailbox(a, &slow));
    }
    timed += start.elapsed();
    (timed, records)
}

/// The performance pass's share of the triage, in alternating pairs:
/// (lowest, median, highest) over `pairs` pairs.
fn performance_share(sources: &[Source], path: &Path, pairs: usize) -> (f64, f64, f64) {
    let mut shares: Vec<f64> = (0..pairs)
        .map(|_| {
            let start = Instant::now();
            black_box(run_triage(sources));
            let whole = start.elapsed().as_secs_f64();
            let (pass, _) = performance_pass(path);
            pass.as_secs_f64() / whole
        })
        .collect();
    shares.sort_by(f64::total_cmp);
    (shares[0], shares[pairs / 2], shares[pairs - 1])
}

fn on_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap().install(f)
}

fn bench(c: &mut Criterion) {
    let full = full_run();
    let (mailboxes, items) = if full { (1000, 500) } else { (6, 20) };
    let big = big_export(mailboxes, items);
    let big_sources = vec![Source::File(big.clone())];
    let (files, file_items) = if full { (2000, 40) } else { (8, 5) };
    let small = folder(files, file_items);
    let small_sources: Vec<Source> = small.iter().cloned().map(Source::File).collect();
    let big_size = size_of(std::slice::from_ref(&big));
    let small_size = size_of(&small);
    eprintln!(
        "inputs: {} ({big_size} bytes, {} bad items), {} files in {} ({small_size} bytes)",
        big.display(),
        mailboxes * items,
        files,
        small[0].parent().unwrap().display()
    );
    // Both modes: the triage sees everything the generator wrote.
    if !full {
        assert_eq!(run_triage(&big_sources), (mailboxes, (mailboxes * items) as u64));
        let (n, found) = on_threads(1, || run_triage(&small_sources));
        assert_eq!((n, found), (files, (files * file_items) as u64));
        assert_eq!(on_threads(2, || run_triage(&small_sources)), (n, found));
    }

    let mut g = c.benchmark_group("single-export");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(if full { 60 } else { 1 }))
        .throughput(Throughput::Bytes(big_size));
    g.bench_function("raw-quick-xml", |b| {
        b.iter(|| raw_quick_xml(BufReader::with_capacity(64 * 1024, File::open(&big).unwrap())))
    });
    g.bench_function("triage", |b| b.iter(|| run_triage(&big_sources)));
    g.finish();

    let mut g = c.benchmark_group("performance");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(if full { 60 } else { 1 }))
        .throughput(Throughput::Bytes(big_size));
    g.bench_function("pass", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| performance_pass(&big).0).sum())
    });
    g.finish();
    if !full {
        assert_eq!(performance_pass(&big).1, mailboxes, "a record per generated move");
    }
    let pairs = if full { 5 } else { 1 };
    let (low, median, high) = performance_share(&big_sources, &big, pairs);
    if full {
        eprintln!(
            "performance pass / triage, {pairs} alternating pairs: median {:.2} % \
             (lowest {:.2} %, highest {:.2} %)",
            median * 100.0,
            low * 100.0,
            high * 100.0
        );
    }

    let mut g = c.benchmark_group("folder");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(if full { 30 } else { 1 }))
        .throughput(Throughput::Bytes(small_size));
    for threads in [1, 2] {
        g.bench_function(format!("triage-{threads}-thread"), |b| {
            b.iter(|| on_threads(threads, || run_triage(&small_sources)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
