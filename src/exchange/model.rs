//! The typed records of a move report: one [`Mailbox`] per move (statistics
//! object, migration user, move-history entry or bare report), its bad items
//! and its failures.

use serde::Serialize;

use crate::keyed::keyed_enum;

keyed_enum! {
    /// Which export a mailbox record came from.
    pub enum SourceType {
        /// `Get-MoveRequestStatistics -IncludeReport`.
        MoveRequestStatistics = "move_request_statistics",
        /// `Get-MigrationUserStatistics -IncludeReport`.
        MigrationUserStatistics = "migration_user_statistics",
        /// One `MoveHistory` entry of `Get-MailboxStatistics -IncludeMoveHistory`.
        MoveHistory = "move_history",
        /// A bare `Report` object.
        Report = "report",
        /// A report that arrived as plain text (the admin center's download,
        /// `$stats.Report`, `Format-List` output).
        TextReport = "text_report",
        /// A user found only in a migration batch's report download
        /// (`MigrationStatistics.csv`, `MigrationErrors.csv`).
        BatchReport = "batch_report",
    }
}

keyed_enum! {
    /// Where a bad item was listed.
    pub enum ItemSource {
        /// `Report.BadItems`.
        BadItems = "bad_items",
        /// `Report.LargeItems`.
        LargeItems = "large_items",
        /// `MigrationUserStatistics.SkippedItems`.
        SkippedItems = "skipped_items",
        /// A principal failure in `Report.Failures` that no bad item carries.
        Failures = "failures",
        /// A line of the report's entry log (lists missing or flattened).
        EntryLog = "entry_log",
    }
}

/// A failure record (`FailureRec`), structured or parsed from its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Failure {
    /// When it happened (xsd dateTime text as exported).
    pub timestamp: Option<String>,
    /// The exception class name, e.g. `TooManyBadItemsPermanentException`.
    pub failure_type: Option<String>,
    /// `Source` or `Target`.
    pub side: Option<String>,
    /// The full message.
    pub message: Option<String>,
    /// The operation context (holds principal values and the folder).
    pub data_context: Option<String>,
    /// WellKnownException names (e.g. `MRSTransient`).
    pub exception_types: Vec<String>,
}

impl Failure {
    /// The FailureType, or `(unknown)` when the export gives none: how
    /// failures are grouped and named everywhere.
    pub fn type_name(&self) -> &str {
        self.failure_type.as_deref().unwrap_or("(unknown)")
    }

    /// Whether the failure is transient (retried by MRS) rather than permanent.
    pub fn is_transient(&self) -> bool {
        let t = self.failure_type.as_deref().unwrap_or("");
        if t.contains("Transient") {
            return true;
        }
        if t.contains("Permanent") {
            return false;
        }
        self.exception_types.iter().any(|e| {
            e.contains("Transient") || e == "MapiRetryable" || e == "ConnectionFailedTransient"
        })
    }

    /// Message and data context, for text matching.
    pub fn all_text(&self) -> String {
        let mut s = self.message.clone().unwrap_or_default();
        if let Some(dc) = &self.data_context {
            s.push('\n');
            s.push_str(dc);
        }
        s
    }
}

/// One bad, large or skipped item (`BadMessageRec` / `MigrationUserSkippedItem`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BadItem {
    /// Where it was listed.
    pub source: Option<ItemSource>,
    /// BadItemKind (`CorruptFolderACL`, `LargeItem`, …) as exported.
    pub kind: Option<String>,
    /// Classifier category (`SourcePrincipalError`, `Default`, …).
    pub category: Option<String>,
    /// Folder path.
    pub folder: Option<String>,
    /// WellKnownFolderType.
    pub well_known_folder: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Sender name.
    pub sender: Option<String>,
    /// Recipient name.
    pub recipient: Option<String>,
    /// Message class.
    pub message_class: Option<String>,
    /// EntryIdHex (or EntryId): the item's id in the source mailbox, or for
    /// a folder-level kind a key derived from the folder and the kind. The
    /// same from one export of a move to the next.
    pub entry_id: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Date sent (xsd dateTime text).
    pub date_sent: Option<String>,
    /// Date received (xsd dateTime text).
    pub date_received: Option<String>,
    /// When the report logged it (entry time, or its failure's timestamp).
    pub timestamp: Option<String>,
    /// The item's own failure.
    pub failure: Option<Failure>,
    /// The record's text form (ToString, or the log line it was parsed from).
    pub text: Option<String>,
    /// EXO's DCS scoring classifications (skipped items).
    pub scoring: Vec<String>,
}

impl BadItem {
    /// All text that may name a principal error: own text, failure message
    /// and data context.
    pub fn all_text(&self) -> String {
        let mut s = self.text.clone().unwrap_or_default();
        if let Some(f) = &self.failure {
            s.push('\n');
            s.push_str(&f.all_text());
        }
        s
    }
}

/// One mailbox move and what its report says.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Mailbox {
    /// Index of the input file in the run.
    pub input: usize,
    /// Position of the record within its input (0-based, in file order).
    pub index: usize,
    /// Which export it came from.
    pub source_type: Option<SourceType>,
    /// Identity (ToString of the statistics object, or its Identity).
    pub identity: Option<String>,
    /// DisplayName.
    pub display_name: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// ExchangeGuid (MailboxGuid for migration users).
    pub exchange_guid: Option<String>,
    /// BatchName (or BatchId).
    pub batch: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// StatusDetail.
    pub status_detail: Option<String>,
    /// FailureType of the move (or of the migration user's Error).
    pub failure_type: Option<String>,
    /// Message / LastFailure text.
    pub message: Option<String>,
    /// BadItemLimit.
    pub bad_item_limit: Limit,
    /// LargeItemLimit.
    pub large_item_limit: Limit,
    /// BadItemsEncountered.
    pub bad_items_encountered: Option<u64>,
    /// LargeItemsEncountered.
    pub large_items_encountered: Option<u64>,
    /// MissingItemsEncountered.
    pub missing_items_encountered: Option<u64>,
    /// DataConsistencyScore.
    pub data_consistency_score: Option<String>,
    /// DataConsistencyScoringFactors.
    pub scoring_factors: Vec<String>,
    /// HasUnapprovedSkippedItems.
    pub unapproved_skipped_items: Option<bool>,
    /// SkippedItemApprovalTimestamp.
    pub skipped_item_approval: Option<String>,
    /// The move targets Exchange Online (onboarding), so EXO rules apply.
    pub to_exchange_online: bool,
    /// Flags text (e.g. `CrossOrg, Pull`).
    pub flags: Option<String>,
    /// WorkloadType.
    pub workload_type: Option<String>,
    /// TotalMailboxSize in bytes.
    pub total_mailbox_size: Option<u64>,
    /// The last stage a text report logs (`LoadingMessages`, …) and its
    /// percent complete.
    pub stage: Option<(String, Option<u8>)>,
    /// The report contained an `AcceptLargeDataLoss` line.
    pub large_data_loss_accepted: bool,
    /// Bad, large and skipped items, each event once.
    pub bad_items: Vec<BadItem>,
    /// Report failures that are not a bad item's own failure.
    pub failures: Vec<Failure>,
    /// Number of report entries seen (structured or from the log text).
    pub report_entries: usize,
    /// Whether any report was present.
    pub has_report: bool,
    /// Strings kept from members that could not be understood.
    pub unrecognised: Vec<String>,
}

/// A BadItemLimit or LargeItemLimit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(untagged)]
pub enum Limit {
    /// Not in the export.
    #[default]
    #[serde(serialize_with = "ser_null")]
    Absent,
    /// `Unlimited`.
    #[serde(serialize_with = "ser_unlimited")]
    Unlimited,
    /// A number of items.
    Count(u64),
}

fn ser_null<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_none()
}

fn ser_unlimited<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("unlimited")
}

impl Limit {
    /// Whether `n` items exceed this limit.
    pub fn exceeded_by(self, n: u64) -> bool {
        match self {
            Limit::Count(l) => n > l,
            Limit::Unlimited | Limit::Absent => false,
        }
    }
}

/// Principal values named in a principal-mapping message or DataContext.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrincipalValues {
    /// SID (`S-1-5-…`).
    pub sid: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// DisplayName.
    pub display_name: Option<String>,
    /// MailboxGuid.
    pub mailbox_guid: Option<String>,
    /// ObjectGuid.
    pub object_guid: Option<String>,
    /// LegDN (legacyExchangeDN).
    pub legacy_dn: Option<String>,
    /// Proxies, e.g. `X500:/o=…`, `SMTP:user@contoso.com`.
    pub proxies: Vec<String>,
}

impl PrincipalValues {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        *self == PrincipalValues::default()
    }

    /// Fills what this lacks from `other` (the first value seen wins).
    pub fn fill_from(&mut self, other: PrincipalValues) {
        let PrincipalValues {
            sid,
            alias,
            display_name,
            mailbox_guid,
            object_guid,
            legacy_dn,
            proxies,
        } = other;
        self.sid = self.sid.take().or(sid);
        self.alias = self.alias.take().or(alias);
        self.display_name = self.display_name.take().or(display_name);
        self.mailbox_guid = self.mailbox_guid.take().or(mailbox_guid);
        self.object_guid = self.object_guid.take().or(object_guid);
        self.legacy_dn = self.legacy_dn.take().or(legacy_dn);
        if self.proxies.is_empty() {
            self.proxies = proxies;
        }
    }
}
