//! `mrs-triage diff OLD NEW`: the two wave-3 exports give exactly what
//! `samples/README.md` says changed; every output format is a snapshot; a
//! text report and the XML of the same mailbox match item for item; the
//! exit status and the errors of either side tell the truth.

use serde_json::Value;

use crate::util::{bin, sample};

fn diff_json(old: &str, new: &str, extra: &[&str]) -> Value {
    let out = bin()
        .args(["diff", "--format", "json"])
        .arg(sample(old))
        .arg(sample(new))
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mailbox<'a>(d: &'a Value, name: &str) -> &'a Value {
    d["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mailbox"] == name)
        .unwrap_or_else(|| panic!("no mailbox {name}"))
}

fn states<'a>(list: &'a Value, field: &str) -> Vec<(&'a str, &'a str)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| (x["state"].as_str().unwrap(), x[field].as_str().unwrap_or("")))
        .collect()
}

#[test]
fn the_second_wave3_export_against_the_first() {
    let d = diff_json("batch-wave3.utf16.xml", "batch-wave3.later.xml", &[]);
    assert_eq!(d["schema"], "mrs-triage.diff.v1");
    assert_eq!(d["old"]["inputs"][0]["encoding"], "utf-16le-bom");
    assert_eq!(d["new"]["inputs"][0]["encoding"], "utf-8");
    let t = &d["totals"];
    assert_eq!(
        t["mailboxes"],
        serde_json::json!({"added": 1, "gone": 1, "changed": 3, "unchanged": 1})
    );
    assert_eq!((t["items_new"].as_u64(), t["items_resolved"].as_u64()), (Some(3), Some(14)));
    assert_eq!(t["items_unchanged"], 44);

    let n = mailbox(&d, "nestorw");
    assert_eq!(n["change"], "unchanged");
    assert_eq!(n["items_unchanged"], 0);

    // Orphaned ACEs removed, limit raised: the source principal items are
    // resolved, the group's stay, and the move completed.
    let p = mailbox(&d, "pradeepg");
    assert_eq!(p["change"], "changed");
    assert_eq!(p["key"], "guid:64c4325d-98b0-447e-9fd8-a8072e4b1ab6");
    assert_eq!(
        (p["old"]["status"].as_str(), p["new"]["status"].as_str()),
        (Some("Failed"), Some("Completed"))
    );
    assert_eq!(
        (p["items_new"].as_u64(), p["items_resolved"].as_u64(), p["items_unchanged"].as_u64()),
        (Some(0), Some(14), Some(11))
    );
    assert!(
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["category"] == "source_principal" && i["state"] == "resolved")
    );
    let ps = states(&p["principals"], "sid");
    assert_eq!(ps.iter().filter(|(s, _)| *s == "resolved").count(), 3);
    assert!(ps.contains(&("unchanged", "S-1-5-21-1004336348-1177238915-682003330-3120")));

    // Resumed without a fix: worse.
    let l = mailbox(&d, "lynner");
    assert_eq!(
        (l["old"]["verdict"].as_str(), l["new"]["verdict"].as_str()),
        (Some("permissions_only"), Some("data_loss_risk"))
    );
    assert_eq!((l["items_new"].as_u64(), l["items_unchanged"].as_u64()), (Some(3), Some(32)));
    let new_items: Vec<&str> =
        l["items"].as_array().unwrap().iter().map(|i| i["category"].as_str().unwrap()).collect();
    assert_eq!(new_items, ["target_principal", "corrupt_item", "corrupt_item"]);
    assert_eq!(l["principals"][0]["state"], "new");
    assert_eq!(l["principals"][0]["alias"], "k.okafor");
    assert_eq!(l["failures"][0]["failure_type"], "TooManyBadItemsPermanentException");
    assert_eq!(
        (l["failures"][0]["old_count"].as_u64(), l["failures"][0]["new_count"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(l["failures"][0]["state"], "new");

    let j = mailbox(&d, "jonis");
    assert_eq!(
        (j["old"]["verdict"].as_str(), j["new"]["verdict"].as_str()),
        (Some("failed_other"), Some("permissions_only"))
    );

    let a = mailbox(&d, "alexw");
    assert_eq!(a["change"], "added");
    assert_eq!(a["old"], Value::Null);
    assert_eq!(a["new"]["status"], "InProgress");
    let g = mailbox(&d, "gradya");
    assert_eq!(g["change"], "gone");
    assert_eq!(g["new"], Value::Null);
    assert_eq!(g["old"]["bad_items"], 12);
    // The gone mailbox comes last, after the new export's own order.
    let order: Vec<&str> =
        d["mailboxes"].as_array().unwrap().iter().map(|m| m["mailbox"].as_str().unwrap()).collect();
    assert_eq!(order, ["nestorw", "pradeepg", "lynner", "jonis", "alexw", "gradya"]);
    assert_eq!(t["verdict_moves"].as_array().unwrap().len(), 2);
}

#[test]
fn an_export_against_itself_is_unchanged() {
    let d = diff_json("batch-wave3.utf16.xml", "batch-wave3.utf16.xml", &[]);
    assert_eq!(d["totals"]["mailboxes"]["unchanged"], 5);
    assert_eq!(d["totals"]["items_unchanged"], 70);
    assert_eq!(d["totals"]["items_new"], 0);
    let out = bin()
        .args(["diff", "--fail-on-new"])
        .arg(sample("batch-wave3.utf16.xml"))
        .arg(sample("batch-wave3.utf16.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = bin()
        .args(["diff", "--fail-on-new", "-q"])
        .arg(sample("batch-wave3.utf16.xml"))
        .arg(sample("batch-wave3.later.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "lynner has new items");
    assert!(!out.stdout.is_empty(), "the table is written anyway");
}

#[test]
fn a_text_report_matches_the_xml_of_the_same_mailbox() {
    for (xml, text, n) in [
        ("target-principals.xml", "target-principals.download.txt", 12),
        ("batch-wave3.utf16.xml", "batch-wave3-pradeepg.format-list.txt", 25),
        ("source-principals.xml", "source-principals.en-GB.txt", 1022),
    ] {
        let d = diff_json(xml, text, &[]);
        let both: Vec<&Value> =
            d["mailboxes"].as_array().unwrap().iter().filter(|m| m["change"] != "gone").collect();
        assert_eq!(both.len(), 1, "{text}");
        let m = both[0];
        assert_ne!(m["change"], "added", "{text}: matched by ExchangeGuid");
        assert_eq!(m["items_unchanged"], n, "{text}");
        assert_eq!(
            (m["items_new"].as_u64(), m["items_resolved"].as_u64()),
            (Some(0), Some(0)),
            "{text}"
        );
    }
    // Redacted, both sides get the same tokens: still item for item.
    let d = diff_json("target-principals.xml", "target-principals.download.txt", &["--redact"]);
    assert_eq!(d["mailboxes"][0]["items_unchanged"], 12);
    assert!(!d.to_string().contains("leeg"), "redacted");
}

#[test]
fn diff_outputs_snapshots() {
    let run = |args: &[&str]| {
        let out = bin()
            .arg("diff")
            .args(args)
            .arg("samples/batch-wave3.utf16.xml")
            .arg("samples/batch-wave3.later.xml")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    insta::assert_snapshot!("diff_table", run(&[]));
    insta::assert_snapshot!("diff_table_ascii", run(&["--ascii"]));
    insta::assert_snapshot!("diff_json", run(&["--format", "json"]));
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["diff", "-q", "-f", "csv", "-o"])
        .arg(dir.path().join("changes"))
        .arg("samples/batch-wave3.utf16.xml")
        .arg("samples/batch-wave3.later.xml")
        .output()
        .unwrap();
    assert!(out.status.success());
    for name in ["diff_mailboxes", "diff_bad_items", "diff_principals", "diff_failures"] {
        let csv = std::fs::read_to_string(dir.path().join("changes").join(format!("{name}.csv")))
            .unwrap();
        assert!(csv.starts_with('\u{feff}') && csv.contains("\r\n"), "{name}: BOM and CRLF");
        insta::assert_snapshot!(name, csv);
    }
}

#[test]
fn a_formula_looking_subject_is_neutralised_in_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["diff", "-q", "--csv"])
        .arg(dir.path())
        .arg(sample("batch-wave3.utf16.xml"))
        .arg(sample("batch-wave3.later.xml"))
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("diff_bad_items.csv")).unwrap();
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(!csv.contains(",=HYPERLINK(") && !csv.contains(",\"=HYPERLINK("), "{csv}");
}

#[test]
fn errors_of_either_side_are_reported_and_the_rest_compared() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::copy(sample("batch-wave3.utf16.xml"), old.join("wave3.xml")).unwrap();
    std::fs::write(old.join("broken.xml"), "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj RefId=\"0\">").unwrap();
    let out = bin()
        .args(["diff", "--format", "json"])
        .arg(&old)
        .arg(sample("batch-wave3.later.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.xml:1:"), "{err}");
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["totals"]["mailboxes"]["changed"], 3, "the readable input was compared");
    let inputs = d["old"]["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert!(inputs.iter().any(|i| i["error"].is_string()));

    // A side that has nothing readable: no table pretends the other side is all new.
    let out = bin()
        .arg("diff")
        .arg(old.join("broken.xml"))
        .arg(sample("batch-wave3.later.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to compare"));

    let out = bin().args(["diff", "missing.xml"]).arg(sample("healthy.xml")).output().unwrap();
    assert_eq!(out.status.code(), Some(66));
}

#[test]
fn usage_errors() {
    for (args, says) in [
        (vec!["diff", "-", "-"], "standard input can be only one side"),
        (vec!["diff", "a.xml", "b.xml", "-o", "x.html"], "diff writes a table"),
        (vec!["diff", "a.xml", "b.xml", "-f", "json", "-o", "x.txt"], "contradicts"),
        (vec!["diff", "a.xml", "b.xml", "-f", "csv"], "give -o DIR"),
        (vec!["diff", "a.xml"], "NEW"),
    ] {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // -o x.json and -o dir/ decide the format.
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("d.json");
    bin()
        .arg("diff")
        .arg(sample("healthy.xml"))
        .arg(sample("healthy.xml"))
        .arg("-o")
        .arg(&json)
        .assert()
        .success();
    let d: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(d["schema"], "mrs-triage.diff.v1");
    let folder = format!("{}/", dir.path().join("tables").display());
    bin()
        .arg("diff")
        .arg(sample("healthy.xml"))
        .arg(sample("healthy.xml"))
        .args(["-o", &folder])
        .assert()
        .success();
    assert!(dir.path().join("tables/diff_mailboxes.csv").is_file());
}
