//! The resolved configuration: every decision the command line, the
//! environment and the terminal leave open (colour, width, progress,
//! threads, reader limits, what to write where, when to fail) is made here,
//! once, from clap's raw arguments. The commands then only read a
//! [`Config`]; nothing else looks at clap fields, environment variables or
//! whether a stream is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::args::{
    Cli, ColorWhen, Command, Delimiter, DumpArgs, ExportArgs, ExportFormat, FailOn, GenerateArgs,
    InputArgs, LimitArgs, RemediateArgs, SamplesArgs, SummaryArgs, SummaryFormat,
};
use crate::clixml;
use crate::output::Target;
use crate::output::csv::CsvOptions;
use crate::output::table::TableStyle;
use crate::pipeline::Source;

/// One output of a run: a format and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The format.
    pub format: Format,
    /// Where it is written.
    pub target: Target,
}

/// The formats a run can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The terminal tables.
    Table(TableStyle),
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
}

impl Format {
    /// The files a folder format writes (to check them against the inputs).
    pub fn folder_files(self) -> &'static [&'static str] {
        match self {
            Format::Csv(_) => &[
                "mailboxes.csv",
                "bad_items.csv",
                "principals.csv",
                "failures.csv",
                "batches.csv",
                "folders.csv",
            ],
            Format::Parquet => &[
                "mailboxes.parquet",
                "bad_items.parquet",
                "principals.parquet",
                "failures.parquet",
                "batches.parquet",
                "folders.parquet",
            ],
            _ => &[],
        }
    }

    /// Whether the format lists every bad item (so the run must keep them).
    pub fn needs_items(self) -> bool {
        matches!(self, Format::Csv(_) | Format::Parquet | Format::ExportJson | Format::Ndjson)
    }
}

/// How inputs are found and read.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// The arguments as given (files, folders, patterns, `-`).
    pub args: Vec<PathBuf>,
    /// Reader limits.
    pub reader: clixml::Options,
    /// Worker threads (`None`: one per CPU).
    pub threads: Option<usize>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Replace personal data with tokens.
    pub redact: bool,
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
        /// The note after the script is written.
        script_note: bool,
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
}

/// The resolved command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// What to do.
    pub mode: Mode,
    /// No notes on stderr (errors are still printed).
    pub quiet: bool,
}

/// Whether to colour output on stdout: `--color` wins, then `NO_COLOR`
/// (non-empty, per no-color.org), then `CLICOLOR_FORCE`/`CLICOLOR`, then
/// whether stdout is a terminal (and `TERM` is not `dumb`).
fn use_color(when: ColorWhen, to_file: bool) -> bool {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if to_file || var("NO_COLOR").is_some() {
                false
            } else if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if var("CLICOLOR").is_some_and(|v| v == "0") {
                false
            } else {
                std::env::var("TERM").map_or(true, |t| t != "dumb")
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// The width tables wrap at: the terminal's own when stdout is one, else
/// `COLUMNS`, else 120.
fn terminal_width() -> u16 {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| w.0)
        .filter(|&w| w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(120)
}

fn reader_options(l: &LimitArgs) -> clixml::Options {
    clixml::Options {
        max_depth: l.max_depth,
        max_value_bytes: l.max_value_size,
        ..clixml::Options::default()
    }
}

fn input_config(i: &InputArgs) -> InputConfig {
    InputConfig {
        args: i.inputs.clone(),
        reader: reader_options(&i.limits),
        threads: i.threads,
        progress: !i.quiet && !i.no_progress && std::io::stderr().is_terminal(),
        redact: i.redact,
    }
}

fn csv_options(i: &InputArgs) -> CsvOptions {
    let delimiter = match i.delimiter {
        Delimiter::Comma => b',',
        Delimiter::Semicolon => b';',
        Delimiter::Tab => b'\t',
    };
    CsvOptions { delimiter, ..CsvOptions::default() }
}

/// `-` (or nothing) is standard output; anything else a file.
fn stream_target(path: Option<&Path>) -> Target {
    match path {
        None => Target::Stdout,
        Some(p) if p.as_os_str() == "-" => Target::Stdout,
        Some(p) => Target::File(p.to_path_buf()),
    }
}

impl Config {
    /// Resolves the parsed command line.
    pub fn new(cli: Cli) -> Config {
        match cli.command {
            Some(Command::Summary(args)) => summary(&args),
            None => summary(&cli.summary),
            Some(Command::Export(args)) => export(&args),
            Some(Command::Remediate(args)) => remediate(&args),
            Some(Command::Dump(args)) => dump(&args),
            Some(Command::Samples(args)) => Config { mode: Mode::Samples(args), quiet: false },
            Some(Command::Generate(args)) => Config { mode: Mode::Generate(args), quiet: false },
        }
    }
}

fn summary(args: &SummaryArgs) -> Config {
    let mut outputs = Vec::new();
    if let Some(dir) = &args.csv {
        outputs.push(Output {
            format: Format::Csv(csv_options(&args.input)),
            target: Target::Folder(dir.clone()),
        });
    }
    if let Some(path) = &args.html {
        outputs.push(Output { format: Format::Html, target: Target::File(path.clone()) });
    }
    let target = stream_target(args.output.as_deref());
    let format = match args.format {
        SummaryFormat::Json => Format::SummaryJson,
        SummaryFormat::Table => Format::Table(TableStyle {
            color: use_color(args.color, target != Target::Stdout),
            ascii: args.ascii,
            width: terminal_width(),
        }),
    };
    outputs.push(Output { format, target });
    Config {
        mode: Mode::Triage {
            input: input_config(&args.input),
            outputs,
            fail_on: args.fail_on,
            script_note: false,
        },
        quiet: args.input.quiet,
    }
}

fn export(args: &ExportArgs) -> Config {
    let (format, target) = match args.format {
        ExportFormat::Csv => {
            (Format::Csv(csv_options(&args.input)), Target::Folder(args.output.clone()))
        }
        ExportFormat::Parquet => (Format::Parquet, Target::Folder(args.output.clone())),
        ExportFormat::Json => (Format::ExportJson, stream_target(Some(&args.output))),
        ExportFormat::Ndjson => (Format::Ndjson, stream_target(Some(&args.output))),
    };
    Config {
        mode: Mode::Triage {
            input: input_config(&args.input),
            outputs: vec![Output { format, target }],
            fail_on: None,
            script_note: false,
        },
        quiet: args.input.quiet,
    }
}

fn remediate(args: &RemediateArgs) -> Config {
    Config {
        mode: Mode::Triage {
            input: input_config(&args.input),
            outputs: vec![Output {
                format: Format::Script,
                target: stream_target(args.output.as_deref()),
            }],
            fail_on: None,
            script_note: true,
        },
        quiet: args.input.quiet,
    }
}

fn dump(args: &DumpArgs) -> Config {
    let input = InputConfig {
        args: args.inputs.clone(),
        reader: reader_options(&args.limits),
        threads: None,
        progress: false,
        redact: false,
    };
    Config { mode: Mode::Dump { input }, quiet: false }
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
pub fn overwritten_input(outputs: &[Output], sources: &[Source]) -> Option<(PathBuf, PathBuf)> {
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
