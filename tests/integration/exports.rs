//! One snapshot per exporter that the other modules do not already cover:
//! the remediation script, the export JSON and NDJSON, every CSV table and
//! the Parquet schema. They pin each format's bytes, so that moving the code
//! behind them is proven not to change what users get.

use std::path::Path;

use crate::util::bin;

/// A mix of samples that fills every table: items of every class, failures,
/// several batches, a migration user and a flattened report.
const INPUTS: [&str; 4] = [
    "samples/batch-wave3.utf16.xml",
    "samples/corrupt-and-large.xml",
    "samples/flattened.xml",
    "samples/migration-user-dcs.xml",
];

fn export(format: &str, out: &Path, inputs: &[&str]) {
    let o =
        bin().args(["export", "-q", "-f", format, "-o"]).arg(out).args(inputs).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// File text with its CRLF line ends made visible (insta compares lines).
fn visible_crlf(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap().replace("\r\n", "⏎\n")
}

#[test]
fn script_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fix.ps1");
    let o = bin()
        .args(["remediate", "-q", "samples/batch-wave3.utf16.xml", "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    insta::assert_snapshot!("remediate_script", visible_crlf(&bytes));
}

#[test]
fn export_json_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tables.json");
    export("json", &path, &["samples/target-principals.xml", "samples/healthy.xml"]);
    insta::assert_snapshot!("export_json", std::fs::read_to_string(&path).unwrap());
}

#[test]
fn export_ndjson_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.ndjson");
    export("ndjson", &path, &["samples/target-principals.xml", "samples/healthy.xml"]);
    insta::assert_snapshot!("export_ndjson", std::fs::read_to_string(&path).unwrap());
}

#[test]
fn every_csv_table_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    export("csv", dir.path(), &INPUTS);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bad_items.csv",
            "batch_performance.csv",
            "batches.csv",
            "failures.csv",
            "folders.csv",
            "mailboxes.csv",
            "performance.csv",
            "principals.csv"
        ]
    );
    for name in names {
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{name}: UTF-8 BOM");
        insta::assert_snapshot!(format!("export_{name}"), visible_crlf(&bytes[3..]));
    }
}

/// Column names, types and row counts of every Parquet file, read back.
#[test]
fn parquet_schema_snapshot() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    export("parquet", dir.path(), &INPUTS);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut text = String::new();
    for name in names {
        let file = std::fs::File::open(dir.path().join(&name)).unwrap();
        let df = ParquetReader::new(file).finish().unwrap();
        text.push_str(&format!("{name}: {} rows\n", df.height()));
        for c in df.columns() {
            text.push_str(&format!("  {}: {:?}, {} null\n", c.name(), c.dtype(), c.null_count()));
        }
    }
    insta::assert_snapshot!("parquet_schema", text);
}
