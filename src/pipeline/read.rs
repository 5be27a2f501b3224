//! Reading one input: a stream of top-level values, each turned into mailbox
//! records that are analysed as pool tasks while reading goes on, with
//! `Ref`s followed inside each value and, only where an input refers back
//! into an earlier value, a second, planned pass.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use super::input::Source;
use super::options::{InputError, Job, Progress};
use super::outcome::InputResult;
use super::sniff;
use super::text;
use crate::analysis::{InputSummary, MailboxAnalysis};
use crate::clixml::decode::Encoding;
use crate::clixml::{self, Object, Reader, RefId, RefPlan, Resolve, Value};
use crate::exchange::access::View;
use crate::exchange::extract::{Extracted, extract};

/// Reads, extracts and analyses one input, whole. An input without a byte
/// order mark that is not valid UTF-8 is read again as Windows-1252, the
/// ANSI code page `Export-Clixml -Encoding Default` writes without saying so.
pub(crate) fn triage_input(source: &Source, job: &Job<'_>) -> InputResult {
    let (r, bytes) = read_whole(source, job, None);
    let retry = match &r.error {
        Some(InputError::Read(e)) => source.read_as_windows_1252(e, r.summary.encoding),
        _ => false,
    };
    if !retry {
        return r;
    }
    if let Some(p) = job.opts.progress.as_deref() {
        p.rewind(bytes);
    }
    let (mut r, _) = read_whole(source, job, Some(Encoding::Windows1252));
    r.summary.note = Some(super::input::WINDOWS_1252_NOTE.into());
    r
}

/// One whole reading of an input (`encoding`: forced for an input without
/// BOM), and the bytes it read.
fn read_whole(source: &Source, job: &Job<'_>, encoding: Option<Encoding>) -> (InputResult, u64) {
    let path = source.display();
    let total = AtomicU64::new(0);
    // One optimistic pass: each value's references are found inside the
    // value itself. Only an input that refers back into an earlier top-level
    // value (rare: the same object output twice) is read again, after a
    // cheap pre-scan of the referenced ids, so such references resolve with
    // bounded memory. Standard input cannot be read twice.
    let first = if source.rereadable() { Pass::Optimistic } else { Pass::Stream };
    let progress = job.opts.progress.as_deref();
    let attempt = |pass: Pass| {
        source.with_reader(|r| {
            let bytes = AtomicU64::new(0);
            let input = Tally { inner: r, bytes: &bytes, progress };
            let result = read_input(&path, input, pass, encoding, job);
            let bytes = bytes.into_inner();
            if result.is_none()
                && let Some(p) = progress
            {
                p.rewind(bytes); // read again below
            }
            total.store(bytes, Ordering::Relaxed);
            result
        })
    };
    let result = match attempt(first) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => match source.with_reader(|r| clixml::scan_references(r)) {
            Ok(Ok(plan)) => attempt(Pass::Planned(plan)).map(|r| match r {
                Some(r) => r,
                // A planned pass never asks for another plan.
                None => unreachable_pass(&path),
            }),
            Ok(Err(e)) | Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let mut r = match result {
        Ok(r) => r,
        Err(e) => InputResult {
            summary: InputSummary {
                path: path.clone(),
                error: Some(format!("cannot open: {e}")),
                ..InputSummary::default()
            },
            mailboxes: Vec::new(),
            batch: Vec::new(),
            error: Some(InputError::Open(e)),
        },
    };
    r.summary.folder = source.folder();
    (r, total.into_inner())
}

/// One stream read once (standard input, a buffer): its kind told from its
/// first bytes; CLIXML streamed (references resolve within each top-level
/// value), a text report kept in memory for its second read.
pub(crate) fn triage_once<R: Read>(name: &str, input: R, job: &Job<'_>) -> InputResult {
    let progress = job.opts.progress.as_deref();
    let bytes = AtomicU64::new(0);
    let mut input = Tally { inner: input, bytes: &bytes, progress };
    let mut head = Vec::with_capacity(16 * 1024);
    if let Err(e) = (&mut input).take(16 * 1024).read_to_end(&mut head) {
        return InputResult::opening_failed(name, e);
    }
    let kind = sniff::kind_of_head(&head);
    let mut whole = std::io::Cursor::new(head).chain(input);
    let mut r = match kind {
        sniff::Kind::Clixml => match read_input(name, whole, Pass::Stream, None, job) {
            Some(r) => r,
            None => unreachable_pass(name),
        },
        sniff::Kind::Batch(_) => text::read_batch(name, whole, job),
        sniff::Kind::Text => {
            let mut all = Vec::new();
            match whole.read_to_end(&mut all) {
                Ok(_) => text::read_text_bytes(name, &all, job),
                Err(e) => InputResult::opening_failed(name, e),
            }
        }
    };
    r.summary.kind = Some(kind.key());
    r
}

/// A pass that cannot ask for a re-read did: report it as an input error
/// rather than panic (it would be a bug of the reader's reference list).
fn unreachable_pass(path: &str) -> InputResult {
    let e = std::io::Error::other("internal error: a final pass asked to be read again");
    InputResult {
        summary: InputSummary {
            path: path.to_string(),
            error: Some(e.to_string()),
            ..InputSummary::default()
        },
        mailboxes: Vec::new(),
        batch: Vec::new(),
        error: Some(InputError::Open(e)),
    }
}

/// How one reading of an input resolves `Ref`s.
enum Pass {
    /// Each value's references are found inside the value; a reference into
    /// an earlier value ends the pass, asking for a planned one.
    Optimistic,
    /// The same, but a reference into an earlier value stays unresolved
    /// (the input cannot be read twice).
    Stream,
    /// After the pre-scan: the reader retains every object referenced later.
    Planned(RefPlan),
}

/// The objects a value's references point to: already known (planned pass),
/// or to be found in the value itself.
pub(crate) enum Targets {
    Known(HashMap<RefId, Arc<Object>>),
    Find(Vec<RefId>),
}

/// What one top-level value became.
pub(crate) enum Outcome {
    Mailboxes(Vec<MailboxAnalysis>),
    Other(String),
}

/// Reads, extracts and analyses one already-open input. `None`: an optimistic
/// pass met a reference into an earlier value and the input must be read
/// again with a plan.
fn read_input<R: Read>(
    path: &str,
    input: R,
    pass: Pass,
    encoding: Option<Encoding>,
    job: &Job<'_>,
) -> Option<InputResult> {
    let mut summary = InputSummary { path: path.to_string(), ..InputSummary::default() };
    let optimistic = matches!(pass, Pass::Optimistic);
    let (resolve, planned) = match pass {
        Pass::Planned(plan) => (Resolve::Planned(plan), true),
        Pass::Optimistic | Pass::Stream => (Resolve::None, false),
    };
    let reader_opts = clixml::Options { resolve, encoding, ..job.opts.reader.clone() };
    let mut reader = match Reader::with_options(input, reader_opts) {
        Ok(r) => r,
        Err(e) => {
            summary.error = Some(e.to_string());
            return Some(InputResult {
                summary,
                mailboxes: Vec::new(),
                batch: Vec::new(),
                error: Some(InputError::Read(e)),
            });
        }
    };
    summary.encoding = Some(reader.encoding().label());
    // Reading stays on this thread (the reader is not shared); following each
    // value's references, extracting its records, classifying them and
    // freeing the value run as pool tasks, so one large input keeps both
    // cores busy. At most MAX_IN_FLIGHT values wait for a task, which bounds
    // memory.
    const MAX_IN_FLIGHT: usize = 4;
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let in_flight = AtomicUsize::new(0);
    let needs_plan = AtomicBool::new(false);
    let mut error = None;
    rayon::in_place_scope(|scope| {
        let mut seq = 0usize;
        while let Some(next) = reader.next_value() {
            if needs_plan.load(Ordering::Acquire) {
                break;
            }
            let value = match next {
                Ok(v) => v,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            };
            let refs = reader.value_references();
            let targets = if planned {
                Targets::Known(
                    refs.iter()
                        .filter_map(|id| reader.resolve(id).map(|o| (id.clone(), o.clone())))
                        .collect(),
                )
            } else {
                Targets::Find(refs.to_vec())
            };
            wait_for_room(&in_flight, MAX_IN_FLIGHT);
            in_flight.fetch_add(1, Ordering::AcqRel);
            let (tx, in_flight, needs_plan) = (tx.clone(), &in_flight, &needs_plan);
            scope.spawn(move |_| {
                match outcome_of(&value, targets, optimistic, path, job) {
                    // The receiver outlives the scope: this cannot fail.
                    Some(outcome) => drop(tx.send((seq, outcome))),
                    None => needs_plan.store(true, Ordering::Release),
                }
                drop(value); // freed before it stops counting as pending
                in_flight.fetch_sub(1, Ordering::AcqRel);
            });
            seq += 1;
        }
    });
    if needs_plan.into_inner() {
        return None;
    }
    drop(tx);
    let mut outcomes: Vec<(usize, Outcome)> = rx.into_iter().collect();
    outcomes.sort_unstable_by_key(|(seq, _)| *seq);
    let mailboxes = assemble(&mut summary, outcomes.into_iter().map(|(_, o)| o));
    summary.objects = reader.objects_read();
    summary.mailboxes = mailboxes.len();
    summary.error = error.as_ref().map(ToString::to_string);
    Some(InputResult { summary, mailboxes, batch: Vec::new(), error: error.map(InputError::Read) })
}

/// Follows a value's references, extracts its records and analyses them.
/// `None` when an optimistic pass finds a reference that points outside the
/// value.
pub(crate) fn outcome_of(
    value: &Value,
    targets: Targets,
    optimistic: bool,
    path: &str,
    job: &Job<'_>,
) -> Option<Outcome> {
    let found = match targets {
        Targets::Known(map) => map,
        Targets::Find(ids) => {
            let wanted: HashSet<&RefId> = ids.iter().collect();
            let map = clixml::objects_by_id(value, &wanted);
            if optimistic && map.len() < wanted.len() {
                return None;
            }
            map
        }
    };
    let resolver = |id: &RefId| found.get(id).cloned();
    Some(match extract(value, View::new(&resolver)) {
        Extracted::Mailboxes(list) => {
            Outcome::Mailboxes(list.into_iter().map(|m| job.analyse(m, path)).collect())
        }
        Extracted::Other(kind) => Outcome::Other(kind),
    })
}

/// The mailboxes of an input's outcomes, in order, numbered; other objects
/// counted in the summary.
pub(crate) fn assemble(
    summary: &mut InputSummary,
    outcomes: impl Iterator<Item = Outcome>,
) -> Vec<MailboxAnalysis> {
    let mut mailboxes = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Mailboxes(list) => {
                for mut a in list {
                    a.mailbox.index = mailboxes.len();
                    mailboxes.push(a);
                }
            }
            Outcome::Other(kind) => *summary.other_objects.entry(kind).or_insert(0) += 1,
        }
    }
    mailboxes
}

/// Counts the bytes read through it (to take them off the progress when an
/// input is read again) and tells the progress.
pub(crate) struct Tally<'a, R> {
    pub inner: R,
    pub bytes: &'a AtomicU64,
    pub progress: Option<&'a dyn Progress>,
}

impl<R: Read> Read for Tally<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(p) = self.progress {
            p.advance(n as u64);
        }
        Ok(n)
    }
}

/// Waits until fewer than `max` tasks are pending, running this thread's own
/// queued tasks meanwhile (on a one-thread pool nobody else can). Only local
/// work: stealing here could nest another whole input inside this one.
fn wait_for_room(in_flight: &AtomicUsize, max: usize) {
    while in_flight.load(Ordering::Acquire) >= max {
        match rayon::yield_local() {
            Some(rayon::Yield::Executed) => {}
            _ => std::thread::yield_now(),
        }
    }
}
