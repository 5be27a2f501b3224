//! Runs a parsed command line: opens inputs, drives the library, reports
//! per-input errors on stderr and computes the exit status.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::{
    Cli, ColorWhen, Command, DumpArgs, ExportArgs, ExportFormat, FailOn, GenerateArgs, InputArgs,
    LimitArgs, RemediateArgs, SamplesArgs, SummaryArgs, SummaryFormat,
};
use crate::clixml::{self, Reader, json};
use crate::exit::ExitStatus;
use crate::output::{self, table::TableStyle};
use crate::summary;
use crate::triage::{self, InputError, TriageOptions};

/// Runs the command. `Err` is only returned for output failures (a broken
/// pipe among them); input problems are reported and reflected in the status.
pub fn run(cli: Cli) -> io::Result<ExitStatus> {
    match cli.command {
        Some(Command::Dump(args)) => run_dump(&args),
        Some(Command::Summary(args)) => run_summary(&args),
        Some(Command::Export(args)) => run_export(&args),
        Some(Command::Remediate(args)) => run_remediate(&args),
        Some(Command::Samples(args)) => run_samples(&args),
        Some(Command::Generate(args)) => run_generate(&args),
        None => run_summary(&cli.summary),
    }
}

/// Whether to colour output on stdout: `--color` wins, then `NO_COLOR`
/// (non-empty, per no-color.org), then whether stdout is a terminal.
pub fn use_color(when: ColorWhen, to_file: bool) -> bool {
    use std::io::IsTerminal;
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
                && io::stdout().is_terminal()
        }
    }
}

/// A triage run from the command line: inputs discovered, read in parallel
/// with a progress bar, errors reported; returns the run and the status so far.
fn triage_inputs(args: &InputArgs, keep_items: bool) -> (summary::Run, ExitStatus) {
    use std::io::IsTerminal;
    if let Some(n) = args.threads {
        // Only the first call can size the global pool; later ones are no-ops.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let (sources, discovery_errors) = crate::input::discover(&args.inputs);
    let mut status = ExitStatus::Success;
    for e in &discovery_errors {
        eprintln!("mrs-triage: {}: {}", e.arg, e.message);
        status = status.worst(ExitStatus::NoInput);
    }
    let progress = (!args.quiet && !args.no_progress && io::stderr().is_terminal()).then(|| {
        let total: u64 = sources.iter().filter_map(|s| s.size()).sum();
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let opts = TriageOptions {
        reader: args.limits.reader_options(),
        progress: progress.clone(),
        keep_items,
        segment_bytes: None,
    };
    let (mut run, errors) = triage::triage(&sources, &opts);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for (path, err) in &errors {
        match err {
            InputError::Open(msg) => {
                eprintln!("mrs-triage: {path}: {msg}");
                status = status.worst(ExitStatus::NoInput);
            }
            InputError::Read(e) => {
                report_read_error(path, e);
                status = status.worst(match e.kind {
                    clixml::ErrorKind::Io(_) => ExitStatus::IoError,
                    _ => ExitStatus::DataError,
                });
            }
        }
    }
    if args.redact {
        crate::redact::Redactor::new().apply(&mut run);
    }
    (run, status)
}

fn csv_options(args: &InputArgs) -> output::csv::CsvOptions {
    output::csv::CsvOptions { delimiter: args.delimiter.byte(), ..Default::default() }
}

/// Whether any mailbox has findings of the `--fail-on` class.
fn has_findings(run: &summary::Run, on: FailOn) -> bool {
    use crate::classify::Class;
    run.mailboxes.iter().any(|a| {
        let c = a.counts.classes();
        let n = |k: Class| c.get(&k).copied().unwrap_or(0) > 0;
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

fn run_summary(args: &SummaryArgs) -> io::Result<ExitStatus> {
    let (run, mut status) = triage_inputs(&args.input, args.csv.is_some());
    if let Some(dir) = &args.csv {
        let written = output::csv::write_tables(dir, &run, csv_options(&args.input));
        match written {
            Ok(files) if !args.input.quiet => {
                eprintln!("mrs-triage: wrote {} CSV files to {}", files.len(), dir.display())
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("mrs-triage: {}: cannot write: {e}", dir.display());
                status = status.worst(ExitStatus::CantCreate);
            }
        }
    }
    if let Some(path) = &args.html {
        let html = output::html::render(&run);
        if let Err(e) = write_atomically(path, html.as_bytes()) {
            eprintln!("mrs-triage: {}: cannot write: {e}", path.display());
            status = status.worst(ExitStatus::CantCreate);
        } else if !args.input.quiet {
            eprintln!("mrs-triage: wrote {}", path.display());
        }
    }
    // Written as it is produced (a batch's JSON runs to tens of MB).
    let write = |mut out: &mut dyn Write| -> io::Result<()> {
        match args.format {
            SummaryFormat::Json => output::json::write(&mut out, &run),
            SummaryFormat::Table => {
                let style = TableStyle {
                    color: use_color(args.color, args.output.is_some()),
                    ascii: args.ascii,
                    width: terminal_width(),
                };
                output::table::write(&mut out, &run, style)
            }
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = write_atomically_with(path, write) {
                eprintln!("mrs-triage: {}: cannot write: {e}", path.display());
                return Ok(status.worst(ExitStatus::CantCreate));
            }
        }
        None => {
            let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
            write(&mut out)?;
            out.flush()?;
        }
    }
    if args.fail_on.is_some_and(|on| has_findings(&run, on)) {
        status = status.worst(ExitStatus::Findings);
    }
    Ok(status)
}

fn run_export(args: &ExportArgs) -> io::Result<ExitStatus> {
    let (run, mut status) = triage_inputs(&args.input, true);
    let result = match args.format {
        ExportFormat::Csv => {
            output::csv::write_tables(&args.output, &run, csv_options(&args.input)).map(|_| ())
        }
        ExportFormat::Parquet => {
            output::parquet::write_tables(&args.output, &output::csv::tables(&run)).map(|_| ())
        }
        ExportFormat::Json | ExportFormat::Ndjson => {
            let mut buf = Vec::with_capacity(1 << 20);
            let tables = output::csv::tables(&run);
            if args.format == ExportFormat::Json {
                output::tables::write_json(&mut buf, &tables)?;
            } else {
                output::tables::write_ndjson(&mut buf, &tables)?;
            }
            if args.output.as_os_str() == "-" {
                let mut out = io::stdout().lock();
                out.write_all(&buf)?;
                return out.flush().map(|()| status);
            }
            write_atomically(&args.output, &buf)
        }
    };
    if let Err(e) = result {
        eprintln!("mrs-triage: {}: cannot write: {e}", args.output.display());
        status = status.worst(ExitStatus::CantCreate);
    }
    Ok(status)
}

/// Writes `bytes` to `path` atomically, or to standard output for `None` or
/// `-`; a file that cannot be written is reported and gives status 73.
fn emit(path: Option<&Path>, bytes: &[u8], status: ExitStatus) -> io::Result<ExitStatus> {
    match path.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            if let Err(e) = write_atomically(path, bytes) {
                eprintln!("mrs-triage: {}: cannot write: {e}", path.display());
                return Ok(status.worst(ExitStatus::CantCreate));
            }
            Ok(status)
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(status)
        }
    }
}

fn run_remediate(args: &RemediateArgs) -> io::Result<ExitStatus> {
    let (run, status) = triage_inputs(&args.input, false);
    let mut buf = Vec::with_capacity(64 * 1024);
    output::script::write(&mut buf, &run)?;
    let status = emit(args.output.as_deref(), &buf, status)?;
    if let Some(path) = args.output.as_deref().filter(|p| p.as_os_str() != "-")
        && status != ExitStatus::CantCreate
        && !args.input.quiet
    {
        eprintln!("mrs-triage: wrote {} (review it; nothing in it runs as it is)", path.display());
    }
    Ok(status)
}

fn run_samples(args: &SamplesArgs) -> io::Result<ExitStatus> {
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        eprintln!("mrs-triage: {}: cannot create: {e}", args.dir.display());
        return Ok(ExitStatus::CantCreate);
    }
    for sample in crate::synth::samples::samples() {
        match crate::synth::write_sample(&sample, &args.dir) {
            Ok(path) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!(
                    "mrs-triage: {}: cannot write: {e}",
                    args.dir.join(sample.file).display()
                );
                return Ok(ExitStatus::CantCreate);
            }
        }
    }
    Ok(ExitStatus::Success)
}

fn run_generate(args: &GenerateArgs) -> io::Result<ExitStatus> {
    use crate::clixml::writer::OutputEncoding;
    let encoding = if args.utf16 { OutputEncoding::Utf16LeBom } else { OutputEncoding::Utf8 };
    let write = |path: &Path, seed: u64| -> io::Result<()> {
        let out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let mailboxes = crate::synth::samples::bulk_mailboxes(
            args.mailboxes,
            args.items,
            seed,
            args.shape.into(),
        );
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
    match result {
        Ok(()) => Ok(ExitStatus::Success),
        Err(e) => {
            eprintln!("mrs-triage: {}: cannot write: {e}", args.output.display());
            Ok(ExitStatus::CantCreate)
        }
    }
}

fn terminal_width() -> u16 {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(120)
}

/// Writes a file via a temporary file in the same directory, then renames it,
/// so an interrupted run never leaves a half-written file under the final name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |w| w.write_all(bytes))
}

/// [`write_atomically`] for output produced as it is written. A path that
/// exists and is not a regular file (`/dev/null`, a named pipe, `/dev/stdout`)
/// is written in place: renaming over it would replace the device.
pub fn write_atomically_with(
    path: &Path,
    produce: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut out = BufWriter::with_capacity(64 * 1024, File::create(path)?);
        produce(&mut out)?;
        return out.flush();
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = BufWriter::with_capacity(64 * 1024, File::create(&tmp)?);
        produce(&mut out)?;
        let f = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl LimitArgs {
    /// Reader options from the command-line limits.
    pub fn reader_options(&self) -> clixml::Options {
        clixml::Options {
            max_depth: self.max_depth,
            max_value_bytes: self.max_value_size,
            ..clixml::Options::default()
        }
    }
}

/// An input named on the command line: a file or standard input.
pub enum Input {
    /// A file path.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// Classifies a command-line path.
    pub fn from_arg(p: &Path) -> Input {
        if p.as_os_str() == "-" { Input::Stdin } else { Input::File(p.to_path_buf()) }
    }

    /// How messages name it.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }

    /// Opens it for reading.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(match self {
            Input::File(p) => Box::new(File::open(p)?),
            Input::Stdin => Box::new(io::stdin()),
        })
    }
}

/// Prints `mrs-triage: <input>:<line>:<col>: <message>` on stderr.
pub fn report_read_error(input: &str, err: &clixml::Error) {
    let pos = &err.position;
    match (pos.line, pos.column) {
        (Some(l), Some(c)) => {
            eprintln!("mrs-triage: {input}:{l}:{c}: {} (byte {})", err.kind, pos.offset)
        }
        _ => eprintln!("mrs-triage: {input}: byte {}: {}", pos.offset, err.kind),
    }
}

fn run_dump(args: &DumpArgs) -> io::Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut status = ExitStatus::Success;
    for path in &args.inputs {
        let input = Input::from_arg(path);
        let name = input.display();
        let source = match input.open() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mrs-triage: {name}: cannot open: {e}");
                status = status.worst(ExitStatus::NoInput);
                continue;
            }
        };
        let reader = match Reader::with_options(source, args.limits.reader_options()) {
            Ok(r) => r,
            Err(e) => {
                report_read_error(&name, &e);
                status = status.worst(ExitStatus::IoError);
                continue;
            }
        };
        for value in reader {
            match value {
                Ok(v) => json::write_line(&mut out, &v)?,
                Err(e) => {
                    // Flush what was read before the error so output and
                    // message appear in order.
                    out.flush()?;
                    report_read_error(&name, &e);
                    status = status.worst(match e.kind {
                        clixml::ErrorKind::Io(_) => ExitStatus::IoError,
                        _ => ExitStatus::DataError,
                    });
                }
            }
        }
    }
    out.flush()?;
    Ok(status)
}
