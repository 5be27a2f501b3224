//! Fuzz target: a file read as parallel segments must give exactly what
//! reading it whole gives (summary and errors), whatever its bytes; and the
//! segment scan must never panic. Seeded with generated multi-mailbox
//! exports in every encoding, so mutations land near value boundaries and
//! type lists.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mrs_triage::output::{Exporter, Stream, summary_json::SummaryJson};
use mrs_triage::pipeline::{Source, TriageOptions, triage};

fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap())
}

fn file() -> &'static std::path::Path {
    static FILE: OnceLock<std::path::PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("mrs-triage-fuzz-segments-{}.xml", std::process::id()))
    })
}

fn summary(segment_bytes: u64) -> (String, String) {
    let opts = TriageOptions { segment_bytes: Some(segment_bytes), ..TriageOptions::default() };
    let triaged = pool().install(|| triage(&[Source::File(file().into())], &opts)).unwrap();
    let mut out = Vec::new();
    SummaryJson.export(&triaged.run, &mut Stream(&mut out)).unwrap();
    (String::from_utf8(out).unwrap(), format!("{:?}", triaged.errors))
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, body)) = data.split_first() else { return };
    std::fs::write(file(), body).unwrap();
    // From two segments to many small ones.
    let segment_bytes = 1 + body.len() as u64 / (2 + u64::from(split % 32));
    assert_eq!(summary(segment_bytes), summary(0), "segments differ from a whole read");
});
