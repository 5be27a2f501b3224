//! The next steps of one mailbox, in the order to take them: why the move
//! failed, what data may be lost, how to unblock it (limits, skipped-item
//! approval, resume), and what to do about its permission entries.

use std::collections::{BTreeMap, BTreeSet};

use super::command::{Command, Ids, Shell};
use super::knowledge::failure_meaning;
use super::powershell::quote;
use super::step::{Severity, StepId, Suggestion};
use crate::analysis::verdict::{ACCEPT_LARGE_DATA_LOSS_FROM, EXO_SOURCE_PRINCIPAL_LIMIT};
use crate::analysis::{
    Category, Class, FailingLimit, MailboxAnalysis, MailboxPrincipal, Side, Verdict,
};
use crate::exchange::model::{Limit, Mailbox};
use crate::render::{first_line, limit, plural, principal_name, size, some_of};

/// The ordered next steps for one mailbox (empty when nothing needs doing).
pub fn for_mailbox(a: &MailboxAnalysis) -> Vec<Suggestion> {
    let m = &a.mailbox;
    let ids = Ids::of(m);
    let class = |c: Class| a.classes.get(c);
    let mut out = Vec::new();
    let failed_other = a.verdict == Verdict::FailedOther;
    if failed_other {
        out.push(failure_step(a, &ids));
    }
    if class(Class::Corruption) + class(Class::Other) > 0 {
        out.push(repair_step(a, &ids));
    }
    if class(Class::Missing) > 0 {
        out.push(missing_step(a));
    }
    if class(Class::Large) > 0 {
        out.push(large_step(a));
    }
    if !failed_other && !is_completed(m) && !ids.history {
        out.extend(unblock_steps(a, &ids));
    }
    if a.counts.get(Category::TargetPrincipal) > 0 {
        out.push(regrant_step(a, &ids));
    }
    if a.counts.get(Category::SourcePrincipal) > 0 {
        out.push(orphan_step(a, &ids));
    }
    if a.counts.get(Category::CorruptPermissions) > 0 {
        out.push(corrupt_acl_step(a, &ids));
    }
    if class(Class::Permissions) > 0 && !is_completed(m) && !ids.history {
        out.push(new_request_step(a));
    }
    let failed_transient =
        failed_other && m.failure_type.as_deref().is_some_and(|t| t.contains("Transient"));
    if a.transient_failures > 0 && !failed_transient {
        out.push(transient_step(a, &ids));
    }
    out
}

fn failure_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let m = &a.mailbox;
    let ft = m.failure_type.as_deref().unwrap_or("(no FailureType)");
    let transient = ft.contains("Transient");
    let message = m.message.as_deref().map(first_line).unwrap_or("");
    let finding = if message.is_empty() {
        format!("The move failed with {ft}, not because of bad items.")
    } else {
        format!("The move failed with {ft}, not because of bad items: {message}")
    };
    let meaning = failure_meaning(ft)
        .map(|s| format!("{ft}: {s}. "))
        .unwrap_or_else(|| format!("{ft} is not in the catalogue; read its message and side. "));
    let mut commands = Vec::new();
    if !ids.history {
        commands.push(ids.stats_command());
    }
    let text = if transient {
        commands.extend((!ids.history).then(|| ids.resume_command()));
        format!(
            "{meaning}MRS retries transient failures by itself; a move that fails on one kept \
             hitting it. Check the side it names (MRSProxy endpoint, network devices and their \
             timeouts, server load), then resume: the move continues where it stopped."
        )
    } else {
        commands.extend((!ids.history).then(|| ids.resume_command()));
        format!(
            "{meaning}Fix the cause the message names, then resume; bad-item limits do not help \
             with this failure."
        )
    };
    Suggestion {
        id: if transient {
            StepId::ResumeAfterTransientFailure
        } else {
            StepId::InvestigateFailure
        },
        severity: Severity::Critical,
        finding,
        text,
        commands,
    }
}

fn category_phrase(c: Category, n: u64) -> String {
    match c {
        Category::CorruptItem => plural(n, "corrupt item", "corrupt items"),
        Category::CorruptFolderRule => plural(n, "folder rule", "folder rules"),
        Category::CorruptSearchFolder => plural(n, "search folder", "search folders"),
        Category::CorruptFolderProperty => plural(n, "folder property", "folder properties"),
        Category::CorruptMailboxSetting => plural(n, "mailbox setting", "mailbox settings"),
        Category::FolderStructure => {
            plural(n, "missing or misplaced folder", "missing or misplaced folders")
        }
        Category::MissingItem => plural(n, "missing item", "missing items"),
        Category::CorruptPermissions => plural(n, "corrupt ACL", "corrupt ACLs"),
        _ => plural(n, "unrecognised item", "unrecognised items"),
    }
}

fn with_folders(a: &MailboxAnalysis, c: Category, n: u64) -> String {
    let phrase = category_phrase(c, n);
    match a.facts.folders.get(&c) {
        Some(f) if !f.is_empty() => {
            format!("{phrase} ({})", some_of(f.iter().map(String::as_str), 4))
        }
        _ => phrase,
    }
}

fn repair_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let parts: Vec<String> = Class::Corruption
        .categories()
        .chain(Class::Other.categories())
        .filter(|&c| a.counts.get(c) > 0)
        .map(|c| with_folders(a, c, a.counts.get(c)))
        .collect();
    let finding = format!("Mail or folder data may not arrive: {}.", parts.join("; "));
    let mut text = String::from(
        "Before accepting the loss, repair the mailbox on the source: New-MailboxRepairRequest \
         (detect first, then repair; it runs in the background, Get-MailboxRepairRequest shows \
         the result), or delete and re-create the items, then resume. Or accept the loss \
         knowingly: a higher limit or skipped-item approval drops exactly these items.",
    );
    let n = |c: Category| a.counts.get(c);
    if n(Category::CorruptFolderRule) > 0 {
        text.push_str(" Rules that cannot be copied are lost: the user re-creates them (Inbox rules over 32 KB are a common cause).");
    }
    if n(Category::CorruptSearchFolder) > 0 {
        text.push_str(" Outlook re-creates search folders: losing them is harmless.");
    }
    if n(Category::CorruptFolderProperty) + n(Category::CorruptMailboxSetting) > 0 {
        text.push_str(" Folder properties and mailbox settings (views, inference data) are low impact; review a mismatch on a default folder.");
    }
    if n(Category::FolderStructure) > 0 {
        text.push_str(" Missing or misplaced folders usually follow changes during the move: resuming re-syncs them.");
    }
    if n(Category::Other) > 0 {
        text.push_str(
            " Unrecognised items: read them in the report (mrs-triage export) before deciding.",
        );
    }
    let mut types: BTreeSet<&str> =
        ["SearchFolder", "AggregateCounts", "ProvisionedFolder", "FolderView"]
            .into_iter()
            .collect();
    if n(Category::CorruptFolderRule) > 0 {
        types.insert("RuleMessageClass");
    }
    if n(Category::CorruptSearchFolder) > 0 {
        types.insert("RestrictionFolder");
    }
    if n(Category::CorruptItem) > 0 {
        types.insert("MessageId");
        types.insert("MessagePtagCn");
    }
    let types = types.into_iter().collect::<Vec<_>>().join(",");
    let mut commands = Vec::new();
    // The source of an onboarding or of a local move is on-premises, where
    // New-MailboxRepairRequest exists (it is not available in Exchange Online).
    if let Some(mbx) = ids.mailbox_quoted() {
        commands.push(Command::change(
            Shell::OnPremises,
            format!("New-MailboxRepairRequest -Mailbox {mbx} -CorruptionType {types} -DetectOnly"),
            "",
        ));
        commands.push(Command::change(
            Shell::OnPremises,
            format!("New-MailboxRepairRequest -Mailbox {mbx} -CorruptionType {types}"),
            "",
        ));
        commands.push(Command::read(
            Shell::OnPremises,
            format!("Get-MailboxRepairRequest -Mailbox {mbx}"),
        ));
    }
    Suggestion {
        id: StepId::RepairSourceMailbox,
        severity: Severity::Critical,
        finding,
        text,
        commands,
    }
}

fn missing_step(a: &MailboxAnalysis) -> Suggestion {
    let n = a.counts.get(Category::MissingItem);
    Suggestion {
        id: StepId::ReviewMissingItems,
        severity: Severity::Warning,
        finding: format!(
            "{} in the source but not in the target at verification.",
            with_folders(a, Category::MissingItem, n)
        ),
        text: "Usually items changed or deleted while the move ran. Resuming copies and verifies \
               again; items still missing count against BadItemLimit and are lost if accepted."
            .into(),
        commands: Vec::new(),
    }
}

fn large_step(a: &MailboxAnalysis) -> Suggestion {
    let m = &a.mailbox;
    let n = a.counts.get(Category::LargeItem);
    let items: Vec<String> = a
        .facts
        .largest
        .iter()
        .map(|i| {
            let size = i.size.map_or_else(|| "size unknown".into(), size);
            let subject = i.subject.as_deref().unwrap_or("(no subject)");
            match &i.folder {
                Some(f) => format!("{size} \u{201c}{subject}\u{201d} in {f}"),
                None => format!("{size} \u{201c}{subject}\u{201d}"),
            }
        })
        .collect();
    let listed = if items.is_empty() {
        String::new()
    } else {
        format!(": {}", some_of(items.iter().map(String::as_str), 5))
    };
    let limit = if m.to_exchange_online && m.large_item_limit == Limit::Absent {
        "skipped-item approval applies".to_string()
    } else {
        format!("LargeItemLimit {}", limit(m.large_item_limit))
    };
    Suggestion {
        id: StepId::HandleLargeItems,
        severity: Severity::Warning,
        finding: format!(
            "{} larger than the target accepts{listed} ({limit}).",
            plural(n, "item", "items")
        ),
        text: "Options: make them smaller in the source before resuming (save attachments to \
               OneDrive or a file share, or export the items to a PST and delete them), raise \
               the target's maximum message size where the service allows it (Exchange Online \
               allows at most 150 MB), or let them be skipped: they are then not migrated."
            .into(),
        commands: Vec::new(),
    }
}

fn unblock_steps(a: &MailboxAnalysis, ids: &Ids) -> Vec<Suggestion> {
    let m = &a.mailbox;
    let l = &a.limits;
    let failing = l.failing_limit;
    let large_counted = l.suggested_large_item_limit.unwrap_or(0);
    let bad_short = m.bad_item_limit.exceeded_by(l.counted_bad_items)
        || matches!(
            failing,
            Some(
                FailingLimit::BadItemLimit
                    | FailingLimit::SourcePrincipalLimit
                    | FailingLimit::MissingItemThreshold
            )
        ) && l.counted_bad_items > 0;
    let large_short = m.large_item_limit.exceeded_by(large_counted)
        || failing == Some(FailingLimit::LargeItemLimit) && large_counted > 0;
    // A request created with numeric limits uses the legacy limits even in
    // Exchange Online; one without uses skipped-item approval (DCS).
    let legacy = matches!(m.bad_item_limit, Limit::Count(_))
        || matches!(m.large_item_limit, Limit::Count(_));
    let approve = failing == Some(FailingLimit::DataConsistencyScore)
        || m.unapproved_skipped_items == Some(true)
        || m.to_exchange_online && !legacy && (bad_short || large_short || failing.is_some());
    let data_loss = a.verdict == Verdict::DataLossRisk;
    let accepts = if data_loss {
        " This accepts the loss of the corrupt or missing items above: decide on the repair step first."
    } else {
        " Only permission entries are dropped; no mail is lost."
    };
    let mut out = Vec::new();
    if approve {
        out.push(approve_step(a, ids, accepts));
    } else {
        if bad_short {
            let n = l.counted_bad_items;
            let aldl = if n >= ACCEPT_LARGE_DATA_LOSS_FROM { " -AcceptLargeDataLoss" } else { "" };
            let why = if failing == Some(FailingLimit::SourcePrincipalLimit) {
                format!(
                    "Exchange Online lets up to {EXO_SOURCE_PRINCIPAL_LIMIT} source principal errors pass on their own; \
                     this mailbox has {}, so every one counts against BadItemLimit. ",
                    a.counts.get(Category::SourcePrincipal)
                )
            } else if m.to_exchange_online && a.counts.get(Category::SourcePrincipal) > 0 {
                format!(
                    "The {} source principal errors stay under Exchange Online's own limit of {EXO_SOURCE_PRINCIPAL_LIMIT} and are not counted. ",
                    a.counts.get(Category::SourcePrincipal)
                )
            } else {
                String::new()
            };
            let aldl_note = if aldl.is_empty() {
                String::new()
            } else {
                format!(
                    " From {ACCEPT_LARGE_DATA_LOSS_FROM} on, Set-MoveRequest requires -AcceptLargeDataLoss."
                )
            };
            out.push(Suggestion {
                id: StepId::RaiseBadItemLimit,
                severity: Severity::Critical,
                finding: format!(
                    "{} count against BadItemLimit {}.",
                    plural(n, "bad item", "bad items"),
                    limit(m.bad_item_limit)
                ),
                text: format!("{why}Raise BadItemLimit to {n}, the smallest value that lets the move pass.{aldl_note}{accepts}"),
                commands: vec![Command::change(
                    ids.shell,
                    format!("Set-MoveRequest -Identity {} -BadItemLimit {n}{aldl}", ids.request),
                    "",
                )
                .with_placeholder(ids.placeholder)],
            });
        }
        if large_short {
            let n = large_counted;
            let aldl = if n >= ACCEPT_LARGE_DATA_LOSS_FROM { " -AcceptLargeDataLoss" } else { "" };
            out.push(Suggestion {
                id: StepId::RaiseLargeItemLimit,
                severity: Severity::Critical,
                finding: format!(
                    "{} against LargeItemLimit {}.",
                    plural(n, "large item", "large items"),
                    limit(m.large_item_limit)
                ),
                text: format!(
                    "Raise LargeItemLimit to {n} to let the move skip them (they are not migrated), \
                     unless you make them smaller first (handle-large-items)."
                ),
                commands: vec![Command::change(
                    ids.shell,
                    format!("Set-MoveRequest -Identity {} -LargeItemLimit {n}{aldl}", ids.request),
                    "",
                )
                .with_placeholder(ids.placeholder)],
            });
        }
    }
    if a.failed() && (approve || bad_short || large_short) {
        out.push(Suggestion {
            id: StepId::ResumeMove,
            severity: Severity::Critical,
            finding: format!(
                "The move failed ({}).",
                m.status_detail.as_deref().or(m.status.as_deref()).unwrap_or("Failed")
            ),
            text: "Resume it after the step above; it continues where it stopped.".into(),
            commands: vec![ids.resume_command()],
        });
    }
    out
}

fn approve_step(a: &MailboxAnalysis, ids: &Ids, accepts: &str) -> Suggestion {
    let m = &a.mailbox;
    let mut commands = Vec::new();
    let mut text = String::from(
        "This move uses skipped-item approval (Data Consistency Score) rather than item limits: \
         approve the skipped items so it can complete.",
    );
    if ids.migration_user {
        commands.push(
            Command::change(
                Shell::ExchangeOnline,
                format!("Set-MigrationUser -Identity {} -ApproveSkippedItems", ids.request),
                "",
            )
            .with_placeholder(ids.placeholder),
        );
    } else {
        commands.push(
            Command::change(
                Shell::ExchangeOnline,
                format!(
                    "Set-MoveRequest -Identity {} -SkippedItemApprovalTime (Get-Date).ToUniversalTime()",
                    ids.request
                ),
                "",
            )
            .with_placeholder(ids.placeholder),
        );
    }
    if let Some(batch) = &ids.batch {
        text.push_str(
            " Set-MigrationBatch -ApproveSkippedItems approves every user of the batch at once \
             (users graded Poor are never approved that way).",
        );
        commands.push(Command::change(
            Shell::ExchangeOnline,
            format!("Set-MigrationBatch -Identity {} -ApproveSkippedItems", quote(batch)),
            "",
        ));
    }
    if m.data_consistency_score.as_deref() == Some("Poor") {
        text.push_str(" The score is Poor: approval is not possible; contact Microsoft Support.");
    }
    text.push_str(accepts);
    let score = m
        .data_consistency_score
        .as_deref()
        .map(|s| format!("Data Consistency Score {s}"))
        .unwrap_or_else(|| "no score in the export".into());
    let waiting = if m.unapproved_skipped_items == Some(true) {
        ", skipped items await approval"
    } else {
        ""
    };
    Suggestion {
        id: StepId::ApproveSkippedItems,
        severity: Severity::Critical,
        finding: format!(
            "{} skipped ({score}{waiting}).",
            plural(a.limits.counted_bad_items.max(a.counts.total()), "item", "items")
        ),
        text,
        commands,
    }
}

/// The `-User` value for a principal; a placeholder when the report names
/// it only by SID (its name in the target is not known).
fn principal_user(p: &MailboxPrincipal) -> String {
    match p.values.alias.as_deref().or(p.values.display_name.as_deref()) {
        Some(n) => quote(n),
        None => "<principal>".into(),
    }
}

fn regrant_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let targets: Vec<&MailboxPrincipal> =
        a.principals.iter().filter(|p| p.side == Side::Target).collect();
    let described: Vec<String> = targets
        .iter()
        .map(|p| {
            let name = principal_name(
                p.values.sid.as_deref(),
                p.values.alias.as_deref(),
                p.values.display_name.as_deref(),
            );
            let mut wher = Vec::new();
            if p.mailbox_level > 0 {
                wher.push("the mailbox".to_string());
            }
            if !p.folders.is_empty() {
                wher.push(plural(p.folders.len() as u64, "folder", "folders"));
            }
            if wher.is_empty() { name } else { format!("{name} on {}", wher.join(" and ")) }
        })
        .collect();
    let n = a.counts.get(Category::TargetPrincipal);
    let finding = format!(
        "Permission entries for principals with no counterpart in Exchange Online: {}; {}.",
        plural(n, "entry", "entries"),
        some_of(described.iter().map(String::as_str), 5)
    );
    let text = "These permissions were not copied. Read the rights on the source now (they are \
                gone once the source mailbox is converted), fix each principal (see the \
                principals: sync it, mail-enable it or add its X500 proxy), and grant the rights \
                again after the move completes; replace <AccessRights> with what the source shows."
        .to_string();
    // Reads first (on the source, now), then the grants (in the target,
    // after the move); a folder two principals share is read once.
    let mut reads: Vec<Command> = Vec::new();
    let mut grants: Vec<Command> = Vec::new();
    let mut read = |line: String| {
        if !reads.iter().any(|c| c.line == line) {
            reads.push(Command::read(Shell::OnPremises, line));
        }
    };
    for p in &targets {
        let user = principal_user(p);
        if (p.mailbox_level > 0 || p.folders.is_empty())
            && let Some(mbx) = ids.mailbox_quoted()
        {
            read(format!("Get-MailboxPermission -Identity {mbx}"));
            grants.push(
                Command::change(
                    ids.shell,
                    format!("Add-MailboxPermission -Identity {mbx} -User {user} -AccessRights <AccessRights>"),
                    "",
                )
                .with_placeholder(true),
            );
        }
        for f in &p.folders {
            if let Some(fid) = ids.folder(f) {
                read(format!("Get-MailboxFolderPermission -Identity {fid}"));
                grants.push(
                    Command::change(
                        ids.shell,
                        format!("Add-MailboxFolderPermission -Identity {fid} -User {user} -AccessRights <AccessRights>"),
                        "",
                    )
                    .with_placeholder(true),
                );
            }
        }
    }
    let mut commands = reads;
    commands.extend(grants);
    Suggestion {
        id: StepId::RegrantTargetPermissions,
        severity: Severity::Warning,
        finding,
        text,
        commands,
    }
}

fn orphan_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let sources: Vec<&MailboxPrincipal> =
        a.principals.iter().filter(|p| p.side == Side::Source).collect();
    let n = a.counts.get(Category::SourcePrincipal);
    let folders: u64 = sources.iter().map(|p| p.folders.len() as u64).sum();
    let sids: Vec<&str> = sources.iter().filter_map(|p| p.values.sid.as_deref()).collect();
    let finding = format!(
        "Permission entries naming principals that no longer resolve in the source forest: {}, {} ({}), {}.",
        plural(n, "entry", "entries"),
        plural(sources.len() as u64, "principal", "principals"),
        if sids.is_empty() {
            "no SID in the export".to_string()
        } else {
            some_of(sids.iter().copied(), 3)
        },
        plural(folders, "folder", "folders"),
    );
    let completed = is_completed(&a.mailbox);
    let mut commands = Vec::new();
    let text = if completed || ids.history {
        "Orphaned entries (deleted users or groups, SIDs of a forest without a trust) could never \
         grant access and were not copied. The move is over: nothing is lost and nothing remains \
         to do for it."
            .to_string()
    } else {
        for p in &sources {
            let Some(sid) = p.values.sid.as_deref() else { continue };
            if p.mailbox_level > 0 || p.folders.is_empty() {
                commands.extend(ids.remove_orphan(sid, &[]));
            }
            if !p.folders.is_empty() {
                let folders: Vec<&str> = p.folders.iter().map(String::as_str).collect();
                commands.extend(ids.remove_orphan(sid, &folders));
            }
        }
        "Orphaned entries (deleted users or groups, SIDs of a forest without a trust) could never \
         grant access, and Exchange cannot copy them: nothing is lost by dropping them. Remove \
         them on the source so a later move of this mailbox does not count them again (removing \
         them does not change this request), or ignore them."
            .to_string()
    };
    Suggestion {
        id: StepId::RemoveOrphanedSourceAcl,
        severity: Severity::Info,
        finding,
        text,
        commands,
    }
}

fn corrupt_acl_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let n = a.counts.get(Category::CorruptPermissions);
    let mut commands = Vec::new();
    if let Some(folders) = a.facts.folders.get(&Category::CorruptPermissions) {
        for f in folders {
            if let Some(fid) = ids.folder(f) {
                commands.push(Command::read(
                    Shell::OnPremises,
                    format!("Get-MailboxFolderPermission -Identity {fid}"),
                ));
            }
        }
    }
    Suggestion {
        id: StepId::ResetCorruptAcl,
        severity: Severity::Info,
        finding: format!(
            "{} that name no principal.",
            with_folders(a, Category::CorruptPermissions, n)
        ),
        text:
            "Usually a non-canonical ACL. No mail is lost: reset the folder's permissions on the \
               source (remove and add the entries again) and resume, or accept that the folder \
               arrives with default permissions."
                .into(),
        commands,
    }
}

fn new_request_step(a: &MailboxAnalysis) -> Suggestion {
    let n = a.classes.get(Class::Permissions);
    Suggestion {
        id: StepId::NewRequestForPermissionFixes,
        severity: Severity::Info,
        finding: format!("Permission errors met while copying this mailbox: {n}."),
        text: "Fixing principals or removing entries now does not help this request: it has \
               already copied the folder permissions and does not copy them again. Only a new \
               move request (remove this one, create it again after the fix) would pick the fix \
               up. Usually simpler: let this move finish and grant the rights afterwards."
            .into(),
        commands: Vec::new(),
    }
}

fn transient_step(a: &MailboxAnalysis, ids: &Ids) -> Suggestion {
    let mut by_type: BTreeMap<&str, u64> = BTreeMap::new();
    for f in a.mailbox.failures.iter().filter(|f| f.is_transient()) {
        *by_type.entry(f.type_name()).or_insert(0) += 1;
    }
    let list: Vec<String> = by_type.iter().map(|(t, n)| format!("{t} \u{d7}{n}")).collect();
    let meanings: Vec<String> =
        by_type.keys().filter_map(|t| failure_meaning(t).map(|m| format!("{t}: {m}."))).collect();
    let mut text = String::from(
        "MRS retried these by itself; a few are normal in a healthy move. Wait; act only if the \
         move stalls or fails (StatusDetail Stalled…, or the same failure for hours), then check \
         the side it names.",
    );
    for m in meanings {
        text.push(' ');
        text.push_str(&m);
    }
    let commands = if ids.history || is_completed(&a.mailbox) {
        Vec::new()
    } else {
        vec![ids.stats_command()]
    };
    Suggestion {
        id: StepId::TransientFailures,
        severity: Severity::Info,
        finding: format!(
            "{}: {}.",
            plural(a.transient_failures, "transient failure", "transient failures"),
            list.join(", ")
        ),
        text,
        commands,
    }
}

fn is_completed(m: &Mailbox) -> bool {
    m.status.as_deref().is_some_and(|s| s.starts_with("Completed"))
}
