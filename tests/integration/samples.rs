//! The bundled samples: each must give exactly what `samples/README.md` says,
//! and the files must be what the generator writes.

use serde_json::Value;

use crate::util::{bin, sample};

fn summary(name: &str) -> Value {
    let out = bin().args(["summary", "--format", "json"]).arg(sample(name)).output().unwrap();
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mailbox<'a>(doc: &'a Value, alias_or_identity: &str) -> &'a Value {
    doc["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["alias"] == alias_or_identity || m["identity"] == alias_or_identity)
        .unwrap_or_else(|| panic!("no mailbox {alias_or_identity}"))
}

/// Asserts the non-zero category counts are exactly `want`.
#[track_caller]
fn counts(m: &Value, want: &[(&str, u64)]) {
    let c = m["counts"].as_object().unwrap();
    assert_eq!(c.len(), 12, "every category present");
    for (k, v) in c {
        let expected = want.iter().find(|(n, _)| n == k).map_or(0, |(_, v)| *v);
        assert_eq!(v.as_u64().unwrap(), expected, "{} count {k}", m["alias"]);
    }
}

#[test]
fn healthy() {
    let d = summary("healthy.xml");
    assert_eq!(d["schema"], "mrs-triage.summary.v1");
    assert_eq!(d["inputs"][0]["encoding"], "utf-8");
    assert_eq!(d["inputs"][0]["error"], Value::Null);
    assert_eq!(d["mailboxes"].as_array().unwrap().len(), 1);
    let m = mailbox(&d, "adelev");
    counts(m, &[]);
    assert_eq!(m["verdict"], "clean");
    assert_eq!(m["failing_limit"], Value::Null);
    assert_eq!(m["failure_types"]["CommunicationErrorTransientException"], 1);
    assert_eq!(m["transient_failures"], 1);
    assert_eq!(m["bad_item_limit"], 10);
}

#[test]
fn source_principals() {
    let d = summary("source-principals.xml");
    let m = mailbox(&d, "meganb");
    counts(m, &[("source_principal", 1020), ("target_principal", 2)]);
    assert_eq!(m["verdict"], "permissions_only");
    assert_eq!(m["failing_limit"], "source_principal_limit");
    assert_eq!(m["suggested_bad_item_limit"], 1022);
    assert_eq!(m["requires_accept_large_data_loss"], true);
    assert_eq!(m["failure_type"], "TooManyBadItemsPermanentException");
    let principals = d["principals"].as_array().unwrap();
    assert_eq!(principals.iter().filter(|p| p["side"] == "source").count(), 6);
    assert_eq!(principals.iter().filter(|p| p["side"] == "target").count(), 2);
    let occurrences: u64 = principals.iter().map(|p| p["occurrences"].as_u64().unwrap()).sum();
    assert_eq!(occurrences, 1022);
}

#[test]
fn target_principals() {
    let d = summary("target-principals.xml");
    let m = mailbox(&d, "leeg");
    counts(m, &[("target_principal", 12)]);
    assert_eq!(m["verdict"], "permissions_only");
    assert_eq!(m["failing_limit"], "bad_item_limit");
    assert_eq!(m["suggested_bad_item_limit"], 12);
    let p = d["principals"].as_array().unwrap();
    assert_eq!(p.len(), 2);
    let group = p.iter().find(|p| p["display_name"] == "SG-Finance-RW").unwrap();
    assert_eq!(group["sid"], "S-1-5-21-1004336348-1177238915-682003330-3120");
    assert_eq!(group["folders"], 7);
    assert_eq!(group["occurrences"], 8);
    assert_eq!(group["legacy_dn"], Value::Null);
    let user = p.iter().find(|p| p["alias"] == "k.okafor").unwrap();
    assert_eq!(user["display_name"], "Okafor, Kemi (Contractor; Legal)");
    assert_eq!(user["folders"], 3);
    assert_eq!(user["occurrences"], 4);
    assert!(user["legacy_dn"].as_str().unwrap().ends_with("cn=k.okafor"));
    assert!(
        user["proxies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().starts_with("X500:"))
    );
}

#[test]
fn corrupt_and_large() {
    let d = summary("corrupt-and-large.xml");
    let m = mailbox(&d, "isaiahl");
    counts(
        m,
        &[
            ("corrupt_item", 3),
            ("large_item", 2),
            ("missing_item", 1),
            ("corrupt_folder_rule", 1),
            ("corrupt_search_folder", 1),
            ("source_principal", 1),
        ],
    );
    assert_eq!(m["verdict"], "data_loss_risk");
    assert_eq!(m["failing_limit"], "large_item_limit");
    assert_eq!(m["suggested_bad_item_limit"], 7);
    assert_eq!(m["suggested_large_item_limit"], 2);
    assert_eq!(m["to_exchange_online"], false);
}

#[test]
fn batch_in_utf16() {
    let d = summary("batch-wave3.utf16.xml");
    assert_eq!(d["inputs"][0]["encoding"], "utf-16le-bom");
    let verdicts: Vec<(&str, &str)> = d["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["alias"].as_str().unwrap(), m["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("nestorw", "clean"),
            ("pradeepg", "permissions_only"),
            ("lynner", "permissions_only"),
            ("jonis", "failed_other"),
            ("gradya", "data_loss_risk"),
        ]
    );
    counts(mailbox(&d, "pradeepg"), &[("source_principal", 14), ("target_principal", 11)]);
    assert_eq!(mailbox(&d, "pradeepg")["suggested_bad_item_limit"], 11);
    counts(mailbox(&d, "lynner"), &[("source_principal", 20), ("target_principal", 12)]);
    assert_eq!(mailbox(&d, "lynner")["suggested_bad_item_limit"], 12);
    let g = mailbox(&d, "gradya");
    counts(
        g,
        &[("source_principal", 6), ("corrupt_item", 1), ("large_item", 1), ("missing_item", 4)],
    );
    assert_eq!(g["failing_limit"], "bad_item_limit");
    assert_eq!(g["suggested_bad_item_limit"], 5);
    assert_eq!(mailbox(&d, "jonis")["failure_type"], "CommunicationErrorTransientException");
    let p = d["principals"].as_array().unwrap();
    let by_sid =
        |sid: &str| p.iter().find(|x| x["sid"] == sid).unwrap()["mailboxes"].as_u64().unwrap();
    assert_eq!(by_sid("S-1-5-21-1004336348-1177238915-682003330-1108"), 3);
    assert_eq!(by_sid("S-1-5-21-1004336348-1177238915-682003330-1291"), 3);
    assert_eq!(by_sid("S-1-5-21-1004336348-1177238915-682003330-3120"), 2);
    assert_eq!(d["totals"]["mailboxes"], 5);
    assert_eq!(d["totals"]["verdicts"]["permissions_only"], 2);
}

#[test]
fn migration_user_with_dcs() {
    let d = summary("migration-user-dcs.xml");
    let m = mailbox(&d, "diegos@contoso.com");
    assert_eq!(m["source_type"], "migration_user_statistics");
    counts(m, &[("corrupt_item", 3), ("missing_item", 1), ("source_principal", 5)]);
    assert_eq!(m["verdict"], "data_loss_risk");
    assert_eq!(m["failing_limit"], "data_consistency_score");
    assert_eq!(m["data_consistency_score"], "Investigate");
    assert_eq!(m["unapproved_skipped_items"], true);
    assert_eq!(m["bad_item_limit"], Value::Null);
}

#[test]
fn flattened_reports() {
    let d = summary("flattened.xml");
    let j = mailbox(&d, "johannal");
    counts(j, &[("source_principal", 14), ("target_principal", 1), ("corrupt_item", 1)]);
    assert_eq!(j["verdict"], "data_loss_risk");
    assert_eq!(j["failing_limit"], "bad_item_limit");
    assert_eq!(j["suggested_bad_item_limit"], 2);
    let t = mailbox(&d, "miriamg");
    counts(t, &[("source_principal", 11)]);
    assert_eq!(t["verdict"], "permissions_only");
    assert_eq!(t["status"], "Completed");
}

// Performance: the second table of samples/README.md.

/// A mailbox's performance record.
fn perf(m: &Value) -> &Value {
    let p = &m["performance"];
    assert!(p.is_object(), "{}: no performance", m["alias"]);
    p
}

/// A figure, to the JSON's 3 decimals.
#[track_caller]
fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is no number"));
    assert!((got - want).abs() < 0.0015, "{got} != {want}");
}

/// The ids of a mailbox's performance steps.
fn perf_steps(m: &Value) -> Vec<&str> {
    m["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .filter(|id| id.starts_with("perf-"))
        .collect()
}

#[test]
fn healthy_performance() {
    let d = summary("healthy.xml");
    let m = mailbox(&d, "adelev");
    let p = perf(m);
    close(&p["in_progress_hours"], 3.1);
    close(&p["transfer_rate_gb_per_hour"], 0.837);
    close(&p["efficiency_percent"], 92.0);
    close(&p["source_side_percent"], 68.0);
    close(&p["destination_side_percent"], 24.0);
    close(&p["stall_percent"], 2.6);
    close(&p["stalls"]["content_indexing"], 1.5);
    close(&p["stalls"]["mdb_replication"], 0.8);
    close(&p["stalls"]["target_cpu"], 0.3);
    close(&p["source_latency_ms"], 45.0);
    assert_eq!(p["health"], "healthy");
    assert_eq!(p["bottleneck"], Value::Null);
    assert_eq!(p["throttled"], false);
    assert_eq!(p["copy_progress"].as_array().unwrap().len(), 1);
    assert!(perf_steps(m).is_empty());
    for (file, alias) in [("source-principals.xml", "meganb"), ("target-principals.xml", "leeg")] {
        let d = summary(file);
        let m = mailbox(&d, alias);
        assert_eq!((&perf(m)["health"], &perf(m)["bottleneck"]), (&"healthy".into(), &Value::Null));
        assert!(perf_steps(m).is_empty(), "{alias}");
    }
}

#[test]
fn local_move_with_a_busy_destination() {
    let d = summary("corrupt-and-large.xml");
    let m = mailbox(&d, "isaiahl");
    let p = perf(m);
    close(&p["destination_side_percent"], 49.0);
    assert_eq!((&p["health"], &p["bottleneck"]), (&"warning".into(), &"destination".into()));
    assert_eq!(p["source_latency_ms"], Value::Null, "no MRSProxy, no latency");
    assert_eq!(perf_steps(m), ["perf-spread-batches"]);
}

#[test]
fn batch_performance_and_servers() {
    let d = summary("batch-wave3.utf16.xml");
    let j = mailbox(&d, "jonis");
    let p = perf(j);
    close(&p["transient_failure_percent"], 17.0);
    close(&p["transfer_rate_gb_per_hour"], 0.234);
    close(&p["efficiency_percent"], 71.0);
    assert_eq!(
        (&p["health"], &p["bottleneck"]),
        (&"critical".into(), &"transient_failures".into())
    );
    assert_eq!(p["throttled"], true);
    assert_eq!(perf_steps(j), ["perf-check-mrsproxy-path", "perf-concurrency"]);
    for alias in ["nestorw", "pradeepg", "lynner", "gradya"] {
        assert_eq!(perf(mailbox(&d, alias))["health"], "healthy", "{alias}");
    }
    let b = &d["batches"][0]["performance"];
    assert_eq!((b["mailboxes"].as_u64(), b["kept_moves"].as_u64()), (Some(5), Some(5)));
    close(&b["avg_transfer_rate_gb_per_hour"], 0.86);
    close(&b["min_transfer_rate_gb_per_hour"], 0.234);
    close(&b["max_transfer_rate_gb_per_hour"], 1.235);
    assert_eq!(b["end"], Value::Null, "failed moves never complete");
    assert_eq!((&b["health"], &b["bottleneck"]), (&"warning".into(), &"transient_failures".into()));
    let servers = d["servers"].as_array().unwrap();
    let of = |by: &str| -> Vec<(&str, u64)> {
        servers
            .iter()
            .filter(|s| s["by"] == by)
            .map(|s| (s["key"].as_str().unwrap(), s["performance"]["mailboxes"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(
        of("source_server"),
        [("EXCH01.contoso.com", 2), ("EXCH02.contoso.com", 2), ("EXCH03.contoso.com", 1)]
    );
    assert_eq!(of("mrs_server").len(), 2);
    let exch02 = servers.iter().find(|s| s["key"] == "EXCH02.contoso.com").unwrap();
    assert_eq!(exch02["performance"]["health"], "critical");
}

#[test]
fn migration_user_coarse_performance() {
    let d = summary("migration-user-dcs.xml");
    let m = mailbox(&d, "diegos@contoso.com");
    let p = perf(m);
    close(&p["stall_percent"], 18.5);
    assert_eq!(p["stalls"], Value::Null);
    for k in ["overall_hours", "suspended_hours", "failed_hours", "relinquished_hours"] {
        assert_eq!(p[k], Value::Null, "{k}");
    }
    assert_eq!(p["mailbox_bytes"], 2_403_291_635u64, "EstimatedTotalTransferSize");
    assert_eq!((&p["health"], &p["bottleneck"]), (&"warning".into(), &"stalls".into()));
    assert_eq!(perf_steps(m), ["perf-wait-target-stalls"]);
}

#[test]
fn flattened_performance() {
    let d = summary("flattened.xml");
    let j = perf(mailbox(&d, "johannal"));
    close(&j["in_progress_hours"], 2.3);
    close(&j["source_side_percent"], 68.0);
    close(&j["source_latency_ms"], 72.0);
    assert_eq!(j["health"], "healthy");
    let t = perf(mailbox(&d, "miriamg"));
    close(&t["in_progress_hours"], 1.9);
    for k in ["source_side_percent", "destination_side_percent", "source_latency_ms"] {
        assert_eq!(t[k], Value::Null, "{k}");
    }
    assert_eq!(t["copy_progress"][0]["time"], "2024-05-14T08:00:49Z");
}

#[test]
fn onboarding_with_stalls() {
    let d = summary("onboarding-stalls.xml");
    let m = mailbox(&d, "alexw");
    assert_eq!(m["verdict"], "clean");
    counts(m, &[]);
    let p = perf(m);
    assert_eq!(p["mailbox_bytes"], 9u64 << 30);
    close(&p["transfer_rate_gb_per_hour"], 0.52);
    close(&p["stall_percent"], 24.0);
    for (k, v) in [
        ("content_indexing", 11.0),
        ("mdb_replication", 7.0),
        ("target_cpu", 3.5),
        ("target_throttle", 2.0),
        ("mailbox_locked", 0.5),
        ("source_cpu", 0.0),
    ] {
        close(&p["stalls"][k], v);
    }
    assert_eq!((&p["health"], &p["bottleneck"]), (&"critical".into(), &"stalls".into()));
    assert_eq!(p["throttled"], false);
    assert_eq!(p["stalled_now"], serde_json::json!({"side": "target", "reason": "DiskLatency"}));
    assert_eq!(p["copy_progress"].as_array().unwrap().len(), 8);
    let episodes: Vec<(&str, Option<f64>)> = p["stall_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["reason"].as_str().unwrap(), e["hours"].as_f64()))
        .collect();
    assert_eq!(
        episodes,
        [
            ("ContentIndexing", Some(0.6)),
            ("MailboxDatabaseReplication", Some(0.9)),
            ("Processor", Some(0.4)),
            ("ContentIndexing", Some(0.6)),
            ("DiskLatency", None),
        ]
    );
    assert_eq!(p["stall_episodes"][4]["end"], Value::Null);
    assert_eq!(perf_steps(m), ["perf-wait-target-stalls"]);
}

#[test]
fn archive_only_move() {
    let d = summary("archive-move.xml");
    let m = mailbox(&d, "pattif");
    assert_eq!(m["verdict"], "clean");
    let p = perf(m);
    assert_eq!(p["mailbox_bytes"], 15_569_256_448u64, "the archive alone");
    close(&p["transfer_rate_gb_per_hour"], 0.985);
    close(&p["source_side_percent"], 87.0);
    close(&p["word_breaking_percent"], 0.0);
    assert_eq!(
        (&p["source_latency_ms"], &p["destination_latency_ms"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!((&p["health"], &p["bottleneck"]), (&"warning".into(), &"source".into()));
    assert_eq!(perf_steps(m), ["perf-source-resources"]);
}

#[test]
fn batch_over_three_servers_with_a_stuck_move() {
    let d = summary("batch-servers.xml");
    let all = d["mailboxes"].as_array().unwrap();
    assert_eq!(all.len(), 10);
    assert!(all.iter().all(|m| m["verdict"] == "clean"));
    let b = &d["batches"][0]["performance"];
    assert_eq!((b["mailboxes"].as_u64(), b["kept_moves"].as_u64()), (Some(10), Some(9)));
    close(&b["avg_transfer_rate_gb_per_hour"], 0.922);
    close(&b["min_transfer_rate_gb_per_hour"], 0.6);
    close(&b["max_transfer_rate_gb_per_hour"], 1.2);
    assert_eq!(b["end"], Value::Null, "one move unfinished");
    assert!(b["throughput_gb_per_hour"].as_f64().unwrap() > 0.0);
    assert_eq!(b["health"], "healthy", "the stuck move does not hide the batch's speed");
    let s = mailbox(&d, "serenad");
    let p = perf(s);
    close(&p["transfer_rate_gb_per_hour"], 0.011);
    close(&p["transient_failure_percent"], 22.0);
    assert_eq!(p["stalled_now"], serde_json::json!({"side": "source", "reason": "UnknownReason"}));
    assert_eq!(
        (&p["health"], &p["bottleneck"]),
        (&"critical".into(), &"transient_failures".into())
    );
    assert_eq!(perf_steps(s), ["perf-check-mrsproxy-path", "perf-concurrency"]);
    let exch03 =
        d["servers"].as_array().unwrap().iter().find(|x| x["key"] == "EXCH03.contoso.com").unwrap();
    close(&exch03["performance"]["avg_transfer_rate_gb_per_hour"], 0.42);
    for alias in ["irvins", "raulr"] {
        assert_eq!(
            perf_steps(mailbox(&d, alias)),
            ["perf-concurrency"],
            "{alias}: EXCH03 is far slower"
        );
    }
    for alias in ["allande", "debrab"] {
        assert!(perf_steps(mailbox(&d, alias)).is_empty(), "{alias}");
    }
    // Times read from a report that is only text, and from flattened entries.
    let c = perf(mailbox(&d, "christiec"));
    assert_eq!(c["stall_episodes"][0]["start"], "2024-06-03T20:27:51Z");
    assert_eq!(c["source_side_percent"], Value::Null, "no session in a text report");
    let e = perf(mailbox(&d, "emilyb"));
    close(&e["source_side_percent"], 68.0);
    for m in all.iter().filter(|m| m["alias"] != "serenad") {
        let p = perf(m);
        assert_eq!(p["copy_progress"].as_array().unwrap().len(), 3, "{}", m["alias"]);
        let ep = p["stall_episodes"].as_array().unwrap();
        assert_eq!(ep.len(), 1, "{}", m["alias"]);
        assert_eq!(ep[0]["reason"], "ContentIndexing");
        assert!(ep[0]["end"].is_string() && ep[0]["hours"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn samples_are_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    bin().arg("samples").arg(dir.path()).assert().success();
    let mut n = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let fresh = std::fs::read(entry.path()).unwrap();
        let bundled = std::fs::read(sample(name.to_str().unwrap())).unwrap_or_else(|_| {
            panic!(
                "samples/{} is missing: run `mrs-triage samples samples`",
                name.to_string_lossy()
            )
        });
        assert!(
            fresh == bundled,
            "samples/{} differs from the generator's output",
            name.to_string_lossy()
        );
        n += 1;
    }
    assert_eq!(n, 19, "11 XML exports, 6 text reports, 2 batch downloads");
}
