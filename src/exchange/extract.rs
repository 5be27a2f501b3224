//! From top-level CLIXML values to [`Mailbox`] records: recognises the export
//! type, reads its fields whatever shape they took, and collects the report's
//! bad items and failures so that every event is counted once.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use crate::clixml::{Base, Object, RefId, Value};

use super::access::{
    BAD_ITEM_KIND, EXCEPTION_SIDE, NAMES_ONLY, REQUEST_STATE, REQUEST_STATUS, View, has_type,
};
use super::model::{
    BadItem, Failure, ItemSource, Latency, Mailbox, MoveDurations, MoveEvent, MoveStats,
    SessionStats, SourceType, StallBucket,
};
use super::text;
use crate::keyed::Keyed;

/// What a top-level value turned out to be.
pub enum Extracted {
    /// One or more mailbox records.
    Mailboxes(Vec<Mailbox>),
    /// Not a move report object (kept as its type name for the input summary).
    Other(String),
}

/// Reads the mailbox records in one top-level value.
pub fn extract(value: &Value, view: View<'_>) -> Extracted {
    let mut out = Vec::new();
    let Some(obj) = view.object(value) else {
        let what = match value {
            Value::Text(_, s) if !s.is_empty() => "string",
            _ => "value",
        };
        return Extracted::Other(what.to_string());
    };
    collect(&obj, view, &mut out, 0);
    if out.is_empty() {
        Extracted::Other(obj.types.first().cloned().unwrap_or_else(|| "object".into()))
    } else {
        Extracted::Mailboxes(out)
    }
}

fn collect(obj: &Arc<Object>, view: View<'_>, out: &mut Vec<Mailbox>, depth: usize) {
    if depth > 4 {
        return;
    }
    // `Export-Clixml -InputObject $array`: one list of statistics.
    if let Some(Base::Items(_, items)) = &obj.base {
        for item in items {
            if let Some(o) = view.object(item) {
                collect(&o, view, out, depth + 1);
            }
        }
        return;
    }
    if has_type(obj, "MigrationUserStatistics") || has_type(obj, "MigrationUser") {
        out.push(migration_user(obj, view));
    } else if has_type(obj, "MailboxStatistics")
        || (obj.get("MoveHistory").is_some() && obj.get("Report").is_none())
    {
        out.extend(move_history(obj, view));
    } else if has_type(obj, "Report") && obj.get("Report").is_none() {
        let mut m = Mailbox { source_type: Some(SourceType::Report), ..Mailbox::default() };
        read_report(&Value::Obj(obj.clone()), view, &mut m);
        out.push(m);
    } else if has_type(obj, "MoveRequestStatistics")
        || has_type(obj, "RequestStatisticsBase")
        || obj.get("Report").is_some()
        || obj.get("BadItemsEncountered").is_some()
    {
        out.push(request_statistics(obj, view, SourceType::MoveRequestStatistics));
    }
}

/// Fields common to request statistics and move-history entries.
fn request_statistics(o: &Object, view: View<'_>, source: SourceType) -> Mailbox {
    let mut m = Mailbox {
        source_type: Some(source),
        identity: o
            .to_string
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| view.prop_text(o, "Identity")),
        display_name: view.prop_text(o, "DisplayName"),
        alias: view.prop_text(o, "Alias"),
        exchange_guid: view
            .prop_text(o, "ExchangeGuid")
            .or_else(|| view.prop_text(o, "MailboxGuid")),
        batch: view.prop_text(o, "BatchName"),
        status: view.enum_name(o, "Status", REQUEST_STATUS),
        status_detail: view.enum_name(o, "StatusDetail", REQUEST_STATE),
        failure_type: view.prop_text(o, "FailureType"),
        message: view.prop_text(o, "Message").or_else(|| view.prop_text(o, "LastFailure")),
        bad_item_limit: view.prop_limit(o, "BadItemLimit"),
        large_item_limit: view.prop_limit(o, "LargeItemLimit"),
        bad_items_encountered: view.prop_number(o, "BadItemsEncountered"),
        large_items_encountered: view.prop_number(o, "LargeItemsEncountered"),
        missing_items_encountered: view.prop_number(o, "MissingItemsEncountered"),
        data_consistency_score: view.enum_name(o, "DataConsistencyScore", NAMES_ONLY),
        scoring_factors: texts(view, &view.prop_list(o, "DataConsistencyScoringFactors")),
        unapproved_skipped_items: view.prop_bool(o, "HasUnapprovedSkippedItems"),
        skipped_item_approval: view.prop_datetime(o, "SkippedItemApprovalTimestamp"),
        flags: view.enum_name(o, "Flags", NAMES_ONLY),
        workload_type: view.enum_name(o, "WorkloadType", NAMES_ONLY),
        total_mailbox_size: view.prop_bytes(o, "TotalMailboxSize"),
        stats: move_stats(o, view),
        ..Mailbox::default()
    };
    m.to_exchange_online = m.workload_type.as_deref() == Some("Onboarding")
        || m.data_consistency_score.is_some()
        || view
            .prop_text(o, "TargetDeliveryDomain")
            .is_some_and(|d| d.to_ascii_lowercase().ends_with(".onmicrosoft.com"));
    if let Some(report) = o.get("Report") {
        read_report(report, view, &mut m);
    }
    m
}

/// What a statistics object (a move request's, a migration user's or a
/// move-history entry) and its report say about the move's speed: its
/// durations, sizes, timestamps and servers, the report's session
/// statistics and the progress lines of its entry log. One pass of its own,
/// apart from the bad items, so its cost can be measured alone.
pub fn move_stats(o: &Object, view: View<'_>) -> MoveStats {
    let duration = |name: &str| view.prop_duration(o, name);
    let mut durations = MoveDurations {
        overall: duration("OverallDuration"),
        in_progress: duration("TotalInProgressDuration"),
        queued: duration("TotalQueuedDuration"),
        suspended: duration("TotalSuspendedDuration"),
        failed: duration("TotalFailedDuration"),
        transient_failure: duration("TotalTransientFailureDuration"),
        idle: duration("TotalIdleDuration"),
        stalled: duration("TotalStalledDuration"),
        stalls: [None; 9],
    };
    for &b in StallBucket::ALL {
        durations.stalls[b.index()] = b.properties().iter().find_map(|p| duration(p));
    }
    let mut stats = MoveStats {
        durations,
        archive_size: view.prop_bytes(o, "TotalArchiveSize"),
        estimated_transfer_size: view.prop_bytes(o, "EstimatedTotalTransferSize"),
        bytes_transferred: view.prop_bytes(o, "BytesTransferred"),
        percent_complete: view
            .prop_number(o, "PercentComplete")
            .or_else(|| view.prop_number(o, "PercentageComplete")),
        start: view.prop_datetime(o, "StartTimestamp"),
        completion: view.prop_datetime(o, "CompletionTimestamp"),
        last_update: view.prop_datetime(o, "LastUpdateTimestamp"),
        source_server: view.prop_text(o, "SourceServer"),
        mrs_server: view.prop_text(o, "MRSServerName"),
        ..MoveStats::default()
    };
    if let Some(report) = o.get("Report") {
        report_stats(report, view, &mut stats);
    }
    stats
}

/// The sessions and the progress lines of a report, whatever its shape.
fn report_stats(report: &Value, view: View<'_>, stats: &mut MoveStats) {
    // What a text log's dates are read against when they do not tell their
    // order: the move's own times, in UTC.
    let near = [&stats.start, &stats.last_update, &stats.completion]
        .into_iter()
        .find_map(|t| t.as_deref().and_then(crate::time::xsd_epoch_ticks));
    let obj = match report {
        Value::Text(_, log) => {
            stats.events = text::log_progress_events(log.lines(), near);
            return;
        }
        v => match view.object(v) {
            Some(o) => o,
            None => return,
        },
    };
    stats.primary_session = view.prop(&obj, "SessionStatistics").and_then(|v| session(&v, view));
    stats.archive_session =
        view.prop(&obj, "ArchiveSessionStatistics").and_then(|v| session(&v, view));
    // The entries are borrowed, not copied: a flattened report holds one
    // string per entry, most of them bad items this pass skips.
    let list = obj.get("Entries").and_then(|v| match v {
        Value::Text(_, log) => Some(Err(log.as_str())),
        v => view.object(v).map(Ok),
    });
    let entries: &[Value] = match &list {
        Some(Ok(o)) => match &o.base {
            Some(Base::Items(_, items)) => items,
            _ => &[],
        },
        // A list flattened into one string: the log's lines.
        Some(Err(log)) => {
            stats.events = text::log_progress_events(log.lines(), near);
            return;
        }
        None => &[],
    };
    if entries.is_empty() {
        // The report's own text is the complete entry log.
        if let Some(log) = obj.to_string.as_deref() {
            stats.events = text::log_progress_events(log.lines(), near);
        }
        return;
    }
    let mut texts: Vec<&str> = Vec::new();
    for e in entries {
        if let Value::Text(_, t) = e {
            texts.push(t);
            continue;
        }
        let Some(eo) = view.object(e) else { continue };
        // Borrowed where it can be: every entry is looked at, few are kept.
        let owned;
        let message = match eo.get("Message") {
            Some(Value::Text(_, m)) => m.as_str(),
            Some(v) => {
                owned = view.text(v).unwrap_or_default();
                owned.as_str()
            }
            None => eo.to_string.as_deref().unwrap_or(""),
        };
        if let Some(event) = text::progress_event(message) {
            let time = view
                .prop_datetime(&eo, "CreationTime")
                .and_then(|t| crate::time::xsd_epoch_ticks(&t));
            stats.events.push(MoveEvent { time, event });
        }
    }
    if !texts.is_empty() {
        stats.events.extend(text::log_progress_events(texts, near));
    }
}

/// A `SessionStatistics`, structured (its members in any shape) or
/// flattened to its text; `None` when it says nothing.
fn session(v: &Value, view: View<'_>) -> Option<SessionStats> {
    let stats = match view.object(v) {
        Some(o) if !o.props.is_empty() || !o.members.is_empty() => SessionStats {
            source_provider: view.prop(&o, "SourceProviderInfo").and_then(|p| provider(&p, view)),
            destination_provider: view
                .prop(&o, "DestinationProviderInfo")
                .and_then(|p| provider(&p, view)),
            word_breaking: view.prop_duration(&o, "TotalTimeProcessingMessages"),
            source_latency: view
                .prop(&o, "SourceLatencyInfo")
                .map(|l| latency(&l, view))
                .unwrap_or_default(),
            destination_latency: view
                .prop(&o, "DestinationLatencyInfo")
                .map(|l| latency(&l, view))
                .unwrap_or_default(),
        },
        _ => text::session_statistics(&view.text(v)?),
    };
    (!stats.is_empty()).then_some(stats)
}

/// A `ProviderInfo`'s total time in seconds: `TotalDuration`, else the sum
/// of its `Durations`; flattened, its `Total Execution Time`.
fn provider(v: &Value, view: View<'_>) -> Option<f64> {
    let o = match view.object(v) {
        Some(o) if !o.props.is_empty() => o,
        _ => return text::provider_total(&view.text(v)?),
    };
    if let Some(total) = view.prop_duration(&o, "TotalDuration") {
        return Some(total);
    }
    let items = view.prop_list(&o, "Durations");
    let parts: Vec<f64> = items
        .iter()
        .filter_map(|d| match view.object(d) {
            Some(info) if !info.props.is_empty() => view.prop_duration(&info, "Duration"),
            // `<Name>: <TimeSpan>`, as the flattened session lists them.
            _ => view.text(d)?.rsplit_once(": ").and_then(|(_, t)| text::timespan(t)),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.iter().sum())
}

/// A `LatencyInfo`, structured or flattened.
fn latency(v: &Value, view: View<'_>) -> Latency {
    match view.object(v) {
        Some(o) if !o.props.is_empty() => Latency {
            average_ms: view.prop(&o, "Average").and_then(|a| view.signed(&a)).map(|a| a as f64),
            samples: view.prop_number(&o, "NumberOfLatencySamplingCalls"),
        },
        _ => view.text(v).map(|t| text::latency(&t)).unwrap_or_default(),
    }
}

fn migration_user(o: &Object, view: View<'_>) -> Mailbox {
    let mut m = request_statistics(o, view, SourceType::MigrationUserStatistics);
    m.identity = m
        .identity
        .or_else(|| view.prop_text(o, "Identifier"))
        .or_else(|| view.prop_text(o, "EmailAddress"));
    m.batch = m.batch.or_else(|| view.prop_text(o, "BatchId"));
    m.exchange_guid = view.prop_text(o, "MailboxGuid").or(m.exchange_guid);
    m.to_exchange_online = true;
    if let Some(err) = view.prop(o, "Error") {
        let f = failure_of(&err, view);
        if m.failure_type.is_none() {
            m.failure_type = f.failure_type.clone().or_else(|| view.prop_text(o, "ErrorType"));
        }
        if m.message.is_none() {
            m.message = f.message.clone();
        }
    }
    // Skipped items project the report's bad and large items: add only those
    // the report did not already list, and lend them their DCS classification.
    let skipped = view.prop_list(o, "SkippedItems");
    for v in skipped {
        let mut item = match view.object(&v) {
            Some(obj) => bad_message(&obj, view),
            None => match view.text(&v).and_then(|t| text::bad_item(&t)) {
                Some(b) => b,
                None => BadItem { text: view.text(&v), ..BadItem::default() },
            },
        };
        item.source = Some(ItemSource::SkippedItems);
        let key = signature(&item);
        if let Some(existing) = m.bad_items.iter_mut().find(|b| {
            b.source != Some(ItemSource::SkippedItems)
                && signature(b) == key
                && b.scoring.is_empty()
        }) {
            existing.scoring = item.scoring;
            continue;
        }
        m.bad_items.push(item);
    }
    m
}

fn move_history(o: &Object, view: View<'_>) -> Vec<Mailbox> {
    let owner = o.to_string.clone().or_else(|| view.prop_text(o, "DisplayName"));
    view.prop_list(o, "MoveHistory")
        .iter()
        .filter_map(|entry| view.object(entry))
        .map(|entry| {
            let mut m = request_statistics(&entry, view, SourceType::MoveHistory);
            m.display_name = m.display_name.or_else(|| view.prop_text(o, "DisplayName"));
            m.exchange_guid = m.exchange_guid.or_else(|| view.prop_text(o, "MailboxGuid"));
            if m.identity.is_none() || m.identity == entry.to_string {
                m.identity = owner.clone().or(m.identity);
            }
            m
        })
        .collect()
}

fn texts(view: View<'_>, items: &[Value]) -> Vec<String> {
    items.iter().filter_map(|v| view.text(v)).collect()
}

/// A record's identity for counting it once: its object id when it has one.
fn id_of(view: View<'_>, v: &Value) -> Option<RefId> {
    view.identity(v)
}

/// Reads a report (structured, partly flattened, or only text) into `m`.
fn read_report(report: &Value, view: View<'_>, m: &mut Mailbox) {
    let obj = match report {
        Value::Nil => return,
        Value::Text(_, s) => {
            m.has_report = true;
            read_log_text(s, m);
            return;
        }
        v => match view.object(v) {
            Some(o) => o,
            None => return,
        },
    };
    m.has_report = true;
    let mut seen_items: HashMap<RefId, usize> = HashMap::new();
    let mut item_failures: HashSet<RefId> = HashSet::new();
    let mut seen_failures: HashSet<RefId> = HashSet::new();
    let mut failures: Vec<(Option<RefId>, Failure)> = Vec::new();

    let entries = view.prop_list(&obj, "Entries");
    m.report_entries = entries.len();
    let lists_present = obj.get("BadItems").is_some() || obj.get("LargeItems").is_some();

    // Structured lists first.
    for (list, source) in
        [("BadItems", ItemSource::BadItems), ("LargeItems", ItemSource::LargeItems)]
    {
        for v in view.prop_list(&obj, list) {
            push_item(&v, source, None, view, m, &mut seen_items, &mut item_failures);
        }
    }
    // Entries: their bad items when the lists lack them, their timestamps,
    // their failures, and the data-loss acceptance line.
    let mut entry_texts = Vec::new();
    for e in &entries {
        let Some(eo) = view.object(e) else {
            if let Some(t) = view.text(e) {
                entry_texts.push(t);
            }
            continue;
        };
        let time = view.prop_datetime(&eo, "CreationTime");
        let msg =
            view.prop_text(&eo, "Message").or_else(|| eo.to_string.clone()).unwrap_or_default();
        if msg.contains("allowed a large amount of data loss") {
            m.large_data_loss_accepted = true;
        }
        if let Some(b) = eo.get("BadItem").filter(|v| !matches!(v, Value::Nil)) {
            let known = id_of(view, b).and_then(|id| seen_items.get(&id).copied());
            if let Some(i) = known {
                // Same record as in the lists: lend it the entry's time.
                if time.is_some() {
                    m.bad_items[i].timestamp = time.clone();
                }
            } else if !lists_present || id_of(view, b).is_some() {
                push_item(
                    b,
                    ItemSource::BadItems,
                    time.clone(),
                    view,
                    m,
                    &mut seen_items,
                    &mut item_failures,
                );
            }
        }
        if let Some(f) = eo.get("Failure").filter(|v| !matches!(v, Value::Nil)) {
            collect_failure(f, view, &mut failures, &mut seen_failures);
        }
    }
    if !entry_texts.is_empty() {
        m.report_entries = entry_texts.len();
        let joined = entry_texts.join("\n");
        if !lists_present && m.bad_items.is_empty() {
            read_log_text(&joined, m);
        } else if joined.contains("allowed a large amount of data loss") {
            m.large_data_loss_accepted = true;
        }
    }
    for f in view.prop_list(&obj, "Failures") {
        collect_failure(&f, view, &mut failures, &mut seen_failures);
    }
    // Last resort: the report's own text, the complete entry log.
    if entries.is_empty()
        && !lists_present
        && m.bad_items.is_empty()
        && let Some(t) = obj.to_string.as_deref()
    {
        read_log_text(t, m);
        if failures.is_empty() {
            failures.extend(m.failures.drain(..).map(|f| (None, f)));
        }
    }
    // A bad item's own failure is not a second event.
    let failures: Vec<Failure> = failures
        .into_iter()
        .filter(|(id, _)| id.as_ref().is_none_or(|id| !item_failures.contains(id)))
        .map(|(_, f)| f)
        .collect();
    merge_failures(m, failures);
}

fn push_item(
    v: &Value,
    source: ItemSource,
    time: Option<String>,
    view: View<'_>,
    m: &mut Mailbox,
    seen: &mut HashMap<RefId, usize>,
    item_failures: &mut HashSet<RefId>,
) {
    if let Some(id) = id_of(view, v) {
        if seen.contains_key(&id) {
            return;
        }
        seen.insert(id, m.bad_items.len());
    }
    let mut item = match view.object(v) {
        Some(o) => {
            if let Some(fid) = o.get("Failure").and_then(|f| id_of(view, f)) {
                item_failures.insert(fid);
            }
            bad_message(&o, view)
        }
        None => match view.text(v) {
            Some(t) => text::bad_item(&t).unwrap_or_else(|| {
                m.unrecognised.push(t.clone());
                BadItem { text: Some(t), ..BadItem::default() }
            }),
            None => return,
        },
    };
    if source == ItemSource::LargeItems && item.kind.is_none() {
        item.kind = Some("LargeItem".into());
    }
    item.source = Some(source);
    if item.timestamp.is_none() {
        item.timestamp = time.or_else(|| item.failure.as_ref().and_then(|f| f.timestamp.clone()));
    }
    m.bad_items.push(item);
}

fn collect_failure(
    v: &Value,
    view: View<'_>,
    out: &mut Vec<(Option<RefId>, Failure)>,
    seen: &mut HashSet<RefId>,
) {
    let id = id_of(view, v);
    if let Some(id) = &id
        && !seen.insert(id.clone())
    {
        return;
    }
    out.push((id, failure_of(v, view)));
}

/// A `BadMessageRec` or `MigrationUserSkippedItem` object.
fn bad_message(o: &Object, view: View<'_>) -> BadItem {
    let mut item = BadItem {
        kind: view.enum_name(o, "Kind", BAD_ITEM_KIND),
        category: view.prop_text(o, "Category"),
        folder: view.prop_text(o, "FolderName"),
        well_known_folder: view.enum_name(o, "WellKnownFolderType", NAMES_ONLY),
        subject: view.prop_text(o, "Subject"),
        sender: view.prop_text(o, "Sender"),
        recipient: view.prop_text(o, "Recipient"),
        message_class: view.prop_text(o, "MessageClass"),
        // Hex in either case is one id; EntryId's base64 (a `BA`) is kept as is.
        entry_id: view
            .prop_text(o, "EntryIdHex")
            .map(|id| id.trim().to_ascii_uppercase())
            .or_else(|| view.prop_text(o, "EntryId")),
        size: view.prop_bytes(o, "MessageSize"),
        date_sent: view.prop_datetime(o, "DateSent"),
        date_received: view.prop_datetime(o, "DateReceived"),
        failure: view.prop(o, "Failure").map(|f| failure_of(&f, view)),
        text: o.to_string.clone(),
        scoring: texts(view, &view.prop_list(o, "ScoringClassifications")),
        ..BadItem::default()
    };
    // A record whose members were flattened away: fall back to its text.
    if item.kind.is_none()
        && item.folder.is_none()
        && let Some(parsed) = item.text.as_deref().and_then(text::bad_item)
    {
        let failure = item.failure.take();
        item = BadItem { failure, scoring: std::mem::take(&mut item.scoring), ..parsed };
    }
    item
}

/// A `FailureRec` object, or its `Type: message` text.
pub fn failure_of(v: &Value, view: View<'_>) -> Failure {
    match view.object(v) {
        Some(o) => {
            let mut f = Failure {
                timestamp: view.prop_datetime(&o, "Timestamp"),
                failure_type: view.prop_text(&o, "FailureType"),
                side: view.enum_name(&o, "FailureSide", EXCEPTION_SIDE),
                message: view.prop_text(&o, "Message"),
                data_context: view.prop_text(&o, "DataContext"),
                exception_types: exception_types(&o, view),
            };
            if f.failure_type.is_none()
                && f.message.is_none()
                && let Some(t) = &o.to_string
            {
                let parsed = text::failure(t);
                f.failure_type = parsed.failure_type;
                f.message = parsed.message;
            }
            f
        }
        None => view.text(v).map(|t| text::failure(&t)).unwrap_or_default(),
    }
}

fn exception_types(o: &Object, view: View<'_>) -> Vec<String> {
    let items = view.prop_list(o, "ExceptionTypes");
    let mut out = Vec::new();
    for v in items {
        if let Some(t) = view.text(&v) {
            // `{Exchange, MRS, MRSPermanent}` when flattened.
            for part in t.trim_matches(['{', '}']).split(',') {
                let p = part.trim();
                if !p.is_empty() {
                    out.push(p.to_string());
                }
            }
        }
    }
    out
}

/// Reads bad items and failures from a report's text log.
fn read_log_text(text: &str, m: &mut Mailbox) {
    let entries = text::log_entries(text);
    if m.report_entries == 0 {
        m.report_entries = entries.len();
    }
    for e in &entries {
        if e.message.contains("allowed a large amount of data loss") {
            m.large_data_loss_accepted = true;
        }
        if let Some(item) = text::bad_item_from_log(e) {
            m.bad_items.push(item);
        } else if let Some(rest) = e
            .message
            .strip_prefix("Fatal error ")
            .or_else(|| e.message.strip_prefix("Transient error "))
        {
            let ty = rest.split([' ', ':']).next().unwrap_or("").to_string();
            m.failures.push(Failure {
                timestamp: Some(e.time.clone()),
                failure_type: Some(ty).filter(|t| !t.is_empty()),
                message: Some(e.message.clone()),
                ..Failure::default()
            });
        }
    }
}

/// Principal failures that no bad item accounts for become bad items of the
/// `Failures` source; the rest stay failures.
fn merge_failures(m: &mut Mailbox, failures: Vec<Failure>) {
    type Signature = (Option<bool>, Option<String>, Option<String>);
    type Index = (Vec<Option<Signature>>, HashMap<Signature, VecDeque<usize>>);
    let mut used = vec![false; m.bad_items.len()];
    // Each candidate item's signature, computed once; and the candidates by
    // exact signature, in order, so a failure naming its side, folder and
    // principal finds its item without a scan (exports hold thousands).
    let mut signatures: Option<Index> = None;
    for f in failures {
        let ty = f.failure_type.as_deref().unwrap_or("");
        let principal = ty.contains("PrincipalMappingException");
        if !principal {
            m.failures.push(f);
            continue;
        }
        let (sigs, by_sig) = signatures.get_or_insert_with(|| {
            // Only the report's own items can be the same event; items made
            // from earlier failures are distinct failures.
            let sigs: Vec<Option<Signature>> = m.bad_items[..used.len()]
                .iter()
                .map(|b| {
                    let taken = b.failure.as_ref().is_some_and(|bf| bf.failure_type.is_some());
                    (!taken).then(|| item_signature(b))
                })
                .collect();
            let mut by_sig: HashMap<Signature, VecDeque<usize>> = HashMap::new();
            for (i, sig) in sigs.iter().enumerate() {
                if let Some(sig) = sig {
                    by_sig.entry(sig.clone()).or_default().push_back(i);
                }
            }
            (sigs, by_sig)
        });
        // Flattened exports: the same event as an item's text? Match once,
        // on whatever the failure still says (side always; folder and
        // principal when they survived).
        let (side, folder, who) = failure_signature(&f);
        let hit = if folder.is_some() && who.is_some() {
            let queue = by_sig.get_mut(&(Some(side), folder, who));
            queue.and_then(|q| {
                while let Some(i) = q.pop_front() {
                    if !used[i] {
                        return Some(i);
                    }
                }
                None
            })
        } else {
            sigs.iter().enumerate().position(|(i, sig)| {
                sig.as_ref().is_some_and(|(b_side, b_folder, b_who)| {
                    !used[i]
                        && *b_side == Some(side)
                        && (folder.is_none() || folder == *b_folder)
                        && (who.is_none() || who == *b_who)
                })
            })
        };
        match hit {
            Some(i) => {
                used[i] = true;
                let b = &mut m.bad_items[i];
                if b.failure.as_ref().is_none_or(|bf| bf.failure_type.is_none()) {
                    b.failure = Some(f);
                }
            }
            None => m.bad_items.push(BadItem {
                source: Some(ItemSource::Failures),
                timestamp: f.timestamp.clone(),
                folder: f
                    .data_context
                    .as_deref()
                    .and_then(text::data_context_folder)
                    .or_else(|| f.message.as_deref().and_then(text::principal_folder)),
                failure: Some(f),
                ..BadItem::default()
            }),
        }
    }
}

/// Identity of a principal event: side (`Some(true)` source, `Some(false)`
/// target, `None` not a principal error), folder, principal SID or alias.
fn item_signature(b: &BadItem) -> (Option<bool>, Option<String>, Option<String>) {
    let t = b.all_text();
    let side = if t.contains("principal in the target forest") {
        Some(false)
    } else if t.contains("principal from the source forest") {
        Some(true)
    } else {
        None
    };
    let p = text::principal_values(&t);
    (side, b.folder.clone(), p.sid.or(p.alias))
}

fn failure_signature(f: &Failure) -> (bool, Option<String>, Option<String>) {
    // `true` for the source side.
    let t = f.all_text();
    let source = f.failure_type.as_deref() == Some("SourcePrincipalMappingException");
    let folder = f
        .data_context
        .as_deref()
        .and_then(text::data_context_folder)
        .or_else(|| text::principal_folder(&t));
    let p = text::principal_values(&t);
    (source, folder, p.sid.or(p.alias))
}

/// What makes two item records the same item (report list vs skipped-item view).
fn signature(b: &BadItem) -> (Option<String>, Option<String>, Option<String>) {
    (b.kind.clone(), b.folder.clone(), b.subject.clone())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clixml::{IntTag, ListKind, Property, TextTag};
    use crate::exchange::access::no_refs;
    use crate::exchange::model::{LogEvent, Side};

    fn obj(to_string: Option<&str>, props: Vec<(&str, Value)>) -> Value {
        Value::Obj(Arc::new(Object {
            to_string: to_string.map(str::to_string),
            props: props.into_iter().map(|(n, value)| Property { name: n.into(), value }).collect(),
            ..Object::default()
        }))
    }

    fn text(tag: TextTag, t: &str) -> Value {
        Value::Text(tag, t.to_string())
    }

    fn list(items: Vec<Value>) -> Value {
        Value::Obj(Arc::new(Object {
            base: Some(Base::Items(ListKind::List, items)),
            ..Object::default()
        }))
    }

    /// An EnhancedTimeSpan as Export-CliXml writes it: ToString and Ticks.
    fn enhanced(ticks: i64) -> Value {
        obj(Some("ignored: Ticks win"), vec![("Ticks", Value::Int(IntTag::I64, ticks))])
    }

    fn stats_of(props: Vec<(&str, Value)>) -> MoveStats {
        let v = obj(None, props);
        move_stats(v.as_object().unwrap(), View::new(&no_refs))
    }

    #[test]
    fn durations_in_every_shape() {
        let s = stats_of(vec![
            ("TotalInProgressDuration", enhanced(36_000_000_000)),
            // An EnhancedTimeSpan whose Props were lost: its ToString.
            ("OverallDuration", obj(Some("1.02:03:04.5"), vec![])),
            // Flattened by Select-Object / a CSV round trip.
            ("TotalQueuedDuration", text(TextTag::S, "00:45:42.5955099")),
            ("TotalSuspendedDuration", text(TextTag::TS, "PT5H12M33S")),
            ("TotalFailedDuration", Value::Nil),
            // Exchange 2013's name of the content-indexing stall.
            ("TotalStalledDueToCIDuration", enhanced(6_000_000_000)),
            ("TotalStalledDueToWriteThrottle", text(TextTag::S, "00:10:00")),
            ("TotalArchiveSize", obj(Some("2 GB (2,147,483,648 bytes)"), vec![])),
            ("BytesTransferred", obj(Some("1.5 GB (1,610,612,736 bytes)"), vec![])),
            ("PercentComplete", Value::Int(IntTag::I32, 95)),
            ("SourceServer", text(TextTag::S, "EXCH01.contoso.com")),
            ("MRSServerName", text(TextTag::S, "AM6PR04MB5191.eurprd04.prod.outlook.com")),
            ("StartTimestamp", text(TextTag::DT, "2024-05-14T08:00:00Z")),
        ]);
        let d = &s.durations;
        assert_eq!(d.in_progress, Some(3600.0));
        assert_eq!(d.overall, Some(93_784.5));
        assert!((d.queued.unwrap() - 2742.5955099).abs() < 1e-9);
        assert_eq!(d.suspended, Some(18_753.0));
        assert_eq!(d.failed, None);
        assert_eq!(d.stall(StallBucket::ContentIndexing), Some(600.0));
        assert_eq!(d.stall(StallBucket::TargetThrottle), Some(600.0));
        assert_eq!(d.stall(StallBucket::SourceCpu), None);
        assert_eq!(s.archive_size, Some(2_147_483_648));
        assert_eq!(s.bytes_transferred, Some(1_610_612_736));
        assert_eq!(s.percent_complete, Some(95));
        assert_eq!(s.source_server.as_deref(), Some("EXCH01.contoso.com"));
        assert!(s.mrs_server.is_some() && s.start.is_some() && s.completion.is_none());
        assert!(
            stats_of(vec![("DisplayName", text(TextTag::S, "x"))]).durations
                == MoveDurations::default()
        );
    }

    #[test]
    fn sessions_structured_with_flattened_members_and_flattened_whole() {
        let duration_info = |secs: &str| obj(None, vec![("Duration", text(TextTag::TS, secs))]);
        let structured = obj(
            None,
            vec![
                ("TotalTimeProcessingMessages", text(TextTag::TS, "PT10M")),
                // TotalDuration missing: the sum of Durations.
                (
                    "SourceProviderInfo",
                    obj(
                        None,
                        vec![(
                            "Durations",
                            list(vec![duration_info("PT1H"), duration_info("PT30M")]),
                        )],
                    ),
                ),
                // A member flattened to its text inside a structured session.
                ("DestinationProviderInfo", text(TextTag::S, "Total Execution Time: 00:20:00")),
                (
                    "SourceLatencyInfo",
                    obj(
                        None,
                        vec![
                            ("Average", Value::Int(IntTag::I32, 120)),
                            ("NumberOfLatencySamplingCalls", Value::Int(IntTag::I32, 40)),
                        ],
                    ),
                ),
                (
                    "DestinationLatencyInfo",
                    text(
                        TextTag::S,
                        "Current: 0ms, Avg:0ms, NumberOfLatencySamplingCalls:0, Min:2147483647ms, Max: -2147483648ms",
                    ),
                ),
            ],
        );
        let report = obj(
            None,
            vec![
                ("SessionStatistics", structured),
                (
                    "ArchiveSessionStatistics",
                    text(
                        TextTag::S,
                        "Microsoft.Exchange.MailboxReplicationService.SessionStatistics",
                    ),
                ),
            ],
        );
        let s = stats_of(vec![("Report", report)]);
        let p = s.primary_session.unwrap();
        assert_eq!(p.word_breaking, Some(600.0));
        assert_eq!(p.source_provider, Some(5400.0));
        assert_eq!(p.destination_provider, Some(1200.0));
        assert_eq!(p.source_latency, Latency { average_ms: Some(120.0), samples: Some(40) });
        assert_eq!(p.destination_latency.samples, Some(0));
        assert_eq!(s.archive_session, None, "a session flattened to its type name says nothing");
    }

    #[test]
    fn progress_lines_from_structured_entries_and_from_text() {
        let entry = |time: &str, msg: &str| {
            obj(
                Some("ignored"),
                vec![("CreationTime", text(TextTag::DT, time)), ("Message", text(TextTag::S, msg))],
            )
        };
        let report = obj(
            None,
            vec![(
                "Entries",
                list(vec![
                    entry("2024-06-11T18:00:00Z", "Stage: LoadingMessages. Percent complete: 20."),
                    entry(
                        "2024-06-11T18:30:00.25Z",
                        "Copy progress: 10/20 messages, 1 KB (1,024 bytes)/2 KB (2,048 bytes).",
                    ),
                    entry(
                        "2024-06-11T19:00:02.089539Z",
                        "Request is no longer stalled and will continue.",
                    ),
                ]),
            )],
        );
        let s = stats_of(vec![("Report", report)]);
        assert_eq!(s.events.len(), 2);
        assert_eq!(
            s.events[0].time.map(crate::time::iso_utc_ticks).as_deref(),
            Some("2024-06-11T18:30:00.25Z")
        );
        assert_eq!(s.events[0].event, LogEvent::Copied { messages: 10, bytes: Some(1024) });
        assert_eq!(s.events[1].event, LogEvent::Unstalled);

        // The report only as text (en-GB times: 13/06 says day first).
        let log = "11/06/2024 18:00:00 [AM6PR04MB5191] Relinquishing job because of large delays due to unfavorable server health or budget limitations with a request throttling state 'StalledDueToTarget_Processor'.\r\n\
                   13/06/2024 07:00:00 [AM6PR04MB5191] Copy progress: 5/9 messages, 512 B (512 bytes)/1 KB (1,024 bytes).\r\n";
        let s = stats_of(vec![("Report", text(TextTag::S, log))]);
        assert_eq!(
            s.events.iter().map(|e| e.time.map(crate::time::iso_utc_ticks)).collect::<Vec<_>>(),
            [Some("2024-06-11T18:00:00Z".to_string()), Some("2024-06-13T07:00:00Z".to_string())]
        );
        assert_eq!(
            s.events[0].event,
            LogEvent::Stalled { side: Side::Target, reason: "Processor".into() }
        );
        // Entries flattened to strings.
        let report = obj(
            None,
            vec![(
                "Entries",
                list(vec![text(
                    TextTag::S,
                    "5/14/2024 8:00:49 AM [AM6PR04MB5191] Copy progress: 1200/1200 messages, 2 GB (2,147,483,648 bytes)/2 GB (2,147,483,648 bytes).",
                )]),
            )],
        );
        let s = stats_of(vec![("Report", report)]);
        assert_eq!(
            s.events[0].time.map(crate::time::iso_utc_ticks).as_deref(),
            Some("2024-05-14T08:00:49Z")
        );
    }
}
