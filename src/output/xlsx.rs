//! The Excel workbook (`--xlsx FILE`, `export -f xlsx`): a first "Summary"
//! sheet, then one sheet per table of [`super::tabular`], so a new table
//! appears here without code of its own.
//!
//! Cells are typed from the column's [`Kind`]: counts and sizes are numbers
//! with a thousands format, times Excel dates (UTC, as the headers say),
//! flags booleans, limits numbers or the text `unlimited`, and text is a
//! string cell, so a subject that starts with `=` is never a formula and
//! needs no apostrophe. Each table sheet is an Excel table (ListObject,
//! which brings the filter buttons) with its header row frozen, a header
//! style of its own (also seen where table styles are not drawn) and column
//! widths from the content, capped. A sheet of more than [`TABLE_CELLS`]
//! cells gets the same filter buttons as a worksheet autofilter instead of
//! a table: rust_xlsxwriter checks tables for overlaps through a map entry
//! per cell of the table's range, memory that grows with the rows whatever
//! the mode (about 50 bytes a cell: 250 MB for 200,000 bad items), while an
//! autofilter costs the same at any length.
//!
//! Excel's limits: a sheet holds 1,048,576 rows, so a table longer than
//! 1,048,575 rows continues on "Bad items (2)" and so on, and a cell holds
//! 32,767 characters, so longer text is cut with a visible marker; the
//! Summary sheet says when either happened.
//!
//! Memory: the table sheets use rust_xlsxwriter's constant-memory mode, in
//! which each row goes to a temporary file once the next one starts, so a
//! sheet of 500,000 bad items is never held. That mode writes an Excel
//! table's header when the table is added, before any row, so each table's
//! rows are counted in a first pass (the rows come from the run; nothing is
//! kept), which also decides between a table and an autofilter.
//! The finished workbook is assembled into an anonymous temporary file and
//! then copied to the target (the crate's writer must be `Send`, which a
//! target's stream is not).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Seek};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Table as ListObject, TableColumn,
    TableStyle, Workbook, Worksheet, XlsxError,
};

use super::Exporter;
use super::tabular::{Cell, Table, pascal_case, tables};
use super::target::Destination;
use crate::analysis::{Class, Verdict};
use crate::exchange::model::Limit;
use crate::pipeline::Run;
use crate::render::{self, thousands};

/// Rows of data a sheet holds: Excel's 1,048,576 rows less the header.
pub const EXCEL_DATA_ROWS: u32 = 1_048_575;

/// Characters (UTF-16 code units, as Excel counts them) a cell holds.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// Most cells (rows × columns) of a sheet made an Excel table; a larger one
/// gets a worksheet autofilter (see the module's notes on memory): about
/// 50 MB of the crate's overlap map at most.
pub const TABLE_CELLS: u64 = 1_000_000;

/// Widest column, in Excel's character units.
const MAX_WIDTH: usize = 60;

/// How the workbook is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XlsxOptions {
    /// Rows of data per sheet before a table continues on the next one:
    /// [`EXCEL_DATA_ROWS`] (Excel's limit) unless a test lowers it.
    pub rows_per_sheet: u32,
    /// Most cells of a sheet made an Excel table: [`TABLE_CELLS`] unless a
    /// test lowers it.
    pub table_cells: u64,
}

impl Default for XlsxOptions {
    fn default() -> Self {
        XlsxOptions { rows_per_sheet: EXCEL_DATA_ROWS, table_cells: TABLE_CELLS }
    }
}

/// The workbook exporter: one `workbook.xlsx` stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct Xlsx(pub XlsxOptions);

impl Exporter for Xlsx {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        let mut file = tempfile::tempfile()?;
        // rust_xlsxwriter panics instead of returning an error when writing
        // one of its constant-memory sheet files fails (a full disk): that is
        // an output that could not be written, not a crash of the run.
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            workbook(run, self.0).and_then(|mut book| book.save_to_writer(&mut file))
        }));
        match written {
            Ok(r) => r.map_err(xlsx_error)?,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("the workbook writer stopped");
                return Err(io::Error::other(format!("writing the workbook failed: {why}")));
            }
        }
        file.rewind()?;
        out.stream("workbook.xlsx", &mut |w| io::copy(&mut file, w).map(drop))
    }
}

fn xlsx_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) => e,
        e => io::Error::other(e),
    }
}

/// The formats of the workbook, made once.
struct Styles {
    header: Format,
    count: Format,
    decimal: Format,
    time: Format,
    title: Format,
    heading: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            count: Format::new().set_num_format("#,##0"),
            // Hours, percentages, rates: the value unrounded, shown with up to 3 decimals.
            decimal: Format::new().set_num_format("#,##0.###"),
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            title: Format::new().set_bold().set_font_size(14),
            heading: Format::new().set_bold(),
        }
    }
}

/// What did not fit Excel, for the Summary sheet.
#[derive(Debug, Default)]
struct Limits {
    /// (table, rows, sheets) of every table that needed more than one sheet.
    continued: Vec<(&'static str, u64, u32)>,
    /// (sheet, cells cut) of every sheet with text cut.
    cut: Vec<(String, u64)>,
    /// (sheet, rows, an Excel table?) of every table sheet, in order.
    sheets: Vec<(String, u64, bool)>,
}

fn workbook(run: &Run, opts: XlsxOptions) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    // The file's own creation time is the run's (SOURCE_DATE_EPOCH makes it
    // reproducible); a date Excel cannot hold leaves the crate's default.
    let mut props = DocProperties::new()
        .set_title("Mailbox move triage")
        .set_comment(format!("mrs-triage {}", env!("CARGO_PKG_VERSION")));
    if let Ok(t) = ExcelDateTime::from_timestamp(super::export_json::run_time()) {
        props = props.set_creation_datetime(&t);
    }
    book.set_properties(&props);
    book.add_worksheet().set_name("Summary")?;
    let mut limits = Limits::default();
    for table in tables() {
        table_sheets(&mut book, run, &table, opts, &styles, &mut limits)?;
    }
    summary(book.worksheet_from_index(0)?, run, &limits, &styles)?;
    Ok(book)
}

/// `bad_items` → `Bad items`; the second sheet of it `Bad items (2)`
/// (within Excel's 31 characters).
fn sheet_name(table: &str, part: u32) -> String {
    let words = table.replace('_', " ");
    let mut title: String = words.chars().take(1).flat_map(char::to_uppercase).collect();
    title.push_str(words.get(1..).unwrap_or(""));
    let suffix = if part == 0 { String::new() } else { format!(" ({})", part + 1) };
    let room = 31 - suffix.chars().count();
    title.chars().take(room).collect::<String>() + &suffix
}

/// The Excel table's name (unique in the workbook, no spaces): `BadItems`,
/// `BadItems_2`.
fn list_name(table: &str, part: u32) -> String {
    let name = pascal_case(table);
    if part == 0 { name } else { format!("{name}_{}", part + 1) }
}

/// One table, on as many sheets as Excel needs.
fn table_sheets(
    book: &mut Workbook,
    run: &Run,
    table: &Table,
    opts: XlsxOptions,
    styles: &Styles,
    limits: &mut Limits,
) -> Result<(), XlsxError> {
    let per_sheet = u64::from(opts.rows_per_sheet.clamp(1, EXCEL_DATA_ROWS));
    let mut total = 0u64;
    table.rows(run, &mut |_| {
        total += 1;
        Ok(())
    })?;
    let parts = total.div_ceil(per_sheet).max(1) as u32;
    if parts > 1 {
        limits.continued.push((table.name, total, parts));
    }
    let mut sheet = Sheet::start(book, table, 0, total.min(per_sheet), opts, styles)?;
    let mut failed = None;
    let fed = table.rows(run, &mut |row| {
        let result = (|| {
            if sheet.rows == per_sheet {
                let next = sheet.part + 1;
                let left = total - u64::from(next) * per_sheet;
                sheet.finish(book, limits)?;
                sheet = Sheet::start(book, table, next, left.min(per_sheet), opts, styles)?;
            }
            sheet.row(book, table, row, styles)
        })();
        result.map_err(|e| {
            failed = Some(e);
            io::Error::other("writing a row")
        })
    });
    if let Some(e) = failed {
        return Err(e);
    }
    fed?;
    sheet.finish(book, limits)
}

/// The sheet being written.
struct Sheet {
    index: usize,
    name: String,
    part: u32,
    /// Whether it is an Excel table (else an autofilter).
    listed: bool,
    /// Data rows written.
    rows: u64,
    /// Widest content per column so far, in characters.
    widths: Vec<usize>,
    cut: u64,
}

impl Sheet {
    fn start(
        book: &mut Workbook,
        table: &Table,
        part: u32,
        rows: u64,
        opts: XlsxOptions,
        styles: &Styles,
    ) -> Result<Sheet, XlsxError> {
        let name = sheet_name(table.name, part);
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(&name)?;
        // An empty table keeps one blank row, as Excel's own do.
        let last_row = rows.max(1) as u32;
        let last_col = (table.columns.len().max(1) - 1) as u16;
        let listed = rows.max(1) * table.columns.len() as u64 <= opts.table_cells;
        if listed {
            let columns: Vec<TableColumn> = table
                .columns
                .iter()
                .map(|c| {
                    TableColumn::new().set_header(c.name.as_ref()).set_header_format(&styles.header)
                })
                .collect();
            let list = ListObject::new()
                .set_name(list_name(table.name, part))
                .set_style(TableStyle::Light9)
                .set_columns(&columns);
            ws.add_table(0, 0, last_row, last_col, &list)?;
        } else {
            for (c, column) in table.columns.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, column.name.as_ref(), &styles.header)?;
            }
            ws.autofilter(0, 0, last_row, last_col)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let widths = table.columns.iter().map(|c| c.name.chars().count() + 3).collect();
        let index = book.worksheets().len() - 1;
        Ok(Sheet { index, name, part, listed, rows: 0, widths, cut: 0 })
    }

    fn row(
        &mut self,
        book: &mut Workbook,
        table: &Table,
        cells: &[Cell<'_>],
        styles: &Styles,
    ) -> Result<(), XlsxError> {
        let ws = book.worksheet_from_index(self.index)?;
        let r = (self.rows + 1) as u32;
        for (i, cell) in cells.iter().enumerate().take(table.columns.len()) {
            let c = i as u16;
            let width = match cell {
                Cell::Empty => 0,
                Cell::Text(s) if s.is_empty() => 0,
                Cell::Text(s) => {
                    let (text, cut) = fit(s);
                    self.cut += u64::from(cut);
                    let width = text.chars().take(MAX_WIDTH + 1).count();
                    ws.write_string(r, c, text)?;
                    width
                }
                Cell::Number(n) => number(ws, r, c, *n, styles)?,
                Cell::Decimal(v) => {
                    ws.write_number_with_format(r, c, *v, &styles.decimal)?;
                    format!("{:.3}", crate::analysis::performance::round3(*v)).len()
                }
                Cell::Limit(Limit::Count(n)) => number(ws, r, c, *n, styles)?,
                Cell::Limit(l) => {
                    let text = render::limit(*l);
                    ws.write_string(r, c, text.as_ref())?;
                    text.len()
                }
                Cell::Time(secs) => match ExcelDateTime::from_timestamp(*secs) {
                    Ok(t) => {
                        ws.write_datetime_with_format(r, c, &t, &styles.time)?;
                        19
                    }
                    // Outside Excel's years 1900-9999: the time as text.
                    Err(_) => {
                        let text = crate::time::iso_utc(*secs);
                        ws.write_string(r, c, &text)?;
                        text.len()
                    }
                },
                Cell::Flag(b) => {
                    ws.write_boolean(r, c, *b)?;
                    5
                }
            };
            let w = &mut self.widths[i];
            *w = (*w).max(width);
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(&self, book: &mut Workbook, limits: &mut Limits) -> Result<(), XlsxError> {
        let ws = book.worksheet_from_index(self.index)?;
        for (i, w) in self.widths.iter().enumerate() {
            ws.set_column_width(i as u16, ((*w).min(MAX_WIDTH) + 1) as f64)?;
        }
        if self.cut > 0 {
            limits.cut.push((self.name.clone(), self.cut));
        }
        limits.sheets.push((self.name.clone(), self.rows, self.listed));
        Ok(())
    }
}

/// A count as a number with the thousands format; returns its width.
fn number(ws: &mut Worksheet, r: u32, c: u16, n: u64, styles: &Styles) -> Result<usize, XlsxError> {
    ws.write_number_with_format(r, c, n as f64, &styles.count)?;
    Ok(thousands(n).len())
}

/// Text as a cell holds it: cut to Excel's limit with a visible marker
/// saying how long it was; `true` when cut.
fn fit(s: &str) -> (Cow<'_, str>, bool) {
    // A UTF-8 byte is at most one UTF-16 unit: short text needs no count.
    if s.len() <= EXCEL_CELL_CHARS {
        return (Cow::Borrowed(s), false);
    }
    let units = s.encode_utf16().count();
    if units <= EXCEL_CELL_CHARS {
        return (Cow::Borrowed(s), false);
    }
    let marker = format!(
        " … [cut by mrs-triage: {} characters in all, Excel holds {}; the CSV and JSON exports have the whole text]",
        thousands(s.chars().count() as u64),
        thousands(EXCEL_CELL_CHARS as u64)
    );
    let room = EXCEL_CELL_CHARS - marker.encode_utf16().count();
    let mut kept = String::with_capacity(room + marker.len());
    let mut used = 0;
    for c in s.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        kept.push(c);
    }
    kept.push_str(&marker);
    (Cow::Owned(kept), true)
}

/// The first sheet: what the workbook holds and where it came from.
fn summary(
    ws: &mut Worksheet,
    run: &Run,
    limits: &Limits,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let a = &run.analysis;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 60)?;
    ws.write_string_with_format(0, 0, "Mailbox move triage", &styles.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} from {}, generated offline from Export-CliXml move reports",
            render::plural(a.totals.mailboxes as u64, "mailbox", "mailboxes"),
            render::plural(a.inputs.len() as u64, "input", "inputs")
        ),
    )?;
    let mut r = 3;
    ws.write_string(r, 0, "Generated (UTC)")?;
    let now = super::export_json::run_time();
    match ExcelDateTime::from_timestamp(now) {
        Ok(t) => ws.write_datetime_with_format(r, 1, &t, &styles.time)?,
        Err(_) => ws.write_string(r, 1, crate::time::iso_utc(now))?,
    };
    r += 1;
    ws.write_string(r, 0, "Tool")?;
    ws.write_string(r, 1, format!("mrs-triage {}", env!("CARGO_PKG_VERSION")))?;
    r += 1;
    ws.write_string(r, 0, "Inputs that could not be read completely")?;
    ws.write_number_with_format(r, 1, a.failed_inputs() as f64, &styles.count)?;

    r += 2;
    ws.write_string_with_format(r, 0, "Excel's limits", &styles.heading)?;
    for line in limit_notes(limits) {
        r += 1;
        ws.write_string(r, 0, line)?;
    }

    r += 2;
    ws.write_string_with_format(r, 0, "Totals", &styles.heading)?;
    ws.write_string_with_format(r, 1, "Count", &styles.heading)?;
    let pair = |ws: &mut Worksheet, r: &mut u32, label: &str, n: u64| {
        *r += 1;
        ws.write_string(*r, 0, label)?;
        ws.write_number_with_format(*r, 1, n as f64, &styles.count).map(drop)
    };
    pair(ws, &mut r, "Mailboxes", a.totals.mailboxes as u64)?;
    pair(ws, &mut r, "Bad items", a.totals.counts.total())?;
    for &c in Class::ALL {
        pair(ws, &mut r, &format!("Bad items: {}", c.title()), a.totals.classes.get(c))?;
    }

    r += 2;
    ws.write_string_with_format(r, 0, "Verdict", &styles.heading)?;
    ws.write_string_with_format(r, 1, "Mailboxes", &styles.heading)?;
    for &v in Verdict::ALL {
        pair(ws, &mut r, v.key(), a.totals.verdicts.get(v))?;
    }

    r += 2;
    for (c, h) in ["Input", "Encoding", "Objects", "Mailboxes", "Error"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &styles.heading)?;
    }
    for i in &a.inputs {
        r += 1;
        ws.write_string(r, 0, &i.path)?;
        ws.write_string(r, 1, i.encoding.unwrap_or(render::NONE))?;
        ws.write_number_with_format(r, 2, i.objects as f64, &styles.count)?;
        ws.write_number_with_format(r, 3, i.mailboxes as f64, &styles.count)?;
        ws.write_string(r, 4, fit(i.error.as_deref().unwrap_or(render::NONE)).0)?;
    }

    r += 2;
    ws.write_string_with_format(r, 0, "Sheet", &styles.heading)?;
    ws.write_string_with_format(r, 1, "Rows", &styles.heading)?;
    ws.write_string_with_format(r, 2, "Filter", &styles.heading)?;
    for (name, rows, listed) in &limits.sheets {
        pair(ws, &mut r, name, *rows)?;
        let filter = if *listed { "Excel table" } else { "autofilter (too large for a table)" };
        ws.write_string(r, 2, filter)?;
    }
    Ok(())
}

/// What the Summary says about Excel's limits: each table that continued
/// on more sheets, each sheet with text cut, or that nothing was.
fn limit_notes(limits: &Limits) -> Vec<String> {
    let mut out = Vec::new();
    for &(table, rows, sheets) in &limits.continued {
        let mut names = String::new();
        for part in 1..sheets {
            let sep = if part == 1 { "" } else { ", " };
            let _ = write!(names, "{sep}\"{}\"", sheet_name(table, part));
        }
        out.push(format!(
            "{}: {} rows are more than a sheet holds ({} at most); they continue on {names}",
            sheet_name(table, 0),
            thousands(rows),
            thousands(u64::from(EXCEL_DATA_ROWS)),
        ));
    }
    for (sheet, cells) in &limits.cut {
        out.push(format!(
            "{sheet}: {} longer than Excel's {} characters, cut and marked \"[cut by mrs-triage: …]\"",
            render::plural(*cells, "cell", "cells"),
            thousands(EXCEL_CELL_CHARS as u64),
        ));
    }
    if out.is_empty() {
        out.push(format!(
            "None reached: every table fits on one sheet ({} rows at most) and no cell is longer than {} characters",
            thousands(u64::from(EXCEL_DATA_ROWS)),
            thousands(EXCEL_CELL_CHARS as u64)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limit used in production is Excel's: rust_xlsxwriter accepts the
    /// last row a sheet has (the header takes the first) and refuses the next.
    #[test]
    fn the_row_limit_is_excels() {
        assert_eq!(XlsxOptions::default().rows_per_sheet, EXCEL_DATA_ROWS);
        assert_eq!(XlsxOptions::default().table_cells, TABLE_CELLS);
        assert_eq!(EXCEL_DATA_ROWS, 1_048_576 - 1);
        let mut ws = Worksheet::new();
        assert!(ws.write_string(EXCEL_DATA_ROWS, 0, "last").is_ok());
        assert!(matches!(
            ws.write_string(EXCEL_DATA_ROWS + 1, 0, "past"),
            Err(XlsxError::RowColumnLimitError)
        ));
    }

    #[test]
    fn long_text_is_cut_to_what_excel_holds_with_a_marker() {
        let (short, cut) = fit("Inbox");
        assert!(!cut && short == "Inbox");
        let exact = "x".repeat(EXCEL_CELL_CHARS);
        assert!(!fit(&exact).1);
        // Characters outside the BMP count twice, as in Excel.
        let long = "é😀".repeat(20_000);
        let (text, cut) = fit(&long);
        assert!(cut);
        assert!(text.encode_utf16().count() <= EXCEL_CELL_CHARS);
        assert!(text.ends_with("the CSV and JSON exports have the whole text]"));
        assert!(text.contains("[cut by mrs-triage: 40,000 characters in all, Excel holds 32,767"));
        // The crate accepts it.
        assert!(Worksheet::new().write_string(1, 0, text.as_ref()).is_ok());
        assert!(Worksheet::new().write_string(1, 0, long.as_str()).is_err());
    }

    #[test]
    fn sheet_and_table_names() {
        assert_eq!(sheet_name("bad_items", 0), "Bad items");
        assert_eq!(sheet_name("bad_items", 1), "Bad items (2)");
        assert_eq!(sheet_name("bad_items", 2), "Bad items (3)");
        assert_eq!(list_name("bad_items", 1), "BadItems_2");
        let long = sheet_name("a_table_with_a_name_far_too_long_for_excel", 11);
        assert_eq!(long.chars().count(), 31);
        assert!(long.ends_with(" (12)"));
        for t in tables() {
            assert!(sheet_name(t.name, 0).len() <= 31, "{}", t.name);
        }
    }
}
