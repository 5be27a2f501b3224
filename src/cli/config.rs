//! The resolved configuration: every decision the command line, the
//! environment and the terminal leave open (colour, width, progress,
//! threads, reader limits, what to write where, when to fail) is made here,
//! once, from clap's raw arguments. The commands then only read a
//! [`Config`]; nothing else looks at clap fields, environment variables or
//! whether a stream is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::args::{
    Cli, ColorWhen, Command, CompletionsArgs, Delimiter, DiffArgs, DumpArgs, ExportArgs,
    ExportFormat, FailOn, GenerateArgs, InputArgs, LimitArgs, ManArgs, PerfArgs, ReadArgs,
    RemediateArgs, SamplesArgs, SummaryArgs, SummaryFormat,
};
use crate::analysis::Percentile;
use crate::clixml;
use crate::output::Target;
use crate::output::csv::CsvOptions;
use crate::output::table::TableStyle;
use crate::pipeline::{Source, ZipLimits};

/// One output of a run: a format and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output<F = Format> {
    /// The format.
    pub format: F,
    /// Where it is written.
    pub target: Target,
}

/// A format that may write a folder of files.
pub trait FolderFiles: Copy {
    /// The files it writes into a folder (to check them against the inputs).
    fn folder_files(self) -> &'static [&'static str];
}

/// The formats `diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// The terminal table.
    Table(TableStyle),
    /// The `mrs-triage.diff.v1` document.
    Json,
    /// The CSV tables.
    Csv(CsvOptions),
}

impl FolderFiles for DiffFormat {
    fn folder_files(self) -> &'static [&'static str] {
        match self {
            DiffFormat::Csv(_) => &crate::output::diff::CSV_FILES,
            _ => &[],
        }
    }
}

/// The formats a run can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The terminal tables.
    Table(TableStyle),
    /// The terminal performance tables (`perf`).
    Perf(TableStyle),
    /// The `mrs-triage.summary.v1` document.
    SummaryJson,
    /// The HTML report.
    Html,
    /// The remediation script.
    Script,
    /// The CSV tables.
    Csv(CsvOptions),
    /// The Parquet tables.
    Parquet,
    /// The tables as one JSON document.
    ExportJson,
    /// The tables as NDJSON.
    Ndjson,
    /// The Excel workbook.
    Xlsx,
}

impl FolderFiles for Format {
    fn folder_files(self) -> &'static [&'static str] {
        match self {
            Format::Csv(_) => &[
                "mailboxes.csv",
                "bad_items.csv",
                "principals.csv",
                "failures.csv",
                "batches.csv",
                "folders.csv",
                "performance.csv",
                "batch_performance.csv",
            ],
            Format::Parquet => &[
                "mailboxes.parquet",
                "bad_items.parquet",
                "principals.parquet",
                "failures.parquet",
                "batches.parquet",
                "folders.parquet",
                "performance.parquet",
                "batch_performance.parquet",
            ],
            _ => &[],
        }
    }
}

impl Format {
    /// Whether the format lists every bad item (so the run must keep them).
    pub fn needs_items(self) -> bool {
        matches!(
            self,
            Format::Csv(_) | Format::Parquet | Format::ExportJson | Format::Ndjson | Format::Xlsx
        )
    }
}

/// How inputs are found and read.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// The arguments as given (files, folders, patterns, `-`).
    pub args: Vec<PathBuf>,
    /// Reader limits.
    pub reader: clixml::Options,
    /// What a zip entry may expand to.
    pub zip: ZipLimits,
    /// Worker threads (`None`: one per CPU).
    pub threads: Option<usize>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Replace personal data with tokens.
    pub redact: bool,
    /// The kept-moves percentile of the batch and server performance.
    pub percentile: Percentile,
}

/// What to do.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Triage the inputs and write the outputs.
    Triage {
        /// The inputs.
        input: InputConfig,
        /// The outputs, in the order they are written (the main one last).
        outputs: Vec<Output>,
        /// Exit 1 when findings of this class exist.
        fail_on: Option<FailOn>,
    },
    /// Compare two exports and write what changed.
    Diff {
        /// The earlier export.
        old: InputConfig,
        /// The later export (read with the same options).
        new: InputConfig,
        /// The outputs, in the order they are written (the main one last).
        outputs: Vec<Output<DiffFormat>>,
        /// Exit 1 when something is new.
        fail_on_new: bool,
    },
    /// Print the CLIXML values of the inputs as NDJSON.
    Dump {
        /// The inputs.
        input: InputConfig,
    },
    /// Write the bundled samples.
    Samples(SamplesArgs),
    /// Write generated exports.
    Generate(GenerateArgs),
    /// Print the completion script for a shell.
    Completions(clap_complete::Shell),
    /// Print the man page of the tool (`None`) or of one of its commands.
    Man(Option<String>),
}

/// The resolved command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to do.
    pub mode: Mode,
    /// No notes on stderr (errors are still printed).
    pub quiet: bool,
    /// Notes about the configuration itself (a capped thread count).
    pub notes: Vec<String>,
}

/// A command line that cannot run as given (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn usage<T>(message: impl Into<String>) -> Result<T, UsageError> {
    Err(UsageError(message.into()))
}

/// The colour decision: `--color` wins, then `NO_COLOR` (non-empty, per
/// no-color.org), then `CLICOLOR_FORCE`/`CLICOLOR`, then whether the stream
/// is a terminal (and `TERM` is not `dumb`). `None`: decided by the stream.
pub fn color_choice(when: ColorWhen) -> Option<bool> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => Some(true),
        ColorWhen::Never => Some(false),
        ColorWhen::Auto if var("NO_COLOR").is_some() => Some(false),
        ColorWhen::Auto if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") => Some(true),
        ColorWhen::Auto if var("CLICOLOR").is_some_and(|v| v == "0") => Some(false),
        ColorWhen::Auto if std::env::var("TERM").is_ok_and(|t| t == "dumb") => Some(false),
        ColorWhen::Auto => None,
    }
}

/// Whether to colour output on stdout.
fn use_color(when: ColorWhen, to_stdout: bool) -> bool {
    to_stdout && color_choice(when).unwrap_or_else(|| std::io::stdout().is_terminal())
}

/// The width tables wrap at: the terminal's own when stdout is one, else
/// `COLUMNS`, else 120.
fn terminal_width() -> u16 {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| w.0)
        .filter(|&w| w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .filter(|&w| w > 0)
        .unwrap_or(120)
}

fn reader_options(l: &LimitArgs) -> clixml::Options {
    clixml::Options {
        max_depth: l.max_depth,
        max_value_bytes: l.max_value_size,
        ..clixml::Options::default()
    }
}

fn zip_limits(l: &LimitArgs) -> ZipLimits {
    ZipLimits {
        max_entry_bytes: l.max_zip_entry_size,
        max_ratio: l.max_zip_ratio,
        max_entries: l.max_zip_entries,
    }
}

/// The worker threads: `0` or none is one per CPU; more than the CPUs do
/// not help (the work is reading and classifying) and are capped, with a
/// note.
fn threads(asked: Option<usize>, notes: &mut Vec<String>) -> Option<usize> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    match asked {
        None | Some(0) => None,
        Some(n) if n > cpus => {
            notes.push(format!("-j {n}: using {cpus} threads, one per CPU (more do not help)"));
            Some(cpus)
        }
        Some(n) => Some(n),
    }
}

fn input_config(i: &InputArgs, redact: bool, notes: &mut Vec<String>) -> InputConfig {
    read_config(i.inputs.clone(), &i.read, redact, notes)
}

fn read_config(
    args: Vec<PathBuf>,
    i: &ReadArgs,
    redact: bool,
    notes: &mut Vec<String>,
) -> InputConfig {
    InputConfig {
        args,
        reader: reader_options(&i.limits),
        zip: zip_limits(&i.limits),
        threads: threads(i.threads, notes),
        progress: !i.quiet && !i.no_progress && std::io::stderr().is_terminal(),
        redact,
        // clap keeps it within 1..=100.
        percentile: Percentile::new(i.percentile).unwrap_or_default(),
    }
}

fn csv_options(d: Delimiter) -> CsvOptions {
    let delimiter = match d {
        Delimiter::Comma => b',',
        Delimiter::Semicolon => b';',
        Delimiter::Tab => b'\t',
    };
    CsvOptions { delimiter, ..CsvOptions::default() }
}

fn is_stdout(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// `-` (or nothing) is standard output; anything else a file.
fn stream_target(path: Option<&Path>) -> Target {
    match path {
        None => Target::Stdout,
        Some(p) if is_stdout(p) => Target::Stdout,
        Some(p) => Target::File(p.to_path_buf()),
    }
}

/// A folder output: `-` is refused (a folder cannot go to standard output,
/// and no folder named `-` is created).
fn folder_target(flag: &str, path: &Path) -> Result<Target, UsageError> {
    if is_stdout(path) {
        return usage(format!(
            "{flag} -: a folder of tables cannot go to standard output; give a folder"
        ));
    }
    Ok(Target::Folder(path.to_path_buf()))
}

/// Where a workbook goes: a file whose name does not say another format
/// (`--xlsx report.json` is a contradiction), or standard output when it is
/// not a terminal (a workbook is binary: it would only garble the screen).
fn workbook_target(flag: &str, path: &Path) -> Result<Target, UsageError> {
    if is_stdout(path) {
        if std::io::stdout().is_terminal() {
            return usage(format!(
                "{flag} -: a workbook is binary and standard output is a terminal; give a file name (FILE.xlsx) or redirect"
            ));
        }
        return Ok(Target::Stdout);
    }
    match extension(path).as_deref().and_then(format_of_extension) {
        Some("xlsx") | None => Ok(Target::File(path.to_path_buf())),
        Some(other) => usage(format!(
            "{flag} {}: a workbook is written as .xlsx, and this name says {other}; {}",
            path.display(),
            other_command(other)
        )),
    }
}

/// The lower-cased extension of a path.
fn extension(p: &Path) -> Option<String> {
    p.extension().map(|e| e.to_string_lossy().to_lowercase())
}

/// What an extension says the format is, across commands.
fn format_of_extension(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "json" => "json",
        "ndjson" | "jsonl" => "ndjson",
        "csv" => "csv",
        "parquet" => "parquet",
        "html" | "htm" => "html",
        "ps1" => "ps1",
        "txt" => "table",
        "xlsx" => "xlsx",
        _ => return None,
    })
}

fn summary_format_name(f: SummaryFormat) -> &'static str {
    match f {
        SummaryFormat::Table => "table",
        SummaryFormat::Json => "json",
        SummaryFormat::Html => "html",
    }
}

fn export_format_name(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
        ExportFormat::Ndjson => "ndjson",
        ExportFormat::Parquet => "parquet",
        ExportFormat::Xlsx => "xlsx",
    }
}

/// Where each format is written instead, for the hint of a usage error.
fn other_command(format: &str) -> &'static str {
    match format {
        "ps1" => "the script comes from `mrs-triage remediate -o FILE.ps1`",
        "csv" => "CSV tables are a folder: --csv DIR, or `mrs-triage export -o DIR`",
        "ndjson" | "parquet" => "`mrs-triage export -o` writes the tables in that format",
        "xlsx" => "the workbook comes from --xlsx FILE, or `mrs-triage export -o FILE.xlsx`",
        "html" => "the HTML report comes from `mrs-triage summary --html FILE`",
        "table" => "the terminal table comes from `mrs-triage summary`",
        _ => "see --help",
    }
}

impl Config {
    /// The worker threads asked for (`None`: one per CPU).
    pub fn threads(&self) -> Option<usize> {
        match &self.mode {
            Mode::Triage { input, .. } | Mode::Dump { input } => input.threads,
            Mode::Diff { new, .. } => new.threads,
            Mode::Samples(_) | Mode::Generate(_) | Mode::Completions(_) | Mode::Man(_) => None,
        }
    }

    /// Resolves the parsed command line.
    pub fn new(cli: Cli) -> Result<Config, UsageError> {
        match cli.command {
            Command::Summary(args) => summary(&args),
            Command::Export(args) => export(&args),
            Command::Remediate(args) => remediate(&args),
            Command::Diff(args) => diff(&args),
            Command::Dump(args) => Ok(dump(&args)),
            Command::Perf(args) => perf(&args),
            Command::Samples(args) => {
                Ok(Config { mode: Mode::Samples(args), quiet: false, notes: Vec::new() })
            }
            Command::Generate(args) => {
                Ok(Config { mode: Mode::Generate(args), quiet: false, notes: Vec::new() })
            }
            Command::Completions(CompletionsArgs { shell }) => {
                Ok(Config { mode: Mode::Completions(shell), quiet: false, notes: Vec::new() })
            }
            Command::Man(args) => man(args),
        }
    }
}

fn summary(args: &SummaryArgs) -> Result<Config, UsageError> {
    let mut notes = Vec::new();
    let mut outputs = Vec::new();
    if let Some(dir) = &args.csv {
        outputs.push(Output {
            format: Format::Csv(csv_options(args.delimiter)),
            target: folder_target("--csv", dir)?,
        });
    }
    if let Some(path) = &args.html {
        outputs.push(Output { format: Format::Html, target: stream_target(Some(path)) });
    }
    if let Some(path) = &args.xlsx {
        outputs.push(Output { format: Format::Xlsx, target: workbook_target("--xlsx", path)? });
    }
    let target = stream_target(args.output.as_deref());
    let inferred = args.output.as_deref().filter(|p| !is_stdout(p)).and_then(extension);
    let by_extension = inferred.as_deref().and_then(format_of_extension);
    let format = match (args.format, by_extension) {
        (Some(f), Some(e)) if summary_format_name(f) != e => {
            return usage(format!(
                "--format {} contradicts -o {} (a .{} file); give one or make them agree",
                summary_format_name(f),
                args.output.as_deref().unwrap_or(Path::new("")).display(),
                inferred.unwrap_or_default()
            ));
        }
        (Some(f), _) => f,
        (None, Some("json")) => SummaryFormat::Json,
        (None, Some("html")) => SummaryFormat::Html,
        (None, Some("table") | None) => SummaryFormat::Table,
        (None, Some(other)) => {
            return usage(format!(
                "-o {}: summary writes a table (.txt), JSON (.json) or HTML (.html); {}",
                args.output.as_deref().unwrap_or(Path::new("")).display(),
                other_command(other)
            ));
        }
    };
    let format = match format {
        SummaryFormat::Json => Format::SummaryJson,
        SummaryFormat::Html => Format::Html,
        SummaryFormat::Table => Format::Table(TableStyle {
            color: use_color(args.input.read.color, target == Target::Stdout),
            ascii: args.ascii,
            width: terminal_width(),
            steps: args.steps,
        }),
    };
    outputs.push(Output { format, target });
    if outputs.iter().filter(|o| o.target == Target::Stdout).count() > 1 {
        return usage(
            "two outputs would go to standard output: give -o FILE for the summary, or a file for --html",
        );
    }
    Ok(Config {
        mode: Mode::Triage {
            input: input_config(&args.input, args.redact, &mut notes),
            outputs,
            fail_on: args.fail_on,
        },
        quiet: args.input.read.quiet,
        notes,
    })
}

fn export(args: &ExportArgs) -> Result<Config, UsageError> {
    let mut notes = Vec::new();
    let out = &args.output;
    let ext = if is_stdout(out) { None } else { extension(out) };
    let by_extension = ext.as_deref().and_then(format_of_extension);
    let folder = out.is_dir() || out.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    let format = match (args.format, by_extension) {
        (Some(f), Some(e)) if export_format_name(f) != e => {
            return usage(format!(
                "-f {} contradicts -o {} (a .{} path); give one or make them agree",
                export_format_name(f),
                out.display(),
                ext.unwrap_or_default()
            ));
        }
        (Some(f), _) => f,
        (None, Some("json")) => ExportFormat::Json,
        (None, Some("ndjson")) => ExportFormat::Ndjson,
        (None, Some("csv")) => ExportFormat::Csv,
        (None, Some("parquet")) => ExportFormat::Parquet,
        (None, Some("xlsx")) => ExportFormat::Xlsx,
        (None, None) if folder => ExportFormat::Csv,
        (None, Some(other)) => {
            return usage(format!(
                "-o {}: export writes json, ndjson, csv, parquet or xlsx; {}",
                out.display(),
                other_command(other)
            ));
        }
        (None, None) => {
            return usage(format!(
                "-o {}: cannot tell the format from the name; give -f csv|json|ndjson|parquet|xlsx",
                out.display()
            ));
        }
    };
    let (format, target) = match format {
        ExportFormat::Csv => (Format::Csv(csv_options(args.delimiter)), folder_target("-o", out)?),
        ExportFormat::Parquet => (Format::Parquet, folder_target("-o", out)?),
        ExportFormat::Json => (Format::ExportJson, stream_target(Some(out))),
        ExportFormat::Ndjson => (Format::Ndjson, stream_target(Some(out))),
        ExportFormat::Xlsx if folder => {
            return usage(format!(
                "-o {}: a workbook is one file, not a folder; give -o FILE.xlsx",
                out.display()
            ));
        }
        ExportFormat::Xlsx => (Format::Xlsx, workbook_target("-o", out)?),
    };
    Ok(Config {
        mode: Mode::Triage {
            input: input_config(&args.input, args.redact, &mut notes),
            outputs: vec![Output { format, target }],
            fail_on: None,
        },
        quiet: args.input.read.quiet,
        notes,
    })
}

fn diff_format_name(f: crate::cli::args::DiffFormat) -> &'static str {
    use crate::cli::args::DiffFormat as F;
    match f {
        F::Table => "table",
        F::Json => "json",
        F::Csv => "csv",
    }
}

fn diff(args: &DiffArgs) -> Result<Config, UsageError> {
    use crate::cli::args::DiffFormat as F;
    let mut notes = Vec::new();
    if is_stdout(&args.old) && is_stdout(&args.new) {
        return usage("diff - -: standard input can be only one side; give a file for the other");
    }
    let mut outputs = Vec::new();
    if let Some(dir) = &args.csv {
        outputs.push(Output {
            format: DiffFormat::Csv(csv_options(args.delimiter)),
            target: folder_target("--csv", dir)?,
        });
    }
    let out = args.output.as_deref().filter(|p| !is_stdout(p));
    let ext = out.and_then(extension);
    let by_extension = ext.as_deref().and_then(format_of_extension);
    let folder = out.is_some_and(|o| o.is_dir() || o.to_string_lossy().ends_with(['/', '\\']));
    let shown = || args.output.as_deref().unwrap_or(Path::new("")).display().to_string();
    let format = match (args.format, by_extension) {
        (Some(f), Some(e)) if diff_format_name(f) != e => {
            return usage(format!(
                "--format {} contradicts -o {} (a .{} path); give one or make them agree",
                diff_format_name(f),
                shown(),
                ext.unwrap_or_default()
            ));
        }
        (Some(f), _) => f,
        (None, Some("json")) => F::Json,
        (None, Some("csv")) => F::Csv,
        (None, None) if folder => F::Csv,
        (None, Some("table") | None) => F::Table,
        (None, Some(other)) => {
            return usage(format!(
                "-o {}: diff writes a table (.txt), JSON (.json) or CSV tables (a folder); {}",
                shown(),
                other_command(other)
            ));
        }
    };
    let target = stream_target(args.output.as_deref());
    let (format, target) = match format {
        F::Json => (DiffFormat::Json, target),
        F::Csv => match args.output.as_deref() {
            Some(dir) => (DiffFormat::Csv(csv_options(args.delimiter)), folder_target("-o", dir)?),
            None => {
                return usage(
                    "--format csv writes a folder of tables: give -o DIR (or --csv DIR beside the table)",
                );
            }
        },
        F::Table => (
            DiffFormat::Table(TableStyle {
                color: use_color(args.read.color, target == Target::Stdout),
                ascii: args.ascii,
                width: terminal_width(),
                steps: false,
            }),
            target,
        ),
    };
    outputs.push(Output { format, target });
    let old = read_config(vec![args.old.clone()], &args.read, args.redact, &mut notes);
    let new = read_config(vec![args.new.clone()], &args.read, args.redact, &mut Vec::new());
    Ok(Config {
        mode: Mode::Diff { old, new, outputs, fail_on_new: args.fail_on_new },
        quiet: args.read.quiet,
        notes,
    })
}

fn remediate(args: &RemediateArgs) -> Result<Config, UsageError> {
    let mut notes = Vec::new();
    if let Some(out) = args.output.as_deref().filter(|p| !is_stdout(p))
        && let Some(f) = extension(out).as_deref().and_then(format_of_extension)
        && f != "ps1"
        && f != "table"
    {
        return usage(format!(
            "-o {}: remediate writes a PowerShell script (.ps1); {}",
            out.display(),
            other_command(f)
        ));
    }
    Ok(Config {
        mode: Mode::Triage {
            input: input_config(&args.input, args.redact, &mut notes),
            outputs: vec![Output {
                format: Format::Script,
                target: stream_target(args.output.as_deref()),
            }],
            fail_on: None,
        },
        quiet: args.input.read.quiet,
        notes,
    })
}

/// `man [COMMAND]`: the command must be one of the documented ones.
fn man(args: ManArgs) -> Result<Config, UsageError> {
    if let Some(name) = &args.command {
        use clap::CommandFactory;
        let cli = Cli::command();
        let documented: Vec<&str> =
            cli.get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name()).collect();
        if !documented.contains(&name.as_str()) {
            return usage(format!(
                "man {name}: no such command; the pages are: {}",
                documented.join(", ")
            ));
        }
    }
    Ok(Config { mode: Mode::Man(args.command), quiet: false, notes: Vec::new() })
}

fn perf(args: &PerfArgs) -> Result<Config, UsageError> {
    let mut notes = Vec::new();
    if let Some(out) = args.output.as_deref().filter(|p| !is_stdout(p))
        && let Some(f) = extension(out).as_deref().and_then(format_of_extension)
        && f != "table"
    {
        return usage(format!(
            "-o {}: perf writes tables (.txt); {}",
            out.display(),
            if f == "json" {
                "the figures in JSON come from `mrs-triage summary --format json` (mailboxes[].performance, batches[].performance, servers[])"
            } else {
                other_command(f)
            }
        ));
    }
    let target = stream_target(args.output.as_deref());
    let style = TableStyle {
        color: use_color(args.input.read.color, target == Target::Stdout),
        ascii: args.ascii,
        width: terminal_width(),
        steps: false,
    };
    Ok(Config {
        mode: Mode::Triage {
            input: input_config(&args.input, args.redact, &mut notes),
            outputs: vec![Output { format: Format::Perf(style), target }],
            fail_on: None,
        },
        quiet: args.input.read.quiet,
        notes,
    })
}

fn dump(args: &DumpArgs) -> Config {
    let input = InputConfig {
        args: args.inputs.clone(),
        reader: reader_options(&args.limits),
        zip: zip_limits(&args.limits),
        threads: None,
        progress: false,
        redact: false,
        percentile: Percentile::default(),
    };
    Config { mode: Mode::Dump { input }, quiet: false, notes: Vec::new() }
}

/// The path a file will have, resolved like an existing one: canonical when
/// it exists, else its canonical folder and its name.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

fn same_file(a: &Path, b: &Path) -> bool {
    if cfg!(windows) {
        a.as_os_str().to_string_lossy().to_lowercase()
            == b.as_os_str().to_string_lossy().to_lowercase()
    } else {
        a == b
    }
}

/// The first output file that would replace one of the inputs, as
/// `(output, input)`: refused before anything is read.
pub fn overwritten_input<F: FolderFiles>(
    outputs: &[Output<F>],
    sources: &[Source],
) -> Option<(PathBuf, PathBuf)> {
    let inputs: Vec<(PathBuf, PathBuf)> = sources
        .iter()
        .filter_map(|s| match s {
            Source::File(p) | Source::ZipEntry { archive: p, .. } => {
                Some((p.clone(), resolved(p)?))
            }
            Source::Stdin => None,
        })
        .collect();
    for o in outputs {
        let files: Vec<PathBuf> = match &o.target {
            Target::Stdout => Vec::new(),
            Target::File(p) => vec![p.clone()],
            Target::Folder(d) => o.format.folder_files().iter().map(|f| d.join(f)).collect(),
        };
        for f in files {
            let Some(r) = resolved(&f) else { continue };
            if let Some((given, _)) = inputs.iter().find(|(_, i)| same_file(i, &r)) {
                return Some((f, given.clone()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_is_found_however_it_is_spelled() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("case")).unwrap();
        std::fs::write(d.join("case/r.xml"), "<Objs/>").unwrap();
        std::fs::write(d.join("case/mailboxes.csv"), "x").unwrap();
        let sources =
            vec![Source::File(d.join("case/r.xml")), Source::File(d.join("case/mailboxes.csv"))];
        let json = |p: PathBuf| Output { format: Format::SummaryJson, target: Target::File(p) };
        let other = d.join("case/../case/./r.xml");
        assert!(overwritten_input(&[json(other)], &sources).is_some());
        assert!(overwritten_input(&[json(d.join("case/new.json"))], &sources).is_none());
        let csv = Output {
            format: Format::Csv(CsvOptions::default()),
            target: Target::Folder(d.join("case")),
        };
        let (out, input) = overwritten_input(&[csv], &sources).unwrap();
        assert!(out.ends_with("mailboxes.csv") && input.ends_with("mailboxes.csv"));
        assert!(
            overwritten_input(&[Output { format: Format::Html, target: Target::Stdout }], &sources)
                .is_none()
        );
    }
}
