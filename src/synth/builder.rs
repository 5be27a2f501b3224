//! The CLIXML objects of a remote session's output: type chains with
//! `Deserialized.`, enums with their name and number, ByteQuantifiedSize and
//! `Unlimited<T>`, the MRS record types (FailureRec, BadMessageRec, report
//! entries), each with its object id.

use std::sync::Arc;

use super::spec::{
    BAD_KINDS, BadSpec, DurationShape, EntrySpec, FailureSpec, LatencySpec, SessionShape,
    SessionSpec, latency_numbers, latency_text, provider_text, size_text, timespan_text,
    xs_duration_text,
};
use crate::clixml::{Base, IntTag, ListKind, Object, Property, RefId, TextTag, Value};

/// Hands out object ids; one per file, as PowerShell numbers them.
#[derive(Debug, Default)]
pub struct Ids {
    next: u64,
}

impl Ids {
    pub(super) fn take(&mut self) -> RefId {
        let id = RefId::Num(self.next);
        self.next += 1;
        id
    }
}

pub(super) const NS_MRS: &str = "Microsoft.Exchange.MailboxReplicationService";

/// Builds objects with the type chain a remote session gives them.
pub struct Builder<'a> {
    pub(super) ids: &'a mut Ids,
    /// Prefix type names with `Deserialized.` (objects that crossed remoting).
    pub remote: bool,
}

pub(super) fn p(name: &str, value: Value) -> Property {
    Property { name: name.into(), value }
}

pub(super) fn s(text: &str) -> Value {
    Value::Text(TextTag::S, text.to_string())
}

pub(super) fn opt_s(text: Option<&str>) -> Value {
    text.map_or(Value::Nil, s)
}

pub(super) fn i32v(n: i64) -> Value {
    Value::Int(IntTag::I32, n)
}

pub(super) fn dt(text: &str) -> Value {
    Value::Text(TextTag::DT, text.to_string())
}

pub(super) fn guid(text: &str) -> Value {
    Value::Text(TextTag::G, text.to_string())
}

pub(super) fn ts(seconds: f64) -> Value {
    Value::Text(TextTag::TS, xs_duration_text(seconds))
}

pub(super) fn i64v(n: i64) -> Value {
    Value::Int(IntTag::I64, n)
}

fn ticks(seconds: f64) -> i64 {
    (seconds * 1e7).round() as i64
}

impl<'a> Builder<'a> {
    /// A builder drawing ids from `ids`.
    pub fn new(ids: &'a mut Ids, remote: bool) -> Self {
        Builder { ids, remote }
    }

    pub(super) fn types(&self, names: &[&str]) -> Arc<[String]> {
        names
            .iter()
            .map(|t| if self.remote { format!("Deserialized.{t}") } else { (*t).to_string() })
            .collect::<Vec<_>>()
            .into()
    }

    pub(super) fn obj(
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

    /// A duration of the statistics object, in the shape asked for.
    pub fn duration(&mut self, seconds: f64, shape: DurationShape) -> Value {
        let text = timespan_text(seconds);
        let types =
            ["Microsoft.Exchange.Data.EnhancedTimeSpan", "System.ValueType", "System.Object"];
        match shape {
            DurationShape::Text => s(&text),
            DurationShape::ToStringOnly => self.obj(&types, Some(text), None, Vec::new()),
            DurationShape::Enhanced => {
                let t = ticks(seconds);
                let whole = t / 10_000_000;
                let props = vec![
                    p("Days", i32v(whole / 86_400)),
                    p("Hours", i32v(whole % 86_400 / 3600)),
                    p("Milliseconds", i32v(t / 10_000 % 1000)),
                    p("Minutes", i32v(whole % 3600 / 60)),
                    p("Seconds", i32v(whole % 60)),
                    p("Ticks", i64v(t)),
                    p("TotalDays", Value::Double(seconds / 86_400.0)),
                    p("TotalHours", Value::Double(seconds / 3600.0)),
                    p("TotalMilliseconds", Value::Double(seconds * 1000.0)),
                    p("TotalMinutes", Value::Double(seconds / 60.0)),
                    p("TotalSeconds", Value::Double(seconds)),
                ];
                self.obj(&types, Some(text), None, props)
            }
        }
    }

    /// A `LatencyInfo`.
    fn latency(&mut self, l: LatencySpec) -> Value {
        let (cur, avg, min, max, samples, calls, ms) = latency_numbers(l);
        self.obj(
            &[
                &format!("{NS_MRS}.LatencyInfo"),
                &format!("{NS_MRS}.XMLSerializableBase"),
                "System.Object",
            ],
            Some(latency_text(l)),
            None,
            vec![
                p("Current", i32v(cur)),
                p("Average", i32v(avg)),
                p("Min", i32v(min)),
                p("Max", i32v(max)),
                p("NumberOfLatencySamplingCalls", i32v(samples)),
                p("TotalNumberOfRemoteCalls", i32v(calls)),
                p("TotalRemoteCallDuration", ts(ms / 1000.0)),
                p("TotalRemoteCallDurationTicks", i64v(ticks(ms / 1000.0))),
            ],
        )
    }

    /// A `ProviderInfo`: its `DurationInfo` list and their total.
    fn provider(&mut self, durations: &[(&str, f64)]) -> Value {
        let items: Vec<Value> = durations
            .iter()
            .map(|(name, secs)| {
                self.obj(
                    &[
                        &format!("{NS_MRS}.DurationInfo"),
                        &format!("{NS_MRS}.XMLSerializableBase"),
                        "System.Object",
                    ],
                    Some(format!("{name}: {}", timespan_text(*secs))),
                    None,
                    vec![
                        p("Duration", ts(*secs)),
                        p("Name", s(name)),
                        p("DurationTicks", i64v(ticks(*secs))),
                    ],
                )
            })
            .collect();
        let list = self.obj(
            &[
                &format!("System.Collections.Generic.List`1[[{NS_MRS}.DurationInfo]]"),
                "System.Object",
            ],
            None,
            Some(Base::Items(ListKind::List, items)),
            Vec::new(),
        );
        let total: f64 = durations.iter().map(|(_, d)| d).sum();
        self.obj(
            &[
                &format!("{NS_MRS}.ProviderInfo"),
                &format!("{NS_MRS}.XMLSerializableBase"),
                "System.Object",
            ],
            Some(provider_text(durations)),
            None,
            vec![p("Durations", list), p("TotalDuration", ts(total))],
        )
    }

    /// A `SessionStatistics` in the shape asked for.
    pub fn session(&mut self, spec: &SessionSpec, shape: SessionShape, id: &str) -> Value {
        let text = spec.text(id);
        if shape == SessionShape::Flattened {
            return s(&text);
        }
        let flat = shape == SessionShape::MembersFlattened;
        let (src_latency, dst_latency, src, dst) = if flat {
            (
                s(&latency_text(spec.source_latency)),
                s(&latency_text(spec.destination_latency)),
                s(&provider_text(&spec.source)),
                s(&provider_text(&spec.destination)),
            )
        } else {
            (
                self.latency(spec.source_latency),
                self.latency(spec.destination_latency),
                self.provider(&spec.source),
                self.provider(&spec.destination),
            )
        };
        let wb = spec.word_breaking;
        let n = spec.messages as i64;
        self.obj(
            &[
                &format!("{NS_MRS}.SessionStatistics"),
                &format!("{NS_MRS}.XMLSerializableBase"),
                "System.Object",
            ],
            Some(text),
            None,
            vec![
                p("SessionId", s(id)),
                p("TotalMessagesProcessed", i32v(n)),
                p("MessagesSuccessfullyAnnotated", i32v(n)),
                p("AnnotationSkipped", i32v(0)),
                p("ConnectionLevelFailures", i32v(0)),
                p("MessageLevelFailures", i32v(0)),
                p("TotalTimeProcessingMessages", ts(wb)),
                p("TotalTimeProcessingMessagesTicks", i64v(ticks(wb))),
                p("TimeInGetConnection", ts(wb * 0.02)),
                p("TimeInWordbreaker", ts(wb * 0.9)),
                p("SourceLatencyInfo", src_latency),
                p("DestinationLatencyInfo", dst_latency),
                p("SourceProviderInfo", src),
                p("DestinationProviderInfo", dst),
                p("PreFinalSyncDataProcessingDuration", ts(0.0)),
            ],
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

pub(super) fn ref_of(v: &Value) -> Value {
    match v {
        Value::Obj(o) => o.id.clone().map_or(Value::Nil, Value::Ref),
        other => other.clone(),
    }
}

pub(super) fn set_members(v: &mut Value, members: Vec<Property>) {
    if let Value::Obj(o) = v
        && let Some(o) = Arc::get_mut(o)
    {
        o.members = members;
    }
}

impl BadSpec {
    /// The message properties a BadMessageRec and a MigrationUserSkippedItem
    /// share, in the order both write them.
    pub(super) fn detail_props(&self) -> [Property; 7] {
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
}
