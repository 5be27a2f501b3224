//! The triage pipeline: each input is read as a stream of top-level values,
//! each value becomes mailbox records, each record is classified and
//! analysed; inputs run in parallel and results keep input order.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use crate::aggregate;
use crate::clixml::{self, Object, Reader, RefId, RefPlan, Resolve, Value};
use crate::exchange::access::View;
use crate::exchange::extract::{Extracted, extract};
use crate::summary::{self, Analysed, InputSummary, Run};

pub use crate::input::Source;

/// Options of a triage run.
#[derive(Debug, Clone, Default)]
pub struct TriageOptions {
    /// Reader limits (`resolve` is chosen per input).
    pub reader: clixml::Options,
    /// Progress bar advanced by the bytes read (hidden when not wanted).
    pub progress: Option<indicatif::ProgressBar>,
    /// Keep every bad item (for item-level exports); otherwise only counts
    /// and principals are kept and memory stays flat.
    pub keep_items: bool,
    /// Size of the segments a large file is split into to read it on several
    /// threads (`None`: [`SEGMENT_BYTES`]; `Some(0)`: never split).
    pub segment_bytes: Option<u64>,
}

/// What reading one input produced.
#[derive(Debug)]
pub struct InputResult {
    /// The input's summary line.
    pub summary: InputSummary,
    /// Its mailboxes.
    pub mailboxes: Vec<Analysed>,
    /// The reader error, with its position, when reading stopped early.
    pub error: Option<InputError>,
}

/// Why an input could not be read completely.
#[derive(Debug, Clone)]
pub enum InputError {
    /// It could not be opened.
    Open(String),
    /// Reading failed at a position.
    Read(clixml::Error),
}

/// Reads, extracts and analyses one input.
pub fn triage_input(source: &Source, opts: &TriageOptions) -> InputResult {
    let path = source.display();
    let fail = |err: String| InputResult {
        summary: InputSummary {
            path: path.clone(),
            folder: source.folder(),
            error: Some(err.clone()),
            ..InputSummary::default()
        },
        mailboxes: Vec::new(),
        error: Some(InputError::Open(err)),
    };
    // A large file is read as segments on all threads when it can be.
    if let Some(r) = triage_segmented(source, opts) {
        return r;
    }
    // One optimistic pass: each value's references are found inside the
    // value itself. Only an input that refers back into an earlier top-level
    // value (rare: the same object output twice) is read again, after a
    // cheap pre-scan of the referenced ids, so such references resolve with
    // bounded memory. Standard input cannot be read twice.
    let first = if source.rereadable() { Pass::Optimistic } else { Pass::Stream };
    let attempt = |pass: Pass| {
        source.with_reader(|r| {
            match &opts.progress {
                Some(bar) => {
                    let bytes = AtomicU64::new(0);
                    let counted = Tally { inner: r, bytes: &bytes };
                    let result = read_input(&path, bar.wrap_read(counted), pass, opts);
                    if result.is_none() {
                        bar.dec(bytes.into_inner()); // read again below
                    }
                    result
                }
                None => read_input(&path, r, pass, opts),
            }
        })
    };
    let result = match attempt(first) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => match source.with_reader(|r| clixml::scan_references(r)) {
            Ok(Ok(plan)) => {
                attempt(Pass::Planned(plan)).map(|r| r.expect("a planned pass always finishes"))
            }
            Ok(Err(e)) | Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(mut r) => {
            r.summary.folder = source.folder();
            r
        }
        Err(e) => fail(format!("cannot open: {e}")),
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
enum Targets {
    Known(HashMap<RefId, Arc<Object>>),
    Find(Vec<RefId>),
}

/// What one top-level value became.
enum Outcome {
    Mailboxes(Vec<Analysed>),
    Other(String),
}

/// Reads, extracts and analyses one already-open input. `None`: an optimistic
/// pass met a reference into an earlier value and the input must be read
/// again with a plan.
fn read_input<R: Read>(
    path: &str,
    input: R,
    pass: Pass,
    opts: &TriageOptions,
) -> Option<InputResult> {
    let mut summary = InputSummary { path: path.to_string(), ..InputSummary::default() };
    let optimistic = matches!(pass, Pass::Optimistic);
    let (resolve, planned) = match pass {
        Pass::Planned(plan) => (Resolve::Planned(plan), true),
        Pass::Optimistic | Pass::Stream => (Resolve::None, false),
    };
    let reader_opts = clixml::Options { resolve, ..opts.reader.clone() };
    let mut reader = match Reader::with_options(input, reader_opts) {
        Ok(r) => r,
        Err(e) => {
            summary.error = Some(e.to_string());
            return Some(InputResult {
                summary,
                mailboxes: Vec::new(),
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
                match outcome_of(&value, targets, optimistic, path, opts) {
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
    Some(InputResult { summary, mailboxes, error: error.map(InputError::Read) })
}

/// Follows a value's references, extracts its records and analyses them.
/// `None` when an optimistic pass finds a reference that points outside the
/// value.
fn outcome_of(
    value: &Value,
    targets: Targets,
    optimistic: bool,
    path: &str,
    opts: &TriageOptions,
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
        Extracted::Mailboxes(list) => Outcome::Mailboxes(
            list.into_iter().map(|m| summary::analyse(m, path, opts.keep_items)).collect(),
        ),
        Extracted::Other(kind) => Outcome::Other(kind),
    })
}

/// The mailboxes of an input's outcomes, in order, numbered; other objects
/// counted in the summary.
fn assemble(summary: &mut InputSummary, outcomes: impl Iterator<Item = Outcome>) -> Vec<Analysed> {
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

/// Reads a large file as segments on the pool's threads (see
/// [`clixml::Segment`]), as [`triage`] does for files of at least twice
/// [`TriageOptions::segment_bytes`]. `None` when it cannot be split with
/// confidence or any segment fails (a reference into an earlier value, a
/// read error): [`triage`] then reads it whole, which also reports errors
/// with their exact position.
pub fn triage_segmented(source: &Source, opts: &TriageOptions) -> Option<InputResult> {
    let Source::File(file) = source else { return None };
    let target = opts.segment_bytes.unwrap_or(SEGMENT_BYTES);
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
            let part = read_part(file, &plan, i, path, opts, &abandon, &counted);
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
        if let Some(bar) = &opts.progress {
            bar.dec(counted.load(Ordering::Acquire)); // read again
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
    Some(InputResult { summary, mailboxes, error: None })
}

/// Reads segment `i` of a planned file: its values extracted and analysed in
/// order. `None` if it fails in any way, or another segment did.
fn read_part(
    file: &std::path::Path,
    plan: &clixml::scan::Plan,
    i: usize,
    path: &str,
    opts: &TriageOptions,
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
    let body = Tally { inner: f.take(end - start), bytes: counted };
    // The bar counts the file's bytes, not the prefix.
    let body: Box<dyn Read + '_> = match &opts.progress {
        Some(bar) => Box::new(bar.wrap_read(body)),
        None => Box::new(body),
    };
    let input = std::io::Cursor::new(prefix).chain(body);
    let reader_opts =
        clixml::Options { resolve: Resolve::None, segment: Some(segment), ..opts.reader.clone() };
    let mut reader = Reader::with_options(input, reader_opts).ok()?;
    let mut outcomes = Vec::new();
    while let Some(next) = reader.next_value() {
        if abandon.load(Ordering::Relaxed) {
            return None;
        }
        let value = next.ok()?;
        let targets = Targets::Find(reader.value_references().to_vec());
        outcomes.push(outcome_of(&value, targets, true, path, opts)?);
    }
    Some(Part {
        outcomes,
        objects: reader.objects_read(),
        types: reader.defined_types().to_vec(),
        encoding: reader.encoding().label(),
    })
}

/// Adds the bytes read through it to a count (to take them off the progress
/// bar when an input is read again).
struct Tally<'a, R> {
    inner: R,
    bytes: &'a AtomicU64,
}

impl<R: Read> Read for Tally<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
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

/// Triage of one stream that cannot be read twice (standard input, a test
/// buffer): references resolve within each top-level object.
pub fn triage_reader<R: Read>(name: &str, input: R, opts: &TriageOptions) -> Run {
    let result =
        read_input(name, input, Pass::Stream, opts).expect("a stream pass always finishes");
    collect(vec![result]).0
}

/// Triage of many inputs in parallel; results in input order.
pub fn triage(sources: &[Source], opts: &TriageOptions) -> (Run, Vec<(String, InputError)>) {
    collect(sources.par_iter().map(|s| triage_input(s, opts)).collect())
}

fn collect(results: Vec<InputResult>) -> (Run, Vec<(String, InputError)>) {
    let mut inputs = Vec::with_capacity(results.len());
    let mut mailboxes = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        if let Some(e) = r.error {
            errors.push((r.summary.path.clone(), e));
        }
        inputs.push(r.summary);
        for mut a in r.mailboxes {
            a.mailbox.input = i;
            mailboxes.push(a);
        }
    }
    // The frames are built column by column from the same records, so
    // polars has nothing to reject whatever the inputs held.
    let principals = aggregate::principals(&mailboxes).expect("principal roll-up frame");
    let groups = aggregate::roll_ups(&mailboxes, &inputs).expect("group roll-up frame");
    let run =
        Run { inputs, mailboxes, principals, batches: groups.batches, folders: groups.folders };
    (run, errors)
}
