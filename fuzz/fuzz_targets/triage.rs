//! Fuzz target: arbitrary bytes through the whole triage pipeline (reader,
//! extraction of move-report records, classification, verdicts, JSON and
//! table output). Seeded with the bundled samples, so mutations stay close
//! to real move reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mrs_triage::triage::{TriageOptions, triage_reader};

fuzz_target!(|data: &[u8]| {
    let run = triage_reader("fuzz", data, &TriageOptions::default());
    let mut out = Vec::new();
    mrs_triage::output::json::write(&mut out, &run).unwrap();
    let style = mrs_triage::output::table::TableStyle { color: false, ascii: true, width: 100 };
    mrs_triage::output::table::write(&mut out, &run, style).unwrap();
});
