//! Move performance in the data outputs: the JSON's 3 decimals and the
//! CSV/NDJSON tables (`move-performance.md`).

use serde_json::Value;

use crate::util::bin;

fn run(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
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
