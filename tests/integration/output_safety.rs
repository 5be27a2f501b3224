//! What hostile text can do to each output (issue 15): file and zip-entry
//! names with terminal escape sequences reach no stream raw, whichever
//! command prints them and whichever message names them (errors, notes,
//! clap's usage errors); subjects and folder names with control characters,
//! escape sequences, formulas and markup come out of the terminal table
//! visible and inert, out of CSV formula-safe, out of HTML escaped, and out
//! of JSON exactly as they were (nothing is lost).

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::util::{bin, sample};

/// An escape sequence that turns a terminal red, then rings its bell and
/// sets its title: what a hostile name would do if printed raw.
const ESC_NAME: &str = "\u{1b}[31mred\u{7}\u{1b}]0;owned\u{7}";

/// How [`ESC_NAME`] must appear in messages: every hidden character a
/// visible `\u{…}`.
const ESC_SHOWN: &str = "\\u{1b}[31mred\\u{7}\\u{1b}]0;owned\\u{7}";

/// What may not appear raw where people read: C0, DEL and C1 controls, the
/// line and paragraph separators, bidirectional and zero-width characters.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Fails if `bytes` hold a raw C0 or C1 control character other than a line
/// end, or a bidirectional override.
#[track_caller]
fn inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, line) in text.split('\n').enumerate() {
        let bad = line.chars().find(|&c| hidden(c));
        assert!(bad.is_none(), "{what}: raw {bad:?} on line {}: {line:?}", i + 1);
    }
}

/// Runs `args` in `dir` and checks that neither stream holds a raw control
/// character; returns (status, stderr).
#[track_caller]
fn run_inert(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    inert(&format!("{args:?} stderr"), &out.stderr);
    inert(&format!("{args:?} stdout"), &out.stdout);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn names_with_escape_sequences_reach_no_stream_raw() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = format!("{ESC_NAME}.xml");
    let broken = format!("{ESC_NAME}-cut.xml");
    std::fs::copy(sample("healthy.xml"), d.join(&good)).unwrap();
    let full = std::fs::read(sample("healthy.xml")).unwrap();
    std::fs::write(d.join(&broken), &full[..full.len() / 2]).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("bundle.zip")).unwrap());
    z.start_file(format!("{ESC_NAME}-entry.xml"), zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(&full[..full.len() / 2]).unwrap();
    z.finish().unwrap();
    let out = |ext: &str| format!("{ESC_NAME}-out{ext}");
    let missing = format!("{ESC_NAME}-missing.xml");
    let pattern = format!("{ESC_NAME}*.nothing");
    let cases: Vec<(Vec<String>, i32, String)> = vec![
        // Read errors, notes and `wrote` lines of every command that reads.
        (
            vec!["summary".into(), good.clone(), broken.clone(), "bundle.zip".into()],
            65,
            broken.clone(),
        ),
        (
            vec![good.clone(), "--format".into(), "json".into(), "-o".into(), out(".json")],
            0,
            out(".json"),
        ),
        (
            vec![good.clone(), "--html".into(), out(".html"), "--xlsx".into(), out(".xlsx")],
            0,
            out(".html"),
        ),
        (vec![good.clone(), "--csv".into(), out("-csv")], 0, out("-csv")),
        (
            vec![
                "export".into(),
                "-f".into(),
                "ndjson".into(),
                "-o".into(),
                out(".ndjson"),
                good.clone(),
                broken.clone(),
            ],
            65,
            out(".ndjson"),
        ),
        (vec!["remediate".into(), good.clone(), "-o".into(), out(".ps1")], 0, out(".ps1")),
        (vec!["perf".into(), broken.clone(), good.clone()], 65, broken.clone()),
        (
            vec!["dump".into(), broken.clone(), "bundle.zip".into()],
            65,
            format!("bundle.zip!{ESC_NAME}-entry.xml"),
        ),
        (vec!["diff".into(), good.clone(), broken.clone()], 65, broken.clone()),
        (
            vec!["diff".into(), good.clone(), good.clone(), "--csv".into(), out("-diff")],
            0,
            out("-diff"),
        ),
        // Inputs that give nothing.
        (vec!["summary".into(), missing.clone()], 66, missing.clone()),
        (vec!["dump".into(), pattern.clone()], 66, pattern.clone()),
        // Outputs that cannot be written or would replace an input.
        (
            vec![good.clone(), "-o".into(), format!("{ESC_NAME}-no-dir/x.json")],
            73,
            format!("{ESC_NAME}-no-dir"),
        ),
        (
            vec![good.clone(), "--format".into(), "json".into(), "-o".into(), good.clone()],
            2,
            good.clone(),
        ),
        // Usage errors from the configuration and from clap, which quote
        // what was typed.
        (
            vec![good.clone(), "--format".into(), "json".into(), "-o".into(), out(".html")],
            2,
            out(".html"),
        ),
        (vec!["man".into(), ESC_NAME.into()], 2, ESC_NAME.into()),
        // clap's own rendering drops escape sequences (what is left of the
        // name shows); the rest is made visible, colours forced or not.
        (vec![good.clone(), "--color".into(), ESC_NAME.into()], 2, "'red".into()),
        (
            vec![
                good.clone(),
                "--color".into(),
                "always".into(),
                "--max-depth".into(),
                ESC_NAME.into(),
            ],
            2,
            "'red".into(),
        ),
        (vec![good.clone(), format!("--{ESC_NAME}")], 2, "'--red".into()),
        // Commands that write files without reading any.
        (vec!["samples".into(), out("-samples")], 0, out("-samples")),
        (
            vec![
                "generate".into(),
                "--mailboxes".into(),
                "1".into(),
                "--items".into(),
                "1".into(),
                "-o".into(),
                out(".xml"),
            ],
            0,
            out(".xml"),
        ),
    ];
    for (args, status, named) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stderr) = run_inert(d, &args);
        assert_eq!(code, Some(status), "{args:?}: {stderr}");
        let shown = named.replace(ESC_NAME, ESC_SHOWN);
        assert!(stderr.contains(&shown), "{args:?}: {shown:?} not in {stderr:?}");
    }
}

/// Subjects and folder names as a hostile sender would write them, put
/// into the corrupt-and-large sample (whose items list subjects and
/// folders): formulas of every kind CSV injection uses, a tab and a CR
/// before a formula, escape sequences, a line break and markup.
pub fn hostile_export(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(sample("corrupt-and-large.xml")).unwrap();
    let swaps = [
        ("=HYPERLINK(\"http://example.invalid\")", "=cmd|' /C calc'!A0"),
        ("Weekly status", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("RE: Contract \"Alpha\" &amp; renewal", "+1+cmd|' /C calc'!A0"),
        ("Q3 forecast (final) — v2", "-2+cmd|' /C calc'!A0"),
        ("Shared; Finance", "_x0009_=1+2"),
        ("\"Tasks\"", "\"_x000D_=3+4\""),
        (">Tasks<", ">_x000D_=3+4<"),
        (
            "Contacts",
            "_x001B_[31mred_x0007__x001B_]0;owned_x0007_ &lt;script&gt;alert(1)&lt;/script&gt;_x000D__x000A_Remove-Mailbox x_x202E_",
        ),
    ];
    let mut out = text;
    for (from, to) in swaps {
        assert!(out.contains(from), "{from} is in the sample");
        out = out.replace(from, to);
    }
    let path = dir.join("hostile.xml");
    std::fs::write(&path, out).unwrap();
    path
}

/// The values [`hostile_export`] puts in, as a report's reader gives them.
const HOSTILE_SUBJECTS: [&str; 4] = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+cmd|' /C calc'!A0",
];
const HOSTILE_FOLDER: &str =
    "\u{1b}[31mred\u{7}\u{1b}]0;owned\u{7} <script>alert(1)</script>\r\nRemove-Mailbox x\u{202e}";

#[test]
fn hostile_text_is_inert_on_the_terminal_and_exact_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_export(dir.path());
    let input = input.to_str().unwrap();
    let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    for args in [
        vec!["summary", "--steps", input],
        vec!["summary", "--steps", "--color", "always", input],
        vec!["perf", input],
        vec!["diff", input, input],
        vec!["remediate", input],
    ] {
        let out = bin().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let text = if args.contains(&"always") {
            // The tool's own colours are SGR sequences; nothing else may
            // hold an escape.
            sgr.replace_all(&text, "").into_owned()
        } else {
            text
        };
        inert(&format!("{args:?}"), text.replace("\r\n", "\n").as_bytes());
    }
    let out = bin().args(["summary", "--steps", input]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\\u{1b}[31mred\\u{7}"), "{text}");

    // JSON keeps every character: nothing is lost, only escaped.
    let out = bin().args(["export", "-q", "-f", "json", "-o", "-", input]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = doc["tables"]["bad_items"].as_array().unwrap();
    let subjects: Vec<&str> = items.iter().filter_map(|i| i["subject"].as_str()).collect();
    for s in HOSTILE_SUBJECTS {
        assert!(subjects.contains(&s), "{s} in {subjects:?}");
    }
    let folders: Vec<&str> = items.iter().filter_map(|i| i["folder"].as_str()).collect();
    assert!(folders.iter().any(|f| f.contains(HOSTILE_FOLDER)), "{folders:?}");
}

#[test]
fn csv_cells_are_formula_safe() {
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_export(dir.path());
    let csv_dir = dir.path().join("tables");
    let out =
        bin().args(["export", "-q", "-f", "csv", "-o"]).arg(&csv_dir).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut subjects = Vec::new();
    let mut cells = 0;
    for entry in std::fs::read_dir(&csv_dir).unwrap() {
        let path = entry.unwrap().path();
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_path(&path).unwrap();
        let headers = r.headers().unwrap().clone();
        for row in r.records() {
            for (h, cell) in headers.iter().zip(row.unwrap().iter()) {
                cells += 1;
                // A number is never touched, and Excel reads it as a number.
                let number = cell.parse::<f64>().is_ok();
                let first = cell.chars().next();
                assert!(
                    number || !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                    "{}: {h} cell {cell:?} would be a formula in Excel",
                    path.display()
                );
                if h.ends_with("Subject") {
                    subjects.push(cell.to_string());
                }
            }
        }
    }
    assert!(cells > 100);
    for s in HOSTILE_SUBJECTS {
        let shown = format!("'{s}");
        assert!(subjects.contains(&shown), "{shown} in {subjects:?}");
    }
    let bad_items = std::fs::read_to_string(csv_dir.join("bad_items.csv")).unwrap();
    assert!(bad_items.contains("'\t=1+2") && bad_items.contains("'\r=3+4"), "{bad_items}");
}

#[test]
fn html_escapes_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_export(dir.path());
    let page = dir.path().join("r.html");
    let out = bin().arg(&input).arg("-q").arg("--html").arg(&page).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("<script>alert(1)"), "markup from a report is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<script").count(), 1, "only the page's own script");
    inert("html", html.as_bytes());
    // The page lists the largest items' subjects, not every one.
    let shown =
        HOSTILE_SUBJECTS.iter().filter(|s| html.contains(&s.replace('\'', "&#39;"))).count();
    assert!(shown > 0, "a hostile subject is on the page, escaped");
}
