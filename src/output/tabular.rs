//! The exported tables (mailboxes, bad items, principals, failures, batches,
//! folders, performance per mailbox and per batch and server) as one typed
//! model: each column is declared once with its name and kind, and CSV,
//! Parquet, the export JSON, NDJSON and the workbook (one sheet per table)
//! all render the same rows from it. Rows are produced one at a time from
//! the run, so a streaming format never holds a whole table.

use std::borrow::Cow;
use std::io;

use crate::analysis::performance::{Assessment, Figures};
use crate::analysis::{Category, Class, GroupRow, Verdict};
use crate::exchange::model::{Limit, StallBucket};
use crate::pipeline::Run;
use crate::time::TICKS_PER_SECOND;

/// What a column holds, which decides how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text from a report or a key of ours.
    Text,
    /// A count (or an index) we computed.
    Count,
    /// A size in bytes.
    Bytes,
    /// A figure we computed that has a fraction (hours, percentages, rates,
    /// latencies): written with at most 3 decimals.
    Decimal,
    /// A time in UTC (empty when the export gives none in UTC).
    Time,
    /// A yes/no.
    Flag,
    /// A BadItemLimit or LargeItemLimit: a count, or `unlimited`.
    Limit,
}

impl Kind {
    /// Whether the column holds numbers (Parquet `UInt64`).
    pub fn is_number(self) -> bool {
        matches!(self, Kind::Count | Kind::Bytes)
    }
}

/// One column: its header, its JSON key and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header, as Excel and `Import-Csv` see it (`BadItemsEncountered`).
    pub name: Cow<'static, str>,
    /// The key in the export JSON and NDJSON (`bad_items_encountered`).
    pub key: String,
    /// What it holds.
    pub kind: Kind,
}

/// `BadItemsEncountered` → `bad_items_encountered`, `PrincipalLegacyDN` →
/// `principal_legacy_dn`.
pub fn snake_case(header: &str) -> String {
    let chars: Vec<char> = header.chars().collect();
    let mut out = String::with_capacity(header.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `source_principal` → `SourcePrincipal`.
pub fn pascal_case(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// One cell of a row; its column says what it means.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// A number (counts and bytes).
    Number(u64),
    /// A figure with a fraction.
    Decimal(f64),
    /// A time, in seconds since the Unix epoch, UTC.
    Time(i64),
    /// A yes/no.
    Flag(bool),
    /// A limit (never [`Limit::Absent`]: that is [`Cell::Empty`]).
    Limit(Limit),
    /// Nothing.
    Empty,
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)))
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Text(Cow::Owned(s))
    }
}

impl From<u64> for Cell<'_> {
    fn from(n: u64) -> Self {
        Cell::Number(n)
    }
}

impl From<Option<u64>> for Cell<'_> {
    fn from(n: Option<u64>) -> Self {
        n.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Option<f64>> for Cell<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Decimal)
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Flag(b)
    }
}

/// A time in ticks as a [`Cell::Time`] (whole seconds).
fn ticks_cell<'a>(ticks: Option<i64>) -> Cell<'a> {
    ticks.map_or(Cell::Empty, |t| Cell::Time(t.div_euclid(TICKS_PER_SECOND)))
}

impl From<Limit> for Cell<'_> {
    fn from(l: Limit) -> Self {
        match l {
            Limit::Absent => Cell::Empty,
            l => Cell::Limit(l),
        }
    }
}

/// Receives the rows of a table, one at a time.
pub type RowSink<'s, 'r> = dyn FnMut(&[Cell<'r>]) -> io::Result<()> + 's;

/// Produces the rows of a table of `S`, one at a time.
pub type Rows<S> = for<'r> fn(&'r S, &mut RowSink<'_, 'r>) -> io::Result<()>;

/// One table of the export (of a [`Run`], or of another result with
/// tables: a diff's).
pub struct Table<S: ?Sized + 'static = Run> {
    /// Its name: the file stem (`mailboxes`), the key in the export JSON.
    pub name: &'static str,
    /// What one row is, as NDJSON's `type` (`mailbox`).
    pub row: &'static str,
    /// The columns, in order.
    pub columns: Vec<Column>,
    rows: Rows<S>,
}

impl<S: ?Sized> Table<S> {
    /// A table: its name, what a row is, its columns and its rows.
    pub(crate) fn new(
        name: &'static str,
        row: &'static str,
        columns: Vec<Column>,
        rows: Rows<S>,
    ) -> Self {
        Table { name, row, columns, rows }
    }

    /// Feeds every row, in order, to `sink`.
    pub fn rows<'r>(&self, of: &'r S, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
        (self.rows)(of, sink)
    }
}

pub(crate) fn col(name: &'static str, kind: Kind) -> Column {
    Column { name: Cow::Borrowed(name), key: snake_case(name), kind }
}

fn owned(name: String, key: &str, kind: Kind) -> Column {
    Column { name: Cow::Owned(name), key: key.to_string(), kind }
}

/// The count columns of the classes, then of every category but `other`
/// (whose items are exactly the class Other's).
fn class_and_category_columns() -> Vec<Column> {
    let mut columns: Vec<Column> =
        Class::ALL.iter().map(|c| owned(c.title().into(), c.key(), Kind::Count)).collect();
    columns.extend(
        Category::ALL
            .iter()
            .filter(|c| **c != Category::Other)
            .map(|c| owned(pascal_case(c.key()), c.key(), Kind::Count)),
    );
    columns
}

/// A timestamp as two cells: the time in UTC when the export gives it so
/// (xsd dateTime), else the text as the report wrote it (a log's time, in
/// whatever culture and time zone produced it).
fn time_cells(raw: Option<&str>) -> [Cell<'_>; 2] {
    match raw {
        None => [Cell::Empty, Cell::Empty],
        Some(t) => match crate::time::xsd_epoch_seconds(t) {
            Some(secs) => [Cell::Time(secs), Cell::Empty],
            None => [Cell::Empty, Cell::Text(Cow::Borrowed(t))],
        },
    }
}

pub(crate) fn text(name: &'static str) -> Column {
    col(name, Kind::Text)
}

pub(crate) fn count(name: &'static str) -> Column {
    col(name, Kind::Count)
}

/// Every table of the export, in order.
pub fn tables() -> Vec<Table> {
    vec![
        mailboxes(),
        bad_items(),
        principals(),
        failures(),
        groups("batches", "batch", "Batch"),
        groups("folders", "folder", "Folder"),
        performance(),
        batch_performance(),
    ]
}

fn decimal(name: &'static str) -> Column {
    col(name, Kind::Decimal)
}

/// The columns of [`Figures`], then of an [`Assessment`]'s grade and
/// bottleneck (`Throttled` follows each table's own figures).
fn figure_columns() -> Vec<Column> {
    let mut columns = vec![
        decimal("EfficiencyPercent"),
        decimal("SourceSidePercent"),
        decimal("DestinationSidePercent"),
        decimal("WordBreakingPercent"),
        decimal("TransientFailurePercent"),
        decimal("IdlePercent"),
    ];
    columns.extend(StallBucket::ALL.iter().map(|b| {
        owned(
            format!("Stall{}", pascal_case(b.key())),
            &format!("stall_{}", b.key()),
            Kind::Decimal,
        )
    }));
    columns.extend([
        decimal("StallPercent"),
        decimal("SourceLatencyMs"),
        decimal("DestinationLatencyMs"),
    ]);
    columns
}

fn figure_cells<'r>(row: &mut Vec<Cell<'r>>, f: &Figures) {
    row.extend([
        f.efficiency_percent.into(),
        f.source_side_percent.into(),
        f.destination_side_percent.into(),
        f.word_breaking_percent.into(),
        f.transient_failure_percent.into(),
        f.idle_percent.into(),
    ]);
    row.extend(StallBucket::ALL.iter().map(|b| f.stalls.and_then(|s| s.get(*b)).into()));
    row.extend([
        f.stall_percent.into(),
        f.source_latency_ms.into(),
        f.destination_latency_ms.into(),
    ]);
}

fn assessment_columns() -> [Column; 3] {
    [text("Health"), text("Bottleneck"), col("Throttled", Kind::Flag)]
}

fn assessment_cells<'r>(row: &mut Vec<Cell<'r>>, a: &Assessment) {
    row.extend([a.health.key().into(), a.bottleneck.map(|b| b.key()).into(), a.throttled.into()]);
}

/// Every mailbox with performance data: every key of
/// `mailboxes[].performance`, the stall buckets as columns, the stall
/// episodes and the copy progress summed up (the JSON has them in full).
fn performance() -> Table {
    let mut columns = vec![
        text("Input"),
        count("Index"),
        text("Mailbox"),
        text("Batch"),
        text("SourceServer"),
        text("MRSServerName"),
        decimal("InProgressHours"),
        decimal("OverallHours"),
        decimal("QueuedHours"),
        decimal("SuspendedHours"),
        decimal("FailedHours"),
        decimal("RelinquishedHours"),
        col("MailboxBytes", Kind::Bytes),
        col("MovedBytes", Kind::Bytes),
        col("BytesTransferred", Kind::Bytes),
        decimal("RateGbPerHour"),
        decimal("TransferRateGbPerHour"),
    ];
    columns.extend(figure_columns());
    columns.extend(assessment_columns());
    columns.extend([
        text("StalledNowSide"),
        text("StalledNowReason"),
        count("StallEpisodes"),
        count("OpenStallEpisodes"),
        decimal("LoggedStallHours"),
        count("CopyProgressPoints"),
        col("LastCopyProgressUtc", Kind::Time),
        count("LastCopiedMessages"),
        col("LastCopiedBytes", Kind::Bytes),
    ]);
    Table { name: "performance", row: "performance", columns, rows: performance_rows }
}

fn performance_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    let mut row: Vec<Cell<'r>> = Vec::new();
    for a in &run.analysis.mailboxes {
        let Some(p) = &a.performance else { continue };
        let m = &a.mailbox;
        let last = p.copy_progress.last();
        row.clear();
        row.extend([
            a.input_path.as_str().into(),
            (m.index as u64).into(),
            Cell::Text(Cow::Owned(a.label())),
            m.batch.as_deref().into(),
            m.stats.source_server.as_deref().into(),
            m.stats.mrs_server.as_deref().into(),
            p.in_progress_hours.into(),
            p.overall_hours.into(),
            p.queued_hours.into(),
            p.suspended_hours.into(),
            p.failed_hours.into(),
            p.relinquished_hours.into(),
            p.mailbox_bytes.into(),
            p.moved_bytes.into(),
            p.bytes_transferred.into(),
            p.rate_gb_per_hour.into(),
            p.transfer_rate_gb_per_hour.into(),
        ]);
        figure_cells(&mut row, &p.figures);
        assessment_cells(&mut row, &p.assessment);
        row.extend([
            p.stalled_now.as_ref().map(|s| s.side.key()).into(),
            p.stalled_now.as_ref().map(|s| s.reason.as_str()).into(),
            (p.stall_episodes.len() as u64).into(),
            (p.stall_episodes.iter().filter(|e| e.end.is_none()).count() as u64).into(),
            p.logged_stall_hours().into(),
            (p.copy_progress.len() as u64).into(),
            ticks_cell(last.and_then(|c| c.time)),
            last.map(|c| c.messages).into(),
            last.and_then(|c| c.bytes).into(),
        ]);
        sink(&row)?;
    }
    Ok(())
}

/// Every batch, then every source server and MRS server, with performance
/// data (`Scope` says which; `batches[].performance` and `servers[]`).
fn batch_performance() -> Table {
    let mut columns = vec![
        text("Scope"),
        text("Key"),
        count("Mailboxes"),
        count("KeptMoves"),
        col("StartUtc", Kind::Time),
        col("EndUtc", Kind::Time),
        decimal("TotalGbTransferred"),
        decimal("PercentComplete"),
        decimal("MinTransferRateGbPerHour"),
        decimal("MaxTransferRateGbPerHour"),
        decimal("AvgTransferRateGbPerHour"),
    ];
    columns.extend(figure_columns());
    columns.push(decimal("ThroughputGbPerHour"));
    columns.extend(assessment_columns());
    Table {
        name: "batch_performance",
        row: "batch_performance",
        columns,
        rows: batch_performance_rows,
    }
}

fn batch_performance_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    let a = &run.analysis;
    let batches = a.batches().filter_map(|(g, p)| Some(("batch", g.key.as_str(), p?)));
    let servers = a
        .servers
        .iter()
        .filter_map(|s| Some((s.by.key(), s.key.as_str(), s.performance.as_ref()?)));
    let mut row: Vec<Cell<'r>> = Vec::new();
    for (scope, key, p) in batches.chain(servers) {
        row.clear();
        row.extend([
            scope.into(),
            key.into(),
            p.mailboxes.into(),
            p.kept_moves.into(),
            ticks_cell(p.start),
            ticks_cell(p.end),
            p.total_gb_transferred.into(),
            p.percent_complete.into(),
            p.min_transfer_rate_gb_per_hour.into(),
            p.max_transfer_rate_gb_per_hour.into(),
            p.avg_transfer_rate_gb_per_hour.into(),
        ]);
        figure_cells(&mut row, &p.figures);
        row.push(p.throughput_gb_per_hour.into());
        assessment_cells(&mut row, &p.assessment);
        sink(&row)?;
    }
    Ok(())
}

fn mailboxes() -> Table {
    let mut columns = vec![
        text("Input"),
        count("Index"),
        text("SourceType"),
        text("Identity"),
        text("DisplayName"),
        text("Alias"),
        text("ExchangeGuid"),
        text("Batch"),
        text("Status"),
        text("StatusDetail"),
        text("FailureType"),
        col("BadItemLimit", Kind::Limit),
        col("LargeItemLimit", Kind::Limit),
        count("BadItemsEncountered"),
        count("LargeItemsEncountered"),
        count("MissingItemsEncountered"),
        text("DataConsistencyScore"),
        col("TotalMailboxSizeBytes", Kind::Bytes),
    ];
    columns.extend(class_and_category_columns());
    columns.extend([
        text("Verdict"),
        text("FailingLimit"),
        count("SuggestedBadItemLimit"),
        count("SuggestedLargeItemLimit"),
        col("RequiresAcceptLargeDataLoss", Kind::Flag),
        text("BatchReportStatus"),
        count("BatchReportItemsMigrated"),
        count("BatchReportItemsSkipped"),
        text("BatchReportError"),
        text("BatchReportDisagrees"),
    ]);
    Table { name: "mailboxes", row: "mailbox", columns, rows: mailbox_rows }
}

fn mailbox_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    let mut row: Vec<Cell<'r>> = Vec::new();
    for a in &run.analysis.mailboxes {
        let m = &a.mailbox;
        row.clear();
        row.extend([
            a.input_path.as_str().into(),
            (m.index as u64).into(),
            m.source_type.map(|s| s.key()).into(),
            m.identity.as_deref().into(),
            m.display_name.as_deref().into(),
            m.alias.as_deref().into(),
            m.exchange_guid.as_deref().into(),
            m.batch.as_deref().into(),
            m.status.as_deref().into(),
            m.status_detail.as_deref().into(),
            m.failure_type.as_deref().into(),
            m.bad_item_limit.into(),
            m.large_item_limit.into(),
            m.bad_items_encountered.into(),
            m.large_items_encountered.into(),
            m.missing_items_encountered.into(),
            m.data_consistency_score.as_deref().into(),
            m.total_mailbox_size.into(),
        ]);
        row.extend(a.classes.iter().map(|(_, n)| Cell::Number(n)));
        row.extend(
            a.counts.iter().filter(|(c, _)| *c != Category::Other).map(|(_, n)| Cell::Number(n)),
        );
        row.extend([
            a.verdict.key().into(),
            a.limits.failing_limit.map(|f| f.key()).into(),
            a.limits.suggested_bad_item_limit.into(),
            a.limits.suggested_large_item_limit.into(),
            Cell::Flag(a.limits.requires_accept_large_data_loss),
        ]);
        let b = a.batch_report.as_ref();
        row.extend([
            b.and_then(|b| b.status.as_deref()).into(),
            b.and_then(|b| b.items_migrated).into(),
            b.and_then(|b| b.items_skipped).into(),
            b.and_then(|b| b.error.as_deref()).into(),
            b.filter(|b| !b.disagreements.is_empty())
                .map_or(Cell::Empty, |b| b.disagreements.join("; ").into()),
        ]);
        sink(&row)?;
    }
    Ok(())
}

fn bad_items() -> Table {
    let columns = vec![
        text("Input"),
        count("MailboxIndex"),
        text("Mailbox"),
        text("Category"),
        text("Class"),
        text("Kind"),
        text("ListedIn"),
        text("Folder"),
        text("Subject"),
        text("Sender"),
        text("Recipient"),
        text("MessageClass"),
        col("SizeBytes", Kind::Bytes),
        col("DateSentUtc", Kind::Time),
        col("DateReceivedUtc", Kind::Time),
        col("LoggedUtc", Kind::Time),
        text("LoggedText"),
        text("FailureType"),
        text("PrincipalSide"),
        text("PrincipalSid"),
        text("PrincipalAlias"),
        text("PrincipalDisplayName"),
        text("PrincipalLegacyDN"),
        text("PrincipalProxies"),
    ];
    Table { name: "bad_items", row: "bad_item", columns, rows: bad_item_rows }
}

fn bad_item_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    let mut row: Vec<Cell<'r>> = Vec::new();
    for a in &run.analysis.mailboxes {
        let label = a.label();
        for (b, c) in a.mailbox.bad_items.iter().zip(&a.classified) {
            let p = c.principal.as_ref();
            let value =
                |f: fn(&crate::exchange::model::PrincipalValues) -> &Option<String>| -> Cell<'r> {
                    p.and_then(|p| f(p).as_deref()).into()
                };
            row.clear();
            row.extend([
                a.input_path.as_str().into(),
                (a.mailbox.index as u64).into(),
                Cell::Text(Cow::Owned(label.clone())),
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
                b.date_sent
                    .as_deref()
                    .and_then(crate::time::xsd_epoch_seconds)
                    .map_or(Cell::Empty, Cell::Time),
                b.date_received
                    .as_deref()
                    .and_then(crate::time::xsd_epoch_seconds)
                    .map_or(Cell::Empty, Cell::Time),
            ]);
            row.extend(time_cells(b.timestamp.as_deref()));
            row.extend([
                b.failure.as_ref().and_then(|f| f.failure_type.as_deref()).into(),
                c.category.side().map(|s| s.key()).into(),
                value(|p| &p.sid),
                value(|p| &p.alias),
                value(|p| &p.display_name),
                value(|p| &p.legacy_dn),
                p.filter(|p| !p.proxies.is_empty())
                    .map_or(Cell::Empty, |p| p.proxies.join("; ").into()),
            ]);
            sink(&row)?;
        }
    }
    Ok(())
}

fn principals() -> Table {
    let columns = vec![
        text("Side"),
        text("Sid"),
        text("Alias"),
        text("DisplayName"),
        text("LegacyDN"),
        text("Proxies"),
        count("Mailboxes"),
        count("Folders"),
        count("Occurrences"),
        text("AffectedMailboxes"),
    ];
    Table { name: "principals", row: "principal", columns, rows: principal_rows }
}

fn principal_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    for p in &run.analysis.principals {
        sink(&[
            p.side.key().into(),
            p.sid.as_deref().into(),
            p.alias.as_deref().into(),
            p.display_name.as_deref().into(),
            p.legacy_dn.as_deref().into(),
            if p.proxies.is_empty() { Cell::Empty } else { p.proxies.join("; ").into() },
            (p.mailboxes as u64).into(),
            (p.folders as u64).into(),
            p.occurrences.into(),
            p.affected.join("; ").into(),
        ])?;
    }
    Ok(())
}

fn failures() -> Table {
    let columns = vec![
        text("Input"),
        count("MailboxIndex"),
        text("Mailbox"),
        text("FailureType"),
        col("Transient", Kind::Flag),
        text("Side"),
        col("TimestampUtc", Kind::Time),
        text("TimestampText"),
        text("Message"),
    ];
    Table { name: "failures", row: "failure", columns, rows: failure_rows }
}

fn failure_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    for a in &run.analysis.mailboxes {
        let label = a.label();
        for f in &a.mailbox.failures {
            let [utc, text] = time_cells(f.timestamp.as_deref());
            sink(&[
                a.input_path.as_str().into(),
                (a.mailbox.index as u64).into(),
                Cell::Text(Cow::Owned(label.clone())),
                f.failure_type.as_deref().into(),
                Cell::Flag(f.is_transient()),
                f.side.as_deref().into(),
                utc,
                text,
                f.message.as_deref().map(|m| m.lines().next().unwrap_or("")).into(),
            ])?;
        }
    }
    Ok(())
}

/// The per-batch or per-folder roll-up: mailboxes, failed moves, bad items,
/// mailboxes per verdict and bad items per class.
fn groups(name: &'static str, row: &'static str, key: &'static str) -> Table {
    let mut columns = vec![text(key), count("Mailboxes"), count("FailedMoves"), count("BadItems")];
    columns.extend(Verdict::ALL.iter().map(|v| owned(pascal_case(v.key()), v.key(), Kind::Count)));
    columns.extend(Class::ALL.iter().map(|c| owned(c.title().into(), c.key(), Kind::Count)));
    let rows: for<'r> fn(&'r Run, &mut RowSink<'_, 'r>) -> io::Result<()> =
        if name == "batches" { batch_rows } else { folder_rows };
    Table { name, row, columns, rows }
}

fn batch_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    group_rows(&run.analysis.batches, sink)
}

fn folder_rows<'r>(run: &'r Run, sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    group_rows(&run.analysis.folders, sink)
}

fn group_rows<'r>(groups: &'r [GroupRow], sink: &mut RowSink<'_, 'r>) -> io::Result<()> {
    let mut row: Vec<Cell<'r>> = Vec::new();
    for g in groups {
        row.clear();
        row.extend([
            g.key.as_str().into(),
            g.mailboxes.into(),
            g.failed_moves.into(),
            g.bad_items.into(),
        ]);
        row.extend(g.verdicts.iter().map(|(_, n)| Cell::Number(n)));
        row.extend(g.classes.iter().map(|(_, n)| Cell::Number(n)));
        sink(&row)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_convert() {
        assert_eq!(snake_case("BadItemsEncountered"), "bad_items_encountered");
        assert_eq!(snake_case("PrincipalLegacyDN"), "principal_legacy_dn");
        assert_eq!(snake_case("DateSentUtc"), "date_sent_utc");
        assert_eq!(snake_case("Input"), "input");
        assert_eq!(pascal_case("source_principal"), "SourcePrincipal");
    }

    /// PowerShell's Import-Csv and ConvertFrom-Json stop on a name given
    /// twice in another letter case.
    #[test]
    fn names_and_keys_are_unique_ignoring_case() {
        for t in tables() {
            let mut names: Vec<String> = t.columns.iter().map(|c| c.name.to_lowercase()).collect();
            let mut keys: Vec<String> = t.columns.iter().map(|c| c.key.to_lowercase()).collect();
            names.sort();
            keys.sort();
            let n = names.len();
            names.dedup();
            keys.dedup();
            assert_eq!(names.len(), n, "{}: headers", t.name);
            assert_eq!(keys.len(), n, "{}: keys", t.name);
            assert!(t.columns.iter().all(|c| c.key != "type"), "{}: `type` is NDJSON's", t.name);
        }
    }

    /// Every row of every table of every sample has one cell per column, of
    /// that column's kind.
    #[test]
    fn cells_match_their_columns() {
        let opts = crate::pipeline::TriageOptions { keep_items: true, ..Default::default() };
        for sample in crate::synth::samples::samples() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(sample.file);
            let bytes = std::fs::read(&path).unwrap();
            let run = crate::pipeline::triage_reader(sample.file, bytes.as_slice(), &opts).unwrap();
            for t in tables() {
                t.rows(&run, &mut |row| {
                    assert_eq!(row.len(), t.columns.len(), "{}", t.name);
                    for (c, cell) in t.columns.iter().zip(row) {
                        let ok = match cell {
                            Cell::Empty => true,
                            Cell::Text(_) => c.kind == Kind::Text,
                            Cell::Number(_) => c.kind.is_number(),
                            Cell::Decimal(_) => c.kind == Kind::Decimal,
                            Cell::Time(_) => c.kind == Kind::Time,
                            Cell::Flag(_) => c.kind == Kind::Flag,
                            Cell::Limit(_) => c.kind == Kind::Limit,
                        };
                        assert!(ok, "{}: {} ({:?}) holds {cell:?}", t.name, c.name, c.kind);
                    }
                    Ok(())
                })
                .unwrap();
            }
        }
    }
}
