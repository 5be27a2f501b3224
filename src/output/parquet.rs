//! The exported tables as Parquet files (one per table), through polars.
//!
//! Same tables and column names as the CSV export. Count and size columns
//! are `UInt64`, everything else `String` (limits stay text: a limit can be
//! `Unlimited`); empty cells are nulls. Text is written as it is: formula
//! neutralisation is a spreadsheet concern of the CSV export only.

use std::io;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::csv::{Cell, Table};
use crate::classify::Category;
use crate::verdict::Verdict;

/// Columns holding counts or sizes, whatever table they are in.
const NUMERIC: &[&str] = &[
    "Index",
    "MailboxIndex",
    "BadItemsEncountered",
    "LargeItemsEncountered",
    "MissingItemsEncountered",
    "TotalMailboxSizeBytes",
    "Permissions",
    "Corruption",
    "Large",
    "Missing",
    "Other",
    "SuggestedBadItemLimit",
    "SuggestedLargeItemLimit",
    "SizeBytes",
    "Mailboxes",
    "Folders",
    "Occurrences",
    "FailedMoves",
    "BadItems",
];

/// Whether a column of the exported tables is a number column.
pub fn is_numeric(column: &str) -> bool {
    NUMERIC.contains(&column)
        || Category::ALL.iter().any(|c| c.key() == column)
        || Verdict::ALL.iter().any(|v| v.key() == column)
}

fn text_of(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(s) => Some(s.clone()),
        Cell::Num(n) => Some(n.to_string()),
        Cell::Empty => None,
    }
}

/// One table as a DataFrame with the documented column types.
pub fn frame(table: &Table) -> PolarsResult<DataFrame> {
    let columns = table
        .header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = table.rows.iter().map(|r| r.get(i).unwrap_or(&Cell::Empty));
            if is_numeric(name) {
                let v: Vec<Option<u64>> = cells
                    .map(|c| match c {
                        Cell::Num(n) => Some(*n),
                        Cell::Text(s) => s.parse().ok(),
                        Cell::Empty => None,
                    })
                    .collect();
                Column::new((*name).into(), v)
            } else {
                let v: Vec<Option<String>> = cells.map(text_of).collect();
                Column::new((*name).into(), v)
            }
        })
        .collect();
    DataFrame::new(table.rows.len(), columns)
}

/// Writes every table into `dir` (created if missing) as `NAME.parquet`,
/// each atomically.
pub fn write_tables(dir: &Path, tables: &[Table]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for table in tables {
        let mut df = frame(table).map_err(io::Error::other)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).map_err(io::Error::other)?;
        let stem = table.name.strip_suffix(".csv").unwrap_or(table.name);
        let path = dir.join(format!("{stem}.parquet"));
        crate::run::write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::{TriageOptions, triage_reader};

    /// The static column types agree with what every bundled sample puts in
    /// the tables: numbers only in number columns, and number columns only
    /// ever holding numbers.
    #[test]
    fn column_types_match_the_cells() {
        let opts = TriageOptions { keep_items: true, ..Default::default() };
        for sample in crate::synth::samples::samples() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(sample.file);
            let bytes = std::fs::read(&path).unwrap();
            let run = triage_reader(sample.file, bytes.as_slice(), &opts);
            for t in super::super::csv::tables(&run) {
                for row in &t.rows {
                    for (name, cell) in t.header.iter().zip(row) {
                        match cell {
                            Cell::Num(_) => assert!(
                                is_numeric(name) || name.ends_with("ItemLimit"),
                                "{}: {name} holds a number",
                                t.name
                            ),
                            Cell::Text(s) => assert!(
                                !is_numeric(name),
                                "{}: number column {name} holds text {s:?}",
                                t.name
                            ),
                            Cell::Empty => {}
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn frame_has_typed_nullable_columns() {
        let t = Table {
            name: "x.csv",
            header: vec!["Mailbox", "SizeBytes"],
            rows: vec![vec![Cell::Text("a".into()), Cell::Num(5)], vec![Cell::Empty, Cell::Empty]],
        };
        let df = frame(&t).unwrap();
        assert_eq!(df.height(), 2);
        assert_eq!(df.column("SizeBytes").unwrap().dtype(), &DataType::UInt64);
        assert_eq!(df.column("Mailbox").unwrap().dtype(), &DataType::String);
        assert_eq!(df.column("SizeBytes").unwrap().null_count(), 1);
    }
}
