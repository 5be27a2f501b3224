//! The exported tables as one JSON document or as NDJSON, with the summary
//! JSON's conventions (`mrs-triage.export.v2`): snake_case keys, real numbers
//! and booleans, times in ISO 8601 UTC with `Z` (null when the export gives
//! none in UTC), every key present in every row. Both carry the inputs
//! (and their errors) and the time of the run, and are written row by row.

use std::io::{self, Write};

use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;

use super::Exporter;
use super::tabular::{Cell, Table, tables};
use super::target::Destination;
use crate::analysis::InputSummary;
use crate::exchange::model::Limit;
use crate::pipeline::Run;

/// The schema name of the export document.
pub const SCHEMA: &str = "mrs-triage.export.v2";

/// `{"schema": …, "generated_at": …, "inputs": […], "tables": {"mailboxes": [{…}], …}}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportJson;

/// One JSON object per line, each with a `type`: first the `export` line
/// (schema, tool version, time of the run), then one `input` line per input,
/// then one line per row (`mailbox`, `bad_item`, `principal`, `failure`,
/// `batch`, `folder`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ndjson;

/// When the run was made, in seconds since the Unix epoch (UTC);
/// `SOURCE_DATE_EPOCH` fixes it, for reproducible output.
pub fn run_time() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// When the run was made ([`run_time`]), ISO 8601 UTC.
pub fn generated_at() -> String {
    crate::time::iso_utc(run_time())
}

fn cell_json(c: &Cell<'_>) -> Json {
    match c {
        Cell::Text(s) => Json::String(s.to_string()),
        Cell::Number(n) => Json::from(*n),
        Cell::Decimal(v) => Json::from(crate::analysis::performance::round3(*v)),
        Cell::Time(t) => Json::String(crate::time::iso_utc(*t)),
        Cell::Flag(b) => Json::Bool(*b),
        Cell::Limit(Limit::Count(n)) => Json::from(*n),
        Cell::Limit(_) => Json::String("unlimited".into()),
        Cell::Empty => Json::Null,
    }
}

/// One row as an object, its keys in column order (after `type`, in NDJSON).
struct Row<'a, 'c> {
    kind: Option<&'static str>,
    table: &'a Table,
    cells: &'a [Cell<'c>],
}

impl Serialize for Row<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len() + usize::from(self.kind.is_some())))?;
        if let Some(kind) = self.kind {
            map.serialize_entry("type", kind)?;
        }
        for (c, cell) in self.table.columns.iter().zip(self.cells) {
            map.serialize_entry(&c.key, &cell_json(cell))?;
        }
        map.end()
    }
}

/// A table's rows as a sequence, produced as they are written.
struct Rows<'a> {
    run: &'a Run,
    table: &'a Table,
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        let fed = self.table.rows(self.run, &mut |cells| {
            seq.serialize_element(&Row { kind: None, table: self.table, cells }).map_err(|e| {
                failed = Some(e);
                io::Error::other("serialising a row")
            })
        });
        if let Some(e) = failed {
            return Err(e);
        }
        fed.map_err(S::Error::custom)?;
        seq.end()
    }
}

/// Every table, by name, in export order.
struct Tables<'a>(&'a Run);

impl Serialize for Tables<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let all = tables();
        let mut map = s.serialize_map(Some(all.len()))?;
        for t in &all {
            map.serialize_entry(t.name, &Rows { run: self.0, table: t })?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool_version: &'static str,
    generated_at: String,
    inputs: &'a [InputSummary],
    tables: Tables<'a>,
}

impl Exporter for ExportJson {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("export.json", &mut |w| {
            let doc = Document {
                schema: SCHEMA,
                tool_version: env!("CARGO_PKG_VERSION"),
                generated_at: generated_at(),
                inputs: &run.analysis.inputs,
                tables: Tables(run),
            };
            serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::from)?;
            w.write_all(b"\n")
        })
    }
}

#[derive(Serialize)]
struct Header {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: &'static str,
    tool_version: &'static str,
    generated_at: String,
}

#[derive(Serialize)]
struct InputLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    input: &'a InputSummary,
}

impl Exporter for Ndjson {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("export.ndjson", &mut |w| {
            let header = Header {
                kind: "export",
                schema: SCHEMA,
                tool_version: env!("CARGO_PKG_VERSION"),
                generated_at: generated_at(),
            };
            line(w, &header)?;
            for input in &run.analysis.inputs {
                line(w, &InputLine { kind: "input", input })?;
            }
            for t in tables() {
                t.rows(run, &mut |cells| line(w, &Row { kind: Some(t.row), table: &t, cells }))?;
            }
            Ok(())
        })
    }
}

/// One NDJSON line.
fn line<T: Serialize>(w: &mut dyn Write, v: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v).map_err(io::Error::from)?;
    w.write_all(b"\n")
}
