//! CSV exports that Excel opens correctly: UTF-8 with BOM, CRLF, RFC 4180
//! quoting, UTC dates, sizes in bytes, a configurable delimiter, text cells
//! neutralised against formula injection (OWASP), and files written
//! atomically (temporary file, then rename).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::aggregate::GroupRow;
use crate::summary::{Run, mailbox_label};

/// How CSV files are written.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    /// Field delimiter (`,`, or `;` for locales whose Excel expects it).
    pub delimiter: u8,
    /// Prefix text cells that start with `= + - @ TAB CR` with `'`.
    pub neutralise_formulas: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',', neutralise_formulas: true }
    }
}

/// A text cell, neutralised when it could start a formula.
pub fn safe_text(s: &str, opts: CsvOptions) -> std::borrow::Cow<'_, str> {
    if opts.neutralise_formulas && s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '\0']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// An xsd dateTime (`2024-05-14T09:01:02.1234567+02:00`) as Excel-friendly
/// UTC text `2024-05-14 07:01:02`; other text (a culture-formatted log time)
/// is returned as it is.
pub fn utc_text(s: &str) -> String {
    parse_xsd_utc(s).unwrap_or_else(|| s.to_string())
}

fn parse_xsd_utc(s: &str) -> Option<String> {
    crate::time::xsd_epoch_seconds(s).map(crate::time::utc_text)
}

/// A table: header and rows of cells, each cell text or a number.
pub struct Table {
    /// File name, e.g. `mailboxes.csv`.
    pub name: &'static str,
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (neutralised against formulas).
    Text(String),
    /// A number we produced ourselves (never neutralised).
    Num(u64),
    /// Empty.
    Empty,
}

impl From<Option<&str>> for Cell {
    fn from(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Cell {
        s.map_or(Cell::Empty, Cell::Text)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Num(n)
    }
}

impl From<Option<u64>> for Cell {
    fn from(n: Option<u64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Num)
    }
}

/// Writes a table as CSV bytes (BOM, CRLF).
pub fn to_bytes(table: &Table, opts: CsvOptions) -> io::Result<Vec<u8>> {
    let mut buf = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(opts.delimiter)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut buf);
        w.write_record(&table.header).map_err(io::Error::other)?;
        let mut record: Vec<String> = Vec::with_capacity(table.header.len());
        for row in &table.rows {
            record.clear();
            for cell in row {
                record.push(match cell {
                    Cell::Text(s) => safe_text(s, opts).into_owned(),
                    Cell::Num(n) => n.to_string(),
                    Cell::Empty => String::new(),
                });
            }
            w.write_record(&record).map_err(io::Error::other)?;
        }
        w.flush()?;
    }
    Ok(buf)
}

/// Writes every table into `dir` (created if missing), each atomically.
pub fn write_tables(dir: &Path, run: &Run, opts: CsvOptions) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for table in tables(run) {
        let path = dir.join(table.name);
        crate::run::write_atomically(&path, &to_bytes(&table, opts)?)?;
        written.push(path);
    }
    Ok(written)
}

/// The exported tables, in a stable order with stable columns (README).
pub fn tables(run: &Run) -> Vec<Table> {
    vec![
        mailboxes(run),
        bad_items(run),
        principals(run),
        failures(run),
        groups("batches.csv", "Batch", &run.batches),
        groups("folders.csv", "Folder", &run.folders),
    ]
}

/// The per-batch or per-folder roll-up: mailboxes, failed moves, bad items,
/// mailboxes per verdict and bad items per class.
fn groups(name: &'static str, key: &'static str, rows: &[GroupRow]) -> Table {
    use crate::classify::Class;
    use crate::verdict::Verdict;
    let mut header = vec![key, "Mailboxes", "FailedMoves", "BadItems"];
    header.extend(Verdict::ALL.iter().map(|v| v.key()));
    header.extend(["Permissions", "Corruption", "Large", "Missing", "Other"]);
    debug_assert_eq!(Class::ALL.len(), 5);
    let rows = rows
        .iter()
        .map(|g| {
            let mut row: Vec<Cell> = vec![
                g.key.as_str().into(),
                g.mailboxes.into(),
                g.failed_moves.into(),
                g.bad_items.into(),
            ];
            row.extend(
                Verdict::ALL.iter().map(|v| Cell::Num(g.verdicts.0.get(v).copied().unwrap_or(0))),
            );
            row.extend(
                Class::ALL.iter().map(|c| Cell::Num(g.classes.0.get(c).copied().unwrap_or(0))),
            );
            row
        })
        .collect();
    Table { name, header, rows }
}

fn limit_cell(l: crate::exchange::access::Limit) -> Cell {
    use crate::exchange::access::Limit;
    match l {
        Limit::Absent => Cell::Empty,
        Limit::Unlimited => Cell::Text("Unlimited".into()),
        Limit::Count(n) => Cell::Num(n),
    }
}

fn mailboxes(run: &Run) -> Table {
    use crate::classify::{Category, Class};
    let mut header = vec![
        "Input",
        "Index",
        "SourceType",
        "Identity",
        "DisplayName",
        "Alias",
        "ExchangeGuid",
        "Batch",
        "Status",
        "StatusDetail",
        "FailureType",
        "BadItemLimit",
        "LargeItemLimit",
        "BadItemsEncountered",
        "LargeItemsEncountered",
        "MissingItemsEncountered",
        "DataConsistencyScore",
        "TotalMailboxSizeBytes",
        "Permissions",
        "Corruption",
        "Large",
        "Missing",
        "Other",
    ];
    header.extend(Category::ALL.iter().map(|c| c.key()));
    header.extend([
        "Verdict",
        "FailingLimit",
        "SuggestedBadItemLimit",
        "SuggestedLargeItemLimit",
        "RequiresAcceptLargeDataLoss",
    ]);
    let rows = run
        .mailboxes
        .iter()
        .map(|a| {
            let m = &a.mailbox;
            let classes = a.counts.classes();
            let mut row: Vec<Cell> = vec![
                a.input_path.as_str().into(),
                (m.index as u64).into(),
                m.source_type.map(|s| s.label()).into(),
                m.identity.as_deref().into(),
                m.display_name.as_deref().into(),
                m.alias.as_deref().into(),
                m.exchange_guid.as_deref().into(),
                m.batch.as_deref().into(),
                m.status.as_deref().into(),
                m.status_detail.as_deref().into(),
                m.failure_type.as_deref().into(),
                limit_cell(m.bad_item_limit),
                limit_cell(m.large_item_limit),
                m.bad_items_encountered.into(),
                m.large_items_encountered.into(),
                m.missing_items_encountered.into(),
                m.data_consistency_score.as_deref().into(),
                m.total_mailbox_size.into(),
            ];
            row.extend(Class::ALL.iter().map(|c| Cell::Num(classes.get(c).copied().unwrap_or(0))));
            row.extend(Category::ALL.iter().map(|c| Cell::Num(a.counts.get(*c))));
            row.extend([
                a.verdict.key().into(),
                a.limits.failing_limit.map(|f| f.key()).into(),
                a.limits.suggested_bad_item_limit.into(),
                a.limits.suggested_large_item_limit.into(),
                (if a.limits.requires_accept_large_data_loss { "TRUE" } else { "FALSE" }).into(),
            ]);
            row
        })
        .collect();
    Table { name: "mailboxes.csv", header, rows }
}

fn bad_items(run: &Run) -> Table {
    let header = vec![
        "Input",
        "MailboxIndex",
        "Mailbox",
        "Category",
        "Class",
        "Kind",
        "ListedIn",
        "Folder",
        "Subject",
        "Sender",
        "Recipient",
        "MessageClass",
        "SizeBytes",
        "DateSentUtc",
        "DateReceivedUtc",
        "LoggedUtc",
        "FailureType",
        "PrincipalSide",
        "PrincipalSid",
        "PrincipalAlias",
        "PrincipalDisplayName",
        "PrincipalLegacyDN",
        "PrincipalProxies",
    ];
    let mut rows = Vec::new();
    for a in &run.mailboxes {
        let label = mailbox_label(&a.mailbox);
        for (b, c) in a.mailbox.bad_items.iter().zip(&a.classified) {
            let p = c.principal.clone().unwrap_or_default();
            let side = match c.category {
                crate::classify::Category::SourcePrincipal => Some("source"),
                crate::classify::Category::TargetPrincipal => Some("target"),
                _ => None,
            };
            rows.push(vec![
                a.input_path.as_str().into(),
                (a.mailbox.index as u64).into(),
                label.as_str().into(),
                c.category.key().into(),
                c.category.class().key().into(),
                b.kind.as_deref().into(),
                b.source.map(|s| s.key()).into(),
                c.folder.as_deref().into(),
                b.subject.as_deref().into(),
                b.sender.as_deref().into(),
                b.recipient.as_deref().into(),
                b.message_class.as_deref().into(),
                b.size.into(),
                b.date_sent.as_deref().map(utc_text).into(),
                b.date_received.as_deref().map(utc_text).into(),
                b.timestamp.as_deref().map(utc_text).into(),
                b.failure.as_ref().and_then(|f| f.failure_type.as_deref()).into(),
                side.into(),
                p.sid.as_deref().into(),
                p.alias.as_deref().into(),
                p.display_name.as_deref().into(),
                p.legacy_dn.as_deref().into(),
                (!p.proxies.is_empty()).then(|| p.proxies.join("; ")).into(),
            ]);
        }
    }
    Table { name: "bad_items.csv", header, rows }
}

fn principals(run: &Run) -> Table {
    let header = vec![
        "Side",
        "Sid",
        "Alias",
        "DisplayName",
        "LegacyDN",
        "Proxies",
        "Mailboxes",
        "Folders",
        "Occurrences",
        "AffectedMailboxes",
    ];
    let rows = run
        .principals
        .iter()
        .map(|p| {
            vec![
                (match p.side {
                    crate::classify::Side::Source => "source",
                    crate::classify::Side::Target => "target",
                })
                .into(),
                p.sid.as_deref().into(),
                p.alias.as_deref().into(),
                p.display_name.as_deref().into(),
                p.legacy_dn.as_deref().into(),
                (!p.proxies.is_empty()).then(|| p.proxies.join("; ")).into(),
                (p.mailboxes as u64).into(),
                (p.folders as u64).into(),
                p.occurrences.into(),
                p.affected.join("; ").into(),
            ]
        })
        .collect();
    Table { name: "principals.csv", header, rows }
}

fn failures(run: &Run) -> Table {
    let header = vec![
        "Input",
        "MailboxIndex",
        "Mailbox",
        "FailureType",
        "Transient",
        "Side",
        "TimestampUtc",
        "Message",
    ];
    let mut rows = Vec::new();
    for a in &run.mailboxes {
        let label = mailbox_label(&a.mailbox);
        for f in &a.mailbox.failures {
            rows.push(vec![
                a.input_path.as_str().into(),
                (a.mailbox.index as u64).into(),
                label.as_str().into(),
                f.failure_type.as_deref().into(),
                (if f.is_transient() { "TRUE" } else { "FALSE" }).into(),
                f.side.as_deref().into(),
                f.timestamp.as_deref().map(utc_text).into(),
                f.message.as_deref().map(|m| m.lines().next().unwrap_or("").to_string()).into(),
            ]);
        }
    }
    Table { name: "failures.csv", header, rows }
}

/// Writes a table to any writer (for `export --format csv` to stdout).
pub fn write_one<W: Write>(out: &mut W, table: &Table, opts: CsvOptions) -> io::Result<()> {
    out.write_all(&to_bytes(table, opts)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        let o = CsvOptions::default();
        for s in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_text(s, o), format!("'{s}"));
        }
        assert_eq!(safe_text("Inbox", o), "Inbox");
        let t = Table {
            name: "t.csv",
            header: vec!["A", "B", "C"],
            rows: vec![vec![
                Cell::Text("=1+1".into()),
                Cell::Num(5),
                Cell::Text("a,\"b\"\nc".into()),
            ]],
        };
        let bytes = to_bytes(&t, o).unwrap();
        assert_eq!(bytes, "\u{feff}A,B,C\r\n'=1+1,5,\"a,\"\"b\"\"\nc\"\r\n".as_bytes());
        let semi = to_bytes(&t, CsvOptions { delimiter: b';', ..o }).unwrap();
        assert!(String::from_utf8(semi).unwrap().starts_with("\u{feff}A;B;C\r\n"));
    }

    #[test]
    fn dates_become_utc() {
        assert_eq!(utc_text("2024-05-14T09:01:02.1234567+02:00"), "2024-05-14 07:01:02");
        assert_eq!(utc_text("2024-01-01T00:30:00-01:00"), "2024-01-01 01:30:00");
        assert_eq!(utc_text("2024-03-01T00:10:00+01:00"), "2024-02-29 23:10:00");
        assert_eq!(utc_text("2023-12-31T23:59:59Z"), "2023-12-31 23:59:59");
        assert_eq!(utc_text("2023-12-31T23:59:59"), "2023-12-31 23:59:59");
        assert_eq!(utc_text("5/19/2016 6:33:50 PM"), "5/19/2016 6:33:50 PM");
    }
}
