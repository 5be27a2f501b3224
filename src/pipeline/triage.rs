//! Triage of many inputs in parallel, or of one stream read once: every
//! input read and analysed, then rolled up into one [`Run`], in input order.

use std::io::Read;

use rayon::prelude::*;

use super::input::Source;
use super::options::{InputError, Job, TriageOptions};
use super::outcome::InputResult;
use super::read;
use super::run::Run;
use super::segmented;
use super::sniff;
use super::text;
use crate::analysis::batch_report;
use crate::analysis::{Percentile, RollupError};

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
    read_all(sources, &job).into_triaged(opts.percentile)
}

/// Every input read and its mailboxes analysed, not yet rolled up.
pub(crate) struct Collected {
    /// Per-input outcome, in source order.
    pub inputs: Vec<crate::analysis::InputSummary>,
    /// Every mailbox, in input order.
    pub mailboxes: Vec<crate::analysis::MailboxAnalysis>,
    /// `(index of the source, error)`, in source order.
    pub errors: Vec<(usize, InputError)>,
}

impl Collected {
    fn into_triaged(self, percentile: Percentile) -> Result<Triaged, RollupError> {
        let run = Run::new(self.inputs, self.mailboxes, percentile)?;
        Ok(Triaged { run, errors: self.errors })
    }
}

/// Reads and analyses every source in parallel, in source order.
pub(crate) fn read_all(sources: &[Source], job: &Job<'_>) -> Collected {
    let results: Vec<InputResult> = sources.par_iter().map(|s| read_source(s, job)).collect();
    collect(job, results)
}

/// Triage of one stream that cannot be read twice (standard input, a test
/// buffer): references resolve within each top-level object.
pub fn triage_reader<R: Read>(
    name: &str,
    input: R,
    opts: &TriageOptions,
) -> Result<Run, RollupError> {
    let job = Job::new(opts);
    let result = read::triage_once(name, input, &job);
    collect(&job, vec![result]).into_triaged(opts.percentile).map(|t| t.run)
}

/// Reads one source by its kind: CLIXML (a large file as segments on all
/// threads when it can be), a text report, or a batch download.
fn read_source(s: &Source, job: &Job<'_>) -> InputResult {
    if matches!(s, Source::Stdin) {
        return s
            .with_reader(|r| read::triage_once(&s.display(), r, job))
            .unwrap_or_else(|e| InputResult::opening_failed(&s.display(), e));
    }
    let kind = text::kind_of(s);
    let mut r = match kind {
        sniff::Kind::Clixml => {
            segmented::read(s, job).unwrap_or_else(|| read::triage_input(s, job))
        }
        sniff::Kind::Text => text::read_text(s, job),
        sniff::Kind::Batch(_) => match s.with_reader(|r| text::read_batch(&s.display(), r, job)) {
            Ok(r) => r,
            Err(e) => InputResult::opening_failed(&s.display(), e),
        },
    };
    r.summary.folder = s.folder();
    r.summary.kind = Some(kind.key());
    r
}

fn collect(job: &Job<'_>, results: Vec<InputResult>) -> Collected {
    let mut inputs = Vec::with_capacity(results.len());
    let mut mailboxes = Vec::new();
    let mut errors = Vec::new();
    let mut batch = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        batch.extend(r.batch.into_iter().map(|(path, record)| (i, path, record)));
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
    if !batch.is_empty() {
        batch_report::join(&mut mailboxes, batch, job.opts.keep());
    }
    Collected { inputs, mailboxes, errors }
}
