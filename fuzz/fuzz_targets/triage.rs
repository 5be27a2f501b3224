//! Fuzz target: arbitrary bytes through the whole triage pipeline (reader,
//! extraction of move-report records, classification, verdicts, JSON and
//! table output). Seeded with the bundled samples, so mutations stay close
//! to real move reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mrs_triage::output::table::{TableStyle, Terminal};
use mrs_triage::output::{Exporter, Stream, summary_json::SummaryJson};
use mrs_triage::pipeline::{TriageOptions, triage_reader};

fuzz_target!(|data: &[u8]| {
    let run = triage_reader("fuzz", data, &TriageOptions::default()).unwrap();
    let mut out = Vec::new();
    SummaryJson.export(&run, &mut Stream(&mut out)).unwrap();
    let style = TableStyle { color: false, ascii: true, width: 100, steps: true };
    Terminal(style).export(&run, &mut Stream(&mut out)).unwrap();
});
