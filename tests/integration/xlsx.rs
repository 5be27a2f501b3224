//! The Excel workbook, read back with calamine (and, for what calamine does
//! not tell, the sheet XML inside the zip): its sheets and headers, every
//! cell against the export JSON with its type, text that is never a
//! formula, the frozen header, the filter of each Excel table, the column
//! widths, a snapshot of the Summary sheet, the continuation sheets of a
//! long table and the cut of over-long text, and the command line's choice
//! of the format.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use mrs_triage::output::tabular::{Kind, tables};
use mrs_triage::output::xlsx::{Xlsx as Workbook, XlsxOptions};
use mrs_triage::output::{self, Target};
use mrs_triage::pipeline::{TriageOptions, triage_reader};
use serde_json::Value;

use crate::util::{bin, sample, samples};

fn ok(args: &[&str]) {
    let o = bin().args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap()
}

/// The cells of a sheet as rows, from A1 (calamine's range starts at the
/// first used cell).
fn grid(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (h, w) = range.get_size();
    let mut out = vec![vec![Data::Empty; c0 as usize + w]; r0 as usize + h];
    for (r, c, v) in range.used_cells() {
        out[r0 as usize + r][c0 as usize + c] = v.clone();
    }
    out
}

/// An Excel date as ISO 8601 UTC (`2024-05-14T07:01:02Z`), as the export
/// JSON writes times (calamine's `dates` feature converts it).
fn date_iso(t: &calamine::ExcelDateTime) -> String {
    let t = t.as_datetime().expect("a date in Excel's range");
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// A workbook cell as the export JSON writes the same value.
fn as_json(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Null,
        Data::String(s) => Value::String(s.clone()),
        Data::Float(f) => Value::from(*f as u64),
        Data::Int(i) => Value::from(*i),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(t) => Value::String(date_iso(t)),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// A file inside the workbook's zip.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn all_samples() -> Vec<String> {
    samples().iter().map(|p| p.to_string_lossy().into_owned()).collect()
}

#[test]
fn every_table_is_a_sheet_with_the_exports_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (json, xlsx) = (dir.path().join("t.json"), dir.path().join("t.xlsx"));
    let inputs = all_samples();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let mut args = vec!["export", "-q"];
    args.extend(&inputs);
    ok(&[&args[..], &["-o", json.to_str().unwrap()]].concat());
    ok(&[&args[..], &["-o", xlsx.to_str().unwrap()]].concat());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut book = open(&xlsx);
    let expected: Vec<String> = std::iter::once("Summary".to_string())
        .chain(tables().iter().map(|t| {
            let title = t.name.replace('_', " ");
            title[..1].to_uppercase() + &title[1..]
        }))
        .collect();
    assert_eq!(book.sheet_names(), expected);
    let mut cells = 0;
    for (t, sheet) in tables().iter().zip(&expected[1..]) {
        let grid = grid(&mut book, sheet);
        let header: Vec<Value> = grid[0].iter().map(as_json).collect();
        let names: Vec<Value> = t.columns.iter().map(|c| Value::from(c.name.as_ref())).collect();
        assert_eq!(header, names, "{sheet}: headers");
        let rows = doc["tables"][t.name].as_array().unwrap();
        // An empty table keeps one blank row, as Excel's own tables do.
        let data: Vec<&Vec<Data>> =
            grid[1..].iter().filter(|r| r.iter().any(|c| *c != Data::Empty)).collect();
        assert_eq!(data.len(), rows.len(), "{sheet}: rows");
        for (row, want) in data.iter().zip(rows) {
            for (i, c) in t.columns.iter().enumerate() {
                // Empty text (the batch of mailboxes without one) is an empty cell.
                let want = if want[&c.key] == "" { &Value::Null } else { &want[&c.key] };
                if c.kind == Kind::Decimal {
                    // The workbook holds the value unrounded; the JSON has 3 decimals.
                    let got = match row.get(i) {
                        Some(Data::Float(f)) => Some((f * 1000.0).round() / 1000.0),
                        _ => None,
                    };
                    assert_eq!(got, want.as_f64(), "{sheet} {}: {:?}", c.name, row.get(i));
                } else {
                    let got = row.get(i).map_or(Value::Null, as_json);
                    assert_eq!(&got, want, "{sheet} {}: {:?}", c.name, row.get(i));
                }
                cells += 1;
            }
        }
    }
    assert!(cells > 20_000, "{cells} cells compared");
    // Counts are numbers, dates are dates, and the subject that is a
    // formula in the sample is a string cell without an apostrophe.
    let bad = grid(&mut book, "Bad items");
    let col = |name: &str| bad[0].iter().position(|c| *c == Data::String(name.into())).unwrap();
    assert!(bad[1..].iter().any(|r| matches!(r[col("SizeBytes")], Data::Float(_))));
    assert!(bad[1..].iter().any(|r| matches!(r[col("LoggedUtc")], Data::DateTime(_))));
    let formula = Data::String("=HYPERLINK(\"http://example.invalid\")".into());
    assert!(bad[1..].iter().any(|r| r[col("Subject")] == formula));
    let mailboxes = grid(&mut book, "Mailboxes");
    let bil = mailboxes[0].iter().position(|c| *c == Data::String("BadItemLimit".into())).unwrap();
    assert!(mailboxes[1..].iter().any(|r| matches!(r[bil], Data::Float(_))));
    // No cell anywhere is a formula.
    let zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let sheets: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .map(|n| n.into_owned())
        .collect();
    assert_eq!(sheets.len(), expected.len());
    for s in &sheets {
        let xml = part(&xlsx, s);
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{s} has a formula");
    }
}

#[test]
fn each_table_sheet_has_a_frozen_header_a_filter_a_style_and_widths() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("t.xlsx");
    ok(&["export", "-q", "samples/corrupt-and-large.xml", "-o", xlsx.to_str().unwrap()]);
    let styles = part(&xlsx, "xl/styles.xml");
    assert!(styles.contains("FFDDEBF7"), "the header fill");
    assert!(styles.contains("#,##0") && styles.contains("yyyy-mm-dd hh:mm:ss"));
    for (i, t) in tables().iter().enumerate() {
        let n = i + 2;
        let sheet = part(&xlsx, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            sheet.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{}: frozen header",
            t.name
        );
        assert!(sheet.contains("<tablePart r:id="), "{}: an Excel table", t.name);
        // Column widths from the content, capped.
        let widths: Vec<f64> = sheet
            .split(" width=\"")
            .skip(1)
            .map(|w| w.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(!widths.is_empty(), "{}: widths", t.name);
        assert!(widths.iter().all(|w| (6.0..=62.0).contains(w)), "{}: {widths:?}", t.name);
        // The header row's cells share one style that is not the default.
        let header = sheet.split("<row r=\"1\"").nth(1).unwrap().split("</row>").next().unwrap();
        let styles: Vec<&str> =
            header.split(" s=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
        assert_eq!(styles.len(), t.columns.len(), "{}: header style", t.name);
        assert!(styles.iter().all(|s| *s == styles[0] && *s != "0"));
        let table = part(&xlsx, &format!("xl/tables/table{}.xml", i + 1));
        assert!(table.contains("<autoFilter ref=\"A1:"), "{}: filter", t.name);
        assert!(table.contains(&format!("tableColumns count=\"{}\"", t.columns.len())));
    }
}

/// The Summary sheet's cells, one line each (`B4 = …`), for the snapshot.
fn summary_cells(path: &Path) -> String {
    let mut book = open(path);
    let mut out = String::new();
    for (r, row) in grid(&mut book, "Summary").iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let v = match cell {
                Data::Empty => continue,
                Data::String(s) => format!("{s:?}"),
                Data::Float(f) => format!("number {f}"),
                Data::DateTime(t) => format!("date {}", date_iso(t)),
                other => format!("{other:?}"),
            };
            out.push_str(&format!("{}{} = {v}\n", (b'A' + c as u8) as char, r + 1));
        }
    }
    out
}

#[test]
fn summary_sheet_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("s.xlsx");
    ok(&[
        "-q",
        "samples/batch-wave3.utf16.xml",
        "samples/corrupt-and-large.xml",
        "--format",
        "json",
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    insta::assert_snapshot!("summary_sheet", summary_cells(&xlsx));
}

/// A table longer than a sheet continues on "Bad items (2)" and so on
/// (tested with a lowered limit: the production one, Excel's, is a unit
/// test of the exporter), and text longer than a cell is cut; the Summary
/// says both.
#[test]
fn long_tables_continue_and_long_text_is_cut() {
    let text = std::fs::read_to_string(sample("corrupt-and-large.xml")).unwrap();
    let long = "y".repeat(40_000);
    let text = text.replacen(">Weekly status<", &format!(">{long}<"), 1);
    // A limit that is Unlimited stays text.
    let text =
        text.replacen(r#"<B N="IsUnlimited">false</B>"#, r#"<B N="IsUnlimited">true</B>"#, 1);
    let opts = TriageOptions { keep_items: true, ..Default::default() };
    let run = triage_reader("long.xml", text.as_bytes(), &opts).unwrap();
    let mut total = 0usize;
    run.analysis.mailboxes.iter().for_each(|m| total += m.mailbox.bad_items.len());
    assert!(total > 8, "{total} bad items");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xlsx");
    let opts = XlsxOptions { rows_per_sheet: 4, ..XlsxOptions::default() };
    output::write(&Workbook(opts), &run, &Target::File(path.clone())).unwrap();
    let mut book = open(&path);
    let names = book.sheet_names();
    let parts: Vec<&String> = names.iter().filter(|n| n.starts_with("Bad items")).collect();
    assert_eq!(parts.len(), total.div_ceil(4), "{names:?}");
    assert_eq!(parts[1], "Bad items (2)");
    let mut rows = 0;
    let mut cut = Vec::new();
    for p in &parts {
        let g = grid(&mut book, p);
        assert_eq!(g[0][0], Data::String("Input".into()), "{p}: its own header");
        rows += g[1..].iter().filter(|r| r.iter().any(|c| *c != Data::Empty)).count();
        for row in &g {
            for c in row {
                if let Data::String(s) = c
                    && s.starts_with("yyyy")
                {
                    cut.push(s.clone());
                }
            }
        }
    }
    assert_eq!(rows, total, "every row is on one of the sheets");
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].encode_utf16().count(), 32_767);
    assert!(cut[0].contains("… [cut by mrs-triage: 40,000 characters in all, Excel holds 32,767"));
    let summary = summary_cells(&path);
    assert!(summary.contains(&format!(
        "Bad items: {total} rows are more than a sheet holds (1,048,575 at most); they continue on \\\"Bad items (2)\\\""
    )), "{summary}");
    assert!(
        summary.contains("Bad items: 1 cell longer than Excel's 32,767 characters"),
        "{summary}"
    );
    let mailboxes = grid(&mut book, "Mailboxes");
    assert!(mailboxes[1..].iter().any(|r| r.contains(&Data::String("unlimited".into()))));
    // Two parts of the same table are two Excel tables with names of their own.
    book.load_tables().unwrap();
    let tables: Vec<&String> = book.table_names();
    assert!(tables.iter().any(|t| *t == "BadItems") && tables.iter().any(|t| *t == "BadItems_2"));
}

/// A sheet too large for an Excel table (the crate's tables cost memory per
/// cell) keeps the filter as a worksheet autofilter, with the same header
/// and freeze; tested with a lowered cell budget.
#[test]
fn a_sheet_too_large_for_a_table_gets_an_autofilter() {
    let bytes = std::fs::read(sample("corrupt-and-large.xml")).unwrap();
    let opts = TriageOptions { keep_items: true, ..Default::default() };
    let run = triage_reader("c.xml", bytes.as_slice(), &opts).unwrap();
    let rows: usize = run.analysis.mailboxes.iter().map(|m| m.mailbox.bad_items.len()).sum();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.xlsx");
    let columns = tables()[1].columns.len() as u64;
    // Room for the mailboxes sheet as a table, not for the bad items.
    let opts = XlsxOptions { table_cells: columns * 2, ..XlsxOptions::default() };
    output::write(&Workbook(opts), &run, &Target::File(path.clone())).unwrap();
    let bad = part(&path, "xl/worksheets/sheet3.xml");
    assert!(!bad.contains("<tablePart"), "no Excel table");
    let last = (b'A' + columns as u8 - 1) as char;
    assert!(bad.contains(&format!("<autoFilter ref=\"A1:{last}{}\"/>", rows + 1)), "{bad:.2000}");
    assert!(
        bad.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
    let header = bad.split("<row r=\"1\"").nth(1).unwrap().split("</row>").next().unwrap();
    assert_eq!(header.matches(" s=\"").count(), columns as usize, "header style");
    assert!(part(&path, "xl/worksheets/sheet2.xml").contains("<tablePart"), "mailboxes: a table");
    let mut book = open(&path);
    let g = grid(&mut book, "Bad items");
    assert_eq!(g[0][0], Data::String("Input".into()));
    assert_eq!(g.len(), rows + 1);
    let summary = summary_cells(&path);
    assert!(summary.contains("C32 = \"autofilter (too large for a table)\""), "{summary}");
    assert!(summary.contains("C31 = \"Excel table\""), "{summary}");
}

#[test]
fn the_command_line_chooses_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = |p: &str| d.join(p).to_string_lossy().into_owned();
    // -o's extension, --xlsx beside another output, -f xlsx.
    ok(&["export", "-q", "samples/healthy.xml", "-o", &s("a.xlsx")]);
    ok(&["-q", "samples/healthy.xml", "--xlsx", &s("b.xlsx"), "--format", "json"]);
    ok(&["export", "-q", "-f", "xlsx", "samples/healthy.xml", "-o", &s("c.workbook")]);
    for f in ["a.xlsx", "b.xlsx", "c.workbook"] {
        let bytes = std::fs::read(d.join(f)).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{f} is a zip");
    }
    // Contradictions and misplaced names are usage errors.
    for (args, says) in [
        (vec!["export", "-f", "csv", "-o", "x.xlsx"], "contradicts"),
        (vec!["export", "-f", "xlsx", "-o", "x.json"], "contradicts"),
        (vec!["summary", "--xlsx", "x.json"], "a workbook is written as .xlsx"),
        (vec!["summary", "-o", "x.xlsx"], "--xlsx FILE"),
    ] {
        let o = bin().args(&args).arg("samples/healthy.xml").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let o = bin().args(["export", "-f", "xlsx", "-o"]).arg(d).arg("samples/healthy.xml").output();
    let o = o.unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a workbook is one file"));
    // Standard output that is not a terminal may take it.
    let o = bin().args(["export", "-q", "-f", "xlsx", "-o", "-", "samples/healthy.xml"]).output();
    assert!(o.unwrap().stdout.starts_with(b"PK\x03\x04"));
}
