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
