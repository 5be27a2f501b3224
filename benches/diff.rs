//! What `mrs-triage diff` costs against two summaries of the same inputs:
//! both read the two sides (the large generated export of `benches/triage.rs`,
//! 1,000 mailboxes with 500 bad items each, as the old and as the new
//! export), but the diff keeps each bad item's identity until it has matched
//! them all (every item of both sides is matched: the most work a diff of
//! this size can do), where a summary keeps counts. A raw quick-xml pass
//! over both sides is the baseline. `cargo test --benches` uses a small
//! export and checks the comparison finds every item unchanged.

use std::fs::File;
use std::io::BufReader;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use mrs_triage::pipeline::{Source, TriageOptions, compare, triage};

mod common;
use common::{big_export, full_run, raw_quick_xml};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Two summaries, one per side: mailboxes and bad items of both.
fn two_summaries(old: &[Source], new: &[Source]) -> (usize, u64) {
    let mut found = (0, 0);
    for side in [old, new] {
        let t = triage(side, &TriageOptions::default()).expect("roll-ups");
        assert!(t.errors.is_empty());
        found.0 += t.run.analysis.totals.mailboxes;
        found.1 += t.run.analysis.totals.counts.total();
    }
    found
}

/// The comparison: mailboxes compared and bad items matched.
fn diff(old: &[Source], new: &[Source]) -> (usize, u64) {
    let c = compare(old, new, &TriageOptions::default());
    assert!(c.old.errors.is_empty() && c.new.errors.is_empty());
    (c.diff.mailboxes.len(), c.diff.totals.items_unchanged)
}

fn bench(c: &mut Criterion) {
    let full = full_run();
    let (mailboxes, items) = if full { (1000, 500) } else { (6, 20) };
    let big = big_export(mailboxes, items);
    let side = vec![Source::File(big.clone())];
    let size = std::fs::metadata(&big).unwrap().len();
    if !full {
        let n = (mailboxes * items) as u64;
        assert_eq!(two_summaries(&side, &side), (2 * mailboxes, 2 * n));
        assert_eq!(diff(&side, &side), (mailboxes, n), "every item of both sides matched");
    }
    let mut g = c.benchmark_group("diff");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(if full { 60 } else { 1 }))
        .throughput(Throughput::Bytes(2 * size));
    g.bench_function("raw-quick-xml", |b| {
        b.iter(|| {
            for _ in 0..2 {
                raw_quick_xml(BufReader::with_capacity(64 * 1024, File::open(&big).unwrap()));
            }
        })
    });
    g.bench_function("two-summaries", |b| b.iter(|| two_summaries(&side, &side)));
    g.bench_function("diff", |b| b.iter(|| diff(&side, &side)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
