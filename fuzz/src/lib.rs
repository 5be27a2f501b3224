//! Shared fuzzing harness for the CLIXML reader: the checks every input goes
//! through ([`check`]) and a byte-driven generator of plausible CLIXML
//! ([`generate`]) so the fuzzer reaches deep reader states quickly.

pub mod generate;

/// A pool of one thread for the targets that run the pipeline: two fuzzers
/// share the machine's two cores, and one thread keeps a run repeatable.
pub fn serial_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap())
}

/// A file of this process in the temporary folder, for the targets that read
/// their input from disk as the command does (`name` tells them apart).
pub fn scratch_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("mrs-triage-fuzz-{name}-{}", std::process::id()))
}

use std::io::Read;

use mrs_triage::clixml::decode::Encoding;
use mrs_triage::clixml::json::write_value;
use mrs_triage::clixml::{Base, Error, Options, Reader, RefId, Resolve, Value, scan_references};

/// What one pass over the input produced: each value's NDJSON rendering, then
/// the error that ended the pass, if any.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    /// `dump` rendering of each top-level value, in order.
    pub values: Vec<Vec<u8>>,
    /// The error that ended iteration.
    pub error: Option<Error>,
    /// Whether the input was sniffed as UTF-16.
    pub utf16: bool,
}

/// Hands out the input a few bytes per `read`, so chunk boundaries in the
/// decoder land in different places than with a plain slice.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.data.len().min(out.len()).min(self.step);
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The limits a careful caller would set for untrusted input.
pub fn small_limits() -> Options {
    Options {
        max_depth: 32,
        max_value_bytes: 4096,
        resolve: Resolve::CurrentValue,
        ..Options::default()
    }
}

/// Runs every check on one input. Panics (i.e. reports a finding) when:
/// - the reader or the dump panics, loops, or allocates without bound
///   (caught by libFuzzer itself);
/// - the iterator yields anything after an error or after its end;
/// - an error position lies beyond the end of the input;
/// - reading the same bytes through a trickling reader with
///   `Resolve::Planned` gives different values or a different error than
///   reading them from a slice (neither chunking nor resolving may change what
///   is read);
/// - a `Ref` in a value just returned does not resolve under `Planned`
///   (the plan promises to keep every referenced object until its last `Ref`);
/// - blanking a UTF-8 `#< CLIXML` first line to spaces changes the values
///   or error positions (the reader skips both the same way);
/// - under small limits, a dumped value is not valid JSON.
pub fn check(data: &[u8]) -> Outcome {
    let plain = run(data, Options::default(), false, false);
    check_position(&plain, data.len());

    // Reading from a slice cannot fail at the I/O level, but an encoding error
    // makes the scan give up; then there is nothing to plan.
    if let Ok(plan) = scan_references(data) {
        let opts = Options { resolve: Resolve::Planned(plan), ..Options::default() };
        let step = 1 + data.len() % 7;
        let trickled = run(Trickle { data, step }, opts, true, false);
        assert_eq!(plain, trickled, "chunking or Resolve::Planned changed the result");
    }

    if let Some(blanked) = blank_preamble(data) {
        let without = run(&blanked[..], Options::default(), false, false);
        assert_eq!(plain, without, "the #< CLIXML line changed the result");
    }

    let small = run(data, small_limits(), false, true);
    check_position(&small, data.len());
    plain
}

/// For UTF-8 input that starts with the `#< CLIXML` line, the same input
/// with that text replaced by spaces: white space before the root, which
/// the reader skips too, at the same offsets.
fn blank_preamble(data: &[u8]) -> Option<Vec<u8>> {
    const LINE: &[u8] = b"#< CLIXML";
    let start = if data.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let rest = data[start..].strip_prefix(LINE)?;
    if !matches!(rest.first(), Some(b'\r' | b'\n')) {
        return None;
    }
    // A byte order mark after the line is skipped with it; blanks in its
    // place would count as three characters, not one.
    let after = LINE.len() + if rest.starts_with(b"\r\n") { 2 } else { 1 };
    if data[start + after..].starts_with(&[0xEF, 0xBB, 0xBF]) {
        return None;
    }
    let mut out = data.to_vec();
    out[start..start + LINE.len()].fill(b' ');
    Some(out)
}

fn run<R: Read>(input: R, opts: Options, check_refs: bool, check_json: bool) -> Outcome {
    let mut out = Outcome { values: Vec::new(), error: None, utf16: false };
    let mut reader = match Reader::with_options(input, opts) {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    out.utf16 = !matches!(reader.encoding(), Encoding::Utf8 | Encoding::Utf8Bom);
    loop {
        match reader.next() {
            Some(Ok(v)) => {
                if check_refs {
                    let mut refs = Vec::new();
                    collect_refs(&v, &mut refs);
                    for id in refs {
                        assert!(
                            reader.resolve(&id).is_some(),
                            "Planned resolve lost object {id} referenced by the value just read"
                        );
                    }
                }
                let mut line = Vec::new();
                write_value(&mut line, &v).expect("writing to a Vec cannot fail");
                if check_json && let Err(e) = serde_json::from_slice::<serde_json::Value>(&line) {
                    panic!("dump wrote invalid JSON ({e}): {}", String::from_utf8_lossy(&line));
                }
                out.values.push(line);
            }
            Some(Err(e)) => {
                out.error = Some(e);
                assert!(reader.next().is_none(), "the iterator went on after an error");
                break;
            }
            None => {
                assert!(reader.next().is_none(), "the iterator went on after its end");
                break;
            }
        }
    }
    out
}

/// Asserts that an error's byte offset lies within an input of `len` bytes.
fn check_position(outcome: &Outcome, len: usize) {
    if let Some(e) = &outcome.error {
        assert!(
            e.position.offset <= len as u64,
            "error offset {} beyond the input's {len} bytes: {e:?}",
            e.position.offset
        );
    }
}

/// Every `Ref` id anywhere inside `v`.
fn collect_refs(v: &Value, out: &mut Vec<RefId>) {
    match v {
        Value::Ref(id) => out.push(id.clone()),
        Value::Obj(o) => {
            for p in o.props.iter().chain(o.members.iter()) {
                collect_refs(&p.value, out);
            }
            match &o.base {
                None => {}
                Some(Base::Value(b)) => collect_refs(b, out),
                Some(Base::Items(_, items)) => items.iter().for_each(|i| collect_refs(i, out)),
                Some(Base::Entries(entries)) => {
                    for (k, val) in entries {
                        collect_refs(k, out);
                        collect_refs(val, out);
                    }
                }
            }
            o.unknown.iter().for_each(|u| collect_refs(u, out));
        }
        Value::Progress(fields) => fields.iter().for_each(|(_, f)| collect_refs(f, out)),
        Value::MemberSet(members) => members.iter().for_each(|p| collect_refs(&p.value, out)),
        _ => {}
    }
}
