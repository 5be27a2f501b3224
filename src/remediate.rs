//! Remediation: what to do about a mailbox's findings and about each
//! principal, as ordered next steps with a stable id, a severity, the finding
//! it answers, the reason, and the exact PowerShell commands. Built only from
//! an analysis; nothing here connects to Exchange or runs anything.
//!
//! The advice follows the move-report reference (failure types, the
//! classification guide and the limits): permission errors lose no mail, so
//! a permissions-only move is unblocked by accepting them (a higher
//! BadItemLimit, or skipped-item approval where Exchange Online uses it),
//! then resumed; orphaned source entries are removed on the source;
//! principals missing in the target are fixed there and their rights granted
//! again after the move; corruption is repaired on the source or its loss
//! accepted knowingly.
//!
//! Every value from a report reaches a command through
//! [`crate::powershell::quote`]. Commands whose value the report cannot know
//! (the access rights to grant again) carry a `<placeholder>`, which
//! PowerShell refuses to parse until a person fills it in.

use std::collections::BTreeSet;

use serde::{Serialize, Serializer};

use crate::classify::{Category, Class, Side};
use crate::exchange::access::Limit;
use crate::exchange::model::{Mailbox, SourceType};
use crate::powershell::quote;
use crate::summary::{Analysed, MailboxPrincipal, PrincipalSummary};
use crate::verdict::{self, ACCEPT_LARGE_DATA_LOSS_FROM, EXO_SOURCE_PRINCIPAL_LIMIT, FailingLimit};

/// How urgent a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The move does not complete, or mail is lost, unless someone acts.
    Critical,
    /// Something is lost or left behind (permissions, large items) that
    /// someone should decide about.
    Warning,
    /// Context, clean-up and reminders.
    Info,
}

impl Severity {
    /// The snake_case key.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shell {
    /// Exchange Online PowerShell (`Connect-ExchangeOnline`).
    ExchangeOnline,
    /// The on-premises Exchange Management Shell.
    OnPremises,
    /// Windows PowerShell with the ActiveDirectory module, on-premises.
    ActiveDirectory,
}

impl Shell {
    /// How the script and the report name it.
    pub fn label(self) -> &'static str {
        match self {
            Shell::ExchangeOnline => "Exchange Online PowerShell",
            Shell::OnPremises => "Exchange Management Shell (on-premises)",
            Shell::ActiveDirectory => "Active Directory module (on-premises)",
        }
    }
}

/// One PowerShell command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command as it would be run.
    pub line: String,
    /// The same command with `-WhatIf` where it belongs, for commands that
    /// change something; `None` for commands that only read.
    pub dry_run: Option<String>,
    /// Where to run it.
    pub shell: Shell,
    /// Whether it holds a `<placeholder>` a person must replace.
    pub placeholder: bool,
}

impl Command {
    fn read(shell: Shell, line: String) -> Command {
        Command { line, dry_run: None, shell, placeholder: false }
    }

    /// A command that changes something: `-WhatIf` goes between `head` and
    /// `tail` (a pipeline's closing brace must stay last).
    fn change(shell: Shell, head: String, tail: &str) -> Command {
        Command {
            line: format!("{head}{tail}"),
            dry_run: Some(format!("{head} -WhatIf{tail}")),
            shell,
            placeholder: false,
        }
    }

    fn with_placeholder(mut self, yes: bool) -> Command {
        self.placeholder = yes;
        self
    }

    /// Whether running it changes something.
    pub fn changes(&self) -> bool {
        self.dry_run.is_some()
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.line)
    }
}

/// One next step.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Stable identifier (see [`ids`]).
    pub id: &'static str,
    /// How urgent.
    pub severity: Severity,
    /// What was found (the finding this step answers).
    pub finding: String,
    /// What to do and why.
    pub text: String,
    /// The commands, in order (in JSON: the command lines).
    pub commands: Vec<Command>,
}

/// The stable step ids, in the order steps are given.
pub mod ids {
    /// The move failed for a reason that is not bad items.
    pub const INVESTIGATE_FAILURE: &str = "investigate-failure";
    /// The move gave up on a transient failure: check the cause, resume.
    pub const RESUME_AFTER_TRANSIENT_FAILURE: &str = "resume-after-transient-failure";
    /// Corrupt items, rules, folders or unrecognised items: repair or accept.
    pub const REPAIR_SOURCE_MAILBOX: &str = "repair-source-mailbox";
    /// Missing items at verification.
    pub const REVIEW_MISSING_ITEMS: &str = "review-missing-items";
    /// Items above the target's size limit.
    pub const HANDLE_LARGE_ITEMS: &str = "handle-large-items";
    /// Raise BadItemLimit to the computed value.
    pub const RAISE_BAD_ITEM_LIMIT: &str = "raise-bad-item-limit";
    /// Raise LargeItemLimit to the computed value.
    pub const RAISE_LARGE_ITEM_LIMIT: &str = "raise-large-item-limit";
    /// Approve skipped items (Exchange Online, Data Consistency Score).
    pub const APPROVE_SKIPPED_ITEMS: &str = "approve-skipped-items";
    /// Resume the failed move.
    pub const RESUME_MOVE: &str = "resume-move";
    /// Grant permissions again for principals missing in the target.
    pub const REGRANT_TARGET_PERMISSIONS: &str = "regrant-target-permissions";
    /// Remove orphaned (unresolvable) source entries from folders/mailbox.
    pub const REMOVE_ORPHANED_SOURCE_ACL: &str = "remove-orphaned-source-acl";
    /// Corrupt ACLs that name no principal.
    pub const RESET_CORRUPT_ACL: &str = "reset-corrupt-acl";
    /// Permission fixes do not reach a request already past that stage.
    pub const NEW_REQUEST_FOR_PERMISSION_FIXES: &str = "new-request-for-permission-fixes";
    /// Transient failures that MRS retried.
    pub const TRANSIENT_FAILURES: &str = "transient-failures";
    /// Per principal: an orphaned source SID.
    pub const REMOVE_ORPHANED_PRINCIPAL: &str = "remove-orphaned-principal";
    /// Per principal: mail-enable and sync a principal without mail attributes.
    pub const MAIL_ENABLE_PRINCIPAL: &str = "mail-enable-principal";
    /// Per principal: sync it or add its X500 proxy.
    pub const SYNC_OR_ADD_X500: &str = "sync-or-add-x500";

    /// Every mailbox step id, in order.
    pub const MAILBOX: [&str; 14] = [
        INVESTIGATE_FAILURE,
        RESUME_AFTER_TRANSIENT_FAILURE,
        REPAIR_SOURCE_MAILBOX,
        REVIEW_MISSING_ITEMS,
        HANDLE_LARGE_ITEMS,
        RAISE_BAD_ITEM_LIMIT,
        RAISE_LARGE_ITEM_LIMIT,
        APPROVE_SKIPPED_ITEMS,
        RESUME_MOVE,
        REGRANT_TARGET_PERMISSIONS,
        REMOVE_ORPHANED_SOURCE_ACL,
        RESET_CORRUPT_ACL,
        NEW_REQUEST_FOR_PERMISSION_FIXES,
        TRANSIENT_FAILURES,
    ];
    /// Every principal step id.
    pub const PRINCIPAL: [&str; 3] =
        [REMOVE_ORPHANED_PRINCIPAL, MAIL_ENABLE_PRINCIPAL, SYNC_OR_ADD_X500];
}

/// What a known FailureType means, in short (move-report reference §6).
pub fn failure_meaning(failure_type: &str) -> Option<&'static str> {
    Some(match failure_type {
        "TooManyBadItemsPermanentException" => {
            "more bad items than BadItemLimit (or a category limit) allows"
        }
        "TooManyLargeItemsPermanentException" => "more large items than LargeItemLimit allows",
        "TooManyMissingItemsPermanentException" => {
            "items found missing at verification beyond the threshold; often transient"
        }
        "CommunicationErrorTransientException" | "TimeoutErrorTransientException" => {
            "MRSProxy or network trouble between the endpoints (firewall, load balancer or \
             reverse proxy timeouts, an overloaded endpoint server); usually heals on its own"
        }
        "SourceMailboxAlreadyBeingMovedTransientException" => {
            "another job holds the mailbox; the failure just before the first lock error is the real cause"
        }
        "MailboxReplicationTransientException" => "MRS is busy or throttled; usually heals",
        "StoragePermanentException" => "a store error on one side; read the message and the side",
        "QuotaExceededException" => "the target mailbox is over its quota",
        "MapiExceptionNotFound" => "an object vanished, often a stale request",
        "MapiExceptionPartialCompletion" => {
            "a partial copy, e.g. of rules with IgnoreRuleLimitErrors; drop that switch"
        }
        "SourceMailboxConnectionStalePermanentException" => {
            "the source mailbox cannot be reached (network or MAPI connectivity to the source)"
        }
        "RecipientNotFoundPermanentException" => {
            "the mailbox GUID is not found on the target: fix provisioning (sync, mail user)"
        }
        "MigrationPermanentException" => {
            "a migration-service error (recipient, accepted domain or proxy address provisioning)"
        }
        "JobStuckPermanentException" => "the job stopped making progress (e.g. IsInteg)",
        "SourcePrincipalMappingException" => {
            "a permission entry's SID does not resolve in the source forest"
        }
        "TargetPrincipalMappingException" => {
            "a principal has no counterpart in the target (not synced, not mail-enabled, no X500)"
        }
        _ => return None,
    })
}

/// Identities of a mailbox as the commands need them.
struct Ids {
    /// Where the move request lives (the target side of an onboarding).
    shell: Shell,
    /// Quoted identity for *-MoveRequest and *-MigrationUser.
    request: String,
    /// Unquoted mailbox identity for folder ids, New-MailboxRepairRequest.
    mailbox: Option<String>,
    /// Whether the identity had to be a placeholder.
    placeholder: bool,
    migration_user: bool,
    history: bool,
    batch: Option<String>,
}

impl Ids {
    fn of(m: &Mailbox) -> Ids {
        // Readable and unique enough for folder ids: the alias, else an
        // identity that is an address (migration users), else the GUID.
        let mailbox = m
            .alias
            .clone()
            .or_else(|| m.identity.clone().filter(|i| i.contains('@')))
            .or_else(|| m.exchange_guid.clone())
            .or_else(|| m.identity.clone())
            .or_else(|| m.display_name.clone());
        let request = m.identity.clone().or_else(|| mailbox.clone());
        Ids {
            shell: if m.to_exchange_online { Shell::ExchangeOnline } else { Shell::OnPremises },
            placeholder: request.is_none(),
            request: request.as_deref().map_or_else(|| "<mailbox>".to_string(), quote),
            mailbox,
            migration_user: m.source_type == Some(SourceType::MigrationUserStatistics),
            history: m.source_type == Some(SourceType::MoveHistory),
            // Move requests made by a migration batch carry "MigrationService:<batch>".
            batch: m
                .batch
                .as_deref()
                .map(|b| b.strip_prefix("MigrationService:").unwrap_or(b).to_string())
                .filter(|b| !b.is_empty()),
        }
    }

    /// Quoted `mailbox:\Folder\Sub` identity of a folder.
    fn folder(&self, folder: &str) -> Option<String> {
        Some(quote(&format!("{}:\\{}", self.mailbox.as_deref()?, folder_path(folder))))
    }

    fn mailbox_quoted(&self) -> Option<String> {
        self.mailbox.as_deref().map(quote)
    }
}

/// A report's folder path (`Inbox/Projects`, `/Top of Information Store/…`)
/// in the form folder cmdlets take (`Inbox\Projects`). Exchange writes a `/`
/// inside a folder name as U+F8FF in folder paths; it becomes `/` again.
pub fn folder_path(folder: &str) -> String {
    let f = folder.trim_start_matches('/');
    let f = f.strip_prefix("Top of Information Store").unwrap_or(f).trim_start_matches('/');
    f.replace('/', "\\").replace('\u{f8ff}', "/")
}

/// Sizes as Exchange writes them (binary units).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

fn limit_text(l: Limit) -> String {
    match l {
        Limit::Absent => "not set".into(),
        Limit::Unlimited => "unlimited".into(),
        Limit::Count(n) => n.to_string(),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Up to `max` names joined, with "and N more".
fn some_of<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    let mut s = all.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if all.len() > max {
        s.push_str(&format!(" and {} more", all.len() - max));
    }
    s
}

fn first_line(s: &str) -> &str {
    s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

fn is_completed(m: &Mailbox) -> bool {
    m.status.as_deref().is_some_and(|s| s.starts_with("Completed"))
}

/// A SID as the reference describes it (`S-1-` and digit groups); only such
/// values go into AD filter strings.
fn is_sid(s: &str) -> bool {
    s.strip_prefix("S-1-").is_some_and(|r| {
        !r.is_empty()
            && r.split('-').all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// How a principal is named in text.
pub fn principal_name(sid: Option<&str>, alias: Option<&str>, display: Option<&str>) -> String {
    match (alias.or(display), sid) {
        (Some(n), Some(s)) => format!("{n} ({s})"),
        (Some(n), None) => n.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "(a principal the export does not name)".into(),
    }
}

/// The ordered next steps for one mailbox (empty when nothing needs doing).
pub fn for_mailbox(a: &Analysed) -> Vec<Suggestion> {
    let m = &a.mailbox;
    let ids = Ids::of(m);
    let classes = a.counts.classes();
    let class = |c: Class| classes.get(&c).copied().unwrap_or(0);
    let mut out = Vec::new();
    let failed_other = a.verdict == verdict::Verdict::FailedOther;
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

fn stats_command(ids: &Ids) -> Command {
    Command::read(
        ids.shell,
        format!(
            "Get-MoveRequestStatistics -Identity {} | Format-List Status,StatusDetail,FailureType,FailureSide,Message",
            ids.request
        ),
    )
    .with_placeholder(ids.placeholder)
}

fn resume_command(ids: &Ids) -> Command {
    let head = if ids.migration_user {
        format!("Start-MigrationUser -Identity {}", ids.request)
    } else {
        format!("Resume-MoveRequest -Identity {}", ids.request)
    };
    Command::change(ids.shell, head, "").with_placeholder(ids.placeholder)
}

fn failure_step(a: &Analysed, ids: &Ids) -> Suggestion {
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
        commands.push(stats_command(ids));
    }
    let text = if transient {
        commands.extend((!ids.history).then(|| resume_command(ids)));
        format!(
            "{meaning}MRS retries transient failures by itself; a move that fails on one kept \
             hitting it. Check the side it names (MRSProxy endpoint, network devices and their \
             timeouts, server load), then resume: the move continues where it stopped."
        )
    } else {
        commands.extend((!ids.history).then(|| resume_command(ids)));
        format!(
            "{meaning}Fix the cause the message names, then resume; bad-item limits do not help \
             with this failure."
        )
    };
    Suggestion {
        id: if transient { ids::RESUME_AFTER_TRANSIENT_FAILURE } else { ids::INVESTIGATE_FAILURE },
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

fn with_folders(a: &Analysed, c: Category, n: u64) -> String {
    let phrase = category_phrase(c, n);
    match a.facts.folders.get(&c) {
        Some(f) if !f.is_empty() => {
            format!("{phrase} ({})", some_of(f.iter().map(String::as_str), 4))
        }
        _ => phrase,
    }
}

fn repair_step(a: &Analysed, ids: &Ids) -> Suggestion {
    let cats = [
        Category::CorruptItem,
        Category::CorruptFolderRule,
        Category::CorruptSearchFolder,
        Category::CorruptFolderProperty,
        Category::CorruptMailboxSetting,
        Category::FolderStructure,
        Category::Other,
    ];
    let parts: Vec<String> = cats
        .iter()
        .filter(|&&c| a.counts.get(c) > 0)
        .map(|&c| with_folders(a, c, a.counts.get(c)))
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
        id: ids::REPAIR_SOURCE_MAILBOX,
        severity: Severity::Critical,
        finding,
        text,
        commands,
    }
}

fn missing_step(a: &Analysed) -> Suggestion {
    let n = a.counts.get(Category::MissingItem);
    Suggestion {
        id: ids::REVIEW_MISSING_ITEMS,
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

fn large_step(a: &Analysed) -> Suggestion {
    let m = &a.mailbox;
    let n = a.counts.get(Category::LargeItem);
    let items: Vec<String> = a
        .facts
        .largest
        .iter()
        .map(|i| {
            let size = i.size.map_or_else(|| "size unknown".into(), size_text);
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
        format!("LargeItemLimit {}", limit_text(m.large_item_limit))
    };
    Suggestion {
        id: ids::HANDLE_LARGE_ITEMS,
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

fn unblock_steps(a: &Analysed, ids: &Ids) -> Vec<Suggestion> {
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
    let data_loss = a.verdict == verdict::Verdict::DataLossRisk;
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
                id: ids::RAISE_BAD_ITEM_LIMIT,
                severity: Severity::Critical,
                finding: format!(
                    "{} count against BadItemLimit {}.",
                    plural(n, "bad item", "bad items"),
                    limit_text(m.bad_item_limit)
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
                id: ids::RAISE_LARGE_ITEM_LIMIT,
                severity: Severity::Critical,
                finding: format!(
                    "{} against LargeItemLimit {}.",
                    plural(n, "large item", "large items"),
                    limit_text(m.large_item_limit)
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
    if verdict::is_failed(m) && (approve || bad_short || large_short) {
        out.push(Suggestion {
            id: ids::RESUME_MOVE,
            severity: Severity::Critical,
            finding: format!(
                "The move failed ({}).",
                m.status_detail.as_deref().or(m.status.as_deref()).unwrap_or("Failed")
            ),
            text: "Resume it after the step above; it continues where it stopped.".into(),
            commands: vec![resume_command(ids)],
        });
    }
    out
}

fn approve_step(a: &Analysed, ids: &Ids, accepts: &str) -> Suggestion {
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
        id: ids::APPROVE_SKIPPED_ITEMS,
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

fn regrant_step(a: &Analysed, ids: &Ids) -> Suggestion {
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
        id: ids::REGRANT_TARGET_PERMISSIONS,
        severity: Severity::Warning,
        finding,
        text,
        commands,
    }
}

/// The removal command of one orphaned SID on one folder, or on the mailbox
/// when `folder` is `None`. Orphaned entries show as `NT User:S-1-…` (folders)
/// or the bare SID (mailbox permissions), so the entry is found by its SID
/// and removed through its own `User` value rather than by a spelling of it.
fn remove_orphan(ids: &Ids, sid: &str, folder: Option<&str>) -> Option<Command> {
    let sid_q = quote(sid);
    Some(match folder {
        Some(f) => {
            let fid = ids.folder(f)?;
            Command::change(
                Shell::OnPremises,
                format!(
                    "Get-MailboxFolderPermission -Identity {fid} | Where-Object {{ (\"$($_.User)\" -split ':')[-1] -eq {sid_q} }} | \
                     ForEach-Object {{ Remove-MailboxFolderPermission -Identity {fid} -User $_.User -Confirm:$false"
                ),
                " }",
            )
        }
        None => {
            let mbx = ids.mailbox_quoted()?;
            Command::change(
                Shell::OnPremises,
                format!(
                    "Get-MailboxPermission -Identity {mbx} | Where-Object {{ \"$($_.User)\" -eq {sid_q} }} | \
                     ForEach-Object {{ Remove-MailboxPermission -Identity {mbx} -User $_.User -AccessRights $_.AccessRights -Confirm:$false"
                ),
                " }",
            )
        }
    })
}

fn orphan_step(a: &Analysed, ids: &Ids) -> Suggestion {
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
                commands.extend(remove_orphan(ids, sid, None));
            }
            for f in &p.folders {
                commands.extend(remove_orphan(ids, sid, Some(f)));
            }
        }
        "Orphaned entries (deleted users or groups, SIDs of a forest without a trust) could never \
         grant access, and Exchange cannot copy them: nothing is lost by dropping them. Remove \
         them on the source so a later move of this mailbox does not count them again (removing \
         them does not change this request), or ignore them."
            .to_string()
    };
    Suggestion {
        id: ids::REMOVE_ORPHANED_SOURCE_ACL,
        severity: Severity::Info,
        finding,
        text,
        commands,
    }
}

fn corrupt_acl_step(a: &Analysed, ids: &Ids) -> Suggestion {
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
        id: ids::RESET_CORRUPT_ACL,
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

fn new_request_step(a: &Analysed) -> Suggestion {
    let n = a.counts.classes().get(&Class::Permissions).copied().unwrap_or(0);
    Suggestion {
        id: ids::NEW_REQUEST_FOR_PERMISSION_FIXES,
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

fn transient_step(a: &Analysed, ids: &Ids) -> Suggestion {
    let mut by_type: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for f in a.mailbox.failures.iter().filter(|f| f.is_transient()) {
        *by_type.entry(f.failure_type.as_deref().unwrap_or("(unknown)")).or_insert(0) += 1;
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
    let commands =
        if ids.history || is_completed(&a.mailbox) { Vec::new() } else { vec![stats_command(ids)] };
    Suggestion {
        id: ids::TRANSIENT_FAILURES,
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

/// The next steps for one principal of the roll-up (the per-folder commands
/// live in each affected mailbox's steps, which know the folders).
pub fn for_principal(p: &PrincipalSummary) -> Vec<Suggestion> {
    let name = principal_name(p.sid.as_deref(), p.alias.as_deref(), p.display_name.as_deref());
    let where_ = format!(
        "{} on {} in {} ({})",
        plural(p.occurrences, "entry", "entries"),
        plural(p.folders as u64, "folder", "folders"),
        plural(p.mailboxes as u64, "mailbox", "mailboxes"),
        some_of(p.affected.iter().map(String::as_str), 5)
    );
    let sid_filter = p
        .sid
        .as_deref()
        .filter(|s| is_sid(s))
        // A validated SID holds only digits, `S` and `-`: safe inside the
        // filter's inner quotes, and the whole filter is quoted again.
        .map(|s| quote(&format!("objectSid -eq '{s}'")));
    match p.side {
        Side::Source => {
            let mut commands = Vec::new();
            if let Some(f) = &sid_filter {
                commands.push(Command::read(
                    Shell::ActiveDirectory,
                    format!("Get-ADObject -IncludeDeletedObjects -Filter {f} -Properties isDeleted,lastKnownParent"),
                ));
            }
            vec![Suggestion {
                id: ids::REMOVE_ORPHANED_PRINCIPAL,
                severity: if p.mailboxes > 1 { Severity::Warning } else { Severity::Info },
                finding: format!("{name} does not resolve in the source forest: {where_}."),
                text:
                    "A deleted user or group, or a SID from a forest without a trust: its entries \
                       could never grant access. Check whether it is a deleted object you mean to \
                       restore; otherwise remove its entries (each mailbox's \
                       remove-orphaned-source-acl step has the commands)."
                        .into(),
                commands,
            }]
        }
        Side::Target => {
            let mut commands = Vec::new();
            if p.alias.is_none() && p.legacy_dn.is_none() {
                if let Some(f) = &sid_filter {
                    commands.push(Command::read(
                        Shell::ActiveDirectory,
                        format!("Get-ADObject -Filter {f} -Properties objectClass,groupType,mail,proxyAddresses"),
                    ));
                }
                let (identity, ph) = match p.display_name.as_deref().or(p.sid.as_deref()) {
                    Some(v) => (quote(v), false),
                    None => ("<group>".to_string(), true),
                };
                commands.push(
                    Command::change(
                        Shell::OnPremises,
                        format!("Enable-DistributionGroup -Identity {identity}"),
                        "",
                    )
                    .with_placeholder(ph),
                );
                vec![Suggestion {
                    id: ids::MAIL_ENABLE_PRINCIPAL,
                    severity: Severity::Warning,
                    finding: format!("{name} has no counterpart in Exchange Online: {where_}."),
                    text: "The report gives no alias or legacyExchangeDN: typically a security \
                           group that is not mail-enabled (or a user without a mailbox). Exchange \
                           Online holds permissions only for mail-enabled principals. Mail-enable \
                           it on-premises (a group must be universal) and keep it in the Entra \
                           Connect sync scope; after the next sync, grant the rights again \
                           (regrant-target-permissions)."
                        .into(),
                    commands,
                }]
            } else {
                if let Some(id) = p.alias.as_deref().or(p.display_name.as_deref()) {
                    commands.push(Command::read(
                        Shell::ExchangeOnline,
                        format!("Get-Recipient -Identity {}", quote(id)),
                    ));
                }
                let x500 = p.legacy_dn.as_deref().map(|dn| format!("X500:{dn}"));
                if let Some(x) = &x500 {
                    let (identity, ph) = match p.alias.as_deref().or(p.display_name.as_deref()) {
                        Some(v) => (quote(v), false),
                        None => ("<recipient>".to_string(), true),
                    };
                    commands.push(
                        Command::change(
                            Shell::ExchangeOnline,
                            format!(
                                "Set-MailUser -Identity {identity} -EmailAddresses @{{Add={}}}",
                                quote(x)
                            ),
                            "",
                        )
                        .with_placeholder(ph),
                    );
                }
                let x500_text = match &x500 {
                    Some(x) => format!(" The X500 address to add: {x}."),
                    None => String::new(),
                };
                vec![Suggestion {
                    id: ids::SYNC_OR_ADD_X500,
                    severity: Severity::Warning,
                    finding: format!("{name} has no counterpart in Exchange Online: {where_}."),
                    text: format!(
                        "It is mail-enabled on-premises but Exchange Online has no recipient that \
                         matches: it is outside the Entra Connect sync scope, or its cloud object \
                         lacks the X500 proxy built from its legacyExchangeDN. Check in Exchange \
                         Online; bring it into the sync scope, or add the X500 address (in \
                         Exchange Online for a cloud object: Set-MailUser, Set-Mailbox or \
                         Set-DistributionGroup by its kind; on-premises for an object synced from \
                         there). Then grant the rights again (regrant-target-permissions).{x500_text}"
                    ),
                    commands,
                }]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_use_backslashes_and_keep_slashes_in_names() {
        assert_eq!(folder_path("Inbox/Projects"), "Inbox\\Projects");
        assert_eq!(folder_path("/Top of Information Store/Inbox"), "Inbox");
        assert_eq!(folder_path("Inbox/A\u{f8ff}B"), "Inbox\\A/B");
    }

    #[test]
    fn sizes() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(217_746_329), "207.7 MB");
        assert_eq!(size_text(3 * 1024 * 1024 * 1024), "3.0 GB");
    }

    #[test]
    fn sids_are_validated_before_going_into_filters() {
        assert!(is_sid("S-1-5-21-1004336348-1177238915-682003330-1108"));
        assert!(!is_sid("S-1-5-21-1'; Remove-ADObject x"));
        assert!(!is_sid("S-1-"));
        assert!(!is_sid("S-1-5--1"));
    }

    #[test]
    fn dry_runs_put_whatif_before_a_closing_brace() {
        let c = Command::change(
            Shell::OnPremises,
            "x | ForEach-Object { Remove-X -Confirm:$false".into(),
            " }",
        );
        assert_eq!(
            c.dry_run.as_deref(),
            Some("x | ForEach-Object { Remove-X -Confirm:$false -WhatIf }")
        );
        assert!(c.changes());
    }
}
