//! `--redact` leaves nothing personal in any output: every output of every
//! sample (terminal table, summary JSON, HTML, the CSV folder and the
//! workbook of `summary`, the script, the export JSON, NDJSON, CSV,
//! Parquet and workbook, and the diff's table, JSON and CSV) is searched for every clear value the same sample gives without
//! `--redact` (Parquet and the workbooks read back cell by cell).

use std::collections::BTreeSet;
use std::path::Path;

use mrs_triage::analysis::redact::is_well_known_folder;
use serde_json::Value;

use crate::util::{bin, every_sample};

fn run(args: &[&str], out: &Path) {
    let o = bin().args(args).arg(out).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The personal values of a sample, from its unredacted export: names,
/// aliases, addresses (and their local parts), legacyExchangeDNs, proxies,
/// subjects, senders, recipients and folder names that are not well-known.
fn clear_values(sample: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clear.json");
    run(&["export", "-q", "-f", "json", sample, "-o"], &path);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut out = BTreeSet::new();
    let mut add = |v: &str| {
        let v = v.trim();
        // Numbers (a folder named `2019`) also occur in dates and counts.
        let words = v.chars().any(char::is_alphabetic);
        if v.chars().count() >= 4 && words && !v.starts_with("S-1-") && !is_guid(v) {
            out.insert(v.to_string());
            if let Some((local, _)) = v.split_once('@') {
                out.insert(local.to_string());
            }
        }
    };
    let tables = &doc["tables"];
    let fields: &[(&str, &[&str])] = &[
        ("mailboxes", &["Identity", "DisplayName", "Alias"]),
        (
            "bad_items",
            &[
                "Subject",
                "Sender",
                "Recipient",
                "PrincipalAlias",
                "PrincipalDisplayName",
                "PrincipalLegacyDN",
            ],
        ),
        ("principals", &["Alias", "DisplayName", "LegacyDN"]),
    ];
    for (table, names) in fields {
        for row in tables[table].as_array().unwrap() {
            for n in *names {
                if let Some(v) = row[n].as_str() {
                    add(v);
                }
            }
        }
    }
    for row in tables["bad_items"].as_array().unwrap() {
        if let Some(f) = row["Folder"].as_str() {
            f.split('/').filter(|p| !is_well_known_folder(p)).for_each(&mut add);
        }
        if let Some(p) = row["PrincipalProxies"].as_str() {
            for proxy in p.split("; ") {
                add(proxy.split_once(':').map_or(proxy, |(_, v)| v));
            }
        }
    }
    out
}

fn is_guid(s: &str) -> bool {
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// Every output of `sample` with `--redact`, as text (Parquet read back).
fn redacted_outputs(sample: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut texts = Vec::new();
    for (name, args) in [
        ("table", vec!["summary", "--color", "never"]),
        ("ascii", vec!["summary", "--ascii"]),
        ("json", vec!["summary", "--format", "json"]),
    ] {
        let o = bin().args(&args).args(["--redact", sample]).output().unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        texts.push((name.to_string(), String::from_utf8(o.stdout).unwrap()));
    }
    let o = bin()
        .args(["summary", "-q", "--redact", sample, "--html"])
        .arg(d.join("report.html"))
        .arg("--csv")
        .arg(d.join("summary-csv"))
        .arg("--xlsx")
        .arg(d.join("summary.xlsx"))
        .output()
        .unwrap();
    assert!(o.status.success(), "html: {}", String::from_utf8_lossy(&o.stderr));
    run(&["remediate", "-q", "--redact", sample, "-o"], &d.join("fix.ps1"));
    run(&["export", "-q", "--redact", "-f", "json", sample, "-o"], &d.join("export.json"));
    run(&["export", "-q", "--redact", "-f", "ndjson", sample, "-o"], &d.join("export.ndjson"));
    run(&["export", "-q", "--redact", "-f", "csv", sample, "-o"], &d.join("export-csv"));
    run(&["export", "-q", "--redact", "-f", "parquet", sample, "-o"], &d.join("parquet"));
    run(&["export", "-q", "--redact", "-f", "xlsx", sample, "-o"], &d.join("export.xlsx"));
    // The comparison of the sample with itself, and with the later wave-3
    // export: every item is an unchanged, new or resolved row.
    for other in [sample, "samples/batch-wave3.later.xml"] {
        for (name, args) in [
            ("diff table", vec!["diff", "--color", "never"]),
            ("diff json", vec!["diff", "--format", "json"]),
        ] {
            let o = bin().args(&args).args(["--redact", sample, other]).output().unwrap();
            assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
            texts.push((format!("{name} vs {other}"), String::from_utf8(o.stdout).unwrap()));
        }
    }
    run(
        &["diff", "-q", "--redact", sample, "samples/batch-wave3.later.xml", "--csv"],
        &d.join("diff-csv"),
    );
    for entry in walk(d) {
        let name = entry.strip_prefix(d).unwrap().display().to_string();
        let text = if entry.extension().is_some_and(|e| e == "parquet") {
            parquet_text(&entry)
        } else if entry.extension().is_some_and(|e| e == "xlsx") {
            xlsx_text(&entry)
        } else {
            String::from_utf8(std::fs::read(&entry).unwrap()).unwrap()
        };
        texts.push((name, text));
    }
    texts
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out.sort();
    out
}

fn parquet_text(path: &Path) -> String {
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap();
    let mut text = String::new();
    for c in df.columns() {
        if let Ok(s) = c.str() {
            for v in s.iter().flatten() {
                text.push_str(v);
                text.push('\n');
            }
        }
    }
    text
}

/// Every cell of every sheet of a workbook, and the sheet names.
fn xlsx_text(path: &Path) -> String {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let mut text = String::new();
    for sheet in book.sheet_names() {
        text.push_str(&sheet);
        text.push('\n');
        for row in book.worksheet_range(&sheet).unwrap().rows() {
            for cell in row {
                if *cell != Data::Empty {
                    text.push_str(&cell.to_string());
                    text.push('\n');
                }
            }
        }
    }
    assert!(text.len() > 200, "{}: cells read", path.display());
    text
}

#[test]
fn no_clear_value_of_any_sample_is_in_any_redacted_output() {
    let mut checked = 0;
    for path in every_sample() {
        let rel = format!("samples/{}", path.file_name().unwrap().to_string_lossy());
        let clear = clear_values(&rel);
        let outputs = redacted_outputs(&rel);
        assert!(outputs.len() >= 20, "{rel}: every output written");
        assert_eq!(outputs.iter().filter(|(n, _)| n.ends_with(".xlsx")).count(), 2, "{rel}");
        for (name, text) in &outputs {
            for v in &clear {
                assert!(!text.contains(v.as_str()), "{rel}: {name} shows {v:?}");
            }
            checked += 1;
        }
        let json = &outputs.iter().find(|(n, _)| n == "json").unwrap().1;
        assert!(
            clear.is_empty()
                || ["\"mailbox-", "\"user-", "subject-", "folder-"]
                    .iter()
                    .any(|t| json.contains(t)),
            "{rel}: tokens keep their kind"
        );
    }
    assert!(checked > 100, "{checked} outputs checked");
}
