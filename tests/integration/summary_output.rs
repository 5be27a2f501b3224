//! Snapshots of the summary in each output format, on the bundled batch sample,
//! and of the `perf` tables.

use crate::util::bin;

fn run(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!(
        "summary_table",
        run(&["samples/batch-wave3.utf16.xml", "--color", "never"])
    );
}

#[test]
fn ascii_table_snapshot() {
    insta::assert_snapshot!(
        "summary_table_ascii",
        run(&["samples/target-principals.xml", "--ascii"])
    );
}

#[test]
fn perf_table_snapshot() {
    insta::assert_snapshot!(
        "perf_table",
        run(&["perf", "samples/batch-servers.xml", "--color", "never"])
    );
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(
        "summary_json",
        run(&["summary", "samples/batch-wave3.utf16.xml", "--format", "json"])
    );
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let forced = run(&["samples/healthy.xml", "--color", "always"]);
    assert!(forced.contains("\u{1b}["), "--color always colours");
    let piped = run(&["samples/healthy.xml"]);
    assert!(!piped.contains("\u{1b}["), "not a terminal: no colour");
    let out = bin()
        .env("NO_COLOR", "1")
        .args(["samples/healthy.xml", "--color", "auto"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\u{1b}["));
}

#[test]
fn json_to_a_file_is_written_atomically_and_one_bad_input_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.xml");
    std::fs::write(&bad, "<Objs Version=\"1.1.0.1\"><S>cut off").unwrap();
    let target = dir.path().join("out.json");
    let out = bin()
        .args(["samples/healthy.xml"])
        .arg(&bad)
        .args(["--format", "json", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.xml:1:"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(doc["mailboxes"].as_array().unwrap().len(), 1);
    assert!(doc["inputs"][1]["error"].as_str().unwrap().contains("truncated"));
    assert_eq!(doc["inputs"][0]["error"], serde_json::Value::Null);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}
