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

keyed_enum! {
    /// A side of a move: where a principal error or a stall is.
    pub enum Side {
        /// The source (the source forest, on-premises for an onboarding).
        Source = "source",
        /// The target (the target forest, Exchange Online for an onboarding).
        Target = "target",
    }
}

keyed_enum! {
    /// The nine `TotalStalledDueTo…` durations of a move, in output order.
    pub enum StallBucket {
        /// Waiting for content indexing to catch up (target).
        ContentIndexing = "content_indexing",
        /// Waiting for replication to the database copies (target).
        MdbReplication = "mdb_replication",
        /// Waiting for a locked mailbox.
        MailboxLocked = "mailbox_locked",
        /// Source CPU (`ReadCpu`).
        SourceCpu = "source_cpu",
        /// Target CPU (`WriteCpu`).
        TargetCpu = "target_cpu",
        /// A source resource of unknown kind (`ReadUnknown`).
        SourceUnknown = "source_unknown",
        /// A target resource of unknown kind (`WriteUnknown`).
        TargetUnknown = "target_unknown",
        /// Source throttling (`ReadThrottle`).
        SourceThrottle = "source_throttle",
        /// Target throttling (`WriteThrottle`).
        TargetThrottle = "target_throttle",
    }
}

impl StallBucket {
    /// The statistics properties that hold it (current name first, then the
    /// Exchange 2013 one).
    pub fn properties(self) -> &'static [&'static str] {
        match self {
            StallBucket::ContentIndexing => {
                &["TotalStalledDueToContentIndexingDuration", "TotalStalledDueToCIDuration"]
            }
            StallBucket::MdbReplication => {
                &["TotalStalledDueToMdbReplicationDuration", "TotalStalledDueToHADuration"]
            }
            StallBucket::MailboxLocked => &["TotalStalledDueToMailboxLockedDuration"],
            StallBucket::SourceCpu => &["TotalStalledDueToReadCpu"],
            StallBucket::TargetCpu => &["TotalStalledDueToWriteCpu"],
            StallBucket::SourceUnknown => &["TotalStalledDueToReadUnknown"],
            StallBucket::TargetUnknown => &["TotalStalledDueToWriteUnknown"],
            StallBucket::SourceThrottle => &["TotalStalledDueToReadThrottle"],
            StallBucket::TargetThrottle => &["TotalStalledDueToWriteThrottle"],
        }
    }

    /// The side whose resources it waits for (a locked mailbox is the
    /// source's, as Exchange 2013's `StalledDueToMailboxLock` says).
    pub fn side(self) -> Side {
        match self {
            StallBucket::ContentIndexing
            | StallBucket::MdbReplication
            | StallBucket::TargetCpu
            | StallBucket::TargetUnknown
            | StallBucket::TargetThrottle => Side::Target,
            StallBucket::MailboxLocked
            | StallBucket::SourceCpu
            | StallBucket::SourceUnknown
            | StallBucket::SourceThrottle => Side::Source,
        }
    }

    /// How people read it: `content indexing`, `source CPU`.
    pub fn title(self) -> &'static str {
        match self {
            StallBucket::ContentIndexing => "content indexing",
            StallBucket::MdbReplication => "MDB replication",
            StallBucket::MailboxLocked => "mailbox locked",
            StallBucket::SourceCpu => "source CPU",
            StallBucket::TargetCpu => "target CPU",
            StallBucket::SourceUnknown => "source unknown",
            StallBucket::TargetUnknown => "target unknown",
            StallBucket::SourceThrottle => "source throttle",
            StallBucket::TargetThrottle => "target throttle",
        }
    }
}

/// The durations of a move, in seconds (`None`: not in the export).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MoveDurations {
    /// OverallDuration.
    pub overall: Option<f64>,
    /// TotalInProgressDuration: the time the job ran.
    pub in_progress: Option<f64>,
    /// TotalQueuedDuration.
    pub queued: Option<f64>,
    /// TotalSuspendedDuration.
    pub suspended: Option<f64>,
    /// TotalFailedDuration.
    pub failed: Option<f64>,
    /// TotalTransientFailureDuration.
    pub transient_failure: Option<f64>,
    /// TotalIdleDuration.
    pub idle: Option<f64>,
    /// TotalStalledDuration (migration users: all stalls in one).
    pub stalled: Option<f64>,
    /// The nine stall buckets, by [`StallBucket`] index.
    pub stalls: [Option<f64>; 9],
}

impl MoveDurations {
    /// One stall bucket.
    pub fn stall(&self, b: StallBucket) -> Option<f64> {
        self.stalls[crate::keyed::Keyed::index(b)]
    }

    /// Whether the export carries any of them.
    pub fn any(&self) -> bool {
        [
            self.overall,
            self.in_progress,
            self.queued,
            self.suspended,
            self.failed,
            self.transient_failure,
            self.idle,
            self.stalled,
        ]
        .iter()
        .chain(&self.stalls)
        .any(Option::is_some)
    }
}

/// A `LatencyInfo`: the latency of no-op calls to the other side's MRSProxy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Latency {
    /// `Average`, in milliseconds.
    pub average_ms: Option<f64>,
    /// `NumberOfLatencySamplingCalls` (0: an empty LatencyInfo, no latency).
    pub samples: Option<u64>,
}

/// What a `SessionStatistics` (primary or archive session) says about time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionStats {
    /// Time in source provider calls (`SourceProviderInfo.TotalDuration`, or
    /// the sum of its `Durations`), in seconds.
    pub source_provider: Option<f64>,
    /// Time in destination provider calls, in seconds.
    pub destination_provider: Option<f64>,
    /// Content-indexing word breaking (`TotalTimeProcessingMessages`), in seconds.
    pub word_breaking: Option<f64>,
    /// `SourceLatencyInfo`.
    pub source_latency: Latency,
    /// `DestinationLatencyInfo`.
    pub destination_latency: Latency,
}

impl SessionStats {
    /// Whether anything was read (a session flattened to its type name holds nothing).
    pub fn is_empty(&self) -> bool {
        *self == SessionStats::default()
    }
}

/// A report log line about the move's progress (`move-performance.md` §6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum LogEvent {
    /// A stall starts: `… is stalled because …`, or a relinquish with a
    /// `'StalledDueTo…'` throttling state.
    Stalled {
        /// Whose resources it waits for.
        side: Side,
        /// The agent or the state's reason, verbatim.
        reason: String,
    },
    /// `Request is no longer stalled and will continue.`
    Unstalled,
    /// `Copy progress: N/M messages, X/Y.`
    Copied {
        /// Messages copied so far (N).
        messages: u64,
        /// Bytes copied so far (of X), when it says.
        bytes: Option<u64>,
    },
}

/// A [`LogEvent`] and when it was logged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoveEvent {
    /// The entry's time: ticks (100 ns) since the Unix epoch, UTC; `None`
    /// when the entry's text gives no time that can be read for certain.
    pub time: Option<i64>,
    /// What it says.
    pub event: LogEvent,
}

/// What a move's statistics and report say about its speed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MoveStats {
    /// The durations.
    pub durations: MoveDurations,
    /// TotalArchiveSize in bytes.
    pub archive_size: Option<u64>,
    /// EstimatedTotalTransferSize in bytes (migration users).
    pub estimated_transfer_size: Option<u64>,
    /// BytesTransferred (retries included).
    pub bytes_transferred: Option<u64>,
    /// PercentComplete (PercentageComplete for migration users).
    pub percent_complete: Option<u64>,
    /// StartTimestamp (xsd text).
    pub start: Option<String>,
    /// CompletionTimestamp (xsd text; absent until complete).
    pub completion: Option<String>,
    /// LastUpdateTimestamp (xsd text).
    pub last_update: Option<String>,
    /// SourceServer.
    pub source_server: Option<String>,
    /// MRSServerName.
    pub mrs_server: Option<String>,
    /// `Report.SessionStatistics`, when it says anything.
    pub primary_session: Option<SessionStats>,
    /// `Report.ArchiveSessionStatistics`, when it says anything.
    pub archive_session: Option<SessionStats>,
    /// The progress lines of the report's entry log, in order.
    pub events: Vec<MoveEvent>,
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
    /// Durations, sizes, servers, sessions and progress lines: what the
    /// performance analysis reads.
    pub stats: MoveStats,
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
