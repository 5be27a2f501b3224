//! The exported tables as one JSON document (`mrs-triage.export.v1`) or as
//! NDJSON (one object per row, tagged with its `type`), from the same typed
//! tables as the CSV. Both are written row by row.

use std::io;

use serde_json::{Map, Value as Json};

use super::Exporter;
use super::csv::utc_text;
use super::tabular::{Cell, Table, tables};
use super::target::Destination;
use crate::exchange::model::Limit;
use crate::pipeline::Run;
use crate::render;

/// The schema name of the export document.
pub const SCHEMA: &str = "mrs-triage.export.v1";

/// `{"schema": "mrs-triage.export.v1", "tables": {"mailboxes": [{...}], ...}}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportJson;

/// One JSON object per row, tagged with `"type"` (`mailbox`, `bad_item`,
/// `principal`, `failure`, `batch`, `folder`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ndjson;

fn cell_json(c: &Cell<'_>) -> Json {
    match c {
        Cell::Text(s) => Json::String(s.to_string()),
        Cell::Number(n) => Json::from(*n),
        Cell::Time(t) => Json::String(utc_text(t).into_owned()),
        Cell::Flag(b) => Json::String(if *b { "TRUE" } else { "FALSE" }.into()),
        Cell::Limit(Limit::Count(n)) => Json::from(*n),
        Cell::Limit(l) => Json::String(render::limit(*l).into_owned()),
        Cell::Empty => Json::Null,
    }
}

fn row_json(t: &Table, row: &[Cell<'_>]) -> Map<String, Json> {
    t.columns.iter().zip(row).map(|(c, cell)| (c.name.to_string(), cell_json(cell))).collect()
}

impl Exporter for ExportJson {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("export.json", &mut |w| {
            // Tables in name order, rows pretty-printed at their depth, as
            // one serde_json document of the whole would have been.
            let mut tables = tables();
            tables.sort_by_key(|t| t.name);
            write!(w, "{{\n  \"schema\": \"{SCHEMA}\",\n  \"tables\": {{")?;
            for (i, t) in tables.iter().enumerate() {
                w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                write!(w, "    {}: [", Json::String(t.name.into()))?;
                let mut rows = 0usize;
                let mut buf = Vec::new();
                t.rows(run, &mut |row| {
                    w.write_all(if rows == 0 { b"\n      " } else { b",\n      " })?;
                    buf.clear();
                    serde_json::to_writer_pretty(&mut buf, &row_json(t, row))
                        .map_err(io::Error::other)?;
                    for (n, line) in buf.split(|&b| b == b'\n').enumerate() {
                        if n > 0 {
                            w.write_all(b"\n      ")?;
                        }
                        w.write_all(line)?;
                    }
                    rows += 1;
                    Ok(())
                })?;
                w.write_all(if rows == 0 { b"]" } else { b"\n    ]" })?;
            }
            w.write_all(if tables.is_empty() { b"}\n}\n" } else { b"\n  }\n}\n" })
        })
    }
}

impl Exporter for Ndjson {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("export.ndjson", &mut |w| {
            for t in tables() {
                t.rows(run, &mut |row| {
                    let mut obj = Map::new();
                    obj.insert("type".into(), Json::String(t.row.into()));
                    obj.extend(row_json(&t, row));
                    serde_json::to_writer(&mut *w, &Json::Object(obj)).map_err(io::Error::other)?;
                    w.write_all(b"\n")
                })?;
            }
            Ok(())
        })
    }
}
