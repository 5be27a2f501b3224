//! The exported tables as JSON and NDJSON (CSV lives in `csv`).
//! Every format carries the same tables with the same columns.

use serde_json::{Map, Value as Json};
use std::io::{self, Write};

use super::csv::{Cell, Table};

fn cell_json(c: &Cell) -> Json {
    match c {
        Cell::Text(s) => Json::String(s.clone()),
        Cell::Num(n) => Json::from(*n),
        Cell::Empty => Json::Null,
    }
}

fn row_json(t: &Table, row: &[Cell]) -> Map<String, Json> {
    t.header.iter().zip(row).map(|(h, c)| ((*h).to_string(), cell_json(c))).collect()
}

/// The table's name without `.csv`: `mailboxes`, `bad_items`, ...
fn stem(t: &Table) -> &'static str {
    t.name.strip_suffix(".csv").unwrap_or(t.name)
}

/// `{"schema": "mrs-triage.export.v1", "tables": {"mailboxes": [{...}], ...}}`.
pub fn write_json<W: Write>(out: &mut W, tables: &[Table]) -> io::Result<()> {
    let mut map = Map::new();
    for t in tables {
        let rows: Vec<Json> = t.rows.iter().map(|r| Json::Object(row_json(t, r))).collect();
        map.insert(stem(t).to_string(), Json::Array(rows));
    }
    let doc = serde_json::json!({ "schema": "mrs-triage.export.v1", "tables": map });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// One JSON object per row, tagged with `"type"` (`mailbox`, `bad_item`,
/// `principal`, `failure`, `batch`, `folder`).
pub fn write_ndjson<W: Write>(out: &mut W, tables: &[Table]) -> io::Result<()> {
    for t in tables {
        let kind = match stem(t) {
            "mailboxes" => "mailbox",
            "bad_items" => "bad_item",
            "principals" => "principal",
            "failures" => "failure",
            "batches" => "batch",
            "folders" => "folder",
            other => other,
        };
        for r in &t.rows {
            let mut obj = Map::new();
            obj.insert("type".into(), Json::String(kind.into()));
            obj.extend(row_json(t, r));
            serde_json::to_writer(&mut *out, &Json::Object(obj)).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
