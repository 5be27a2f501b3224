//! The triage pipeline: each input is read as a stream of top-level values,
//! each value becomes mailbox records, each record is classified and
//! analysed; inputs run in parallel and results keep input order.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::aggregate;
use crate::clixml::{self, Reader, Resolve};
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
            encoding: None,
            objects: 0,
            mailboxes: 0,
            other_objects: BTreeMap::new(),
            error: Some(err.clone()),
        },
        mailboxes: Vec::new(),
        error: Some(InputError::Open(err)),
    };
    // Inputs that can be read twice get a cheap pre-scan of the referenced
    // ids, so references across top-level objects resolve with bounded memory.
    let resolve = if source.rereadable() {
        match source.with_reader(|r| clixml::scan_references(r)) {
            Ok(Ok(plan)) => Resolve::Planned(plan),
            Ok(Err(e)) | Err(e) => return fail(format!("cannot open: {e}")),
        }
    } else {
        Resolve::CurrentValue
    };
    let result = source.with_reader(|r| match &opts.progress {
        Some(bar) => read_input(&path, bar.wrap_read(r), resolve, opts),
        None => read_input(&path, r, resolve, opts),
    });
    match result {
        Ok(mut r) => {
            r.summary.folder = source.folder();
            r
        }
        Err(e) => fail(format!("cannot open: {e}")),
    }
}

/// Reads, extracts and analyses one already-open input.
fn read_input<R: Read>(
    path: &str,
    input: R,
    resolve: Resolve,
    opts: &TriageOptions,
) -> InputResult {
    let mut summary = InputSummary {
        path: path.to_string(),
        folder: String::new(),
        encoding: None,
        objects: 0,
        mailboxes: 0,
        other_objects: BTreeMap::new(),
        error: None,
    };
    let reader_opts = clixml::Options { resolve, ..opts.reader.clone() };
    let mut reader = match Reader::with_options(input, reader_opts) {
        Ok(r) => r,
        Err(e) => {
            summary.error = Some(e.to_string());
            return InputResult {
                summary,
                mailboxes: Vec::new(),
                error: Some(InputError::Read(e)),
            };
        }
    };
    summary.encoding = Some(reader.encoding().label());
    // Reading stays on this thread (the reader and its reference table are
    // not shared); classifying each record, and freeing the value it came
    // from, run as pool tasks, so one large input keeps both cores busy.
    // At most MAX_IN_FLIGHT records wait for a task, which bounds memory.
    const MAX_IN_FLIGHT: usize = 2;
    let (tx, rx) = mpsc::channel::<(usize, Analysed)>();
    let in_flight = AtomicUsize::new(0);
    let mut index = 0usize;
    let mut error = None;
    rayon::in_place_scope(|scope| {
        while let Some(next) = reader.next_value() {
            let value = match next {
                Ok(v) => v,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            };
            let resolver = |id: &clixml::RefId| reader.resolve(id).cloned();
            match extract(&value, View::new(&resolver)) {
                Extracted::Mailboxes(list) => {
                    let first = index;
                    index += list.len();
                    wait_for_room(&in_flight, MAX_IN_FLIGHT);
                    in_flight.fetch_add(1, Ordering::AcqRel);
                    let (tx, in_flight) = (tx.clone(), &in_flight);
                    drop(value);
                    scope.spawn(move |_| {
                        for (k, mut m) in list.into_iter().enumerate() {
                            m.index = first + k;
                            // The receiver outlives the scope: this cannot fail.
                            let _ =
                                tx.send((first + k, summary::analyse(m, path, opts.keep_items)));
                        }
                        in_flight.fetch_sub(1, Ordering::AcqRel);
                    });
                }
                Extracted::Other(kind) => *summary.other_objects.entry(kind).or_insert(0) += 1,
            }
        }
    });
    drop(tx);
    let mut analysed: Vec<(usize, Analysed)> = rx.into_iter().collect();
    analysed.sort_unstable_by_key(|(i, _)| *i);
    let mailboxes: Vec<Analysed> = analysed.into_iter().map(|(_, a)| a).collect();
    summary.objects = reader.objects_read();
    summary.mailboxes = mailboxes.len();
    summary.error = error.as_ref().map(ToString::to_string);
    InputResult { summary, mailboxes, error: error.map(InputError::Read) }
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
    let result = read_input(name, input, Resolve::CurrentValue, opts);
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
