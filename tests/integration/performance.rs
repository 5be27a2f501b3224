//! Move performance in every output: the `perf` command and the summary
//! table's Performance section, `--percentile`, the JSON's 3 decimals, the
//! CSV/Parquet/NDJSON tables, and the HTML charts (`move-performance.md`).

use serde_json::Value;

use crate::util::{bin, fixture};

fn run(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn perf_shows_only_performance() {
    let out = run(&["perf", "samples/onboarding-stalls.xml", "--color", "never"]);
    assert!(out.starts_with("Performance (shares of the in-progress time)"), "{out}");
    for want in [
        "alexw",
        "critical",
        "Batches (rates, shares and latencies of the kept moves: the fastest 90%",
        "Source servers",
        "MRS servers",
        "stalled now on the target (DiskLatency); 5 stall episodes in the log",
        "perf-wait-target-stalls",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    // Nothing about bad items.
    assert!(!out.contains("Verdict") && !out.contains("Permissions"), "{out}");
    let ascii = run(&["perf", "samples/batch-servers.xml", "--ascii"]);
    assert!(ascii.is_ascii());
    assert!(ascii.contains("perf-concurrency"));
}

#[test]
fn perf_without_durations_says_so_and_refuses_json() {
    let out = run(&["perf", fixture("small.xml").to_str().unwrap()]);
    assert!(out.contains("carries durations") || out.contains("nothing to measure"), "{out}");
    let o = bin().args(["perf", "samples/healthy.xml", "-o", "x.json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("summary --format json"));
}

#[test]
fn the_summary_table_shows_performance_after_the_bad_items() {
    let out = run(&["samples/batch-wave3.utf16.xml", "--color", "never"]);
    let items = out.find("Suggested BadItemLimit").unwrap();
    let perf = out.find("Performance (shares of the in-progress time)").unwrap();
    let steps = out.find("Next step per mailbox").unwrap();
    assert!(items < perf && perf < steps, "{out}");
    // No durations, no Performance table.
    let plain = run(&[fixture("small.xml").to_str().unwrap(), "--color", "never"]);
    assert!(!plain.contains("Performance"));
}

#[test]
fn percentile_chooses_the_kept_moves() {
    let kept = |args: &[&str]| -> u64 {
        let mut all = vec!["samples/batch-servers.xml", "--format", "json"];
        all.extend_from_slice(args);
        let d: Value = serde_json::from_str(&run(&all)).unwrap();
        d["batches"][0]["performance"]["kept_moves"].as_u64().unwrap()
    };
    assert_eq!(kept(&[]), 9);
    assert_eq!(kept(&["--percentile", "50"]), 5);
    assert_eq!(kept(&["--percentile", "100"]), 10);
    for bad in ["0", "101", "x"] {
        let o = bin().args(["samples/healthy.xml", "--percentile", bad]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "--percentile {bad}");
    }
}

/// Every number of a JSON value, with its key path.
fn numbers<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a serde_json::Number)>) {
    match v {
        Value::Number(n) => out.push((path, n)),
        Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| numbers(x, format!("{path}[{i}]"), out))
        }
        Value::Object(o) => o.iter().for_each(|(k, x)| numbers(x, format!("{path}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn json_figures_have_at_most_three_decimals() {
    let text = run(&["samples/onboarding-stalls.xml", "samples/batch-servers.xml", "-f", "json"]);
    let d: Value = serde_json::from_str(&text).unwrap();
    let mut all = Vec::new();
    for (i, m) in d["mailboxes"].as_array().unwrap().iter().enumerate() {
        numbers(&m["performance"], format!("mailboxes[{i}]"), &mut all);
    }
    numbers(&d["batches"], "batches".into(), &mut all);
    numbers(&d["servers"], "servers".into(), &mut all);
    assert!(all.len() > 300);
    for (path, n) in all {
        if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
            assert!(((f * 1000.0).round() - f * 1000.0).abs() < 1e-6, "{path}: {f}");
        }
    }
    // Times are ISO 8601 UTC.
    let start = &d["mailboxes"][0]["performance"]["stall_episodes"][0]["start"];
    assert!(start.as_str().unwrap().ends_with('Z'), "{start}");
}

#[test]
fn performance_tables_in_csv_and_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["export", "-q", "-f", "csv", "-o"])
        .arg(dir.path())
        .arg("samples/batch-servers.xml")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let perf = read("performance.csv");
    assert_eq!(perf.lines().count(), 11, "a header and one row per mailbox");
    let header = perf.lines().next().unwrap();
    for col in
        ["StallContentIndexing", "StallTargetThrottle", "Health", "Bottleneck", "StalledNowReason"]
    {
        assert!(header.contains(col), "{col}");
    }
    let groups = read("batch_performance.csv");
    let scopes: Vec<&str> = groups.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        scopes,
        ["batch", "source_server", "source_server", "source_server", "mrs_server", "mrs_server"]
    );
    let out = run(&["export", "-f", "ndjson", "-o", "-", "samples/batch-servers.xml"]);
    let types: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(types.iter().filter(|t| *t == "performance").count(), 10);
    assert_eq!(types.iter().filter(|t| *t == "batch_performance").count(), 6);
}

#[test]
fn html_charts_where_the_time_went_and_the_copy_progress() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let o = bin()
        .args(["samples/onboarding-stalls.xml", "samples/batch-servers.xml", "-q", "--html"])
        .arg(&html)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<section id=\"performance\">"));
    assert!(page.contains("id=\"chart-time-shares\""));
    // One bar per batch.
    assert!(
        page.contains(">MigrationService:Wave-5 Exec")
            && page.contains(">MigrationService:Wave-6 Oper")
    );
    // A curve per mailbox with a log to draw, its stall episodes shaded.
    assert_eq!(page.matches("class=\"chart chart-copy\"").count(), 11);
    let alexw = page.split("id=\"chart-copy-0-0\"").nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(alexw.matches("fill-opacity=\"0.18\"").count(), 5, "five episodes shaded");
    assert!(alexw.contains("<polyline") && alexw.matches("<circle").count() == 8);
    assert!(alexw.contains("stalled on the target (DiskLatency)"));
    // The same page: its one script (allowed by its hash), no other.
    assert_eq!(page.to_ascii_lowercase().matches("<script").count(), 1);
}
