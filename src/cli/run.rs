//! Runs a resolved command: discovers the inputs, drives the library, writes
//! each output to its target and computes the exit status. Decisions are
//! the [`Config`]'s; messages go through [`Messages`].

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use super::args::{FailOn, GenerateArgs, GenerateShape, SamplesArgs};
use super::config::{Config, Format, InputConfig, Mode, Output, overwritten_input};
use super::exit::ExitStatus;
use super::messages::Messages;
use crate::analysis::{Class, MailboxAnalysis};
use crate::clixml::{self, Reader};
use crate::output::{self, Exporter, OutputError, Target};
use crate::pipeline::{self, InputError, Progress, Run, Source, TriageOptions};
use crate::synth::samples::BulkShape;

/// Runs the command and returns its exit status.
pub fn run(config: Config) -> ExitStatus {
    let msg = Messages::new(config.quiet);
    for n in &config.notes {
        msg.note(n);
    }
    match config.mode {
        Mode::Triage { input, outputs, fail_on } => triage(&msg, &input, &outputs, fail_on),
        Mode::Dump { input } => dump(&msg, &input),
        Mode::Samples(args) => samples(&msg, &args),
        Mode::Generate(args) => generate(&msg, &args),
    }
    msg.status()
}

/// The inputs named on the command line, with each argument that gave none
/// reported (status 66).
fn sources(msg: &Messages, input: &InputConfig) -> Vec<Source> {
    if let Some(n) = input.threads {
        // Only the first call can size the global pool; a pool that is
        // already running keeps its size, which is no error for a run.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let (sources, errors) = pipeline::discover(&input.args);
    for e in &errors {
        msg.error(ExitStatus::NoInput, e);
    }
    sources
}

/// The progress bar, counting bytes of the inputs on stderr.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn rewind(&self, bytes: u64) {
        self.0.dec(bytes);
    }
}

fn progress_bar(sources: &[Source]) -> indicatif::ProgressBar {
    let total: u64 = sources.iter().filter_map(Source::size).sum();
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

fn exporter(format: Format) -> Box<dyn Exporter> {
    match format {
        Format::Table(style) => Box::new(output::table::Terminal(style)),
        Format::Perf(style) => Box::new(output::table::Perf(style)),
        Format::SummaryJson => Box::new(output::summary_json::SummaryJson),
        Format::Html => Box::new(output::html::Html),
        Format::Script => Box::new(output::script::Script),
        Format::Csv(opts) => Box::new(output::csv::Csv(opts)),
        Format::Parquet => Box::new(output::parquet::Parquet),
        Format::ExportJson => Box::new(output::export_json::ExportJson),
        Format::Ndjson => Box::new(output::export_json::Ndjson),
    }
}

fn triage(msg: &Messages, input: &InputConfig, outputs: &[Output], fail_on: Option<FailOn>) {
    let sources = sources(msg, input);
    if let Some((out, inp)) = overwritten_input(outputs, &sources) {
        msg.error(
            ExitStatus::Usage,
            format_args!(
                "refusing to write {}: it would replace the input {} (choose another output path)",
                out.display(),
                inp.display()
            ),
        );
        return;
    }
    let bar = input.progress.then(|| progress_bar(&sources));
    super::interrupt::set_progress(bar.clone());
    let opts = TriageOptions {
        reader: input.reader.clone(),
        progress: bar.clone().map(|b| Arc::new(Bar(b)) as Arc<dyn Progress>),
        keep_items: outputs.iter().any(|o| o.format.needs_items()),
        redact: input.redact,
        segment_bytes: None,
        percentile: input.percentile,
    };
    let triaged = pipeline::triage(&sources, &opts);
    super::interrupt::set_progress(None);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let triaged = match triaged {
        Ok(t) => t,
        Err(e) => {
            msg.error(ExitStatus::Software, format_args!("internal error: {e}"));
            return;
        }
    };
    for (i, err) in &triaged.errors {
        let name = sources[*i].display();
        match err {
            InputError::Open(_) => msg.error(ExitStatus::NoInput, format_args!("{name}: {err}")),
            InputError::Read(e) => msg.read_error(&name, e),
        }
    }
    let run = &triaged.run;
    for (i, summary) in run.analysis.inputs.iter().enumerate() {
        if summary.error.is_none() && summary.mailboxes == 0 {
            msg.note(format_args!("{}: {}", sources[i].display(), no_report(summary)));
        }
    }
    let read_nothing = !run.analysis.inputs.is_empty()
        && run.analysis.failed_inputs() == run.analysis.inputs.len();
    for o in outputs {
        // A table of nothing would look like a clean run: when no input
        // could be read, the errors above are the whole answer.
        if read_nothing && matches!(o.format, Format::Table(_) | Format::Perf(_)) {
            msg.warning("no input could be read; nothing to summarise");
            continue;
        }
        match output::write(exporter(o.format).as_ref(), run, &o.target) {
            Ok(files) => announce(msg, o, &files),
            Err(e) => report_output_error(msg, &e),
        }
    }
    if fail_on.is_some_and(|on| has_findings(run, on)) {
        msg.record(ExitStatus::Findings);
    }
}

/// What a valid input that held no move report held instead.
fn no_report(s: &crate::analysis::InputSummary) -> String {
    if s.objects == 0 {
        return "an empty export, no move report".into();
    }
    let kinds: Vec<String> = s
        .other_objects
        .iter()
        .map(|(kind, n)| format!("{} of type {kind}", plural(*n, "object", "objects")))
        .collect();
    format!("{}, no move report", kinds.join(", "))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every written file is announced the same way (none under `-q`; standard
/// output says nothing).
fn announce(msg: &Messages, o: &Output, files: &[std::path::PathBuf]) {
    match &o.target {
        Target::Stdout => {}
        Target::Folder(dir) => {
            msg.note(format_args!("wrote {} files to {}", files.len(), dir.display()))
        }
        Target::File(path) if o.format == Format::Script => msg.note(format_args!(
            "wrote {} (review it; nothing in it runs as it is)",
            path.display()
        )),
        Target::File(path) => msg.note(format_args!("wrote {}", path.display())),
    }
}

fn report_output_error(msg: &Messages, e: &OutputError) {
    if e.is_broken_pipe() {
        // A reader that stops early (`| head`, `Select-Object -First`) is not an error.
        return;
    }
    let status = if e.path.is_some() { ExitStatus::CantCreate } else { ExitStatus::IoError };
    msg.error(status, e);
}

/// Whether any mailbox has findings of the `--fail-on` class.
fn has_findings(run: &Run, on: FailOn) -> bool {
    run.analysis.mailboxes.iter().any(|a: &MailboxAnalysis| {
        let n = |k: Class| a.classes.get(k) > 0;
        match on {
            FailOn::Any => a.counts.total() > 0,
            FailOn::Permissions => n(Class::Permissions),
            FailOn::Corruption => n(Class::Corruption),
            FailOn::Large => n(Class::Large),
            FailOn::Missing => n(Class::Missing),
            FailOn::Other => n(Class::Other),
            FailOn::DataLoss => n(Class::Corruption) || n(Class::Missing),
        }
    })
}

fn dump(msg: &Messages, input: &InputConfig) {
    let sources = sources(msg, input);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result =
        sources.iter().try_for_each(|source| dump_one(msg, source, &input.reader, &mut out));
    match result.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => msg.error(ExitStatus::IoError, format_args!("error writing output: {e}")),
    }
}

/// Dumps one input; `Err` only for a failed write to standard output.
fn dump_one<W: Write>(
    msg: &Messages,
    source: &Source,
    opts: &clixml::Options,
    out: &mut W,
) -> io::Result<()> {
    let name = source.display();
    let opened = source.with_reader(|r| -> io::Result<()> {
        let reader = match Reader::with_options(r, opts.clone()) {
            Ok(r) => r,
            Err(e) => {
                msg.read_error(&name, &e);
                return Ok(());
            }
        };
        for value in reader {
            match value {
                Ok(v) => clixml::json::write_line(out, &v)?,
                Err(e) => {
                    // What was read before the error comes first.
                    out.flush()?;
                    msg.read_error(&name, &e);
                }
            }
        }
        Ok(())
    });
    match opened {
        Ok(written) => written,
        Err(e) => {
            msg.error(ExitStatus::NoInput, format_args!("{name}: cannot open: {e}"));
            Ok(())
        }
    }
}

fn samples(msg: &Messages, args: &SamplesArgs) {
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        msg.error(
            ExitStatus::CantCreate,
            format_args!("{}: cannot create: {e}", args.dir.display()),
        );
        return;
    }
    for sample in crate::synth::samples::samples() {
        match crate::synth::write_sample(&sample, &args.dir) {
            Ok(path) => msg.note(format_args!("wrote {}", path.display())),
            Err(e) => {
                let path = args.dir.join(sample.file);
                msg.error(
                    ExitStatus::CantCreate,
                    format_args!("{}: cannot write: {e}", path.display()),
                );
                return;
            }
        }
    }
}

fn generate(msg: &Messages, args: &GenerateArgs) {
    use crate::clixml::writer::OutputEncoding;
    let encoding = if args.utf16 { OutputEncoding::Utf16LeBom } else { OutputEncoding::Utf8 };
    let shape = match args.shape {
        GenerateShape::Structured => BulkShape::Structured,
        GenerateShape::Flattened => BulkShape::Flattened,
        GenerateShape::Mixed => BulkShape::Mixed,
    };
    let write = |path: &Path, seed: u64| -> io::Result<()> {
        let out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let mailboxes =
            crate::synth::samples::bulk_mailboxes(args.mailboxes, args.items, seed, shape);
        crate::synth::write_export(out, encoding, mailboxes)?.flush()
    };
    let result = match args.files {
        None => write(&args.output, args.seed),
        Some(n) => std::fs::create_dir_all(&args.output).and_then(|()| {
            (0..n).try_for_each(|i| {
                write(
                    &args.output.join(format!("export-{i:05}.xml")),
                    args.seed.wrapping_add(i as u64),
                )
            })
        }),
    };
    if let Err(e) = result {
        msg.error(
            ExitStatus::CantCreate,
            format_args!("{}: cannot write: {e}", args.output.display()),
        );
    }
}
