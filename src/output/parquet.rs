//! The exported tables as Parquet files (one per table), through polars.
//!
//! Same tables and column names as the CSV export. Count and size columns
//! are `UInt64`, figures with a fraction (hours, percentages, rates)
//! `Float64` as computed, times ISO 8601 UTC text, everything else `String`
//! (limits stay text: a limit can be `unlimited`); empty cells are nulls. Text is written as it is: formula
//! neutralisation is a spreadsheet concern of the CSV export only. A table's
//! columns are built in memory before the file is written (Parquet is
//! columnar), so this output holds one table at a time.

use std::io;

use polars::prelude::*;

use super::Exporter;
use super::tabular::{Cell, Kind, Table, tables};
use super::target::Destination;
use crate::pipeline::Run;
use crate::render;

/// The Parquet exporter: one `NAME.parquet` per table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parquet;

impl Exporter for Parquet {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        for table in tables() {
            let mut df = frame(run, &table)?;
            out.stream(&format!("{}.parquet", table.name), &mut |w| {
                ParquetWriter::new(w).finish(&mut df).map(|_| ()).map_err(io::Error::other)
            })?;
        }
        Ok(())
    }
}

enum Values {
    Numbers(Vec<Option<u64>>),
    Decimals(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
}

fn text_of(cell: &Cell<'_>) -> Option<String> {
    match cell {
        Cell::Text(s) => Some(s.to_string()),
        Cell::Time(t) => Some(crate::time::iso_utc(*t)),
        Cell::Number(n) => Some(n.to_string()),
        Cell::Decimal(v) => Some(v.to_string()),
        Cell::Flag(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Cell::Limit(l) => Some(render::limit(*l).into_owned()),
        Cell::Empty => None,
    }
}

/// One table as a DataFrame with the documented column types.
fn frame(run: &Run, table: &Table) -> io::Result<DataFrame> {
    let mut columns: Vec<Values> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Decimal => Values::Decimals(Vec::new()),
            k if k.is_number() => Values::Numbers(Vec::new()),
            _ => Values::Texts(Vec::new()),
        })
        .collect();
    let mut height = 0;
    table.rows(run, &mut |row| {
        height += 1;
        for (values, cell) in columns.iter_mut().zip(row) {
            match values {
                Values::Numbers(v) => v.push(match cell {
                    Cell::Number(n) => Some(*n),
                    _ => None,
                }),
                Values::Decimals(v) => v.push(match cell {
                    Cell::Decimal(x) => Some(*x),
                    _ => None,
                }),
                Values::Texts(v) => v.push(text_of(cell)),
            }
        }
        Ok(())
    })?;
    let columns = table
        .columns
        .iter()
        .zip(columns)
        .map(|(c, values)| match values {
            Values::Numbers(v) => Column::new(c.name.as_ref().into(), v),
            Values::Decimals(v) => Column::new(c.name.as_ref().into(), v),
            Values::Texts(v) => Column::new(c.name.as_ref().into(), v),
        })
        .collect();
    DataFrame::new(height, columns).map_err(io::Error::other)
}
