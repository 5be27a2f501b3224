//! Shared helpers for the integration tests: where things are, how the
//! binary is run, and the small builders several modules use.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;
use mrs_triage::clixml::json as dump;
use mrs_triage::clixml::{TextTag, Value};

/// The package folder.
pub const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The `mrs-triage` binary Cargo built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_mrs-triage");

/// The root start tag PowerShell writes; 80 bytes, so line 2 of a document
/// that starts with `ROOT\n` begins at byte 81.
pub const ROOT: &str =
    r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

/// The binary, run in the package folder (so `samples/…` names a sample, as
/// in the README) with a fixed terminal width and no `NO_COLOR` from the
/// caller's environment: the same output on every machine.
pub fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(MANIFEST_DIR)
        .env("COLUMNS", "120")
        .env("SOURCE_DATE_EPOCH", "1764633600")
        .env_remove("NO_COLOR");
    c
}

/// Path of a file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(MANIFEST_DIR).join("tests/fixtures").join(name)
}

/// Path of a bundled sample under `samples/`.
pub fn sample(name: &str) -> PathBuf {
    PathBuf::from(MANIFEST_DIR).join("samples").join(name)
}

/// Every bundled sample (`samples/*.xml`), in name order.
pub fn samples() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(sample(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    all.sort();
    all
}

/// Every bundled sample: the XML exports, the text reports and the batch
/// downloads.
pub fn every_sample() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(sample(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "txt" || e == "csv"))
        .collect();
    all.sort();
    all
}

/// Wraps CLIXML body text in the `<Objs>` root PowerShell writes.
pub fn objs(body: &str) -> String {
    format!("{ROOT}{body}</Objs>")
}

/// `text` as UTF-16, little or big endian, with or without a byte order mark.
pub fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little_endian { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little_endian { unit.to_le_bytes() } else { unit.to_be_bytes() });
    }
    out
}

/// An `<S>` value.
pub fn s(text: &str) -> Value {
    Value::Text(TextTag::S, text.to_string())
}

/// A value as `mrs-triage dump` writes it (one JSON line, without the line end).
pub fn json(value: &Value) -> String {
    let mut out = Vec::new();
    dump::write_value(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

/// A `Read` that returns at most `n` bytes per call: tokens then end inside
/// the reader's buffers, as they do with pipes.
pub struct Trickle<'a> {
    /// What is left to read.
    pub data: &'a [u8],
    /// Bytes per call.
    pub n: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(out.len()).min(self.data.len());
        out[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}
