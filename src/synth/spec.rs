//! What to generate: a mailbox and its report described as plain specs
//! (items, failures, limits, the shape the export gives the report), and
//! the text forms Exchange writes for them.

/// BadItemKind members in ordinal order.
pub const BAD_KINDS: [&str; 13] = [
    "MissingItem",
    "CorruptItem",
    "LargeItem",
    "CorruptSearchFolderCriteria",
    "CorruptFolderACL",
    "CorruptFolderRule",
    "MissingFolder",
    "MisplacedFolder",
    "CorruptFolderProperty",
    "CorruptFolderRestriction",
    "CorruptInferenceProperties",
    "CorruptMailboxSetting",
    "FolderPropertyMismatch",
];

/// `36 MB (37,748,736 bytes)`, as Exchange formats a ByteQuantifiedSize.
pub fn size_text(bytes: u64) -> String {
    let units = [("GB", 1u64 << 30), ("MB", 1 << 20), ("KB", 1 << 10)];
    let mut human = format!("{bytes} B");
    for (u, n) in units {
        if bytes >= n {
            let v = bytes as f64 / n as f64;
            human = if v.fract() == 0.0 { format!("{v:.0} {u}") } else { format!("{v:.1} {u}") };
            break;
        }
    }
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{human} ({grouped} bytes)")
}

/// A failure to write.
#[derive(Debug, Clone)]
pub struct FailureSpec {
    /// xsd timestamp.
    pub timestamp: String,
    /// Exception class.
    pub failure_type: String,
    /// Source/Target.
    pub side: Option<&'static str>,
    /// Message.
    pub message: String,
    /// DataContext.
    pub data_context: Option<String>,
    /// WellKnownException names and numbers.
    pub exception_types: Vec<(&'static str, i64)>,
}

/// A bad item to write.
#[derive(Debug, Clone, Default)]
pub struct BadSpec {
    /// BadItemKind.
    pub kind: String,
    /// Category.
    pub category: Option<String>,
    /// Folder.
    pub folder: Option<String>,
    /// WellKnownFolderType.
    pub well_known_folder: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Sender.
    pub sender: Option<String>,
    /// Recipient.
    pub recipient: Option<String>,
    /// MessageClass.
    pub message_class: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// DateSent.
    pub date_sent: Option<String>,
    /// DateReceived.
    pub date_received: Option<String>,
    /// EntryIdHex.
    pub entry_id_hex: String,
    /// Text form override (principal errors have EXO's wording).
    pub text_override: Option<String>,
}

impl BadSpec {
    /// The BadMessageRec ToString text.
    pub fn text(&self) -> String {
        if let Some(t) = &self.text_override {
            return t.clone();
        }
        let folder = self.folder.as_deref().unwrap_or("");
        let class = self.message_class.as_deref().unwrap_or("");
        let subject = self.subject.as_deref().unwrap_or("");
        match self.kind.as_str() {
            "MissingItem" => {
                format!("Missing Item ({class}) Subject:\"{subject}\", Folder:\"{folder}\"")
            }
            "LargeItem" => format!(
                "Item ({class}) Subject:\"{subject}\", Size: {}, Folder:\"{folder}\"",
                size_text(self.size.unwrap_or(0))
            ),
            "CorruptSearchFolderCriteria" => format!("Search folder \"{folder}\""),
            "CorruptFolderACL" => format!("Folder ACL \"{folder}\""),
            "CorruptFolderRule" => format!("Folder rule \"{folder}\""),
            "MissingFolder" => format!("Missing folder \"{folder}\""),
            "MisplacedFolder" => format!("Misplaced folder \"{folder}\""),
            "CorruptFolderProperty" => format!("Folder property \"{folder}\""),
            "CorruptMailboxSetting" => format!("Corrupt mailbox setting \"{folder}\""),
            "FolderPropertyMismatch" => format!(
                "The following property error occurred for folder \"{folder}\": \"Property '0x3613001f' has mismatching values: 'IPF.Note' != 'IPF.Note.Hidden'. Skipping this bad item can cause the loss of default folders.\""
            ),
            _ => format!("Item ({class}) Subject:\"{subject}\", Folder:\"{folder}\""),
        }
    }
}

/// A report entry to write.
#[derive(Debug, Clone)]
pub struct EntrySpec {
    /// CreationTime (xsd, UTC).
    pub time: String,
    /// The time as the entry text prints it (culture-dependent).
    pub display_time: String,
    /// MRS server.
    pub server: String,
    /// ReportEntryType name and number.
    pub entry_type: (&'static str, i64),
    /// ReportEntryFlags text and number.
    pub flags: (&'static str, i64),
    /// Message.
    pub message: String,
}

/// How much of the report survived as structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Every record an object (a re-export of a remote session's result).
    Structured,
    /// Report members flattened to their text (depth ran out).
    Flattened,
    /// Only the Report's own text (the complete entry log) survived.
    LogOnly,
}

/// A limit as the statistics object holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecLimit {
    /// A number of items.
    Count(u64),
    /// `Unlimited`.
    Unlimited,
    /// Not set (EXO without limits).
    Absent,
}

/// One bad item with the failure that comes with it.
#[derive(Debug, Clone)]
pub struct ItemSpec {
    /// The record.
    pub bad: BadSpec,
    /// Its own failure (principal errors carry one).
    pub failure: Option<FailureSpec>,
    /// Whether the entry that logged it also lists the failure in
    /// `Report.Failures` (EXO does for principal errors).
    pub failure_in_report_failures: bool,
}

/// A whole mailbox move to generate.
#[derive(Debug, Clone)]
pub struct MailboxSpec {
    /// Which object to write.
    pub kind: MailboxKind,
    /// DisplayName.
    pub display_name: String,
    /// Alias.
    pub alias: String,
    /// ExchangeGuid.
    pub guid: String,
    /// BatchName.
    pub batch: Option<String>,
    /// Status name and number.
    pub status: (&'static str, i64),
    /// StatusDetail name and number.
    pub status_detail: (&'static str, i64),
    /// FailureType of the move.
    pub failure_type: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// BadItemLimit.
    pub bad_item_limit: SpecLimit,
    /// LargeItemLimit.
    pub large_item_limit: SpecLimit,
    /// Onboarding to Exchange Online (else a local move).
    pub onboarding: bool,
    /// TotalMailboxSize.
    pub size: u64,
    /// Items.
    pub items: Vec<ItemSpec>,
    /// Failures that are not items' own (transient noise, the final fatal one).
    pub failures: Vec<FailureSpec>,
    /// Report shape.
    pub shape: Shape,
    /// Start of the move (xsd UTC); entries follow it.
    pub start: (i64, u32, u32, u32, u32, u32),
    /// DataConsistencyScore (EXO).
    pub dcs: Option<&'static str>,
    /// HasUnapprovedSkippedItems (EXO).
    pub unapproved: Option<bool>,
    /// Durations, sizes, servers, sessions and progress lines (`None`: the
    /// export has no durations).
    pub perf: Option<PerfSpec>,
}

/// How a duration of the statistics object is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DurationShape {
    /// An EnhancedTimeSpan object: its ToString and Props (Ticks, …).
    #[default]
    Enhanced,
    /// An EnhancedTimeSpan whose Props were lost: only its ToString.
    ToStringOnly,
    /// TimeSpan text in an `<S>` (Select-Object, CSV round trips).
    Text,
}

/// How a report's SessionStatistics is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionShape {
    /// Every member an object.
    #[default]
    Structured,
    /// The session an object, its ProviderInfo and LatencyInfo members
    /// flattened to their ToString.
    MembersFlattened,
    /// The whole session flattened to its ToString.
    Flattened,
}

/// A `LatencyInfo`: average (ms) and number of samples.
pub type LatencySpec = Option<(u32, u32)>;

/// A `SessionStatistics`: provider call durations by name, word breaking,
/// latencies (`None`: an empty LatencyInfo).
#[derive(Debug, Clone, Default)]
pub struct SessionSpec {
    /// Source provider calls (`DurationInfo` name, seconds).
    pub source: Vec<(&'static str, f64)>,
    /// Destination provider calls.
    pub destination: Vec<(&'static str, f64)>,
    /// TotalTimeProcessingMessages, seconds.
    pub word_breaking: f64,
    /// TotalMessagesProcessed.
    pub messages: u64,
    /// SourceLatencyInfo.
    pub source_latency: LatencySpec,
    /// DestinationLatencyInfo.
    pub destination_latency: LatencySpec,
}

/// The numbers of a `LatencyInfo`: current, average, min, max, samples,
/// remote calls, their total duration in ms (an empty one when `None`).
pub fn latency_numbers(l: LatencySpec) -> (i64, i64, i64, i64, i64, i64, f64) {
    match l {
        None => (0, 0, 2_147_483_647, -2_147_483_648, 0, 0, 0.0),
        Some((avg, samples)) => {
            let (avg, samples) = (i64::from(avg), i64::from(samples));
            let calls = samples * 58;
            (
                avg * 9 / 10,
                avg,
                (avg / 4).max(1),
                avg * 6,
                samples,
                calls,
                (avg * calls) as f64 * 0.9,
            )
        }
    }
}

/// A `LatencyInfo`'s ToString (with its irregular spaces).
pub fn latency_text(l: LatencySpec) -> String {
    let (cur, avg, min, max, samples, calls, ms) = latency_numbers(l);
    format!(
        "Current: {cur}ms, Avg:{avg}ms, NumberOfLatencySamplingCalls:{samples}, Min:{min}ms, Max: {max}ms, TotalNumberOfRemoteCalls:{calls}, TotalRemoteCallDuration: {ms:.4}"
    )
}

/// A `ProviderInfo`'s ToString.
pub fn provider_text(durations: &[(&str, f64)]) -> String {
    format!("Total Execution Time: {}", timespan_text(durations.iter().map(|(_, d)| d).sum()))
}

impl SessionSpec {
    /// The session's ToString, in the order and layout of
    /// `move-performance.md` §2 (CR LF between lines).
    pub fn text(&self, id: &str) -> String {
        let dashes = "-".repeat(50);
        let total = |d: &[(&str, f64)]| timespan_text(d.iter().map(|(_, s)| s).sum());
        let list = |d: &[(&str, f64)]| -> String {
            d.iter().map(|(n, s)| format!("{n}: {}\r\n", timespan_text(*s))).collect()
        };
        format!(
            "SessionId: {id}\r\n{dashes}\r\nCI WordBreaking Stats:\r\n{dashes}\r\n\
             TotalMessagesProcessed: {}\r\n\
             TotalTimeProcessingMessages: {}TimeInGetConnection: {}TimeInWordbreaker: {}TimeProcessingFailedMessages: 00:00:00AnnotationSkipped: 0MessageLevelFailures: 0ConnectionLevelFailures: 0\r\n\
             SourceLatencyInfo:\r\n{}\r\n{}\r\nDestinationLatencyInfo:\r\n{}\r\n{}\r\n\
             {dashes}\r\nSource Provider Durations: {}\r\n{dashes}\r\n{}\
             {dashes}\r\nDestination Provider Durations:{}\r\n{dashes}\r\n{}\
             \r\nPreFinalSyncDataProcessingDuration: 00:00:00",
            self.messages,
            timespan_text(self.word_breaking),
            timespan_text(self.word_breaking * 0.02),
            timespan_text(self.word_breaking * 0.9),
            "-".repeat(18),
            latency_text(self.source_latency),
            "-".repeat(23),
            latency_text(self.destination_latency),
            total(&self.source),
            list(&self.source),
            total(&self.destination),
            list(&self.destination),
        )
    }
}

/// What a mailbox's statistics and report say about speed. Durations are
/// in seconds; the stall buckets in `StallBucket` order.
#[derive(Debug, Clone, Default)]
pub struct PerfSpec {
    /// OverallDuration.
    pub overall: f64,
    /// TotalInProgressDuration.
    pub in_progress: f64,
    /// TotalQueuedDuration.
    pub queued: f64,
    /// TotalSuspendedDuration.
    pub suspended: f64,
    /// TotalFailedDuration.
    pub failed: f64,
    /// TotalTransientFailureDuration.
    pub transient: f64,
    /// TotalIdleDuration.
    pub idle: f64,
    /// TotalSyncedDuration (migration users).
    pub synced: f64,
    /// The nine TotalStalledDueTo… (migration users: their sum is TotalStalledDuration).
    pub stalls: [f64; 9],
    /// How the durations are written.
    pub durations: DurationShape,
    /// TotalArchiveSize (`None`: no archive).
    pub archive_size: Option<u64>,
    /// Only the archive moves (Flags MoveOnlyArchiveMailbox).
    pub archive_only: bool,
    /// BytesTransferred.
    pub bytes_transferred: u64,
    /// PercentComplete.
    pub percent_complete: u32,
    /// SourceServer.
    pub source_server: Option<String>,
    /// MRSServerName.
    pub mrs_server: Option<String>,
    /// Report.SessionStatistics.
    pub primary: Option<SessionSpec>,
    /// Report.ArchiveSessionStatistics.
    pub archive: Option<SessionSpec>,
    /// How the sessions are written (a flattened report flattens them anyway).
    pub sessions: SessionShape,
    /// Progress lines of the log (seconds after the start, message), written
    /// after the stage lines and before the copy is complete.
    pub log: Vec<(u64, String)>,
    /// Messages in the final copy-progress line (1,200 when absent).
    pub messages: Option<u64>,
    /// Whether the copy finished (else the final copy-progress line and the
    /// "copying messages is complete" line are left out).
    pub copy_incomplete: bool,
}

/// Which statistics object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxKind {
    /// MoveRequestStatistics.
    MoveRequest,
    /// MigrationUserStatistics with skipped items.
    MigrationUser,
}

/// A UTC timestamp `seconds` after `start`, as xsd text and as en-US display text.
pub fn stamp(start: (i64, u32, u32, u32, u32, u32), seconds: u64) -> (String, String) {
    let (y, mo, d, h, mi, se) = start;
    let total = u64::from(h) * 3600 + u64::from(mi) * 60 + u64::from(se) + seconds;
    let days = total / 86_400;
    let rem = total % 86_400;
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let day = u64::from(d) + days; // samples stay within a month
    let xsd = format!(
        "{y:04}-{mo:02}-{day:02}T{hh:02}:{mm:02}:{ss:02}.{:07}Z",
        (seconds * 7919) % 10_000_000
    );
    let (h12, ampm) = match hh {
        0 => (12, "AM"),
        1..=11 => (hh, "AM"),
        12 => (12, "PM"),
        _ => (hh - 12, "PM"),
    };
    let display = format!("{mo}/{day}/{y} {h12}:{mm:02}:{ss:02} {ampm}");
    (xsd, display)
}

/// A TimeSpan as .NET's constant format writes it: `[d.]hh:mm:ss[.fffffff]`.
pub fn timespan_text(seconds: f64) -> String {
    let ticks = (seconds * 1e7).round() as i64;
    let (sign, ticks) = if ticks < 0 { ("-", -ticks) } else { ("", ticks) };
    let (secs, fraction) = (ticks / 10_000_000, ticks % 10_000_000);
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    let days = if d > 0 { format!("{d}.") } else { String::new() };
    let fraction = if fraction > 0 { format!(".{fraction:07}") } else { String::new() };
    format!("{sign}{days}{h:02}:{m:02}:{s:02}{fraction}")
}

/// A TimeSpan as `TS` holds it (XmlConvert): `PT5H12M33.1234567S`, `P1DT2H`, `PT0S`.
pub fn xs_duration_text(seconds: f64) -> String {
    let ticks = (seconds.abs() * 1e7).round() as i64;
    let sign = if seconds < 0.0 { "-" } else { "" };
    let (secs, fraction) = (ticks / 10_000_000, ticks % 10_000_000);
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    let mut out = format!("{sign}P");
    if d > 0 {
        out.push_str(&format!("{d}D"));
    }
    let mut time = String::new();
    if h > 0 {
        time.push_str(&format!("{h}H"));
    }
    if m > 0 {
        time.push_str(&format!("{m}M"));
    }
    if s > 0 || fraction > 0 {
        let f = format!("{fraction:07}");
        let f = f.trim_end_matches('0');
        time.push_str(&if f.is_empty() { format!("{s}S") } else { format!("{s}.{f}S") });
    }
    if !time.is_empty() {
        out.push('T');
        out.push_str(&time);
    } else if d == 0 {
        out.push_str("T0S");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_exchange() {
        assert_eq!(size_text(37_748_736), "36 MB (37,748,736 bytes)");
        assert_eq!(size_text(512), "512 B (512 bytes)");
        assert_eq!(size_text(1_288_490_188), "1.2 GB (1,288,490,188 bytes)");
        assert_eq!(crate::exchange::text::byte_count(&size_text(42_151_234)), Some(42_151_234));
    }

    #[test]
    fn timespans_print_like_dotnet_and_parse_back() {
        assert_eq!(timespan_text(93_784.5), "1.02:03:04.5000000");
        assert_eq!(timespan_text(18_798.0), "05:13:18");
        assert_eq!(xs_duration_text(18_753.1234567), "PT5H12M33.1234567S");
        assert_eq!(xs_duration_text(93_600.0), "P1DT2H");
        assert_eq!(xs_duration_text(0.0), "PT0S");
        for secs in [0.0, 1.5, 59.9999999, 3600.0, 93_784.5, 1_000_000.25] {
            let back = crate::exchange::text::timespan(&timespan_text(secs)).unwrap();
            assert!((back - secs).abs() < 1e-6, "{secs}");
            let back = crate::exchange::text::xs_duration(&xs_duration_text(secs)).unwrap();
            assert!((back - secs).abs() < 1e-6, "{secs}");
        }
    }

    #[test]
    fn bad_item_texts_parse_back() {
        for kind in BAD_KINDS {
            let b = BadSpec {
                kind: kind.to_string(),
                folder: Some("Inbox/Sub \"x\"".into()),
                subject: Some("Re: \"hi\"".into()),
                message_class: Some("IPM.Note".into()),
                size: Some(42_000_000),
                ..BadSpec::default()
            };
            let parsed = crate::exchange::text::bad_item(&b.text()).expect(kind);
            let want = match kind {
                "CorruptFolderRestriction" | "CorruptInferenceProperties" => "CorruptItem",
                k => k,
            };
            assert_eq!(parsed.kind.as_deref(), Some(want), "{kind}");
        }
    }
}
