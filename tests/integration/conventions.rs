//! The command line's conventions, as a demanding user tries them: options
//! in any position, the default command, misspelt commands, the format from
//! `-o`, `-` for standard output, names unique ignoring case, the export's
//! JSON conventions, UTC columns, `-j`, one read per file, read-only
//! outputs, tables that fit the terminal (in a pseudo-terminal too), notes,
//! colour, a closed pipe, and Ctrl-C.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::util::{BIN, MANIFEST_DIR, bin, sample, samples};

fn run(args: &[&str]) -> std::process::Output {
    bin().args(args).output().unwrap()
}

#[track_caller]
fn usage_error(args: &[&str], says: &str) {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(says), "{args:?}: {err}");
}

#[test]
fn options_work_before_the_command_and_summary_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.ndjson");
    let out = bin()
        .args(["-q", "export", "-f", "ndjson", "-o"])
        .arg(&rows)
        .arg("samples/healthy.xml")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "-q before the command is honoured");
    assert!(std::fs::read_to_string(&rows).unwrap().starts_with("{\"type\":\"export\""));
    let out = run(&["--no-progress", "remediate", "samples/healthy.xml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("remediation steps for review"));
    let out = run(&["-q", "samples/healthy.xml"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("adelev"));
}

#[test]
fn a_misspelt_command_is_a_usage_error_and_a_real_input_of_that_name_is_read() {
    usage_error(&["exprot", "-o", "x.json", "samples/healthy.xml"], "did you mean `export`?");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("healthy.xml"), dir.path().join("export")).unwrap();
    for args in [&["./export"][..], &["--", "export"]] {
        let out = bin().current_dir(dir.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("adelev"), "{args:?}");
    }
}

#[test]
fn the_format_comes_from_the_output_path_and_contradictions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |args: &[&str]| {
        let out =
            bin().current_dir(d).args(args).arg(sample("target-principals.xml")).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    ok(&["-q", "-o", "report.json"]);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    assert_eq!(doc["schema"], "mrs-triage.summary.v1");
    ok(&["-q", "-o", "report.html"]);
    assert!(std::fs::read_to_string(d.join("report.html")).unwrap().starts_with("<!DOCTYPE html>"));
    ok(&["-q", "-o", "summary.txt"]);
    assert!(std::fs::read_to_string(d.join("summary.txt")).unwrap().contains("permissions_only"));
    ok(&["export", "-q", "-o", "tables.json"]);
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("tables.json")).unwrap()).unwrap();
    assert_eq!(doc["schema"], "mrs-triage.export.v2");
    ok(&["export", "-q", "-o", "rows.ndjson"]);
    ok(&["export", "-q", "-o", "tables.csv"]);
    assert!(d.join("tables.csv/mailboxes.csv").is_file(), ".csv names a folder of tables");
    ok(&["export", "-q", "-o", "pq.parquet"]);
    assert!(d.join("pq.parquet/mailboxes.parquet").is_file());
    ok(&["export", "-q", "-o", "out/"]);
    assert!(d.join("out/bad_items.csv").is_file(), "a folder means CSV");
    let out = ok(&["export", "-q", "-f", "ndjson", "-o", "-"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("{\"type\":\"export\""));
    usage_error(&["-f", "table", "-o", "x.json", "samples/healthy.xml"], "contradicts");
    usage_error(&["export", "-f", "csv", "-o", "x.json", "samples/healthy.xml"], "contradicts");
    usage_error(&["export", "-o", "x.html", "samples/healthy.xml"], "export writes");
    usage_error(&["export", "-o", "noextension", "samples/healthy.xml"], "cannot tell the format");
    usage_error(&["-o", "fix.ps1", "samples/healthy.xml"], "remediate");
    usage_error(&["remediate", "-o", "fix.json", "samples/healthy.xml"], "PowerShell script");
    // `-` is standard output for one stream, never a folder named `-`.
    usage_error(&["export", "-f", "csv", "-o", "-", "samples/healthy.xml"], "standard output");
    usage_error(&["samples/healthy.xml", "--csv", "-"], "standard output");
    usage_error(&["samples/healthy.xml", "--html", "-"], "two outputs would go to standard output");
    let out = run(&[
        "samples/healthy.xml",
        "-q",
        "--html",
        "-",
        "-o",
        &d.join("s.txt").display().to_string(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("<!DOCTYPE html>"));
    assert!(!Path::new(MANIFEST_DIR).join("-").exists(), "no file named -");
}

fn keys_unique(v: &Value, at: &str) {
    match v {
        Value::Object(map) => {
            let lower: BTreeSet<String> = map.keys().map(|k| k.to_lowercase()).collect();
            assert_eq!(
                lower.len(),
                map.len(),
                "{at}: keys differ only in case: {:?}",
                map.keys().collect::<Vec<_>>()
            );
            for (k, v) in map {
                keys_unique(v, &format!("{at}.{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys_unique(i, at)),
        _ => {}
    }
}

/// PowerShell's Import-Csv and ConvertFrom-Json stop on a name given twice
/// in another letter case.
#[test]
fn every_header_and_json_key_is_unique_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all: Vec<String> = samples().iter().map(|p| p.display().to_string()).collect();
    let mut args =
        vec!["-q".to_string(), "--csv".into(), d.join("csv").display().to_string(), "-o".into()];
    args.push(d.join("summary.json").display().to_string());
    args.extend(all.iter().cloned());
    assert!(bin().args(&args).output().unwrap().status.success());
    for f in std::fs::read_dir(d.join("csv")).unwrap() {
        let path = f.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
        let names: Vec<String> = header.split(',').map(str::to_lowercase).collect();
        let unique: BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{}: {header}", path.display());
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    keys_unique(&summary, "summary");
    let mut args = vec![
        "export".to_string(),
        "-q".into(),
        "-o".into(),
        d.join("export.json").display().to_string(),
    ];
    args.extend(all);
    assert!(bin().args(&args).output().unwrap().status.success());
    let export: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("export.json")).unwrap()).unwrap();
    keys_unique(&export, "export");
}

#[test]
fn utc_columns_hold_utc_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["export", "-q", "-o"])
        .arg(dir.path())
        .arg("-f")
        .arg("csv")
        .arg("samples/flattened.xml")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(dir.path().join("bad_items.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (utc, raw) = (col("LoggedUtc"), col("LoggedText"));
    let mut from_log = 0;
    for r in rows.records() {
        let r = r.unwrap();
        let t = &r[utc];
        assert!(t.is_empty() || (t.len() == 19 && t.as_bytes()[10] == b' '), "LoggedUtc {t:?}");
        if t.is_empty() && !r[raw].is_empty() {
            from_log += 1;
            assert!(r[raw].contains('/'), "the log's own time text: {:?}", &r[raw]);
        }
    }
    assert!(from_log > 0, "the report that survived as text keeps its raw times apart");
}

#[test]
fn threads_are_bounded() {
    let out = run(&["-j", "0", "samples/healthy.xml"]);
    assert!(out.status.success());
    let started = std::time::Instant::now();
    let out = run(&["-j", "100000", "samples/healthy.xml"]);
    assert!(out.status.success());
    assert!(started.elapsed() < Duration::from_secs(10), "no hundred thousand threads started");
    assert!(String::from_utf8_lossy(&out.stderr).contains("-j 100000: using"), "the cap is noted");
    assert!(run(&["-j", "1", "samples/batch-wave3.utf16.xml"]).status.success());
}

#[test]
fn the_same_file_through_two_spellings_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("case")).unwrap();
    std::fs::copy(sample("healthy.xml"), d.join("case/x.xml")).unwrap();
    let mut args = vec!["x.xml", "../case/x.xml", "./x.xml", "-f", "json"];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("case/x.xml"), d.join("case/link.xml")).unwrap();
        args.insert(0, "link.xml");
    }
    let out = bin().current_dir(d.join("case")).args(&args).output().unwrap();
    assert!(out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(doc["mailboxes"].as_array().unwrap().len(), 1);
}

#[test]
fn a_read_only_output_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.json");
    std::fs::write(&path, "mine").unwrap();
    let mut p = std::fs::metadata(&path).unwrap().permissions();
    p.set_readonly(true);
    std::fs::set_permissions(&path, p).unwrap();
    let out = bin().args(["samples/healthy.xml", "-o"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(73));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}

/// Every line of the default output within the width, in several widths
/// (from `COLUMNS` when stdout is not a terminal).
#[test]
fn tables_fit_the_width_and_words_are_not_split() {
    let all: Vec<String> = samples().iter().map(|p| p.display().to_string()).collect();
    for width in [60, 80, 100, 120, 160] {
        let out = bin()
            .env("COLUMNS", width.to_string())
            .args(&all)
            .arg("--color")
            .arg("never")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            assert!(unicode_width(line) <= width, "{width}: {line:?}");
        }
        for word in [
            "permissions_only",
            "data_loss_risk",
            "diegos@contoso.com",
            "S-1-5-21-1004336348-1177238915-682003330-1108",
        ] {
            assert!(text.contains(word), "{width}: {word} whole");
        }
    }
}

fn unicode_width(s: &str) -> usize {
    s.chars().count()
}

/// In a pseudo-terminal (`script`, util-linux), the width is the terminal's.
#[cfg(unix)]
#[test]
fn the_width_comes_from_the_terminal() {
    for cols in [72, 110] {
        let cmd = format!(
            "stty cols {cols} rows 50; COLUMNS= {BIN} {} --color never --no-progress",
            sample("batch-wave3.utf16.xml").display()
        );
        let out = Process::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env_remove("COLUMNS")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        let widest = text.lines().map(unicode_width).max().unwrap_or(0);
        assert!(widest <= cols, "{cols}: widest line {widest}");
        assert!(widest > cols - 40, "{cols}: the table uses the terminal's width ({widest})");
    }
}

#[test]
fn the_default_output_is_a_summary_and_steps_are_a_flag_away() {
    let all: Vec<String> = samples().iter().map(|p| p.display().to_string()).collect();
    let short = String::from_utf8(bin().args(&all).output().unwrap().stdout).unwrap();
    let full = String::from_utf8(bin().args(&all).arg("--steps").output().unwrap().stdout).unwrap();
    assert!(short.contains("Next step per mailbox") && short.contains("--steps"));
    assert!(full.contains("Next steps") && full.contains("> Set-MoveRequest"));
    assert!(
        short.lines().count() * 3 < full.lines().count(),
        "{} vs {}",
        short.lines().count(),
        full.lines().count()
    );
    for jargon in ["Suggested BIL", " Perm "] {
        assert!(!short.contains(jargon), "{jargon}");
    }
}

#[test]
fn nothing_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let services = format!(
        "{}<Obj RefId=\"0\"><TN RefId=\"0\"><T>Deserialized.System.ServiceProcess.ServiceController</T></TN><ToString>x</ToString></Obj><Obj RefId=\"1\"><TNRef RefId=\"0\" /><ToString>y</ToString></Obj></Objs>",
        crate::util::ROOT
    );
    std::fs::write(d.join("wave3.xml"), services).unwrap();
    let out = bin().arg(d.join("wave3.xml")).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wave3.xml: 2 objects of type Deserialized.System.ServiceProcess.ServiceController, no move report"), "{err}");
    // Every input failed: no table that looks like a clean run.
    std::fs::write(d.join("cut.xml"), "<Objs><Obj").unwrap();
    let out = bin().arg(d.join("cut.xml")).output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to summarise"));
}

#[test]
fn every_written_file_is_announced_the_same_way_and_q_silences_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = bin()
        .arg("samples/healthy.xml")
        .arg("-o")
        .arg(d.join("s.json"))
        .arg("--html")
        .arg(d.join("r.html"))
        .arg("--csv")
        .arg(d.join("csv"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for path in ["s.json", "r.html"] {
        assert!(err.contains(&format!("mrs-triage: wrote {}", d.join(path).display())), "{err}");
    }
    assert!(
        err.contains(&format!("mrs-triage: wrote 8 files to {}", d.join("csv").display())),
        "{err}"
    );
    let out = bin()
        .arg("-q")
        .arg("samples/healthy.xml")
        .arg("-o")
        .arg(d.join("s.json"))
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
}

#[test]
fn colour_follows_the_flag_and_the_environment_in_help_too() {
    let help = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = bin();
        for (k, v) in env {
            c.env(k, v);
        }
        String::from_utf8(c.args(args).output().unwrap().stdout).unwrap()
    };
    assert!(help(&["--color", "always", "--help"], &[]).contains('\u{1b}'));
    assert!(!help(&["--color", "never", "--help"], &[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    assert!(!help(&["--help"], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    // Every command that reads inputs documents its exit statuses, Ctrl-C's included.
    for command in ["summary", "export", "remediate", "diff", "perf", "dump"] {
        let text = help(&[command, "--help"], &[]);
        for status in ["EXIT STATUS", "\n  0 ", "\n  2 ", "\n  65 ", "\n  66 ", "\n  130 "] {
            assert!(text.contains(status), "{command} --help lacks {status:?}");
        }
    }
    assert!(help(&["export", "--help"], &[]).contains("Examples:"));
    let table = help(&["samples/batch-wave3.utf16.xml", "--color", "always"], &[]);
    assert!(table.contains('\u{1b}'));
    let plain =
        help(&["samples/batch-wave3.utf16.xml"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!plain.contains('\u{1b}'));
    let ascii = help(&["samples/batch-wave3.utf16.xml", "--ascii", "--steps"], &[]);
    assert!(ascii.is_ascii(), "--ascii is ASCII only");
}

#[test]
fn bare_invocation_prints_the_short_help() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Usage: mrs-triage"), "{text}");
}

#[test]
fn flags_that_do_nothing_are_not_offered() {
    usage_error(&["remediate", "--delimiter", "semicolon", "samples/healthy.xml"], "--delimiter");
    usage_error(&["dump", "--redact", "samples/healthy.xml"], "--redact");
    usage_error(
        &["export", "--fail-on", "any", "-o", "x.json", "samples/healthy.xml"],
        "--fail-on",
    );
}

/// A reader that stops early (`| head`, `Select-Object -First`) is not an
/// error, for any command.
#[test]
fn a_closed_pipe_is_not_an_error() {
    let big = sample("source-principals.xml").display().to_string();
    for args in [
        vec![big.as_str(), "-f", "json"],
        vec![big.as_str(), "--steps"],
        vec!["export", "-f", "ndjson", "-o", "-", big.as_str()],
        vec!["export", "-f", "json", "-o", "-", big.as_str()],
        vec!["remediate", big.as_str()],
        vec!["dump", big.as_str()],
        vec!["diff", big.as_str(), big.as_str(), "-f", "json"],
    ] {
        let mut child = Process::new(BIN)
            .args(&args)
            .current_dir(MANIFEST_DIR)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Ctrl-C (SIGINT) ends the run with 130 and leaves the outputs as they were:
/// no temporary file, no mix of new and old tables.
#[cfg(unix)]
#[test]
fn interrupting_leaves_no_partial_output() {
    use mrs_triage::clixml::writer::OutputEncoding;
    use mrs_triage::synth::samples::{BulkShape, bulk_mailboxes};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = d.join("big.xml");
    let file = std::fs::File::create(&big).unwrap();
    mrs_triage::synth::write_export(
        file,
        OutputEncoding::Utf8,
        bulk_mailboxes(100, 100, 3, BulkShape::Structured),
    )
    .unwrap();
    std::fs::create_dir(d.join("csv")).unwrap();
    for t in ["mailboxes", "bad_items", "principals", "failures", "batches", "folders"] {
        std::fs::write(d.join(format!("csv/{t}.csv")), "old").unwrap();
    }
    let child = Process::new(BIN)
        .arg(&big)
        .arg("--csv")
        .arg(d.join("csv"))
        .arg("-o")
        .arg(d.join("s.json"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let _ = Process::new("kill").args(["-INT", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let names: Vec<String> = std::fs::read_dir(d.join("csv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 6, "no temporary file left: {names:?}");
    let contents: BTreeSet<bool> = names
        .iter()
        .map(|n| std::fs::read_to_string(d.join("csv").join(n)).unwrap() == "old")
        .collect();
    assert_eq!(contents.len(), 1, "all old or all new, never a mix");
    if out.status.code() == Some(0) {
        return; // Finished before the signal: nothing to check beyond the above.
    }
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.code(),
        Some(130),
        "{:?} {}",
        out.status.signal(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !d.join("s.json").exists() || std::fs::read(d.join("s.json")).unwrap().starts_with(b"{")
    );
    assert!(contents.contains(&true), "interrupted before the tables were committed");
}

/// In a terminal, Ctrl-C clears the progress bar before the process ends.
#[cfg(unix)]
#[test]
fn interrupting_in_a_terminal_clears_the_progress_bar() {
    use mrs_triage::clixml::writer::OutputEncoding;
    use mrs_triage::synth::samples::{BulkShape, bulk_mailboxes};
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let file = std::fs::File::create(&big).unwrap();
    mrs_triage::synth::write_export(
        file,
        OutputEncoding::Utf8,
        bulk_mailboxes(120, 100, 3, BulkShape::Structured),
    )
    .unwrap();
    let cmd = format!(
        "stty cols 100; {BIN} {} -j 1 -o {}",
        big.display(),
        dir.path().join("s.txt").display()
    );
    let mut child = Process::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // The terminal's interrupt character: the pty sends SIGINT to the run.
    child.stdin.as_mut().unwrap().write_all(b"\x03").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.code() == Some(0) {
        return; // It finished before the interrupt arrived.
    }
    assert_eq!(out.status.code(), Some(130), "{text}");
    assert!(text.contains("interrupted"), "{text:?}");
    // After the last bar frame comes the clearing, then only the message.
    let tail = text.rsplit('\r').next().unwrap_or("");
    assert!(!tail.contains('['), "the bar was cleared: {tail:?}");
}

/// `Export-Clixml -Encoding Default` writes the ANSI code page without
/// saying so: read as Windows-1252, with a note, by every command.
#[test]
fn an_ansi_export_is_read_as_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sample("healthy.xml"))
        .unwrap()
        .replace("Adele Vance", "Adèle Vance");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let path = dir.path().join("ansi.xml");
    std::fs::write(&path, &bytes).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let out = bin().arg(&path).args(["-f", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read as Windows-1252"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["inputs"][0]["encoding"], "windows-1252");
    assert_eq!(doc["mailboxes"][0]["display_name"], "Adèle Vance");
    let out = bin().arg("dump").arg(&path).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Adèle Vance"));
    // With a byte order mark, bad UTF-8 stays an error.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&bytes);
    std::fs::write(&path, &bom).unwrap();
    assert_eq!(bin().arg(&path).output().unwrap().status.code(), Some(65));
}
