//! The engine from another program: triage a folder (or files, globs, zip
//! archives) of move-report exports, print each mailbox's verdict and most
//! urgent next step, and write the summary JSON.
//!
//! `cargo run --example triage -- samples/ summary.json`

use mrs_triage::output::{self, Target, summary_json::SummaryJson};
use mrs_triage::pipeline::{self, TriageOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let input = args.next().unwrap_or_else(|| "samples".into());
    let json = args.next();

    let (sources, not_found) = pipeline::discover(&[input.into()]);
    for e in &not_found {
        eprintln!("{e}");
    }
    let triaged = pipeline::triage(&sources, &TriageOptions::default())?;
    for (i, e) in &triaged.errors {
        eprintln!("{}: {e}", sources[*i].display());
    }
    let run = &triaged.run;
    for (mailbox, steps) in run.mailboxes() {
        let first = steps.first().map_or("nothing to do", |s| s.id.key());
        println!("{:<24} {:<18} {first}", mailbox.label(), mailbox.verdict);
    }
    let t = &run.analysis.totals;
    println!(
        "{} mailboxes, {} bad items, {} principals",
        t.mailboxes,
        t.counts.total(),
        run.analysis.principals.len()
    );
    if let Some(path) = json {
        output::write(&SummaryJson, run, &Target::File(path.into()))?;
    }
    Ok(())
}
