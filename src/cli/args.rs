//! The command line as clap parses it: definitions only, no logic (the
//! decisions are made once, in [`super::config`]).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Turns Exchange mailbox move reports (Export-CliXml) into answers: which bad
/// items are only permissions, which are real data, which principals to fix.
///
/// Without a command, `mrs-triage INPUT...` runs `summary`. Options may come
/// before or after the command.
#[derive(Debug, Parser)]
#[command(
    name = "mrs-triage",
    version,
    max_term_width = 100,
    arg_required_else_help = true,
    after_long_help = MAIN_HELP
)]
pub struct Cli {
    /// What to do (`summary` when the first argument is an input).
    #[command(subcommand)]
    pub command: Command,
}

const MAIN_HELP: &str = "\
Examples:
  mrs-triage report.xml                        summary table of one export
  mrs-triage case-folder --csv out             a folder of exports; CSV tables for Excel
  mrs-triage *.xml --format json -o sum.json   one JSON document for automation
  mrs-triage exports.zip --fail-on data-loss   exit 1 when mail may be lost
  mrs-triage export -f ndjson -o rows.ndjson *.xml   every table row as NDJSON
  mrs-triage remediate *.xml -o fix.ps1        the next steps as a commented script to review
  mrs-triage wave3.xml --html report.html      a self-contained HTML report
  mrs-triage wave3.xml --xlsx wave3.xlsx       an Excel workbook, a sheet per table
  mrs-triage perf wave3.xml                    how fast each move and batch went, and why
  mrs-triage dump report.xml                   the raw CLIXML objects as NDJSON

An input named like a command is given as ./export or after --.

EXIT STATUS:
  0   done; every input was read (also --help, --version, and a closed pipe)
  1   done, and findings of the --fail-on class exist
  2   usage error (bad flag or value; an output that would replace an input)
  65  at least one input is not valid CLIXML; the other inputs were still processed
  66  an input could not be opened, or a pattern matched nothing
  70  an internal error (a bug; please report it)
  73  the output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C); no partial output is left behind";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify the bad items of move reports and give a verdict per mailbox (default)
    #[command(after_long_help = SUMMARY_HELP)]
    Summary(SummaryArgs),

    /// Export every table (mailboxes, bad items, principals, failures, batches, folders,
    /// performance per mailbox and per batch and server): CSV, JSON, NDJSON, Parquet or an Excel workbook
    #[command(after_long_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Write the next steps as one PowerShell script for review (every line commented out)
    #[command(after_long_help = REMEDIATE_HELP)]
    Remediate(RemediateArgs),
    /// Compare two exports of the same moves: what is new, resolved or unchanged per mailbox
    #[command(after_long_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Write the bundled sample exports (synthetic move reports) into DIR
    Samples(SamplesArgs),
    /// Generate synthetic move-report exports of any size (for load tests)
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// Print each top-level CLIXML object as one line of JSON (NDJSON)
    #[command(after_long_help = DUMP_HELP)]
    Dump(DumpArgs),
    /// Print the shell completion script for bash, zsh, fish, PowerShell or elvish
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of mrs-triage, or of one of its commands
    #[command(after_long_help = MAN_HELP)]
    Man(ManArgs),
    /// Show how fast each move went and why (stalls, source or destination side), per
    /// mailbox, batch and server
    #[command(after_long_help = PERF_HELP)]
    Perf(PerfArgs),
}

const COMPLETIONS_HELP: &str = "\
Install (the script is generated from this binary's own options, so regenerate it after
an upgrade):
  PowerShell   mrs-triage completions powershell | Out-String | Invoke-Expression
               (add that line to $PROFILE to keep it)
  bash         mrs-triage completions bash > ~/.local/share/bash-completion/completions/mrs-triage
  zsh          mrs-triage completions zsh > ~/.zfunc/_mrs-triage   (with fpath+=~/.zfunc)
  fish         mrs-triage completions fish > ~/.config/fish/completions/mrs-triage.fish
  elvish       mrs-triage completions elvish >> ~/.config/elvish/rc.elv";

const MAN_HELP: &str = "\
Examples:
  mrs-triage man > mrs-triage.1 && man ./mrs-triage.1
  mrs-triage man export > mrs-triage-export.1";

/// Arguments of `completions`.
#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// The command whose page to print (default: the page of mrs-triage itself)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

const PERF_HELP: &str = "\
Examples:
  mrs-triage perf wave3.xml                    is this batch slow, why, and is the stall normal?
  mrs-triage perf case-folder --percentile 80  batch figures from the fastest 80 % of the moves

Per mailbox: size, transfer rate, efficiency, the shares of the in-progress time spent on the
source side, the destination side and in stalls, the health grade and the bottleneck; then
each batch and each source and MRS server (rates and shares of their kept moves: the fastest
90 %, --percentile N), and the performance next steps. The same figures are in the summary
JSON (mailboxes[].performance, batches[].performance, servers[]), in performance.csv and
batch_performance.csv (--csv, export) and in the HTML report (--html).

EXIT STATUS:
  0   done (also when the output pipe is closed early)
  2   usage error (bad flag or value)
  65  at least one input is not valid CLIXML; the others were still used
  66  an input could not be opened, or a pattern matched nothing
  73  the output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C)";

/// Arguments of `perf`.
#[derive(Debug, Args, Clone)]
pub struct PerfArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub input: InputArgs,

    /// Write the tables to this file instead of standard output (`-`)
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Replace personal data (names, addresses) with tokens, to share the
    /// tables safely
    #[arg(long, help_heading = "Output")]
    pub redact: bool,

    /// Draw tables with ASCII characters only (for pasting into tickets)
    #[arg(long, help_heading = "Output")]
    pub ascii: bool,
}

const SUMMARY_HELP: &str = "\
Examples:
  mrs-triage report.xml                          the summary table of one export
  mrs-triage report.xml --steps                  ... with every next step in the terminal
  mrs-triage case-folder -o summary.json         one JSON document (format from the extension)
  mrs-triage *.xml --html report.html --csv out  also a report page and CSV tables for Excel
  mrs-triage wave3.xml --xlsx wave3.xlsx         also an Excel workbook of every table
  mrs-triage exports.zip --fail-on data-loss     exit 1 when mail may be lost

-o infers the format from the extension (.json, .html, .txt) when --format is not given;
a contradiction (-f table -o x.json) is a usage error. - is standard output.

EXIT STATUS:
  0   done (also when the output pipe is closed early)
  1   done, and findings of the --fail-on class exist
  2   usage error (bad flag or value; an output that would replace an input)
  65  at least one input is not valid CLIXML; the others were still processed
  66  an input could not be opened, or a pattern matched nothing
  73  an output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C)";

const EXPORT_HELP: &str = "\
Examples:
  mrs-triage export -o tables.json case-folder   every table in one JSON document
  mrs-triage export -o rows.ndjson *.xml         one JSON object per row, each with a \"type\"
  mrs-triage export -o tables/ -f csv wave3.xml  Excel-safe CSV files in a folder
  mrs-triage export -o tables.parquet wave3.xml  Parquet files in the folder tables.parquet
  mrs-triage export -o wave3.xlsx wave3.xml      one Excel workbook, a sheet per table

The format comes from -f, else from -o's extension (.json, .ndjson, .jsonl, .csv, .parquet,
.xlsx);
a folder (an existing one, or a path ending in /) means CSV. - is standard output (json,
ndjson). The JSON forms are documented in the README (mrs-triage.export.v2).

EXIT STATUS:
  0   done (also when the output pipe is closed early)
  2   usage error (bad flag or value; an output that would replace an input)
  65  at least one input is not valid CLIXML; the others were still exported
  66  an input could not be opened, or a pattern matched nothing
  73  an output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C); no partial output is left behind";

const DIFF_HELP: &str = "\
Examples:
  mrs-triage diff monday.xml tuesday.xml            what changed, per mailbox, in a table
  mrs-triage diff case/2024-05-14 case/2024-05-16  two folders (or .zip archives) of exports
  mrs-triage diff old.xml new.xml -o changes.json   one JSON document (format from the extension)
  mrs-triage diff old.xml new.xml --csv changes     also Excel-safe CSV tables in a folder
  mrs-triage diff old.xml new.xml --fail-on-new     exit 1 when anything new appeared

Mailboxes are matched by ExchangeGuid, else by alias; bad items by kind, folder, entry id (else
subject) and principal. A mailbox found on one side only is added or gone. -o infers the format
from the extension (.json, .txt; .csv or a folder: the CSV tables). - is standard output.

EXIT STATUS:
  0   done (also when the output pipe is closed early)
  1   done, and --fail-on-new was given and something is new
  2   usage error (bad flag or value; an output that would replace an input)
  65  an input of either side is not valid CLIXML; the others were still compared
  66  an input could not be opened, or a pattern matched nothing
  73  an output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C)";

const DUMP_HELP: &str = "\
Examples:
  mrs-triage dump report.xml
  mrs-triage dump a.xml b.xml | jq '.\"@types\"[0]'
  Get-Content -Raw report.xml | mrs-triage dump -     (PowerShell 7; pass paths on 5.1)

The JSON mapping is documented in the README (section \"dump output\").

EXIT STATUS:
  0   every input was read (also when the output pipe is closed early)
  2   usage error (bad flag or value)
  65  at least one input is not valid CLIXML; the others were still dumped
  66  an input could not be opened, or a pattern matched nothing
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C)";

const REMEDIATE_HELP: &str = "\
Examples:
  mrs-triage remediate wave3.xml -o fix.ps1
  mrs-triage remediate case-folder -o fix.ps1

The script groups the steps by mailbox, then by principal; each step names the finding it
answers and the shell to run it in. Every line is a comment: uncomment what you decide to
run. Commands that change something carry -WhatIf (a dry run until you remove it); commands
with a <placeholder> do not parse until you fill it in. The file is UTF-8 with BOM and CRLF
(what Windows PowerShell 5.1 reads correctly). mrs-triage never runs anything itself.

EXIT STATUS:
  0   done (also when the output pipe is closed early)
  2   usage error (bad flag or value; an output that would replace an input)
  65  at least one input is not valid CLIXML; the others were still used
  66  an input could not be opened, or a pattern matched nothing
  73  the output file could not be written
  74  an I/O error while reading or writing
  130 interrupted (Ctrl-C); no partial script is left behind";

/// Arguments of `remediate`.
#[derive(Debug, Args, Clone)]
pub struct RemediateArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub input: InputArgs,

    /// Replace personal data (names, addresses, subjects, folders) with
    /// tokens, to share the script safely
    #[arg(long, help_heading = "Output")]
    pub redact: bool,

    /// Write the script to this file (written atomically); standard output
    /// when absent or `-`
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

/// Arguments of `samples`.
#[derive(Debug, Args, Clone)]
pub struct SamplesArgs {
    /// Directory to write into (created if missing)
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: PathBuf,
}

/// `generate --shape`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateShape {
    /// Every report kept as objects
    Structured,
    /// Every report flattened to strings
    Flattened,
    /// One mailbox in three structured
    Mixed,
}

/// Arguments of `generate`.
#[derive(Debug, Args, Clone)]
pub struct GenerateArgs {
    /// Mailboxes per file
    #[arg(long, default_value_t = 100)]
    pub mailboxes: usize,
    /// Bad items per mailbox
    #[arg(long, default_value_t = 100)]
    pub items: usize,
    /// Write this many files into the output directory instead of one file
    #[arg(long)]
    pub files: Option<usize>,
    /// Write UTF-16 LE with BOM (Windows PowerShell 5.1) instead of UTF-8
    #[arg(long)]
    pub utf16: bool,
    /// Seed of the generator
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Report shape: structured (~5.5 KB per bad item), flattened (~0.5 KB),
    /// mixed (one mailbox in three structured, ~2 KB)
    #[arg(long, value_enum, default_value_t = GenerateShape::Structured)]
    pub shape: GenerateShape,
    /// Output file (or directory with --files)
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
}

/// Arguments of `dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Exports to read: files, folders (walked recursively for .xml, .clixml,
    /// .zip), glob patterns, .zip archives (entries read in place), or `-`
    /// for standard input
    #[arg(required = true, value_name = "INPUT", value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// When to use colour in messages
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,

    /// Reader limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Output formats of `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Tables for the terminal
    Table,
    /// One `mrs-triage.summary.v1` JSON document
    Json,
    /// The self-contained HTML report
    Html,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Finding classes for `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any bad item at all
    Any,
    /// Permission errors (principal mapping, corrupt ACLs)
    Permissions,
    /// Corrupt items, rules, folders, settings
    Corruption,
    /// Large items
    Large,
    /// Missing items
    Missing,
    /// Unrecognised items
    Other,
    /// Corruption or missing items (mail may be lost)
    DataLoss,
}

/// The CSV delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Delimiter {
    /// `,` (the default)
    Comma,
    /// `;` (Excel in de-DE, fr-FR and other locales)
    Semicolon,
    /// Tab
    Tab,
}

/// Inputs and how to read them, shared by the commands that triage.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Reports to read (CLIXML exports, text reports, batch report CSVs, told
    /// apart by content): files, folders (walked recursively for .xml,
    /// .clixml, .zip, and the .txt, .log and .csv files that hold a report),
    /// glob patterns (expanded by the tool, also on Windows), .zip archives
    /// (entries read in place), or `-` for standard input
    #[arg(value_name = "INPUT", required = true, value_hint = clap::ValueHint::AnyPath)]
    pub inputs: Vec<PathBuf>,

    /// How to read them.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How inputs are read, shared by the commands that triage.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Worker threads (default, and 0: one per CPU; more than that is capped)
    #[arg(short = 'j', long, value_name = "N", help_heading = "Performance")]
    pub threads: Option<usize>,

    /// No progress bar and no notes on stderr (errors are still printed)
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Never draw a progress bar
    #[arg(long, help_heading = "Output")]
    pub no_progress: bool,

    /// When to use colour (tables, messages, help)
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,

    /// Of each batch's and server's moves that ran, the fastest N percent
    /// make its rates, shares and latencies (so one stuck move does not hide
    /// its real speed)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 90,
        value_parser = clap::value_parser!(u8).range(1..=100),
        help_heading = "Analysis"
    )]
    pub percentile: u8,

    /// Reader limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Arguments of `summary`.
#[derive(Debug, Args, Clone)]
pub struct SummaryArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format (default: from -o's extension, else table)
    #[arg(short, long, value_enum, help_heading = "Output")]
    pub format: Option<SummaryFormat>,

    /// Write the output to this file instead of standard output (`-`)
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write the Excel-safe CSV tables (mailboxes, bad items, principals,
    /// failures, batches, folders, performance) into this folder
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub csv: Option<PathBuf>,

    /// Also write a self-contained HTML report (no network) to this file (`-`:
    /// standard output)
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub html: Option<PathBuf>,

    /// Also write an Excel workbook (a Summary sheet and one sheet per table,
    /// typed cells) to this file
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath, help_heading = "Output")]
    pub xlsx: Option<PathBuf>,

    /// CSV field delimiter (for --csv)
    #[arg(long, value_enum, default_value_t = Delimiter::Comma, value_name = "DELIM", help_heading = "Output")]
    pub delimiter: Delimiter,

    /// Replace personal data (names, addresses, subjects, folders) with
    /// tokens stable within a run, to share results safely
    #[arg(long, help_heading = "Output")]
    pub redact: bool,

    /// Draw tables with ASCII characters only (for pasting into tickets)
    #[arg(long, help_heading = "Output")]
    pub ascii: bool,

    /// Show every next step in the terminal (by default: the most urgent one
    /// per mailbox)
    #[arg(long, help_heading = "Output")]
    pub steps: bool,

    /// Exit with status 1 when findings of this class exist (for scripts)
    #[arg(long, value_enum, value_name = "CLASS", help_heading = "Exit status")]
    pub fail_on: Option<FailOn>,
}

/// Formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// A table for the terminal
    Table,
    /// One JSON document (mrs-triage.diff.v1)
    Json,
    /// Excel-safe CSV tables in the folder given by -o
    Csv,
}

/// Arguments of `diff`.
#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// The earlier export: a file, folder, glob pattern or .zip archive
    #[arg(value_name = "OLD", value_hint = clap::ValueHint::AnyPath)]
    pub old: PathBuf,

    /// The later export of the same moves (`-`: standard input, for one side)
    #[arg(value_name = "NEW", value_hint = clap::ValueHint::AnyPath)]
    pub new: PathBuf,

    /// How to read them.
    #[command(flatten)]
    pub read: ReadArgs,

    /// Output format (default: from -o's extension, else table)
    #[arg(short, long, value_enum, help_heading = "Output")]
    pub format: Option<DiffFormat>,

    /// Write the output to this file (a folder for csv) instead of standard output (`-`)
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Also write the Excel-safe CSV tables (mailboxes, bad items, principals,
    /// failures) into this folder
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub csv: Option<PathBuf>,

    /// CSV field delimiter
    #[arg(long, value_enum, default_value_t = Delimiter::Comma, value_name = "DELIM", help_heading = "Output")]
    pub delimiter: Delimiter,

    /// Replace personal data (names, addresses, subjects, folders) with
    /// tokens, the same on both sides, to share results safely
    #[arg(long, help_heading = "Output")]
    pub redact: bool,

    /// Draw tables with ASCII characters only (for pasting into tickets)
    #[arg(long, help_heading = "Output")]
    pub ascii: bool,

    /// Exit with status 1 when a mailbox has a new bad item, principal or
    /// failure, or was added with bad items (for scripts)
    #[arg(long, help_heading = "Exit status")]
    pub fail_on_new: bool,
}

/// Formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Excel-safe CSV tables in the folder OUTPUT
    Csv,
    /// One JSON document with every table
    Json,
    /// One JSON object per line, each with a "type"
    Ndjson,
    /// Parquet files (one per table) in the folder OUTPUT
    Parquet,
    /// One Excel workbook: a Summary sheet, then one sheet per table
    Xlsx,
}

/// Arguments of `export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Inputs and reading options.
    #[command(flatten)]
    pub input: InputArgs,

    /// Export format (default: from -o's extension)
    #[arg(short, long, value_enum, help_heading = "Output")]
    pub format: Option<ExportFormat>,

    /// Output file (json, ndjson, xlsx; `-` for standard output) or folder (csv, parquet)
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: PathBuf,

    /// CSV field delimiter
    #[arg(long, value_enum, default_value_t = Delimiter::Comma, value_name = "DELIM", help_heading = "Output")]
    pub delimiter: Delimiter,

    /// Replace personal data (names, addresses, subjects, folders) with
    /// tokens stable within a run, to share results safely
    #[arg(long, help_heading = "Output")]
    pub redact: bool,
}

/// The highest `--max-depth` accepted. Values are walked recursively after
/// they are read (records, dump, drop), and a worker thread's stack held
/// about 10,000 levels in a debug build (20,000 crashed): 2048 keeps a wide
/// margin, on Windows' smaller stacks too, and is eight times the default;
/// no PowerShell export nests anywhere near it.
pub const MAX_DEPTH_CEILING: u64 = 2048;

/// Reader limits shared by the commands that read CLIXML.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Deepest nesting of elements accepted (at most 2048)
    #[arg(long, value_name = "N", default_value_t = 256, help_heading = "Limits",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_DEPTH_CEILING))]
    pub max_depth: usize,

    /// Largest single value in bytes (a string, a tag, any run without markup)
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024, help_heading = "Limits")]
    pub max_value_size: usize,

    /// Largest zip entry read, in bytes once decompressed (as the archive declares it)
    #[arg(long, value_name = "BYTES", default_value_t = 8 << 30, help_heading = "Limits")]
    pub max_zip_entry_size: u64,

    /// Largest expansion of a zip entry over 1 MiB: uncompressed / compressed size
    #[arg(long, value_name = "N", default_value_t = 200, help_heading = "Limits")]
    pub max_zip_ratio: u64,

    /// Most entries a zip archive may hold
    #[arg(long, value_name = "N", default_value_t = 10_000, help_heading = "Limits")]
    pub max_zip_entries: usize,
}
