//! Remediation on the bundled samples: the steps the move-report reference
//! prescribes appear with the computed values, in JSON and in the script, and
//! the script generated from every sample is inert (every line a comment).

use serde_json::Value;

use crate::util::{bin, samples};

fn summary(sample: &str) -> Value {
    let out = bin().args(["summary", "--format", "json", sample]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn steps(doc: &Value, mailbox: usize) -> Vec<Value> {
    doc["mailboxes"][mailbox]["suggestions"].as_array().unwrap().clone()
}

fn ids(steps: &[Value]) -> Vec<&str> {
    steps.iter().map(|s| s["id"].as_str().unwrap()).collect()
}

fn commands(step: &Value) -> Vec<&str> {
    step["commands"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect()
}

fn step<'a>(steps: &'a [Value], id: &str) -> &'a Value {
    steps.iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no {id} in {:?}", ids(steps)))
}

#[test]
fn every_step_has_the_contract_keys() {
    for sample in ["samples/batch-wave3.utf16.xml", "samples/source-principals.xml"] {
        let doc = summary(sample);
        for m in doc["mailboxes"].as_array().unwrap() {
            for s in m["suggestions"].as_array().unwrap() {
                for key in ["id", "severity", "text", "commands"] {
                    assert!(s.get(key).is_some(), "{key} missing in {s}");
                }
                assert!(["critical", "warning", "info"].contains(&s["severity"].as_str().unwrap()));
            }
        }
    }
}

#[test]
fn exo_source_principals_beyond_1000_raise_the_limit_with_accept_large_data_loss() {
    let doc = summary("samples/source-principals.xml");
    let s = steps(&doc, 0);
    assert_eq!(&ids(&s)[..2], ["raise-bad-item-limit", "resume-move"]);
    assert_eq!(
        commands(step(&s, "raise-bad-item-limit")),
        ["Set-MoveRequest -Identity 'meganb' -BadItemLimit 1022 -AcceptLargeDataLoss"]
    );
    assert!(step(&s, "raise-bad-item-limit")["text"].as_str().unwrap().contains("1000"));
    // 1,020 orphaned entries: one removal per SID over all of its folders, on the source.
    let removals = commands(step(&s, "remove-orphaned-source-acl"));
    let folders: usize = removals.iter().map(|c| c.matches("'meganb:\\").count()).sum();
    assert!(folders >= 1000, "{folders} folder identities");
    assert!(removals.len() < 100, "one command per SID, not per folder: {}", removals.len());
    assert!(removals.iter().all(|c| c.contains("Remove-MailboxFolderPermission")));
    assert!(ids(&s).contains(&"new-request-for-permission-fixes"));
}

#[test]
fn target_principals_get_regrant_mail_enable_and_x500_steps() {
    let doc = summary("samples/target-principals.xml");
    let s = steps(&doc, 0);
    let regrant = commands(step(&s, "regrant-target-permissions"));
    assert!(regrant.contains(&"Get-MailboxPermission -Identity 'leeg'"));
    assert!(regrant.iter().any(|c| c.starts_with(
        "Add-MailboxFolderPermission -Identity 'leeg:\\Archive\\O''Brien files' -User 'k.okafor'"
    )));
    let principals = doc["principals"].as_array().unwrap();
    let all: Vec<&Value> =
        principals.iter().flat_map(|p| p["suggestions"].as_array().unwrap()).collect();
    let x500 = all.iter().find(|s| s["id"] == "sync-or-add-x500").unwrap();
    assert!(commands(x500).contains(&"Set-MailUser -Identity 'k.okafor' -EmailAddresses @{Add='X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=k.okafor'}"));
    let group = all.iter().find(|s| s["id"] == "mail-enable-principal").unwrap();
    assert!(commands(group).contains(&"Enable-DistributionGroup -Identity 'SG-Finance-RW'"));
}

#[test]
fn dcs_migration_user_is_approved_not_given_a_limit() {
    let doc = summary("samples/migration-user-dcs.xml");
    let s = steps(&doc, 0);
    let approve = commands(step(&s, "approve-skipped-items"));
    assert_eq!(approve[0], "Set-MigrationUser -Identity 'diegos@contoso.com' -ApproveSkippedItems");
    assert!(approve[1].starts_with("Set-MigrationBatch -Identity "));
    assert!(!ids(&s).contains(&"raise-bad-item-limit"));
    // Data may be lost: the repair step comes before the approval.
    let order = ids(&s);
    let pos = |id: &str| order.iter().position(|x| *x == id).unwrap();
    assert!(pos("repair-source-mailbox") < pos("approve-skipped-items"));
}

#[test]
fn on_premises_large_items_raise_the_large_item_limit_and_repair_the_source() {
    let doc = summary("samples/corrupt-and-large.xml");
    let s = steps(&doc, 0);
    assert_eq!(
        commands(step(&s, "raise-large-item-limit")),
        ["Set-MoveRequest -Identity 'isaiahl' -LargeItemLimit 2"]
    );
    let large = step(&s, "handle-large-items")["finding"].as_str().unwrap();
    assert!(large.contains("MB") && large.contains("LargeItemLimit 1"), "{large}");
    let repair = commands(step(&s, "repair-source-mailbox"));
    assert!(repair[0].starts_with("New-MailboxRepairRequest -Mailbox 'isaiahl' -CorruptionType "));
    assert!(repair[0].contains("RuleMessageClass") && repair[0].ends_with("-DetectOnly"));
}

#[test]
fn transient_failures_mean_wait_and_a_transient_stop_means_resume() {
    let doc = summary("samples/healthy.xml");
    assert_eq!(ids(&steps(&doc, 0)), ["transient-failures"]);
    let doc = summary("samples/batch-wave3.utf16.xml");
    let jonis = steps(&doc, 3);
    assert_eq!(ids(&jonis)[0], "resume-after-transient-failure");
    assert!(commands(&jonis[0]).contains(&"Resume-MoveRequest -Identity 'jonis'"));
    assert!(steps(&doc, 0).is_empty(), "a clean mailbox has nothing to do");
}

/// The script from every bundled sample: BOM, CRLF, and every line a comment;
/// every command that changes something is a -WhatIf dry run.
#[test]
fn the_script_of_every_sample_is_inert() {
    let dir = tempfile::tempdir().unwrap();
    let samples = samples();
    assert!(samples.len() >= 7);
    for sample in samples {
        let target = dir.path().join("fix.ps1");
        let out = bin().arg("remediate").arg(&sample).arg("-o").arg(&target).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(&target).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("UTF-8 BOM for Windows PowerShell 5.1");
        assert!(!text.replace("\r\n", "").contains('\n'), "{}: a bare LF", sample.display());
        let mut commands = 0;
        for line in text.split("\r\n").filter(|l| !l.trim().is_empty()) {
            assert!(line.starts_with('#'), "{}: live line {line:?}", sample.display());
            // Commands sit right after "# "; wrapped prose lines are indented.
            let body = line.strip_prefix("# ").unwrap_or("");
            for verb in ["Set-", "Resume-", "Remove-", "Add-", "New-", "Enable-", "Start-"] {
                if body.starts_with(verb) || body.contains(&format!("{{ {verb}")) {
                    commands += 1;
                    assert!(
                        body.starts_with("New-MailboxRepairRequest") && body.contains("-WhatIf")
                            || body.contains(" -WhatIf"),
                        "{}: changing command without -WhatIf: {body}",
                        sample.display()
                    );
                }
            }
        }
        let name = sample.file_name().unwrap().to_string_lossy().to_string();
        // Nothing to change in these: a healthy move, and moves whose only
        // steps are performance advice (wait; free source resources).
        if !["healthy.xml", "onboarding-stalls.xml", "archive-move.xml"].contains(&name.as_str()) {
            assert!(commands > 0, "{name}: no commands");
        }
    }
}

#[test]
fn script_to_stdout_and_unwritable_target() {
    let out = bin().args(["remediate", "samples/target-principals.xml"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Mailbox 1 of 1: leeg"));
    let out = bin()
        .args(["remediate", "samples/target-principals.xml", "-o", "/nonexistent-dir/fix.ps1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(73));
}
