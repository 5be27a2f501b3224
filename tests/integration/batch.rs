//! Batch triage: folders, globs, archives, CSV/JSON/NDJSON exports,
//! redaction, --fail-on and exit codes.

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::util::{bin, sample};

/// A case folder: two exports at the top, one in a subfolder, one in a zip.
fn case_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("case/later")).unwrap();
    std::fs::copy(sample("healthy.xml"), d.join("case/a-healthy.xml")).unwrap();
    std::fs::copy(sample("target-principals.xml"), d.join("case/b-target.xml")).unwrap();
    std::fs::copy(sample("corrupt-and-large.xml"), d.join("case/later/c-data.clixml")).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("case/d-bundle.zip")).unwrap());
    z.start_file("inner/flattened.xml", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(&std::fs::read(sample("flattened.xml")).unwrap()).unwrap();
    z.finish().unwrap();
    std::fs::write(d.join("case/notes.txt"), "not an export").unwrap();
    dir
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn folders_are_walked_in_order_with_archives_read_in_place() {
    let dir = case_folder();
    let d = json(bin().arg(dir.path().join("case")).args(["--format", "json", "-j", "2"]));
    let paths: Vec<String> = d["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().replace(&dir.path().display().to_string(), ""))
        .collect();
    assert_eq!(
        paths,
        [
            "/case/a-healthy.xml",
            "/case/b-target.xml",
            "/case/d-bundle.zip!inner/flattened.xml",
            "/case/later/c-data.clixml"
        ]
    );
    let aliases: Vec<&str> =
        d["mailboxes"].as_array().unwrap().iter().map(|m| m["alias"].as_str().unwrap()).collect();
    assert_eq!(aliases, ["adelev", "leeg", "johannal", "miriamg", "isaiahl"]);
    // Same result with one thread: output order never depends on scheduling.
    let one = json(bin().arg(dir.path().join("case")).args(["--format", "json", "-j", "1"]));
    assert_eq!(one["mailboxes"], d["mailboxes"]);
}

#[test]
fn glob_patterns_are_expanded_by_the_tool() {
    let dir = case_folder();
    let pattern = dir.path().join("case").join("*.xml");
    let d = json(bin().arg(&pattern).args(["--format", "json"]));
    assert_eq!(d["inputs"].as_array().unwrap().len(), 2);
    bin()
        .arg(dir.path().join("nothing-*.xml"))
        .assert()
        .code(66)
        .stderr(predicate::str::contains("no file matches"));
}

fn read_csv(path: &Path) -> (String, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{} has a BOM", path.display());
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains("\n\""), "CRLF line ends");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let rows = r.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (text, rows)
}

#[test]
fn csv_tables_are_excel_safe() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .args(["samples/batch-wave3.utf16.xml", "samples/corrupt-and-large.xml", "--csv"])
        .arg(out.path())
        .arg("-q")
        .assert()
        .success();
    for f in ["mailboxes.csv", "bad_items.csv", "principals.csv", "failures.csv"] {
        assert!(out.path().join(f).exists(), "{f}");
    }
    let (_, mailboxes) = read_csv(&out.path().join("mailboxes.csv"));
    assert_eq!(mailboxes.len(), 7, "header + 6 mailboxes");
    assert_eq!(mailboxes[0][0], "Input");
    let (text, items) = read_csv(&out.path().join("bad_items.csv"));
    let subject_col = items[0].iter().position(|h| h == "Subject").unwrap();
    assert!(items.iter().any(|r| r[subject_col].starts_with("'=HYPERLINK")), "formula neutralised");
    assert!(!text.contains("\n=HYPERLINK") && !text.contains(",=HYPERLINK"));
    let size_col = items[0].iter().position(|h| h == "SizeBytes").unwrap();
    assert!(
        items.iter().skip(1).any(|r| r[size_col].parse::<u64>().is_ok_and(|n| n > 150_000_000))
    );
    let date_col = items[0].iter().position(|h| h == "DateSentUtc").unwrap();
    assert!(
        items.iter().skip(1).any(|r| r[date_col].len() == 19 && r[date_col].as_bytes()[10] == b' ')
    );
    let (_, principals) = read_csv(&out.path().join("principals.csv"));
    let affected = principals[0].iter().position(|h| h == "AffectedMailboxes").unwrap();
    let row = principals
        .iter()
        .find(|r| r[1] == "S-1-5-21-1004336348-1177238915-682003330-1108")
        .unwrap();
    assert_eq!(row[affected], "pradeepg; lynner; gradya; isaiahl");
}

#[test]
fn semicolon_delimiter_and_redaction() {
    let out = tempfile::tempdir().unwrap();
    bin()
        .args([
            "samples/corrupt-and-large.xml",
            "--delimiter",
            "semicolon",
            "--redact",
            "-q",
            "--csv",
        ])
        .arg(out.path())
        .assert()
        .success();
    let text = String::from_utf8(std::fs::read(out.path().join("bad_items.csv")).unwrap()).unwrap();
    assert!(text.starts_with("\u{feff}Input;MailboxIndex;Mailbox;Category"));
    assert!(!text.contains("HYPERLINK") && !text.contains("Weekly status"));
    // Well-known folder names stay readable; the owner's own folders do not.
    assert!(text.contains("Sent Items") && !text.contains("Shared; Finance"), "{text}");
    assert!(text.contains("subject-") && text.contains("folder-"));
    // Same text, same token, within the run.
    let folders: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split(';').nth(7))
        .filter(|f| f.starts_with("folder-"))
        .collect();
    assert!(folders.len() >= 2);
}

#[test]
fn fail_on_gives_exit_1_and_errors_take_precedence() {
    bin().args(["samples/corrupt-and-large.xml", "--fail-on", "data-loss", "-q"]).assert().code(1);
    bin().args(["samples/target-principals.xml", "--fail-on", "data-loss", "-q"]).assert().code(0);
    bin()
        .args(["samples/target-principals.xml", "--fail-on", "permissions", "-q"])
        .assert()
        .code(1);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<Objs><S>cut").unwrap();
    bin()
        .args(["samples/corrupt-and-large.xml", "--fail-on", "any", "-q"])
        .arg(&bad)
        .assert()
        .code(65);
}

#[test]
fn export_formats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bin()
        .args(["export", "-f", "json", "-o"])
        .arg(d.join("all.json"))
        .arg("samples/target-principals.xml")
        .assert()
        .success();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("all.json")).unwrap()).unwrap();
    assert_eq!(doc["schema"], "mrs-triage.export.v2");
    assert_eq!(doc["tables"]["bad_items"].as_array().unwrap().len(), 12);
    let m = &doc["tables"]["mailboxes"][0];
    assert_eq!(m["verdict"], "permissions_only");
    assert_eq!(m["requires_accept_large_data_loss"], false, "real booleans");
    assert_eq!(m["bad_item_limit"], 10, "real numbers");
    assert_eq!(doc["inputs"][0]["path"], "samples/target-principals.xml");
    assert!(doc["generated_at"].as_str().unwrap().ends_with('Z'));
    let logged = doc["tables"]["bad_items"][0]["logged_utc"].as_str().unwrap();
    assert!(logged.len() == 20 && logged.ends_with('Z'), "ISO 8601 UTC: {logged}");

    let out =
        bin().args(["export", "-f", "ndjson", "-o", "-", "samples/healthy.xml"]).output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "export");
    assert_eq!(lines[0]["schema"], "mrs-triage.export.v2");
    assert_eq!(lines[1]["type"], "input");
    assert_eq!(lines[2]["type"], "mailbox");
    assert!(lines.iter().any(|l| l["type"] == "failure"));

    bin()
        .args(["export", "-f", "csv", "-o"])
        .arg(d.join("csv"))
        .arg("samples/healthy.xml")
        .assert()
        .success();
    assert!(d.join("csv/failures.csv").exists());
}

#[test]
fn csv_snapshots() {
    let out = tempfile::tempdir().unwrap();
    bin().args(["samples/batch-wave3.utf16.xml", "-q", "--csv"]).arg(out.path()).assert().success();
    for f in ["mailboxes.csv", "principals.csv"] {
        let text = String::from_utf8(std::fs::read(out.path().join(f)).unwrap()).unwrap();
        insta::assert_snapshot!(f, text);
    }
}

/// The batch and folder roll-ups agree with grouping the mailbox records by
/// hand, in order of first appearance, in JSON, CSV and the terminal table.
#[test]
fn batch_and_folder_roll_ups() {
    use std::collections::BTreeMap;
    let dir = case_folder();
    let case = dir.path().join("case");
    let d = json(bin().arg(&case).args(["--format", "json"]));
    let inputs = d["inputs"].as_array().unwrap();
    let mailboxes = d["mailboxes"].as_array().unwrap();
    let folder_of = |m: &serde_json::Value| {
        let path = m["input"].as_str().unwrap();
        let i = inputs.iter().find(|i| i["path"] == path).unwrap();
        i["folder"].as_str().unwrap().to_string()
    };
    for (table, key_of) in [
        (
            "batches",
            Box::new(|m: &serde_json::Value| m["batch"].as_str().unwrap_or("").to_string())
                as Box<dyn Fn(&serde_json::Value) -> String>,
        ),
        ("folders", Box::new(folder_of)),
    ] {
        let mut order: Vec<String> = Vec::new();
        let mut expect: BTreeMap<String, (u64, u64, BTreeMap<String, u64>)> = BTreeMap::new();
        for m in mailboxes {
            let k = key_of(m);
            if !order.contains(&k) {
                order.push(k.clone());
            }
            let e = expect.entry(k).or_default();
            e.0 += 1;
            e.1 +=
                m["counts"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum::<u64>();
            *e.2.entry(m["verdict"].as_str().unwrap().to_string()).or_default() += 1;
        }
        let rows = d[table].as_array().unwrap();
        let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(keys, order, "{table}: one row per key, in order of appearance");
        for r in rows {
            let (n, items, verdicts) = &expect[r["key"].as_str().unwrap()];
            assert_eq!(r["mailboxes"].as_u64(), Some(*n), "{table} {r}");
            assert_eq!(r["bad_items"].as_u64(), Some(*items), "{table} {r}");
            let classes: u64 =
                r["classes"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
            assert_eq!(classes, *items, "{table}: classes add up to the bad items");
            for (v, count) in r["verdicts"].as_object().unwrap() {
                assert_eq!(count.as_u64().unwrap(), verdicts.get(v).copied().unwrap_or(0));
            }
        }
    }
    // Four inputs in two folders (an archive's entries are in the archive's).
    assert_eq!(d["folders"].as_array().unwrap().len(), 2);

    let out = tempfile::tempdir().unwrap();
    bin().arg(&case).arg("--csv").arg(out.path()).args(["-q"]).assert().success();
    let (_, rows) = read_csv(&out.path().join("folders.csv"));
    assert_eq!(rows[0][..4], ["Folder", "Mailboxes", "FailedMoves", "BadItems"]);
    assert_eq!(rows.len(), 1 + 2);
    let total: u64 = rows[1..].iter().map(|r| r[1].parse::<u64>().unwrap()).sum();
    assert_eq!(total, mailboxes.len() as u64);
    let (_, rows) = read_csv(&out.path().join("batches.csv"));
    assert_eq!(rows.len(), 1 + d["batches"].as_array().unwrap().len());

    // The terminal shows the folder roll-up when there is more than one.
    bin().arg(&case).assert().success().stdout(predicate::str::contains("Input folders"));
}

/// `export -f parquet` writes one Parquet file per table, which read back
/// with the same rows and the documented column types.
#[test]
fn parquet_export_reads_back() {
    use polars::prelude::*;
    let out = tempfile::tempdir().unwrap();
    bin()
        .args(["export", "-f", "parquet", "-o"])
        .arg(out.path())
        .arg(sample("batch-wave3.utf16.xml"))
        .assert()
        .success();
    let csv = tempfile::tempdir().unwrap();
    bin()
        .args(["export", "-f", "csv", "-o"])
        .arg(csv.path())
        .arg(sample("batch-wave3.utf16.xml"))
        .assert()
        .success();
    for table in ["mailboxes", "bad_items", "principals", "failures", "batches", "folders"] {
        let file = std::fs::File::open(out.path().join(format!("{table}.parquet"))).unwrap();
        let df = ParquetReader::new(file).finish().unwrap();
        let (_, rows) = read_csv(&csv.path().join(format!("{table}.csv")));
        assert_eq!(df.height(), rows.len() - 1, "{table}: same rows as the CSV");
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, rows[0].iter().map(String::as_str).collect::<Vec<_>>(), "{table}");
    }
    let file = std::fs::File::open(out.path().join("bad_items.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    assert_eq!(df.column("SizeBytes").unwrap().dtype(), &DataType::UInt64);
    assert_eq!(df.column("Subject").unwrap().dtype(), &DataType::String);
    assert!(df.height() > 50);
}

/// A reference from one top-level value into an earlier one (the same object
/// exported twice) resolves: the one-pass read notices it and the input is
/// read again with a plan. Standard input cannot be read twice, so there the
/// reference stays unresolved.
#[test]
fn references_into_an_earlier_value_resolve() {
    let body = |name: &str| {
        let s = std::fs::read_to_string(sample(name)).unwrap();
        let start = s.find('\n').unwrap() + 1;
        s[start..s.rfind("</Objs>").unwrap()].to_string()
    };
    // healthy.xml, then target-principals.xml with its ids moved clear of it.
    let moved = shift_ref_ids(&body("target-principals.xml"), 100_000);
    let head =
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n";
    // A report entry of the second mailbox now names healthy.xml's transient
    // failure (RefId 29) instead of none.
    let linked = moved.replacen("<Nil N=\"Failure\" />", "<Ref N=\"Failure\" RefId=\"29\" />", 1);
    assert_ne!(linked, moved);
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.xml");
    let xref = dir.path().join("xref.xml");
    std::fs::write(&plain, format!("{head}{}{moved}</Objs>", body("healthy.xml"))).unwrap();
    std::fs::write(&xref, format!("{head}{}{linked}</Objs>", body("healthy.xml"))).unwrap();

    let failure_types = |d: &serde_json::Value| d["mailboxes"][1]["failure_types"].clone();
    let before = json(bin().arg(&plain).args(["--format", "json"]));
    let after = json(bin().arg(&xref).args(["--format", "json"]));
    assert_eq!(failure_types(&before), serde_json::json!({"TooManyBadItemsPermanentException": 1}));
    assert_eq!(
        failure_types(&after),
        serde_json::json!({"CommunicationErrorTransientException": 1, "TooManyBadItemsPermanentException": 1})
    );
    assert!(after["inputs"][0]["error"].is_null());
    // Everything else is as without the link.
    let without_input = |m: &serde_json::Value| {
        let mut m = m.clone();
        m.as_object_mut().unwrap().remove("input");
        m
    };
    assert_eq!(without_input(&after["mailboxes"][0]), without_input(&before["mailboxes"][0]));
    assert_eq!(after["principals"], before["principals"]);

    let piped = json(bin().arg("-").args(["--format", "json"]).pipe_stdin(&xref).unwrap());
    assert_eq!(
        failure_types(&piped)["CommunicationErrorTransientException"],
        serde_json::Value::Null
    );
}

/// Adds `by` to every `RefId="N"` (objects, type lists and references alike).
fn shift_ref_ids(xml: &str, by: u64) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("RefId=\"") {
        let (head, tail) = rest.split_at(i + 7);
        let end = tail.find('"').unwrap();
        out.push_str(head);
        out.push_str(&(tail[..end].parse::<u64>().unwrap() + by).to_string());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
