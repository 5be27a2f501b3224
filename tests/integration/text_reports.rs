//! Plain-text reports and batch report downloads: the bundled text samples
//! give the verdicts of the XML samples they were written from, times of
//! every culture are read, and the batch downloads join the mailboxes.

use serde_json::Value;

use crate::util::{bin, sample};

fn summary(names: &[&str]) -> Value {
    let mut cmd = bin();
    cmd.args(["summary", "--format", "json"]);
    for n in names {
        cmd.arg(sample(n));
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{names:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mailboxes(doc: &Value) -> &Vec<Value> {
    doc["mailboxes"].as_array().unwrap()
}

fn named<'a>(doc: &'a Value, who: &str) -> &'a Value {
    mailboxes(doc)
        .iter()
        .find(|m| m["alias"] == who || m["identity"] == who)
        .unwrap_or_else(|| panic!("no mailbox {who}"))
}

/// Each text sample, the XML sample it was written from, and the mailbox.
const PAIRS: [(&str, &str, &str); 6] = [
    ("target-principals.download.txt", "target-principals.xml", "leeg"),
    ("batch-wave3-pradeepg.format-list.txt", "batch-wave3.utf16.xml", "pradeepg"),
    ("source-principals.en-GB.txt", "source-principals.xml", "meganb"),
    ("corrupt-and-large.de-DE.txt", "corrupt-and-large.xml", "isaiahl"),
    ("migration-user-dcs.en-AU.txt", "migration-user-dcs.xml", "diegos@contoso.com"),
    ("healthy.iso.txt", "healthy.xml", "adelev"),
];

#[test]
fn each_text_sample_gives_the_verdict_of_its_xml() {
    for (text, xml, who) in PAIRS {
        let t = summary(&[text]);
        assert_eq!(t["inputs"][0]["kind"], "text_report", "{text}");
        assert_eq!(mailboxes(&t).len(), 1, "{text}");
        let tm = &t["mailboxes"][0];
        let x = summary(&[xml]);
        let xm = named(&x, who);
        assert_eq!(tm["source_type"], "text_report", "{text}");
        for key in [
            "counts",
            "classes",
            "verdict",
            "suggested_bad_item_limit",
            "suggested_large_item_limit",
            "requires_accept_large_data_loss",
            "failure_type",
            "failure_types",
            "exchange_guid",
            "to_exchange_online",
        ] {
            assert_eq!(tm[key], xm[key], "{text} vs {xml}: {key}");
        }
        // The text carries no Data Consistency Score: that limit is the XML's alone.
        if xm["failing_limit"] != "data_consistency_score" {
            assert_eq!(tm["failing_limit"], xm["failing_limit"], "{text}: failing_limit");
            assert_eq!(tm["status"], xm["status"], "{text}: status");
        } else {
            assert_eq!(tm["failing_limit"], Value::Null, "{text}");
            assert_eq!(tm["data_consistency_score"], Value::Null, "{text}");
        }
        // What only the statistics object carries is null, not guessed.
        assert_eq!(tm["bad_items_encountered"], Value::Null, "{text}");
        assert_eq!(tm["stage"], "LoadingMessages", "{text}");
        assert_eq!(tm["stage_percent_complete"], 20, "{text}");
    }
}

#[test]
fn a_download_names_its_user_and_format_list_its_fields() {
    let d = summary(&["target-principals.download.txt"]);
    assert_eq!(d["inputs"][0]["encoding"], "utf-8-bom");
    let m = &d["mailboxes"][0];
    assert_eq!(m["identity"], "leeg@contoso.com");
    assert_eq!(m["status"], "Failed");
    let d = summary(&["batch-wave3-pradeepg.format-list.txt"]);
    assert_eq!(d["inputs"][0]["encoding"], "utf-16le-bom");
    let m = &d["mailboxes"][0];
    assert_eq!(m["identity"], "pradeepg");
    assert_eq!(m["display_name"], "Pradeep Gupta");
    assert_eq!(m["batch"], "MigrationService:Wave-3 Finance");
    assert_eq!(m["status_detail"], "FailedBadItemLimit");
    assert_eq!(m["bad_item_limit"], 10);
    // Wrapped at 120 columns: the folder names still come out whole.
    let out = bin()
        .args(["export", "--format", "json", "-o", "-"])
        .arg(sample("batch-wave3-pradeepg.format-list.txt"))
        .output()
        .unwrap();
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    let folders: Vec<&str> = e["tables"]["bad_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["folder"].as_str())
        .collect();
    assert!(folders.contains(&"Inbox/Projects/Q3 \"Launch\""), "{folders:?}");
    assert!(folders.contains(&"Shared; Finance"), "{folders:?}");
}

/// The log times of one sample's bad items, as the export writes them.
fn logged(name: &str) -> Vec<String> {
    let out =
        bin().args(["export", "--format", "json", "-o", "-"]).arg(sample(name)).output().unwrap();
    assert!(out.status.success());
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    e["tables"]["bad_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["logged_text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn times_of_every_culture_are_read_in_the_right_day_order() {
    // Every sample's bad items were logged from 08:01 on 14 May 2024,
    // whatever the culture wrote; 14 cannot be a month, so the order is known.
    for name in [
        "target-principals.download.txt",
        "source-principals.en-GB.txt",
        "corrupt-and-large.de-DE.txt",
        "migration-user-dcs.en-AU.txt",
    ] {
        let times = logged(name);
        assert!(times.first().is_some_and(|t| t.starts_with("2024-05-14 08:01:")), "{name}");
        assert!(times.iter().all(|t| t.starts_with("2024-05-14 ")), "{name}: {times:?}");
    }
}

#[test]
fn the_batch_downloads_join_the_mailboxes_and_disagreements_are_shown() {
    let d = summary(&[
        "wave3-MigrationStatistics.csv",
        "wave3-MigrationErrors.csv",
        "batch-wave3.utf16.xml",
    ]);
    let kinds: Vec<&str> =
        d["inputs"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"batch_statistics") && kinds.contains(&"batch_errors"), "{kinds:?}");
    assert_eq!(mailboxes(&d).len(), 6, "five from the XML, alexw from the CSV alone");

    let p = named(&d, "pradeepg");
    assert_eq!(p["source_type"], "move_request_statistics");
    assert_eq!(p["batch_report"]["status"], "Failed");
    assert_eq!(p["batch_report"]["items_migrated"], 2871);
    assert_eq!(p["batch_report"]["items_skipped"], 25);
    assert_eq!(p["batch_report"]["error_type"], "TooManyBadItemsPermanentException");
    assert_eq!(p["batch_report"]["disagreements"], serde_json::json!([]));

    let l = named(&d, "lynner");
    assert_eq!(
        l["batch_report"]["disagreements"],
        serde_json::json!([
            "the batch report counts 30 skipped items; the mailbox's report lists 32 bad items"
        ])
    );
    // Only lynner's figures disagree.
    for m in mailboxes(&d) {
        if m["alias"] != "lynner" {
            assert_eq!(m["batch_report"]["disagreements"], serde_json::json!([]), "{}", m["alias"]);
        }
    }

    let a = named(&d, "alexw@contoso.com");
    assert_eq!(a["source_type"], "batch_report");
    assert_eq!(a["status"], "Failed");
    assert_eq!(a["failure_type"], "MigrationPermanentException");
    assert_eq!(a["verdict"], "failed_other");
    assert_eq!(a["suggestions"][0]["id"], "investigate-failure");

    // The disagreement is in the terminal summary too, not only in JSON.
    let out = bin()
        .arg(sample("wave3-MigrationStatistics.csv"))
        .arg(sample("batch-wave3.utf16.xml"))
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("lynner: the batch report counts 30 skipped items"), "{table}");
}

#[test]
fn a_cutover_password_never_reaches_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let csv = sample("wave3-MigrationStatistics.csv");
    assert!(std::fs::read_to_string(&csv).unwrap().contains("Cutover-Pa55!"));
    bin()
        .args(["export", "-f", "csv"])
        .arg(&csv)
        .arg("-o")
        .arg(dir.path().join("t"))
        .assert()
        .success();
    let mut outputs = vec![];
    for format in ["table", "json", "html"] {
        outputs
            .push(bin().args(["summary", "--format", format]).arg(&csv).output().unwrap().stdout);
    }
    for f in std::fs::read_dir(dir.path().join("t")).unwrap() {
        outputs.push(std::fs::read(f.unwrap().path()).unwrap());
    }
    assert!(outputs.len() >= 3 + 6, "the three formats and the six tables were read");
    for o in outputs {
        assert!(!String::from_utf8_lossy(&o).contains("Pa55"), "the password leaked");
    }
}

#[test]
fn text_is_found_by_content_in_a_folder() {
    // The samples folder holds XML, text and CSV: each is read as what it is.
    let d = summary(&["."]);
    let kinds: Vec<(&str, &str)> = d["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    for (path, kind) in &kinds {
        let want = if path.ends_with(".txt") {
            "text_report"
        } else if path.ends_with("MigrationStatistics.csv") {
            "batch_statistics"
        } else if path.ends_with("MigrationErrors.csv") {
            "batch_errors"
        } else {
            "clixml"
        };
        assert_eq!(kind, &want, "{path}");
    }
    assert_eq!(kinds.len(), 19, "{kinds:?}");
}
