//! Synthetic move-report exports, built from the format reference: the
//! bundled samples and the inputs of tests and benchmarks come from here.
//!
//! No real move-report export is public, so these objects follow
//! `move-report.md`: `Deserialized.` type chains, enums as `Obj` with
//! `ToString` and the number, ByteQuantifiedSize and `Unlimited<T>` objects,
//! Report entries whose BadItem/Failure records are referenced again (as
//! `Ref`) from the Report's lists, and EXO principal-mapping texts.

pub mod samples;

use std::sync::Arc;

use crate::clixml::{Base, IntTag, ListKind, Object, Property, RefId, TextTag, UIntTag, Value};

/// Hands out object ids; one per file, as PowerShell numbers them.
#[derive(Debug, Default)]
pub struct Ids {
    next: u64,
}

impl Ids {
    fn take(&mut self) -> RefId {
        let id = RefId::Num(self.next);
        self.next += 1;
        id
    }
}

const NS_MRS: &str = "Microsoft.Exchange.MailboxReplicationService";

/// Builds objects with the type chain a remote session gives them.
pub struct Builder<'a> {
    ids: &'a mut Ids,
    /// Prefix type names with `Deserialized.` (objects that crossed remoting).
    pub remote: bool,
}

fn p(name: &str, value: Value) -> Property {
    Property { name: name.into(), value }
}

fn s(text: &str) -> Value {
    Value::Text(TextTag::S, text.to_string())
}

fn opt_s(text: Option<&str>) -> Value {
    text.map_or(Value::Nil, s)
}

fn i32v(n: i64) -> Value {
    Value::Int(IntTag::I32, n)
}

fn dt(text: &str) -> Value {
    Value::Text(TextTag::DT, text.to_string())
}

fn guid(text: &str) -> Value {
    Value::Text(TextTag::G, text.to_string())
}

impl<'a> Builder<'a> {
    /// A builder drawing ids from `ids`.
    pub fn new(ids: &'a mut Ids, remote: bool) -> Self {
        Builder { ids, remote }
    }

    fn types(&self, names: &[&str]) -> Arc<[String]> {
        names
            .iter()
            .map(|t| if self.remote { format!("Deserialized.{t}") } else { (*t).to_string() })
            .collect::<Vec<_>>()
            .into()
    }

    fn obj(
        &mut self,
        types: &[&str],
        to_string: Option<String>,
        base: Option<Base>,
        props: Vec<Property>,
    ) -> Value {
        Value::Obj(Arc::new(Object {
            id: Some(self.ids.take()),
            types: self.types(types),
            to_string,
            base,
            props,
            members: Vec::new(),
            unknown: Vec::new(),
        }))
    }

    /// An enum value: type chain ending in System.Enum, ToString, the number.
    pub fn enumv(&mut self, ty: &str, name: &str, number: i64) -> Value {
        self.obj(
            &[ty, "System.Enum", "System.ValueType", "System.Object"],
            Some(name.to_string()),
            Some(Base::Value(i32v(number))),
            Vec::new(),
        )
    }

    /// A ByteQuantifiedSize: only its ToString carries the byte count.
    pub fn size(&mut self, bytes: u64) -> Value {
        self.obj(
            &["Microsoft.Exchange.Data.ByteQuantifiedSize", "System.ValueType", "System.Object"],
            Some(size_text(bytes)),
            None,
            Vec::new(),
        )
    }

    /// An `Unlimited<int>` limit.
    pub fn limit(&mut self, value: Option<u64>) -> Value {
        let (text, props) = match value {
            Some(n) => (
                n.to_string(),
                vec![p("IsUnlimited", Value::Bool(false)), p("Value", i32v(n as i64))],
            ),
            None => (
                "Unlimited".to_string(),
                vec![p("IsUnlimited", Value::Bool(true)), p("Value", Value::Nil)],
            ),
        };
        self.obj(
            &[
                "Microsoft.Exchange.Data.Unlimited`1[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
                "System.ValueType",
                "System.Object",
            ],
            Some(text),
            None,
            props,
        )
    }

    /// A list object (`LST`) with the report's generic list type.
    pub fn list(&mut self, item_type: &str, items: Vec<Value>) -> Value {
        if items.is_empty() {
            return Value::Nil; // MRS creates report lists lazily: empty is null
        }
        let ty = format!(
            "{NS_MRS}.Report+ListWithToString`1[[{NS_MRS}.{item_type}, Microsoft.Exchange.MailboxReplicationService.Common, Version=15.20.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]"
        );
        self.obj(
            &[&ty, "System.Object"],
            None,
            Some(Base::Items(ListKind::List, items)),
            Vec::new(),
        )
    }

    /// A `FailureRec`.
    pub fn failure(&mut self, f: &FailureSpec) -> Value {
        let side = match f.side {
            Some(name) => self.enumv(
                &format!("{NS_MRS}.ExceptionSide"),
                name,
                if name == "Source" { 1 } else { 2 },
            ),
            None => Value::Nil,
        };
        let types: Vec<Value> = f
            .exception_types
            .iter()
            .map(|(n, v)| self.enumv(&format!("{NS_MRS}.WellKnownException"), n, *v))
            .collect();
        let exception_types = self.obj(
            &[&format!("{NS_MRS}.WellKnownException[]"), "System.Array", "System.Object"],
            None,
            Some(Base::Items(ListKind::List, types)),
            Vec::new(),
        );
        self.obj(
            &[&format!("{NS_MRS}.FailureRec"), &format!("{NS_MRS}.XMLSerializableBase"), "System.Object"],
            Some(format!("{}: {}", f.failure_type, f.message)),
            None,
            vec![
                p("Timestamp", dt(&f.timestamp)),
                p("FailureType", s(&f.failure_type)),
                p("FailureCode", i32v(-2146233088)),
                p("MapiLowLevelError", i32v(0)),
                p("FailureSide", side),
                p("FailureSideInt", f.side.map_or(Value::Nil, |n| i32v(if n == "Source" { 1 } else { 2 }))),
                p("ExceptionTypes", exception_types),
                p("Message", s(&f.message)),
                p("MessageData", Value::Nil),
                p("DataContext", opt_s(f.data_context.as_deref())),
                p("DataContextData", Value::Nil),
                p("StackTrace", s("   at Microsoft.Exchange.MailboxReplicationService.MailboxCopierBase.CopyFolderProperties()")),
                p("InnerException", Value::Nil),
            ],
        )
    }

    /// A `BadMessageRec`.
    pub fn bad_message(&mut self, b: &BadSpec, failure: Value) -> Value {
        let kind_num = BAD_KINDS.iter().position(|k| *k == b.kind).unwrap_or(99) as i64;
        let kind = self.enumv(&format!("{NS_MRS}.BadItemKind"), &b.kind, kind_num);
        let wkf = self.enumv(
            &format!("{NS_MRS}.WellKnownFolderType"),
            b.well_known_folder.as_deref().unwrap_or("None"),
            0,
        );
        self.obj(
            &[
                &format!("{NS_MRS}.BadMessageRec"),
                &format!("{NS_MRS}.XMLSerializableBase"),
                "System.Object",
            ],
            Some(b.text()),
            None,
            [
                p("Kind", kind),
                p("EntryIdHex", s(&b.entry_id_hex)),
                p("CloudId", Value::Nil),
                p("FolderName", opt_s(b.folder.as_deref())),
                p("WellKnownFolderType", wkf),
            ]
            .into_iter()
            .chain(b.detail_props())
            .chain([p("Failure", failure), p("Category", opt_s(b.category.as_deref()))])
            .collect(),
        )
    }

    /// A `ReportEntry`.
    pub fn entry(&mut self, e: &EntrySpec, failure: Value, bad_item: Value) -> Value {
        let (ty, ty_num) = e.entry_type;
        let entry_type = self.enumv(&format!("{NS_MRS}.ReportEntryType"), ty, ty_num);
        let flags = self.enumv(&format!("{NS_MRS}.ReportEntryFlags"), e.flags.0, e.flags.1);
        self.obj(
            &[
                &format!("{NS_MRS}.ReportEntry"),
                &format!("{NS_MRS}.XMLSerializableBase"),
                "System.Object",
            ],
            Some(format!("{} [{}] {}", e.display_time, e.server, e.message)),
            None,
            vec![
                p("CreationTime", dt(&e.time)),
                p("ServerName", s(&e.server)),
                p("Type", entry_type),
                p("TypeInt", i32v(ty_num)),
                p("Flags", flags),
                p("FlagsInt", i32v(e.flags.1)),
                p("Message", s(&e.message)),
                p("Failure", failure),
                p("BadItem", bad_item),
            ],
        )
    }
}

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
    /// The message properties a BadMessageRec and a MigrationUserSkippedItem
    /// share, in the order both write them.
    fn detail_props(&self) -> [Property; 7] {
        [
            p("Sender", opt_s(self.sender.as_deref())),
            p("Recipient", opt_s(self.recipient.as_deref())),
            p("Subject", opt_s(self.subject.as_deref())),
            p("MessageClass", opt_s(self.message_class.as_deref())),
            p("MessageSize", self.size.map_or(Value::Nil, |n| i32v(n as i64))),
            p("DateSent", self.date_sent.as_deref().map_or(Value::Nil, dt)),
            p("DateReceived", self.date_received.as_deref().map_or(Value::Nil, dt)),
        ]
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_exchange() {
        assert_eq!(size_text(37_748_736), "36 MB (37,748,736 bytes)");
        assert_eq!(size_text(512), "512 B (512 bytes)");
        assert_eq!(size_text(1_288_490_188), "1.2 GB (1,288,490,188 bytes)");
        assert_eq!(crate::exchange::access::byte_count(&size_text(42_151_234)), Some(42_151_234));
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

const SERVER: &str = "AM6PR04MB5191";

impl<'a> Builder<'a> {
    fn entry_line(
        &mut self,
        spec: &MailboxSpec,
        t: u64,
        kind: (&'static str, i64),
        flags: (&'static str, i64),
        message: String,
    ) -> EntrySpec {
        let (time, display_time) = stamp(spec.start, t);
        let _ = self.remote;
        EntrySpec { time, display_time, server: SERVER.into(), entry_type: kind, flags, message }
    }

    /// The Report object (or its text) for a mailbox.
    pub fn report(&mut self, spec: &MailboxSpec) -> Value {
        let mut lines: Vec<(EntrySpec, Option<usize>, Option<usize>)> = Vec::new(); // entry, item, failure
        let info = ("Informational", 0);
        let none = ("None", 0);
        let mut t = 0;
        let mut log = |b: &mut Self,
                       kind,
                       flags,
                       msg: String,
                       item: Option<usize>,
                       failure: Option<usize>| {
            t += 7;
            let e = b.entry_line(spec, t, kind, flags, msg);
            lines.push((e, item, failure));
        };
        let who = if spec.onboarding {
            "'MigrationService (on behalf of '')'"
        } else {
            "'CONTOSO\\admin'"
        };
        log(self, info, none, format!("{who} created move request."), None, None);
        log(self, info, none, "The Microsoft Exchange Mailbox Replication service 'AM6PR04MB5191.eurprd04.prod.outlook.com' (15.20.1122.18 ServerCaps:01FFFFFF, ProxyCaps:1FFDFFD7FFCAFFFFFFFFFFFFFFFFFFFF, MailboxCaps:, legacyCaps:01FFFFFF) is examining the request.".into(), None, None);
        log(
            self,
            info,
            none,
            format!(
                "Connected to target mailbox '{}', database 'EURPR04DG123-db045', Mailbox server 'AM6PR04MB5191.eurprd04.prod.outlook.com' Version 15.20 (Build 1122.0).",
                spec.guid
            ),
            None,
            None,
        );
        log(self, info, none, "Request processing started.".into(), None, None);
        log(
            self,
            info,
            none,
            "Stage: CreatingFolderHierarchy. Percent complete: 10.".into(),
            None,
            None,
        );
        log(self, info, none, "Stage: LoadingMessages. Percent complete: 20.".into(), None, None);
        log(
            self,
            info,
            none,
            format!(
                "Copy progress: 1200/1200 messages, {}/{}.",
                size_text(spec.size),
                size_text(spec.size)
            ),
            None,
            None,
        );
        log(
            self,
            info,
            none,
            "Copying messages is complete. Copying rules and security descriptors.".into(),
            None,
            None,
        );
        // Non-item failures interleave with the copy; the fatal one comes last.
        let fatal_at = spec.failures.iter().position(|f| f.failure_type.contains("Permanent"));
        for (fi, f) in spec.failures.iter().enumerate() {
            if Some(fi) == fatal_at {
                continue;
            }
            log(
                self,
                ("Warning", 1),
                ("Failure", 2),
                format!(
                    "Transient error {} has occurred. The system will retry (1/60).",
                    f.failure_type
                ),
                None,
                Some(fi),
            );
        }
        for (ii, item) in spec.items.iter().enumerate() {
            let prefix = match item.bad.kind.as_str() {
                "LargeItem" => "A large item was encountered: ",
                "MissingItem" => "A missing item was encountered: ",
                _ => "A corrupted item was encountered: ",
            };
            let flags = if item.failure_in_report_failures {
                ("BadItem, Failure", 3)
            } else {
                ("BadItem", 1)
            };
            log(
                self,
                ("Warning", 1),
                flags,
                format!("{prefix}{}", item.bad.text()),
                Some(ii),
                None,
            );
        }
        if let Some(fi) = fatal_at {
            log(
                self,
                ("Error", 4),
                ("Failure, Fatal", 18),
                format!("Fatal error {} has occurred.", spec.failures[fi].failure_type),
                None,
                Some(fi),
            );
        } else if spec.status.0 == "Completed" {
            log(self, info, none, "Request is complete.".into(), None, None);
        }
        let full_text: String = lines
            .iter()
            .map(|(e, _, _)| format!("{} [{}] {}\r\n", e.display_time, e.server, e.message))
            .collect();
        let report_types = [format!("{NS_MRS}.Report"), "System.Object".to_string()];
        let report_types: Vec<&str> = report_types.iter().map(String::as_str).collect();
        match spec.shape {
            Shape::LogOnly => return s(&full_text),
            Shape::Flattened => {
                let entries: Vec<Value> = lines
                    .iter()
                    .map(|(e, _, _)| s(&format!("{} [{}] {}", e.display_time, e.server, e.message)))
                    .collect();
                let (bad, large): (Vec<&ItemSpec>, Vec<&ItemSpec>) =
                    spec.items.iter().partition(|i| i.bad.kind != "LargeItem");
                let failures: Vec<Value> = spec
                    .items
                    .iter()
                    .filter(|i| i.failure_in_report_failures)
                    .filter_map(|i| i.failure.as_ref())
                    .chain(spec.failures.iter())
                    .map(|f| s(&format!("{}: {}", f.failure_type, f.message)))
                    .collect();
                let bad: Vec<Value> = bad.iter().map(|i| s(&i.bad.text())).collect();
                let large: Vec<Value> = large.iter().map(|i| s(&i.bad.text())).collect();
                let props = vec![
                    p("Entries", self.list("ReportEntry", entries)),
                    p("Failures", self.list("FailureRec", failures)),
                    p("BadItems", self.list("BadMessageRec", bad)),
                    p("LargeItems", self.list("BadMessageRec", large)),
                ];
                return self.obj(&report_types, Some(full_text), None, props);
            }
            Shape::Structured => {}
        }
        // Structured: records are written in full inside the entries, and the
        // report's lists refer back to them.
        let mut item_values: Vec<Option<Value>> = vec![None; spec.items.len()];
        let mut item_failure_values: Vec<Option<Value>> = vec![None; spec.items.len()];
        let mut failure_values: Vec<Option<Value>> = vec![None; spec.failures.len()];
        let mut entries = Vec::new();
        for (e, item, failure) in &lines {
            let mut failure_v = Value::Nil;
            let mut item_v = Value::Nil;
            if let Some(ii) = item {
                let it = &spec.items[*ii];
                let f = it.failure.as_ref().map_or(Value::Nil, |f| self.failure(f));
                // ReportEntry writes Failure before BadItem: when the entry
                // carries the failure, it holds the full record and the bad
                // item refers back to it, as the serializer does.
                let bad = if it.failure_in_report_failures {
                    failure_v = f.clone();
                    self.bad_message(&it.bad, ref_of(&f))
                } else {
                    self.bad_message(&it.bad, f.clone())
                };
                item_failure_values[*ii] = Some(f);
                item_v = bad.clone();
                item_values[*ii] = Some(bad);
            }
            if let Some(fi) = failure {
                let f = self.failure(&spec.failures[*fi]);
                failure_v = f.clone();
                failure_values[*fi] = Some(f);
            }
            entries.push(self.entry(e, failure_v, item_v));
        }
        let mut failures = Vec::new();
        for (ii, it) in spec.items.iter().enumerate() {
            if it.failure_in_report_failures
                && let Some(f) = &item_failure_values[ii]
            {
                failures.push(ref_of(f));
            }
        }
        for f in failure_values.iter().flatten() {
            failures.push(ref_of(f));
        }
        let bad: Vec<Value> = spec
            .items
            .iter()
            .zip(&item_values)
            .filter(|(i, _)| i.bad.kind != "LargeItem")
            .filter_map(|(_, v)| v.as_ref().map(ref_of))
            .collect();
        let large: Vec<Value> = spec
            .items
            .iter()
            .zip(&item_values)
            .filter(|(i, _)| i.bad.kind == "LargeItem")
            .filter_map(|(_, v)| v.as_ref().map(ref_of))
            .collect();
        let props = vec![
            p("Entries", self.list("ReportEntry", entries)),
            p("Warnings", Value::Nil),
            p("DebugEntries", Value::Nil),
            p("Failures", self.list("FailureRec", failures)),
            p("BadItems", self.list("BadMessageRec", bad)),
            p("LargeItems", self.list("BadMessageRec", large)),
            p("MailboxVerification", Value::Nil),
        ];
        self.obj(&report_types, Some(full_text), None, props)
    }

    fn spec_limit(&mut self, l: SpecLimit) -> Value {
        match l {
            SpecLimit::Count(n) => self.limit(Some(n)),
            SpecLimit::Unlimited => self.limit(None),
            SpecLimit::Absent => Value::Nil,
        }
    }

    /// The top-level statistics object of a mailbox.
    pub fn mailbox(&mut self, spec: &MailboxSpec) -> Value {
        let report = self.report(spec);
        let (start, _) = stamp(spec.start, 0);
        let (end, _) = stamp(spec.start, 7 * (spec.items.len() as u64 + 12));
        let computer = vec![
            p("PSComputerName", s("outlook.office365.com")),
            p("RunspaceId", guid("6f1c1a52-2f43-4a7b-9d1e-8b9e0a6c2d11")),
            p("PSShowComputerName", Value::Bool(false)),
        ];
        let mut props = Vec::new();
        match spec.kind {
            MailboxKind::MoveRequest => {
                let status = self.enumv(
                    "Microsoft.Exchange.Data.Directory.Recipient.RequestStatus",
                    spec.status.0,
                    spec.status.1,
                );
                let detail = self.enumv(
                    &format!("{NS_MRS}.RequestState"),
                    spec.status_detail.0,
                    spec.status_detail.1,
                );
                let workload = if spec.onboarding {
                    self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.RequestWorkloadType",
                        "Onboarding",
                        3,
                    )
                } else {
                    self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.RequestWorkloadType",
                        "Local",
                        1,
                    )
                };
                let flags = if spec.onboarding {
                    self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.RequestFlags",
                        "CrossOrg, Pull",
                        9,
                    )
                } else {
                    self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.RequestFlags",
                        "IntraOrg, Pull",
                        10,
                    )
                };
                let total = self.size(spec.size);
                let bil = self.spec_limit(spec.bad_item_limit);
                let lil = self.spec_limit(spec.large_item_limit);
                let large = spec.items.iter().filter(|i| i.bad.kind == "LargeItem").count() as i64;
                let missing =
                    spec.items.iter().filter(|i| i.bad.kind == "MissingItem").count() as i64;
                let bad = spec.items.len() as i64 - large;
                let dcs = match spec.dcs {
                    Some(name) => self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.DataConsistencyScore",
                        name,
                        0,
                    ),
                    None => Value::Nil,
                };
                props.extend([
                    p("DisplayName", s(&spec.display_name)),
                    p("Alias", s(&spec.alias)),
                    p("ExchangeGuid", guid(&spec.guid)),
                    p("Status", status),
                    p("StatusDetail", detail),
                    p("WorkloadType", workload),
                    p("Flags", flags),
                    p(
                        "RemoteHostName",
                        if spec.onboarding { s("mail.contoso.com") } else { Value::Nil },
                    ),
                    p("BatchName", opt_s(spec.batch.as_deref())),
                    p(
                        "TargetDeliveryDomain",
                        if spec.onboarding {
                            s("contoso.mail.onmicrosoft.com")
                        } else {
                            Value::Nil
                        },
                    ),
                    p("BadItemLimit", bil),
                    p("BadItemsEncountered", i32v(bad)),
                    p("LargeItemLimit", lil),
                    p("LargeItemsEncountered", i32v(large)),
                    p("MissingItemsEncountered", i32v(missing)),
                    p("QueuedTimestamp", dt(&start)),
                    p("StartTimestamp", dt(&start)),
                    p("LastUpdateTimestamp", dt(&end)),
                    p(
                        "FailureTimestamp",
                        if spec.failure_type.is_some() { dt(&end) } else { Value::Nil },
                    ),
                    p("TotalMailboxSize", total),
                    p(
                        "TotalMailboxItemCount",
                        Value::UInt(UIntTag::U64, 1200 + spec.items.len() as u64),
                    ),
                    p("PercentComplete", i32v(if spec.status.0 == "Completed" { 100 } else { 95 })),
                    p("FailureType", opt_s(spec.failure_type.as_deref())),
                    p("FailureSide", Value::Nil),
                    p("Message", opt_s(spec.message.as_deref())),
                    p("DataConsistencyScore", dcs),
                    p("Report", report),
                    p("Identity", s(&spec.alias)),
                ]);
                let to_string = Some(spec.alias.clone());
                let mut v = self.obj(
                    &[
                        &format!("{NS_MRS}.MoveRequestStatistics"),
                        &format!("{NS_MRS}.RequestStatisticsBase"),
                        &format!("{NS_MRS}.RequestJobBase"),
                        "Microsoft.Exchange.Data.ConfigurableObject",
                        "System.Object",
                    ],
                    to_string,
                    None,
                    props,
                );
                set_members(&mut v, computer);
                v
            }
            MailboxKind::MigrationUser => {
                let status = self.enumv(
                    "Microsoft.Exchange.Data.Storage.Management.MigrationUserStatus",
                    spec.status.0,
                    spec.status.1,
                );
                let dcs = self.enumv(
                    "Microsoft.Exchange.Data.Storage.Management.DataConsistencyScore",
                    spec.dcs.unwrap_or("Perfect"),
                    2,
                );
                let factors: Vec<Value> = spec
                    .items
                    .iter()
                    .map(|i| i.bad.kind.as_str())
                    .filter(|k| *k == "CorruptItem" || *k == "MissingItem" || *k == "LargeItem")
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .map(|k| s(&format!("{k}s")))
                    .collect();
                let factors = self.obj(
                    &["System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]", "System.Object"],
                    None,
                    Some(Base::Items(ListKind::List, factors)),
                    Vec::new(),
                );
                let skipped: Vec<Value> = spec.items.iter().map(|i| self.skipped_item(i)).collect();
                let skipped_count = skipped.len() as u64;
                let skipped = self.obj(
                    &["Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.Storage.Management.MigrationUserSkippedItem]]", "System.Object"],
                    None,
                    Some(Base::Items(ListKind::List, skipped)),
                    Vec::new(),
                );
                let error =
                    match spec.failures.iter().find(|f| f.failure_type.contains("Permanent")) {
                        Some(f) => self.failure(f),
                        None => Value::Nil,
                    };
                props.extend([
                    p("Identity", s(&format!("{}@contoso.com", spec.alias))),
                    p("Identifier", s(&format!("{}@contoso.com", spec.alias))),
                    p("EmailAddress", s(&format!("{}@contoso.com", spec.alias))),
                    p("BatchId", opt_s(spec.batch.as_deref())),
                    p("MailboxGuid", guid(&spec.guid)),
                    p("Status", status),
                    p("StatusSummary", s(spec.status.0)),
                    p("Error", error),
                    p("SkippedItemCount", Value::Int(IntTag::I64, skipped_count as i64)),
                    p("SyncedItemCount", Value::Int(IntTag::I64, 1200)),
                    p("SkippedItems", skipped),
                    p("DataConsistencyScore", dcs),
                    p("DataConsistencyScoringFactors", factors),
                    p("HasUnapprovedSkippedItems", spec.unapproved.map_or(Value::Nil, Value::Bool)),
                    p("Report", report),
                ]);
                let mut v = self.obj(
                    &[
                        "Microsoft.Exchange.Data.Storage.Management.MigrationUserStatistics",
                        "Microsoft.Exchange.Data.Storage.Management.MigrationUser",
                        "Microsoft.Exchange.Data.ConfigurableObject",
                        "System.Object",
                    ],
                    Some(format!("{}@contoso.com", spec.alias)),
                    None,
                    props,
                );
                set_members(&mut v, computer);
                v
            }
        }
    }

    fn skipped_item(&mut self, i: &ItemSpec) -> Value {
        let b = &i.bad;
        let scoring: Vec<Value> = vec![s(match b.kind.as_str() {
            "CorruptItem" => "CorruptItem",
            "MissingItem" => "MissingItem",
            "LargeItem" => "LargeItem",
            _ => "FolderPermission",
        })];
        let scoring = self.obj(
            &["System.Collections.Generic.List`1[[System.String]]", "System.Object"],
            None,
            Some(Base::Items(ListKind::List, scoring)),
            Vec::new(),
        );
        self.obj(
            &[
                "Microsoft.Exchange.Data.Storage.Management.MigrationUserSkippedItem",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
            Some(b.text()),
            None,
            [p("Kind", s(&b.kind)), p("FolderName", opt_s(b.folder.as_deref()))]
                .into_iter()
                .chain(b.detail_props())
                .chain([
                    p(
                        "Failure",
                        i.failure.as_ref().map_or(Value::Nil, |f| {
                            s(&format!("{}: {}", f.failure_type, f.message))
                        }),
                    ),
                    p("ScoringClassifications", scoring),
                ])
                .collect(),
        )
    }
}

fn ref_of(v: &Value) -> Value {
    match v {
        Value::Obj(o) => o.id.clone().map_or(Value::Nil, Value::Ref),
        other => other.clone(),
    }
}

fn set_members(v: &mut Value, members: Vec<Property>) {
    if let Value::Obj(o) = v
        && let Some(o) = Arc::get_mut(o)
    {
        o.members = members;
    }
}

/// Writes one sample file into `dir`.
pub fn write_sample(
    sample: &samples::Sample,
    dir: &std::path::Path,
) -> std::io::Result<std::path::PathBuf> {
    use crate::clixml::writer::OutputEncoding;
    let path = dir.join(sample.file);
    let encoding = match sample.encoding {
        samples::SampleEncoding::Utf8 => OutputEncoding::Utf8,
        samples::SampleEncoding::Utf16LeBom => OutputEncoding::Utf16LeBom,
    };
    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    write_export(file, encoding, sample.mailboxes.iter().cloned())?;
    Ok(path)
}

/// Writes an export of the given mailboxes to `out`, one top-level object per
/// mailbox, streaming (one mailbox in memory at a time).
pub fn write_export<W: std::io::Write>(
    out: W,
    encoding: crate::clixml::writer::OutputEncoding,
    mailboxes: impl IntoIterator<Item = MailboxSpec>,
) -> std::io::Result<W> {
    let mut writer = crate::clixml::writer::Writer::new(out, encoding, "\r\n")?;
    let mut ids = Ids::default();
    for spec in mailboxes {
        let value = Builder::new(&mut ids, spec.onboarding).mailbox(&spec);
        writer.write_value(&value)?;
    }
    writer.finish()
}
