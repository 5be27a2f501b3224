//! CSV tables that Excel opens correctly: UTF-8 with BOM, CRLF, RFC 4180
//! quoting, UTC dates, sizes in bytes, a configurable delimiter, and text
//! cells neutralised against formula injection (OWASP). One file per table
//! of [`super::tabular`], streamed row by row.

use std::borrow::Cow;
use std::io::{self, Write};

use super::Exporter;
use super::tabular::{Cell, Table, tables};
use super::target::Destination;
use crate::pipeline::Run;
use crate::render;

/// How CSV files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Field delimiter (`,`, or `;` for locales whose Excel expects it).
    pub delimiter: u8,
    /// Prefix text cells that start with `= + - @ TAB CR LF NUL` with `'`.
    pub neutralise_formulas: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',', neutralise_formulas: true }
    }
}

/// The CSV exporter: one `NAME.csv` per table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Csv(pub CsvOptions);

impl Exporter for Csv {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        for table in tables() {
            out.stream(&format!("{}.csv", table.name), &mut |w| {
                write_table(w, run, &table, self.0)
            })?;
        }
        Ok(())
    }
}

/// A text cell, neutralised when it could start a formula.
pub(crate) fn safe_text(s: &str, opts: CsvOptions) -> Cow<'_, str> {
    if opts.neutralise_formulas && s.starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '\0']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One cell as CSV text.
fn cell_text<'a>(cell: &'a Cell<'_>, opts: CsvOptions) -> Cow<'a, str> {
    match cell {
        Cell::Text(s) => safe_text(s, opts),
        // Excel reads `2024-05-14 07:01:02` as a date and time.
        Cell::Time(t) => Cow::Owned(crate::time::utc_text(*t)),
        Cell::Number(n) => Cow::Owned(n.to_string()),
        Cell::Decimal(v) => Cow::Owned(crate::analysis::performance::round3(*v).to_string()),
        Cell::Flag(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Cell::Limit(l) => render::limit(*l),
        Cell::Empty => Cow::Borrowed(""),
    }
}

/// Writes one table (BOM, header, CRLF rows).
pub(crate) fn write_table<S: ?Sized>(
    out: &mut dyn Write,
    of: &S,
    table: &Table<S>,
    opts: CsvOptions,
) -> io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(opts.delimiter)
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(table.columns.iter().map(|c| c.name.as_ref())).map_err(io::Error::other)?;
    table.rows(of, &mut |row| {
        w.write_record(row.iter().map(|c| cell_text(c, opts).into_owned()))
            .map_err(io::Error::other)
    })?;
    w.flush()
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
        assert_eq!(cell_text(&Cell::Number(5), o), "5");
        assert_eq!(cell_text(&Cell::Text("=1+1".into()), o), "'=1+1");
        assert_eq!(cell_text(&Cell::Time(0), o), "1970-01-01 00:00:00");
        assert_eq!(cell_text(&Cell::Flag(true), o), "TRUE");
        assert_eq!(cell_text(&Cell::Decimal(0.80649), o), "0.806");
        assert_eq!(cell_text(&Cell::Decimal(90.0), o), "90");
    }
}
