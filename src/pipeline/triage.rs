//! Triage of many inputs in parallel, or of one stream read once: every
//! input read and analysed, then rolled up into one [`Run`], in input order.

use std::io::Read;

use rayon::prelude::*;

use super::input::Source;
use super::options::{InputError, Job, TriageOptions};
use super::read;
use super::run::Run;
use super::segmented;
use crate::analysis::RollupError;

/// A triage of many inputs: the run, and what stopped each input that did
/// not read completely (by its position in the sources).
#[derive(Debug)]
pub struct Triaged {
    /// The finished run.
    pub run: Run,
    /// `(index of the source, error)`, in source order.
    pub errors: Vec<(usize, InputError)>,
}

/// Triage of many inputs in parallel; results in input order.
pub fn triage(sources: &[Source], opts: &TriageOptions) -> Result<Triaged, RollupError> {
    let job = Job::new(opts);
    // A large file is read as segments on all threads when it can be.
    let results: Vec<read::InputResult> = sources
        .par_iter()
        .map(|s| segmented::read(s, &job).unwrap_or_else(|| read::triage_input(s, &job)))
        .collect();
    collect(&job, results)
}

/// Triage of one stream that cannot be read twice (standard input, a test
/// buffer): references resolve within each top-level object.
pub fn triage_reader<R: Read>(
    name: &str,
    input: R,
    opts: &TriageOptions,
) -> Result<Run, RollupError> {
    let job = Job::new(opts);
    let result = read::triage_stream(name, input, &job);
    collect(&job, vec![result]).map(|t| t.run)
}

fn collect(job: &Job<'_>, results: Vec<read::InputResult>) -> Result<Triaged, RollupError> {
    let mut inputs = Vec::with_capacity(results.len());
    let mut mailboxes = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        let mut summary = r.summary;
        if let Some(e) = r.error {
            errors.push((i, e));
        }
        if let Some(redactor) = &job.redactor {
            redactor.input(&mut summary);
        }
        inputs.push(summary);
        for mut a in r.mailboxes {
            a.mailbox.input = i;
            mailboxes.push(a);
        }
    }
    Ok(Triaged { run: Run::new(inputs, mailboxes, job.opts.percentile)?, errors })
}
