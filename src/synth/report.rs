//! A whole mailbox from its spec: the statistics object, its report (entries,
//! bad items, large items, failures) in the shape the spec asks for, the
//! log text of each entry, and migration-user and move-history variants.

use super::builder::*;
use super::spec::*;
use crate::clixml::{Base, IntTag, ListKind, Property, UIntTag, Value};
use crate::exchange::model::StallBucket;

/// The MRS server of a move: an Exchange Online mailbox server when
/// onboarding, an on-premises one for a local move (the text reader tells
/// the two apart by these names).
struct Server {
    name: &'static str,
    fqdn: &'static str,
    database: &'static str,
    version: &'static str,
    build: &'static str,
}

const EXO: Server = Server {
    name: "AM6PR04MB5191",
    fqdn: "AM6PR04MB5191.eurprd04.prod.outlook.com",
    database: "EURPR04DG123-db045",
    version: "15.20 (Build 1122.0)",
    build: "15.20.1122.18",
};
const ON_PREMISES: Server = Server {
    name: "EXCH01",
    fqdn: "EXCH01.contoso.com",
    database: "DB01",
    version: "15.1 (Build 2507.6)",
    build: "15.1.2507.6",
};

fn server(spec: &MailboxSpec) -> &'static Server {
    if spec.onboarding { &EXO } else { &ON_PREMISES }
}

impl<'a> Builder<'a> {
    pub(super) fn entry_line(
        &mut self,
        spec: &MailboxSpec,
        t: u64,
        kind: (&'static str, i64),
        flags: (&'static str, i64),
        message: String,
    ) -> EntrySpec {
        let (time, display_time) = stamp(spec.start, t);
        let _ = self.remote;
        let server = server(spec).name.into();
        EntrySpec { time, display_time, server, entry_type: kind, flags, message }
    }

    /// The Report object (or its text) for a mailbox.
    pub fn report(&mut self, spec: &MailboxSpec) -> Value {
        let mut lines: Vec<(EntrySpec, Option<usize>, Option<usize>)> = Vec::new(); // entry, item, failure
        let info = ("Informational", 0);
        let none = ("None", 0);
        let mut t = 0;
        // Lines come 7 seconds apart, unless one is given its own time.
        let at: std::cell::Cell<Option<u64>> = std::cell::Cell::new(None);
        let mut log = |b: &mut Self,
                       kind,
                       flags,
                       msg: String,
                       item: Option<usize>,
                       failure: Option<usize>| {
            t = at.take().map_or(t + 7, |a| a.max(t + 1));
            let e = b.entry_line(spec, t, kind, flags, msg);
            lines.push((e, item, failure));
        };
        let who = if spec.onboarding {
            "'MigrationService (on behalf of '')'"
        } else {
            "'CONTOSO\\admin'"
        };
        log(self, info, none, format!("{who} created move request."), None, None);
        let srv = server(spec);
        log(
            self,
            info,
            none,
            format!(
                "The Microsoft Exchange Mailbox Replication service '{}' ({} ServerCaps:01FFFFFF, ProxyCaps:1FFDFFD7FFCAFFFFFFFFFFFFFFFFFFFF, MailboxCaps:, legacyCaps:01FFFFFF) is examining the request.",
                srv.fqdn, srv.build
            ),
            None,
            None,
        );
        log(
            self,
            info,
            none,
            format!(
                "Connected to target mailbox '{}', database '{}', Mailbox server '{}' Version {}.",
                spec.guid, srv.database, srv.fqdn, srv.version
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
        let perf = spec.perf.as_ref();
        for (secs, message) in perf.map_or(&[][..], |p| p.log.as_slice()) {
            at.set(Some(*secs));
            log(self, info, none, message.clone(), None, None);
        }
        if !perf.is_some_and(|p| p.copy_incomplete) {
            // After progress lines, the copy completes when the move's time is up.
            if let Some(p) = perf.filter(|p| !p.log.is_empty()) {
                at.set(Some(60 + p.in_progress as u64));
            }
            let messages = perf.and_then(|p| p.messages).unwrap_or(1200);
            let size = perf.filter(|p| p.archive_only).and_then(|p| p.archive_size);
            let size = size_text(size.unwrap_or(spec.size));
            log(
                self,
                info,
                none,
                format!("Copy progress: {messages}/{messages} messages, {size}/{size}."),
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
        }
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
                let mut props = vec![
                    p("Entries", self.list("ReportEntry", entries)),
                    p("Failures", self.list("FailureRec", failures)),
                    p("BadItems", self.list("BadMessageRec", bad)),
                    p("LargeItems", self.list("BadMessageRec", large)),
                ];
                props.extend(self.sessions(spec, Some(SessionShape::Flattened)));
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
        let mut props = vec![
            p("Entries", self.list("ReportEntry", entries)),
            p("Warnings", Value::Nil),
            p("DebugEntries", Value::Nil),
            p("Failures", self.list("FailureRec", failures)),
            p("BadItems", self.list("BadMessageRec", bad)),
            p("LargeItems", self.list("BadMessageRec", large)),
            p("MailboxVerification", Value::Nil),
        ];
        props.extend(self.sessions(spec, None));
        self.obj(&report_types, Some(full_text), None, props)
    }

    /// The report's SessionStatistics and ArchiveSessionStatistics, in the
    /// spec's shape unless `shape` says otherwise.
    fn sessions(&mut self, spec: &MailboxSpec, shape: Option<SessionShape>) -> Vec<Property> {
        let Some(perf) = &spec.perf else { return Vec::new() };
        let shape = shape.unwrap_or(perf.sessions);
        let mut out = Vec::new();
        for (name, session, n) in [
            ("SessionStatistics", &perf.primary, 1),
            ("ArchiveSessionStatistics", &perf.archive, 2),
        ] {
            if let Some(session) = session {
                let id = format!("{}-{n}", &spec.guid[..23]);
                out.push(p(name, self.session(session, shape, &id)));
            }
        }
        out
    }

    /// The statistics object's performance properties, by the name each
    /// goes after (`None`: appended).
    fn perf_props(&mut self, spec: &MailboxSpec) -> Vec<Property> {
        let Some(perf) = &spec.perf else { return Vec::new() };
        let shape = perf.durations;
        let mut out = Vec::new();
        let mut duration = |b: &mut Self, name: &str, secs: f64| {
            let v = b.duration(secs, shape);
            out.push(p(name, v));
        };
        match spec.kind {
            MailboxKind::MoveRequest => {
                duration(self, "OverallDuration", perf.overall);
                duration(self, "TotalSuspendedDuration", perf.suspended);
                duration(self, "TotalFailedDuration", perf.failed);
                duration(self, "TotalQueuedDuration", perf.queued);
                duration(self, "TotalInProgressDuration", perf.in_progress);
                for (b, secs) in StallBucket::ALL.iter().zip(perf.stalls) {
                    duration(self, b.properties()[0], secs);
                }
                duration(self, "TotalTransientFailureDuration", perf.transient);
                duration(self, "TotalIdleDuration", perf.idle);
            }
            MailboxKind::MigrationUser => {
                duration(self, "TotalQueuedDuration", perf.queued);
                duration(self, "TotalInProgressDuration", perf.in_progress);
                duration(self, "TotalSyncedDuration", perf.synced);
                duration(self, "TotalStalledDuration", perf.stalls.iter().sum());
            }
        }
        out
    }

    pub(super) fn spec_limit(&mut self, l: SpecLimit) -> Value {
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
        let last =
            spec.perf.as_ref().map_or(7 * (spec.items.len() as u64 + 12), |p| p.overall as u64);
        let (end, _) = stamp(spec.start, last);
        let perf = self.perf_props(spec);
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
                let archive_only = spec.perf.as_ref().is_some_and(|p| p.archive_only);
                let flags = if archive_only {
                    self.enumv(
                        "Microsoft.Exchange.Data.Directory.Recipient.RequestFlags",
                        "CrossOrg, Pull, MoveOnlyArchiveMailbox",
                        9 + 2048,
                    )
                } else if spec.onboarding {
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
                    p(
                        "PercentComplete",
                        i32v(
                            spec.perf
                                .as_ref()
                                .map_or(if spec.status.0 == "Completed" { 100 } else { 95 }, |p| {
                                    i64::from(p.percent_complete)
                                }),
                        ),
                    ),
                    p("FailureType", opt_s(spec.failure_type.as_deref())),
                    p("FailureSide", Value::Nil),
                    p("Message", opt_s(spec.message.as_deref())),
                    p("DataConsistencyScore", dcs),
                    p("Report", report),
                    p("Identity", s(&spec.alias)),
                ]);
                if let Some(pf) = &spec.perf {
                    let servers = vec![
                        p("SourceServer", opt_s(pf.source_server.as_deref())),
                        p("MRSServerName", opt_s(pf.mrs_server.as_deref())),
                    ];
                    insert_after(&mut props, "RemoteHostName", servers);
                    let completed = spec.status.0.starts_with("Completed");
                    let completion =
                        p("CompletionTimestamp", if completed { dt(&end) } else { Value::Nil });
                    insert_after(&mut props, "LastUpdateTimestamp", vec![completion]);
                    insert_after(&mut props, "FailureTimestamp", perf);
                    let archive = pf.archive_size.map_or(Value::Nil, |b| self.size(b));
                    insert_after(
                        &mut props,
                        "TotalMailboxSize",
                        vec![p("TotalArchiveSize", archive)],
                    );
                    let transferred = self.size(pf.bytes_transferred);
                    insert_after(
                        &mut props,
                        "TotalMailboxItemCount",
                        vec![p("BytesTransferred", transferred)],
                    );
                }
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
                if let Some(pf) = &spec.perf {
                    insert_after(&mut props, "Error", perf);
                    let estimated = self.size(spec.size);
                    let transferred = self.size(pf.bytes_transferred);
                    let per_hour = self.size(
                        (pf.bytes_transferred as f64 / (pf.in_progress / 3600.0).max(1e-9)) as u64,
                    );
                    insert_after(
                        &mut props,
                        "SyncedItemCount",
                        vec![
                            p("EstimatedTotalTransferSize", estimated),
                            p("BytesTransferred", transferred),
                            p("AverageBytesTransferredPerHour", per_hour),
                            p("PercentageComplete", i32v(i64::from(pf.percent_complete))),
                        ],
                    );
                }
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

    pub(super) fn skipped_item(&mut self, i: &ItemSpec) -> Value {
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

/// Inserts `new` after the property `name` (at the end when there is none).
fn insert_after(props: &mut Vec<Property>, name: &str, new: Vec<Property>) {
    let at = props.iter().position(|x| x.name == name).map_or(props.len(), |i| i + 1);
    props.splice(at..at, new);
}
