//! Runs a resolved command: discovers the inputs, drives the library, writes
//! each output to its target and computes the exit status. Decisions are
//! the [`Config`]'s; messages go through [`Messages`].

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use super::args::{FailOn, GenerateArgs, GenerateShape, SamplesArgs};
use super::config::{
    Config, DiffFormat, FolderFiles, Format, InputConfig, Mode, Output, overwritten_input,
};
use super::exit::ExitStatus;
use super::messages::Messages;
use crate::analysis::{Class, InputSummary, MailboxAnalysis};
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
        Mode::Diff { old, new, outputs, fail_on_new } => {
            diff(&msg, &old, &new, &outputs, fail_on_new)
        }
        Mode::Dump { input } => dump(&msg, &input),
        Mode::Samples(args) => samples(&msg, &args),
        Mode::Generate(args) => generate(&msg, &args),
        Mode::Completions(shell) => print(&msg, &super::shell::completions(shell)),
        Mode::Man(command) => match super::shell::man_page(command.as_deref()) {
            Some(page) => print(&msg, &page),
            None => msg.error(ExitStatus::Software, "internal error: the man page did not render"),
        },
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
    let (sources, errors) = pipeline::discover_with(&input.args, input.zip);
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
        Format::Xlsx => Box::new(output::xlsx::Xlsx::default()),
    }
}

/// Refuses (a usage error) an output that would replace one of the inputs.
fn refused_overwrite<F: FolderFiles>(
    msg: &Messages,
    outputs: &[Output<F>],
    sources: &[Source],
) -> bool {
    let Some((out, inp)) = overwritten_input(outputs, sources) else { return false };
    msg.error(
        ExitStatus::Usage,
        format_args!(
            "refusing to write {}: it would replace the input {} (choose another output path)",
            out.display(),
            inp.display()
        ),
    );
    true
}

fn triage(msg: &Messages, input: &InputConfig, outputs: &[Output], fail_on: Option<FailOn>) {
    let sources = sources(msg, input);
    if refused_overwrite(msg, outputs, &sources) {
        return;
    }
    let bar = input.progress.then(|| progress_bar(&sources));
    super::interrupt::set_progress(bar.clone());
    let opts = TriageOptions {
        reader: input.reader.clone(),
        progress: bar.clone().map(|b| Arc::new(Bar(b)) as Arc<dyn Progress>),
        keep_items: outputs.iter().any(|o| o.format.needs_items()),
        keep_identities: false,
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
    report_inputs(msg, &sources, &triaged.errors, &triaged.run.analysis.inputs);
    let run = &triaged.run;
    let read_nothing = run.analysis.failed_inputs() == run.analysis.inputs.len();
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

/// What stopped each input that did not read completely, and the notes on
/// the others (how one was decoded, a valid export without a move report).
fn report_inputs(
    msg: &Messages,
    sources: &[Source],
    errors: &[(usize, InputError)],
    inputs: &[InputSummary],
) {
    for (i, err) in errors {
        let name = sources[*i].display();
        match err {
            InputError::Open(_) => msg.error(ExitStatus::NoInput, format_args!("{name}: {err}")),
            InputError::Read(e) => msg.read_error(&name, e),
            InputError::NotAReport => {
                msg.error(ExitStatus::DataError, format_args!("{name}: {err}"))
            }
        }
    }
    for (i, summary) in inputs.iter().enumerate() {
        if let Some(note) = &summary.note {
            msg.note(format_args!("{}: {note}", sources[i].display()));
        }
        if summary.error.is_none() && summary.mailboxes == 0 && summary.kind == Some("clixml") {
            msg.note(format_args!("{}: {}", sources[i].display(), no_report(summary)));
        }
    }
}

fn diff(
    msg: &Messages,
    old: &InputConfig,
    new: &InputConfig,
    outputs: &[Output<DiffFormat>],
    fail_on_new: bool,
) {
    let before = sources(msg, old);
    let after = sources(msg, new);
    if before.is_empty() || after.is_empty() {
        // A side with no input would make every mailbox added or gone.
        msg.warning("nothing to compare: one side has no input");
        return;
    }
    let both: Vec<Source> = before.iter().chain(&after).cloned().collect();
    if refused_overwrite(msg, outputs, &both) {
        return;
    }
    let bar = new.progress.then(|| progress_bar(&both));
    super::interrupt::set_progress(bar.clone());
    let opts = TriageOptions {
        reader: new.reader.clone(),
        progress: bar.clone().map(|b| Arc::new(Bar(b)) as Arc<dyn Progress>),
        redact: new.redact,
        ..TriageOptions::default()
    };
    let compared = pipeline::compare(&before, &after, &opts);
    super::interrupt::set_progress(None);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report_inputs(msg, &before, &compared.old.errors, &compared.old.inputs);
    report_inputs(msg, &after, &compared.new.errors, &compared.new.inputs);
    let unread = |s: &pipeline::SideInputs| s.inputs.iter().all(|i| i.error.is_some());
    if unread(&compared.old) || unread(&compared.new) {
        msg.warning("no input of one side could be read; nothing to compare");
        return;
    }
    for o in outputs {
        let exporter: Box<dyn Exporter<pipeline::Compared>> = match o.format {
            DiffFormat::Table(style) => Box::new(output::diff::table::DiffTable(style)),
            DiffFormat::Json => Box::new(output::diff::DiffJson),
            DiffFormat::Csv(opts) => Box::new(output::diff::DiffCsv(opts)),
        };
        match output::write(exporter.as_ref(), &compared, &o.target) {
            Ok(files) => announce_files(msg, &o.target, &files),
            Err(e) => report_output_error(msg, &e),
        }
    }
    if fail_on_new && compared.diff.mailboxes.iter().any(|m| m.has_new()) {
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
    format!("{} {}", crate::render::thousands(n), if n == 1 { one } else { many })
}

/// Every written file is announced the same way (none under `-q`; standard
/// output says nothing).
fn announce(msg: &Messages, o: &Output, files: &[std::path::PathBuf]) {
    match &o.target {
        Target::File(path) if o.format == Format::Script => msg.note(format_args!(
            "wrote {} (review it; nothing in it runs as it is)",
            path.display()
        )),
        target => announce_files(msg, target, files),
    }
}

/// `wrote PATH`, `wrote 6 files to DIR`, nothing for standard output.
fn announce_files(msg: &Messages, target: &Target, files: &[std::path::PathBuf]) {
    match target {
        Target::Stdout => {}
        Target::Folder(dir) => {
            msg.note(format_args!("wrote {} files to {}", files.len(), dir.display()))
        }
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
    // An input that turns out not to be UTF-8 is dumped again as
    // Windows-1252 from the value it stopped at (see read_as_windows_1252).
    let mut encoding = None;
    let mut written = 0usize;
    loop {
        let mut retry = false;
        let opened = source.with_reader(|r| -> io::Result<()> {
            let opts = clixml::Options { encoding, ..opts.clone() };
            let mut reader = match Reader::with_options(r, opts) {
                Ok(r) => r,
                Err(e) => {
                    msg.read_error(&name, &e);
                    return Ok(());
                }
            };
            let label = reader.encoding().label();
            let mut seen = 0usize;
            while let Some(value) = reader.next_value() {
                match value {
                    Ok(v) => {
                        seen += 1;
                        if seen > written {
                            clixml::json::write_line(out, &v)?;
                            written = seen;
                        }
                    }
                    Err(e)
                        if encoding.is_none() && source.read_as_windows_1252(&e, Some(label)) =>
                    {
                        retry = true;
                        break;
                    }
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
            Ok(Ok(())) if retry => {
                msg.note(format_args!("{name}: {}", pipeline::input::WINDOWS_1252_NOTE));
                encoding = Some(clixml::decode::Encoding::Windows1252);
            }
            Ok(result) => return result,
            Err(e) => {
                msg.error(ExitStatus::NoInput, format_args!("{name}: cannot open: {e}"));
                return Ok(());
            }
        }
    }
}

/// Writes generated text to standard output (a closed pipe is no error).
fn print(msg: &Messages, text: &[u8]) {
    let mut out = io::stdout().lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => msg.error(ExitStatus::IoError, format_args!("error writing output: {e}")),
    }
}

/// Writes one generated file atomically, like every output (a temporary
/// file renamed into place): a failed or interrupted write leaves the file
/// that was there. Announces it, or reports why it could not be written.
fn write_file(
    msg: &Messages,
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> bool {
    match Target::File(path.to_path_buf()).write(|d| d.stream("", write)) {
        Ok(_) => {
            msg.note(format_args!("wrote {}", path.display()));
            true
        }
        Err(e) => {
            report_output_error(msg, &e);
            false
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
        let path = args.dir.join(sample.file);
        if !write_file(msg, &path, &mut |w| crate::synth::write_sample(&sample, w)) {
            return;
        }
    }
    for (name, bytes) in crate::synth::text_sample_files() {
        if !write_file(msg, &args.dir.join(name), &mut |w| w.write_all(&bytes)) {
            return;
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
    // Quiet: a folder of 2,000 generated files is announced once.
    let quiet = Messages::new(true);
    let write = |path: &Path, seed: u64| {
        let msg = if args.files.is_some() { &quiet } else { msg };
        write_file(msg, path, &mut |w| {
            let mailboxes =
                crate::synth::samples::bulk_mailboxes(args.mailboxes, args.items, seed, shape);
            crate::synth::write_export(w, encoding, mailboxes).map(drop)
        })
    };
    match args.files {
        None => {
            write(&args.output, args.seed);
        }
        Some(n) => {
            if let Err(e) = std::fs::create_dir_all(&args.output) {
                msg.error(
                    ExitStatus::CantCreate,
                    format_args!("{}: cannot create: {e}", args.output.display()),
                );
                return;
            }
            let all = (0..n).all(|i| {
                let path = args.output.join(format!("export-{i:05}.xml"));
                write(&path, args.seed.wrapping_add(i as u64))
            });
            msg.record(quiet.status());
            if all {
                msg.note(format_args!("wrote {n} files to {}", args.output.display()));
            }
        }
    }
}
