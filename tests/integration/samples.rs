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
    assert_eq!(n, 10);
}
