//! A large file read as parallel segments: the segment plan of
//! [`clixml::Segment`] gives each pool thread a range of whole top-level
//! values; nothing is taken on trust, and any doubt falls back to reading
//! the file whole.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::input::Source;
use super::options::{Job, TriageOptions};
use super::outcome::InputResult;
use super::read::{Outcome, Tally, Targets, assemble, outcome_of};
use crate::analysis::InputSummary;
use crate::clixml::{self, Reader, RefId, Resolve};

/// Inputs at least twice this size are read as parallel segments of about
/// this size, when the pool has more than one thread.
pub const SEGMENT_BYTES: u64 = 32 << 20;

/// One segment's share of an input.
struct Part {
    outcomes: Vec<Outcome>,
    objects: u64,
    types: Vec<(RefId, Arc<[String]>)>,
    encoding: &'static str,
}

/// Whether a file is read as parallel segments with these options (the
/// segmented read succeeds) rather than whole: for tests and diagnostics.
pub fn reads_in_segments(source: &Source, opts: &TriageOptions) -> bool {
    read(source, &Job::new(opts)).is_some()
}

/// Reads a large file as segments on the pool's threads (see
/// [`clixml::Segment`]), as the triage does for files of at least twice
/// [`TriageOptions::segment_bytes`]. `None` when it cannot be split with
/// confidence or any segment fails (a reference into an earlier value, a
/// read error): the file is then read whole, which also reports errors with
/// their exact position.
pub(crate) fn read(source: &Source, job: &Job<'_>) -> Option<InputResult> {
    let Source::File(file) = source else { return None };
    let target = job.opts.segment_bytes.unwrap_or(SEGMENT_BYTES);
    if rayon::current_num_threads() < 2 || target == 0 {
        return None;
    }
    let path = &source.display();
    let plan = clixml::scan::plan(file, target).ok()??;
    let abandon = AtomicBool::new(false);
    let counted = AtomicU64::new(0);
    let parts: Option<Vec<Part>> = (0..plan.ranges.len())
        .into_par_iter()
        .map(|i| {
            let part = read_part(file, &plan, i, path, job, &abandon, &counted);
            if part.is_none() {
                abandon.store(true, Ordering::Release);
            }
            part
        })
        .collect();
    // The segments must have defined exactly the type lists the scan found
    // (and used to start each segment).
    let parts = parts.filter(|parts| {
        let mut defined = parts.iter().flat_map(|p| &p.types);
        plan.types
            .iter()
            .all(|(_, id, names)| defined.next().is_some_and(|d| (&d.0, &d.1) == (id, names)))
            && defined.next().is_none()
    });
    let Some(parts) = parts else {
        if let Some(p) = &job.opts.progress {
            p.rewind(counted.load(Ordering::Acquire)); // read again
        }
        return None;
    };
    let mut summary = InputSummary {
        path: path.clone(),
        folder: source.folder(),
        encoding: parts.first().map(|p| p.encoding),
        objects: parts.iter().map(|p| p.objects).sum(),
        ..InputSummary::default()
    };
    let mailboxes = assemble(&mut summary, parts.into_iter().flat_map(|p| p.outcomes));
    summary.mailboxes = mailboxes.len();
    Some(InputResult { summary, mailboxes, batch: Vec::new(), error: None })
}

/// Reads segment `i` of a planned file: its values extracted and analysed in
/// order. `None` if it fails in any way, or another segment did.
fn read_part(
    file: &std::path::Path,
    plan: &clixml::scan::Plan,
    i: usize,
    path: &str,
    job: &Job<'_>,
    abandon: &AtomicBool,
    counted: &AtomicU64,
) -> Option<Part> {
    use std::io::{Seek, SeekFrom};
    if abandon.load(Ordering::Acquire) {
        return None;
    }
    let (start, end) = plan.ranges[i];
    let mut f = std::fs::File::open(file).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let (prefix, segment) = plan.segment(i);
    // Progress counts the file's bytes, not the prefix.
    let progress = job.opts.progress.as_deref();
    let body = Tally { inner: f.take(end - start), bytes: counted, progress };
    let input = std::io::Cursor::new(prefix).chain(body);
    let reader_opts = clixml::Options {
        resolve: Resolve::None,
        segment: Some(segment),
        ..job.opts.reader.clone()
    };
    let mut reader = Reader::with_options(input, reader_opts).ok()?;
    let mut outcomes = Vec::new();
    while let Some(next) = reader.next_value() {
        if abandon.load(Ordering::Relaxed) {
            return None;
        }
        let value = next.ok()?;
        let targets = Targets::Find(reader.value_references().to_vec());
        outcomes.push(outcome_of(&value, targets, true, path, job)?);
    }
    Some(Part {
        outcomes,
        objects: reader.objects_read(),
        types: reader.defined_types().to_vec(),
        encoding: reader.encoding().label(),
    })
}
