//! Parsers for the text forms of report records, used when an export
//! flattened them to strings: `FailureRec` (`Type: message`), `BadMessageRec`
//! (its kind-specific phrases), report entry lines (`{time} [{server}] …`),
//! the principal values and folder inside principal-mapping messages,
//! ByteQuantifiedSize text (`36 MB (37,748,736 bytes)`), and
//! what performance needs: durations (`TS` and .NET TimeSpan text), the
//! texts of `SessionStatistics`, `ProviderInfo` and `LatencyInfo`, stall
//! states and the log lines about stalls and copy progress.

use super::model::{
    BadItem, Failure, ItemSource, LogEvent, MoveEvent, PrincipalValues, SessionStats, Side,
};

/// Parses `"{FailureType}: {Message}"`. A text with no type-like prefix is a
/// message without a type.
pub fn failure(text: &str) -> Failure {
    let t = text.trim();
    let (ty, msg) = match t.split_once(": ") {
        Some((ty, msg)) if is_type_name(ty) => (Some(ty.to_string()), msg.to_string()),
        _ => (None, t.to_string()),
    };
    Failure { failure_type: ty, message: Some(msg), ..Failure::default() }
}

fn is_type_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 200
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// What a report log line says about a bad item.
pub const CORRUPT_PREFIX: &str = "A corrupted item was encountered: ";
/// Large-item log lines.
pub const LARGE_PREFIX: &str = "A large item was encountered: ";
/// Missing-item log lines.
pub const MISSING_PREFIX: &str = "A missing item was encountered: ";

/// Parses a `BadMessageRec` text (its ToString, or the part of a log line
/// after "A corrupted item was encountered: "). Returns `None` for text that is
/// none of the known shapes.
pub fn bad_item(text: &str) -> Option<BadItem> {
    let t = text.trim().trim_end_matches(['\r', '\n']);
    let mut item = BadItem { text: Some(t.to_string()), ..BadItem::default() };
    if let Some(rest) = t.strip_prefix("Unable to translate principals") {
        // Folder ACL (source side) or mailbox security descriptor (target side).
        if let Some(folder) = principal_folder(rest) {
            item.folder = Some(folder);
            item.kind = Some("CorruptFolderACL".into());
        } else {
            item.kind = Some("CorruptMailboxSecurityDescriptor".into());
        }
        return Some(item);
    }
    let quoted = |prefix: &str| -> Option<String> {
        let rest = t.strip_prefix(prefix)?.strip_prefix('"')?;
        Some(rest.strip_suffix('"').unwrap_or(rest).to_string())
    };
    for (prefix, kind) in [
        ("Folder ACL ", "CorruptFolderACL"),
        ("Folder rule ", "CorruptFolderRule"),
        ("Search folder ", "CorruptSearchFolderCriteria"),
        ("Missing folder ", "MissingFolder"),
        ("Misplaced folder ", "MisplacedFolder"),
        ("Folder property ", "CorruptFolderProperty"),
        ("Corrupt mailbox setting ", "CorruptMailboxSetting"),
    ] {
        if let Some(folder) = quoted(prefix) {
            item.kind = Some(kind.into());
            item.folder = Some(folder);
            return Some(item);
        }
    }
    if let Some(rest) = t.strip_prefix("The following property error occurred for folder \"") {
        item.kind = Some("FolderPropertyMismatch".into());
        item.folder = rest.rsplit_once("\": \"").map(|(f, _)| f.to_string());
        return Some(item);
    }
    let (missing, rest) = match t.strip_prefix("Missing Item (") {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix("Item (")?),
    };
    let (class, rest) = rest.split_once(") Subject:\"")?;
    item.message_class = Some(class.to_string()).filter(|c| !c.is_empty());
    // Subjects and folders may hold quotes: anchor on the last `", Folder:"`.
    let (before_folder, folder) = rest.rsplit_once(", Folder:\"")?;
    item.folder = Some(folder.strip_suffix('"').unwrap_or(folder).to_string());
    if let Some((subject, size)) = before_folder.rsplit_once("\", Size: ") {
        item.subject = Some(subject.to_string());
        item.size = byte_count(size);
        item.kind = Some("LargeItem".into());
    } else {
        item.subject = Some(before_folder.strip_suffix('"').unwrap_or(before_folder).to_string());
        item.kind = Some(if missing { "MissingItem" } else { "CorruptItem" }.into());
    }
    Some(item)
}

/// The folder of a source-side principal message:
/// `… for folder "X"/"FolderNTSD": …` (typographic quotes accepted too).
pub fn principal_folder(text: &str) -> Option<String> {
    for (open, close) in
        [("for folder \"", "\"/\"FolderNTSD\""), ("for folder “", "”/”FolderNTSD”")]
    {
        if let Some(start) = text.find(open) {
            let rest = &text[start + open.len()..];
            if let Some(end) = rest.rfind(close) {
                return Some(rest[..end].to_string());
            }
            return rest.split_once('"').map(|(f, _)| f.to_string());
        }
    }
    None
}

/// The folder named in a FailureRec DataContext: `Folder: '{path}', entryId [`.
pub fn data_context_folder(text: &str) -> Option<String> {
    let start = text.find("Folder: '")? + "Folder: '".len();
    let rest = &text[start..];
    let end = rest.rfind("', entryId [").or_else(|| rest.find("',"))?;
    Some(rest[..end].to_string())
}

const KEYS: [&str; 7] =
    ["Alias", "DisplayName", "MailboxGuid", "SID", "ObjectGuid", "LegDN", "Proxies"];

/// Parses `Key: value;` principal values. Any key may be absent; values may
/// contain `;` (a display name), so a value runs to the next `; <Key>: `.
pub fn principal_values(text: &str) -> PrincipalValues {
    // Find every `Key: ` at a boundary (start, or after `; `, `: `, newline).
    // One pass over the `: ` separators (this runs on every bad item's text):
    // a mark wherever a key ends right before one.
    let mut marks: Vec<(usize, &str)> = Vec::new();
    let bytes = text.as_bytes();
    for colon in memchr::memchr_iter(b':', bytes) {
        if bytes.get(colon + 1) != Some(&b' ') {
            continue;
        }
        let head = &text[..colon];
        let Some(key) = KEYS.iter().find(|k| head.ends_with(**k)) else {
            continue;
        };
        // Keys are ASCII, so this is a character boundary.
        let at = colon - key.len();
        let before = text[..at].trim_end_matches(' ');
        let boundary = before.is_empty()
            || before.ends_with([';', ':', '\n', ','])
            || before.ends_with("values");
        if boundary {
            marks.push((at, key));
        }
    }
    let mut out = PrincipalValues::default();
    for (n, &(at, key)) in marks.iter().enumerate() {
        let start = at + key.len() + 2;
        let end = marks.get(n + 1).map_or(text.len(), |m| m.0);
        let raw = text[start..end].trim_end();
        let value = if key == "Proxies" {
            raw.trim_end_matches(['.', ';', ' ']).to_string()
        } else {
            // Up to the `;` that ends this pair (the last one before the next key).
            let v = raw.rsplit_once(';').map_or(raw, |(v, _)| v);
            v.trim().to_string()
        };
        if value.is_empty() {
            continue;
        }
        match key {
            "Alias" => out.alias = Some(value),
            "DisplayName" => out.display_name = Some(value),
            "MailboxGuid" => out.mailbox_guid = Some(value),
            "SID" => out.sid = Some(value),
            "ObjectGuid" => out.object_guid = Some(value),
            "LegDN" => out.legacy_dn = Some(value),
            _ => {
                let inner = value.trim_start_matches('[').trim_end_matches([']', ';', ' ']);
                out.proxies = inner
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
            }
        }
    }
    if out.sid.is_none() {
        out.sid = find_sid(text);
    }
    out
}

/// The first SID-shaped token (`S-1-` followed by dash-separated numbers).
pub fn find_sid(text: &str) -> Option<String> {
    for at in memchr::memmem::find_iter(text.as_bytes(), b"S-1-") {
        let tail: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == 'S')
            .collect();
        let tail = tail.trim_end_matches('-');
        if tail.len() > 6 && tail[2..].bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Some(tail.to_string());
        }
    }
    None
}

/// One line of a report's entry log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The timestamp text as printed (culture-dependent).
    pub time: String,
    /// The MRS server.
    pub server: String,
    /// The message (continuation lines joined with `\n`).
    pub message: String,
}

/// Splits a report's text (`Report.ToString()`, the portal download) into
/// entries: a new entry starts where a line is `{time} [{server}] {message}`.
pub fn log_entries(text: &str) -> Vec<LogEntry> {
    let mut out: Vec<LogEntry> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        match entry_line(line) {
            Some(e) => out.push(e),
            None => {
                if let Some(last) = out.last_mut() {
                    last.message.push('\n');
                    last.message.push_str(line);
                }
            }
        }
    }
    out
}

pub(crate) fn entry_line(line: &str) -> Option<LogEntry> {
    let (time, server, message) = entry_parts(line)?;
    Some(LogEntry {
        time: time.to_string(),
        server: server.to_string(),
        message: message.to_string(),
    })
}

/// `{time} [{server}] {message}` split in place: time, server, message.
fn entry_parts(line: &str) -> Option<(&str, &str, &str)> {
    let open = line.find(" [")?;
    let time = &line[..open];
    // A timestamp holds digits and date/time separators only (plus AM/PM).
    let ok_time = time.len() >= 8
        && time.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && time.bytes().filter(u8::is_ascii_digit).count() >= 6
        && time
            .chars()
            .all(|c| c.is_ascii_digit() || " /.:-APMapm".contains(c) || c.is_alphabetic());
    if !ok_time {
        return None;
    }
    let rest = &line[open + 2..];
    let close = rest.find("] ")?;
    let server = &rest[..close];
    if server.is_empty() || server.contains(' ') && !server.contains("MRS") {
        return None;
    }
    Some((time, server, &rest[close + 2..]))
}

/// The progress events of a log that exists only as text: `lines` are its
/// lines (a report's text) or its entries' texts (a flattened `Entries`).
/// Each event's time comes from its entry's prefix, read in the date order
/// the whole log shows, or else the one that puts it nearest to `near` (the
/// move's start: `move-report.md` §4.1; EXO prints the times in UTC).
pub fn log_progress_events<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    near: Option<i64>,
) -> Vec<MoveEvent> {
    let mut times = Vec::new();
    let mut found = Vec::new();
    for line in lines {
        let Some((time, _, message)) = entry_parts(line.trim_end_matches(['\r', '\n'])) else {
            continue;
        };
        times.push(time);
        if let Some(event) = progress_event(message) {
            found.push((time, event));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let order = crate::time::log_date_order_near(times.iter().copied(), near);
    found
        .into_iter()
        .map(|(time, event)| MoveEvent { time: crate::time::log_epoch_ticks(time, order), event })
        .collect()
}

/// The bad item a log entry reports, if it reports one.
pub fn bad_item_from_log(entry: &LogEntry) -> Option<BadItem> {
    let msg = entry.message.as_str();
    let (rest, large, missing) = if let Some(r) = msg.strip_prefix(CORRUPT_PREFIX) {
        (r, false, false)
    } else if let Some(r) = msg.strip_prefix(LARGE_PREFIX) {
        (r, true, false)
    } else if let Some(r) = msg.strip_prefix(MISSING_PREFIX) {
        (r, false, true)
    } else {
        return None;
    };
    let mut item = bad_item(rest)
        .unwrap_or_else(|| BadItem { text: Some(rest.trim().to_string()), ..BadItem::default() });
    if large {
        item.kind = Some("LargeItem".into());
    } else if missing && item.kind.as_deref() != Some("MissingFolder") {
        item.kind = Some("MissingItem".into());
    }
    item.source = Some(ItemSource::EntryLog);
    item.timestamp = Some(entry.time.clone());
    Some(item)
}

/// The byte count of a ByteQuantifiedSize text such as
/// `1.2 GB (1,288,490,188 bytes)`, whatever the thousands separator; also a
/// bare `123 B`/`123 bytes`.
pub fn byte_count(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(open) = t.rfind('(') {
        let inner = &t[open + 1..];
        if let Some(end) = inner.find("bytes)") {
            let digits: String = inner[..end].chars().filter(char::is_ascii_digit).collect();
            return digits.parse().ok();
        }
    }
    let num = t.strip_suffix("bytes").or_else(|| t.strip_suffix('B'))?.trim();
    num.parse().ok()
}

/// A .NET TimeSpan in its constant format, `[-][d.]hh:mm:ss[.f…]` (1–7
/// fraction digits), at the start of `text`: its seconds and the bytes it
/// took. The end is not anchored: in a flattened SessionStatistics the next
/// label follows the value with no separator.
pub fn timespan_prefix(text: &str) -> Option<(f64, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    let digits = |i: &mut usize, max: usize| -> Option<u64> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        (*i > start).then(|| text[start..*i].parse().ok()).flatten()
    };
    let first = digits(&mut i, 8)?;
    let (days, hours) = if b.get(i) == Some(&b'.') {
        i += 1;
        (first, digits(&mut i, 2)?)
    } else {
        (0, first)
    };
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minutes = digits(&mut i, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let seconds = digits(&mut i, 2)?;
    let mut fraction = 0.0;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 7 {
            i += 1;
        }
        fraction = text[start..i].parse::<f64>().ok()? / 10f64.powi((i - start) as i32);
    }
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total = (days * 86_400 + hours * 3600 + minutes * 60 + seconds) as f64 + fraction;
    Some((if negative { -total } else { total }, i))
}

/// A TimeSpan text (`1.02:03:04.5`, `00:45:42.5955099`, `05:13:18`), in seconds.
pub fn timespan(text: &str) -> Option<f64> {
    timespan_prefix(text.trim()).map(|(s, _)| s)
}

/// An xs:duration as `TS` holds it (`PT5H12M33.1234567S`, `P1DT2H`, `PT0S`,
/// `-PT1S`), in seconds. Years and months (never written for a TimeSpan)
/// count 365 and 30 days.
pub fn xs_duration(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut rest = t.strip_prefix('P')?;
    let mut total = 0.0;
    let mut in_time = false;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let end = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let n: f64 = rest[..end].parse().ok()?;
        let unit = rest[end..].chars().next()?;
        total += n * match (unit, in_time) {
            ('Y', false) => 365.0 * 86_400.0,
            ('M', false) => 30.0 * 86_400.0,
            ('D', false) => 86_400.0,
            ('H', true) => 3600.0,
            ('M', true) => 60.0,
            ('S', true) => 1.0,
            _ => return None,
        };
        any = true;
        rest = &rest[end + 1..];
    }
    any.then_some(if negative { -total } else { total })
}

/// The value after `label` (and any spaces) as a TimeSpan, in seconds.
fn timespan_after(text: &str, label: &str) -> Option<f64> {
    let at = text.find(label)? + label.len();
    timespan_prefix(text[at..].trim_start()).map(|(s, _)| s)
}

/// The whole number after `label` (and any spaces).
fn number_after(text: &str, label: &str) -> Option<u64> {
    let at = text.find(label)? + label.len();
    let rest = text[at..].trim_start();
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// A flattened `ProviderInfo`: `Total Execution Time: <TimeSpan>`, in seconds.
pub fn provider_total(text: &str) -> Option<f64> {
    timespan_after(text, "Total Execution Time:")
}

/// A flattened `LatencyInfo`: `Current: 45ms, Avg:52ms,
/// NumberOfLatencySamplingCalls:88, Min:3ms, Max: 910ms, …` (its spacing is
/// irregular).
pub fn latency(text: &str) -> super::model::Latency {
    super::model::Latency {
        average_ms: number_after(text, "Avg:").map(|n| n as f64),
        samples: number_after(text, "NumberOfLatencySamplingCalls:"),
    }
}

/// A flattened `SessionStatistics` (its ToString, `move-performance.md`
/// §2): word breaking, both latencies and both provider totals. A session
/// flattened to its type name gives nothing.
pub fn session_statistics(text: &str) -> SessionStats {
    let section = |from: &str, to: &[&str]| -> Option<&str> {
        let start = text.find(from)? + from.len();
        let rest = &text[start..];
        let end = to.iter().filter_map(|t| rest.find(t)).min().unwrap_or(rest.len());
        Some(&rest[..end])
    };
    const SOURCE_TOTAL: &str = "Source Provider Durations:";
    const DESTINATION_TOTAL: &str = "Destination Provider Durations:";
    let source_latency = section("SourceLatencyInfo:", &["DestinationLatencyInfo:", SOURCE_TOTAL])
        .map(latency)
        .unwrap_or_default();
    let destination_latency =
        section("DestinationLatencyInfo:", &[SOURCE_TOTAL]).map(latency).unwrap_or_default();
    SessionStats {
        source_provider: timespan_after(text, SOURCE_TOTAL),
        destination_provider: timespan_after(text, DESTINATION_TOTAL),
        word_breaking: timespan_after(text, "TotalTimeProcessingMessages:"),
        source_latency,
        destination_latency,
    }
}

/// A stall state as StatusDetail or a relinquish line names it, normalised
/// (`move-performance.md` §5): `StalledDueTo_TargetDiskLatency` and
/// `StalledDueToTarget_DiskLatency` are both `(target, DiskLatency)`;
/// Exchange 2013's `StalledDueToCI`, `…HA`, `…MailboxLock`, `…ReadCpu`, …
/// have their side by name. Anything else (`Relinquished…`, `InProgress`) is
/// no stall.
pub fn stall_state(state: &str) -> Option<(Side, String)> {
    let rest = state.trim().strip_prefix("StalledDueTo")?;
    let rest = rest.strip_prefix('_').unwrap_or(rest);
    for (prefix, side) in [("Source", Side::Source), ("Target", Side::Target)] {
        if let Some(reason) = rest.strip_prefix(prefix) {
            let reason = reason.strip_prefix('_').unwrap_or(reason);
            return (!reason.is_empty()).then(|| (side, reason.to_string()));
        }
    }
    let (side, reason) = match rest {
        "CI" | "HA" => (Side::Target, rest),
        "MailboxLock" => (Side::Source, rest),
        r => match (r.strip_prefix("Read"), r.strip_prefix("Write")) {
            (Some(k), _) if matches!(k, "Throttle" | "Cpu" | "Unknown") => (Side::Source, k),
            (_, Some(k)) if matches!(k, "Throttle" | "Cpu" | "Unknown") => (Side::Target, k),
            _ => return None,
        },
    };
    Some((side, reason.to_string()))
}

/// What a log entry's message says about the move's progress, if anything
/// (`move-performance.md` §6). Most entries are none of these: each test is
/// a prefix check first.
pub fn progress_event(message: &str) -> Option<LogEvent> {
    let m = message.trim_start();
    if let Some(rest) = m.strip_prefix("Copy progress: ") {
        return copy_progress(rest);
    }
    if m.starts_with("Request is no longer stalled") {
        return Some(LogEvent::Unstalled);
    }
    if let Some(rest) = m.strip_prefix("Relinquishing job because") {
        // Only a quoted throttling state opens an episode (a locked mailbox does not).
        let at = rest.find("'StalledDueTo")? + 1;
        let state = rest[at..].split('\'').next()?;
        let (side, reason) = stall_state(state)?;
        return Some(LogEvent::Stalled { side, reason });
    }
    if m.starts_with("Move for mailbox ") && m.contains(" is stalled because ") {
        // The replication constraint is checked on the destination database.
        let reason = m
            .split_once("(agent ")
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(agent, _)| agent.trim())
            .filter(|a| !a.is_empty())
            .unwrap_or("DataMoveReplicationConstraint");
        return Some(LogEvent::Stalled { side: Side::Target, reason: reason.to_string() });
    }
    None
}

/// `723/1456 messages, 225.8 MB (236,732,045 bytes)/416.5 MB (436,712,733
/// bytes).` (also ending `, a/b folders completed.`): the messages and the
/// bytes copied.
fn copy_progress(rest: &str) -> Option<LogEvent> {
    let (messages, rest) = rest.split_once('/')?;
    let messages = messages.trim().parse().ok()?;
    let bytes = rest.split_once("messages, ").and_then(|(_, sizes)| {
        let copied = match sizes.find("bytes)") {
            Some(end) => &sizes[..end + "bytes)".len()],
            None => sizes.split('/').next().unwrap_or(""),
        };
        byte_count(copied)
    });
    Some(LogEvent::Copied { messages, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_quantified_sizes_in_any_culture() {
        assert_eq!(byte_count("1.2 GB (1,288,490,188 bytes)"), Some(1_288_490_188));
        assert_eq!(byte_count("1,2 GB (1.288.490.188 bytes)"), Some(1_288_490_188));
        assert_eq!(byte_count("1,2 Go (1\u{a0}288\u{a0}490\u{a0}188 bytes)"), Some(1_288_490_188));
        assert_eq!(byte_count("36 MB (37,748,736 bytes)"), Some(37_748_736));
        assert_eq!(byte_count("512 B (512 bytes)"), Some(512));
        assert_eq!(byte_count("0 B"), Some(0));
        assert_eq!(byte_count("Unlimited"), None);
    }

    #[test]
    fn timespans_in_every_text_shape() {
        assert_eq!(timespan("1.02:03:04.5"), Some(93_784.5));
        assert_eq!(timespan("00:45:42.5955099"), Some(2742.5955099));
        assert_eq!(timespan("05:13:18"), Some(18_798.0));
        assert_eq!(timespan("-00:00:01"), Some(-1.0));
        assert_eq!(timespan("12.00:00:00"), Some(1_036_800.0));
        assert_eq!(timespan("25:00:00"), None);
        assert_eq!(timespan("five minutes"), None);
        // Not anchored at the end: the next label follows at once.
        let (secs, used) =
            timespan_prefix("00:12:00.1234567TimeInGetConnection: 00:00:01").unwrap();
        assert!((secs - 720.1234567).abs() < 1e-9);
        assert_eq!(used, "00:12:00.1234567".len());
        assert_eq!(timespan_prefix("00:00:00AnnotationSkipped: 0"), Some((0.0, 8)));
    }

    #[test]
    fn xs_durations() {
        assert_eq!(xs_duration("PT5H12M33.5S"), Some(18_753.5));
        assert_eq!(xs_duration("P1DT2H"), Some(93_600.0));
        assert_eq!(xs_duration("PT0S"), Some(0.0));
        assert_eq!(xs_duration("-PT1S"), Some(-1.0));
        assert_eq!(xs_duration("P"), None);
        assert_eq!(xs_duration("PT5X"), None);
        assert_eq!(xs_duration("5 hours"), None);
    }

    #[test]
    fn flattened_provider_latency_and_session_texts() {
        assert_eq!(provider_total("Total Execution Time: 08:42:10.5"), Some(31_330.5));
        assert_eq!(
            provider_total("Microsoft.Exchange.MailboxReplicationService.ProviderInfo"),
            None
        );
        let l = latency(
            "Current: 45ms, Avg:52ms, NumberOfLatencySamplingCalls:88, Min:3ms, Max: 910ms, \
             TotalNumberOfRemoteCalls:5120, TotalRemoteCallDuration: 452311.2345",
        );
        assert_eq!((l.average_ms, l.samples), (Some(52.0), Some(88)));
        let text = "SessionId: 8f3c\r\n--------\r\nCI WordBreaking Stats:\r\n--------\r\n\
            TotalMessagesProcessed: 21877\r\n\
            TotalTimeProcessingMessages: 00:45:42.5955099TimeInGetConnection: 00:00:01.2TimeInWordbreaker: 00:40:00TimeProcessingFailedMessages: 00:00:00AnnotationSkipped: 0MessageLevelFailures: 0ConnectionLevelFailures: 0\r\n\
            SourceLatencyInfo:\r\n------\r\nCurrent: 45ms, Avg:61ms, NumberOfLatencySamplingCalls:88, Min:3ms, Max: 910ms, TotalNumberOfRemoteCalls:5120, TotalRemoteCallDuration: 452311.2345\r\n\
            DestinationLatencyInfo:\r\n------\r\nCurrent: 0ms, Avg:0ms, NumberOfLatencySamplingCalls:0, Min:2147483647ms, Max: -2147483648ms, TotalNumberOfRemoteCalls:0, TotalRemoteCallDuration: 0\r\n\
            --------\r\nSource Provider Durations: 08:42:10.5\r\n--------\r\nIMailbox.Connect: 00:00:02.1\r\n\
            --------\r\nDestination Provider Durations:03:05:11\r\n--------\r\nIMailbox.Connect: 00:00:01\r\n\r\n\
            PreFinalSyncDataProcessingDuration: 00:00:00";
        let s = session_statistics(text);
        assert_eq!(s.source_provider, Some(31_330.5));
        assert_eq!(s.destination_provider, Some(11_111.0));
        assert_eq!(s.word_breaking, Some(2742.5955099));
        assert_eq!(s.source_latency.average_ms, Some(61.0));
        assert_eq!(s.source_latency.samples, Some(88));
        assert_eq!(s.destination_latency.samples, Some(0));
        assert!(
            session_statistics("Microsoft.Exchange.MailboxReplicationService.SessionStatistics")
                .is_empty()
        );
    }

    #[test]
    fn stall_states_in_both_spellings() {
        let t = stall_state;
        assert_eq!(t("StalledDueTo_TargetDiskLatency"), Some((Side::Target, "DiskLatency".into())));
        assert_eq!(t("StalledDueToTarget_DiskLatency"), Some((Side::Target, "DiskLatency".into())));
        assert_eq!(
            t("StalledDueToSource_UnknownReason"),
            Some((Side::Source, "UnknownReason".into()))
        );
        assert_eq!(
            t("StalledDueToTarget_MdbAvailability"),
            Some((Side::Target, "MdbAvailability".into()))
        );
        assert_eq!(t("StalledDueToCI"), Some((Side::Target, "CI".into())));
        assert_eq!(t("StalledDueToHA"), Some((Side::Target, "HA".into())));
        assert_eq!(t("StalledDueToMailboxLock"), Some((Side::Source, "MailboxLock".into())));
        assert_eq!(t("StalledDueToReadThrottle"), Some((Side::Source, "Throttle".into())));
        assert_eq!(t("StalledDueToWriteCpu"), Some((Side::Target, "Cpu".into())));
        assert_eq!(t("StalledDueToReadUnknown"), Some((Side::Source, "Unknown".into())));
        assert_eq!(t("StalledDueToMRS_Quarantined"), None);
        assert_eq!(t("RelinquishedWlmStall"), None);
        assert_eq!(t("InProgress"), None);
        assert_eq!(t("StalledDueToTarget_"), None);
    }

    #[test]
    fn log_lines_about_stalls_and_copy_progress() {
        let e = progress_event(
            "Move for mailbox '/o=ExchangeLabs/ou=x/cn=Recipients/cn=adele' is stalled because \
             DataMoveReplicationConstraint is not satisfied for the database 'EURPR04DG123-db045' \
             (agent ContentIndexing). Failure Reason: Content indexing is behind. Will wait until \
             6/11/2024 7:30:02 PM.",
        );
        assert_eq!(
            e,
            Some(LogEvent::Stalled { side: Side::Target, reason: "ContentIndexing".into() })
        );
        let e = progress_event(
            "Relinquishing job because of large delays due to unfavorable server health or budget \
             limitations with a request throttling state 'StalledDueToTarget_DiskLatency'.",
        );
        assert_eq!(e, Some(LogEvent::Stalled { side: Side::Target, reason: "DiskLatency".into() }));
        assert_eq!(
            progress_event(
                "Relinquishing job because the mailbox is locked. The job will attempt to continue again after 6/11/2024 8:00:00 PM."
            ),
            None
        );
        assert_eq!(
            progress_event("Request is no longer stalled and will continue."),
            Some(LogEvent::Unstalled)
        );
        assert_eq!(
            progress_event(
                "Copy progress: 723/1456 messages, 225.8 MB (236,732,045 bytes)/416.5 MB (436,712,733 bytes)."
            ),
            Some(LogEvent::Copied { messages: 723, bytes: Some(236_732_045) })
        );
        assert_eq!(
            progress_event(
                "Copy progress: 10/20 messages, 1 KB (1,024 bytes)/2 KB (2,048 bytes), 3/9 folders completed."
            ),
            Some(LogEvent::Copied { messages: 10, bytes: Some(1024) })
        );
        assert_eq!(progress_event("Stage: LoadingMessages. Percent complete: 20."), None);
        assert_eq!(progress_event("A corrupted item was encountered: Folder ACL \"Inbox\""), None);
    }

    #[test]
    fn failure_text() {
        let f = failure("SourcePrincipalMappingException: Failed to find a principal: x");
        assert_eq!(f.failure_type.as_deref(), Some("SourcePrincipalMappingException"));
        assert_eq!(f.message.as_deref(), Some("Failed to find a principal: x"));
        let f = failure("Something went wrong: badly");
        assert_eq!(f.failure_type, None);
    }

    #[test]
    fn bad_item_shapes() {
        let b = bad_item(r#"Item (IPM.Note) Subject:"Re: "quoted", here", Folder:"Inbox/a"b""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("CorruptItem"));
        assert_eq!(b.subject.as_deref(), Some(r#"Re: "quoted", here"#));
        assert_eq!(b.folder.as_deref(), Some(r#"Inbox/a"b"#));
        assert_eq!(b.message_class.as_deref(), Some("IPM.Note"));

        let b = bad_item(r#"Item (IPM.Note) Subject:"Big", Size: 40.2 MB (42,151,234 bytes), Folder:"Sent Items""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("LargeItem"));
        assert_eq!(b.size, Some(42_151_234));

        let b = bad_item(r#"Missing Item (IPM.Appointment) Subject:"Lunch", Folder:"Calendar""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("MissingItem"));
        assert_eq!(
            bad_item(r#"Folder ACL "Inbox""#).unwrap().kind.as_deref(),
            Some("CorruptFolderACL")
        );
        assert_eq!(bad_item(r#"Folder rule "Inbox""#).unwrap().folder.as_deref(), Some("Inbox"));
        assert_eq!(
            bad_item(r#"Search folder "Unread""#).unwrap().kind.as_deref(),
            Some("CorruptSearchFolderCriteria")
        );
        assert_eq!(
            bad_item(r#"The following property error occurred for folder "Top": "Property '0x1' has mismatching values""#)
                .unwrap()
                .folder
                .as_deref(),
            Some("Top")
        );
        assert!(bad_item("something else").is_none());
    }

    #[test]
    fn principal_messages() {
        let src = r#"Unable to translate principals for folder "Projects; "Q3" 'plan'"/"FolderNTSD": Failed to find a principal from the source forest."#;
        let b = bad_item(src).unwrap();
        assert_eq!(b.folder.as_deref(), Some(r#"Projects; "Q3" 'plan'"#));
        assert_eq!(b.kind.as_deref(), Some("CorruptFolderACL"));

        let tgt = "Unable to translate principals to the target mailbox: Failed to find a principal in the target forest that corresponds to the following source forest principal values: Alias: jdoe; DisplayName: Doe; John (Sales); MailboxGuid: 0b1c; SID: S-1-5-21-1-2-3-1104; ObjectGuid: 9f8e; LegDN: /o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe; Proxies: [X500:/o=Contoso/cn=jdoe; SMTP:jdoe@contoso.com;];.";
        let p = principal_values(tgt);
        assert_eq!(p.alias.as_deref(), Some("jdoe"));
        assert_eq!(p.display_name.as_deref(), Some("Doe; John (Sales)"));
        assert_eq!(p.sid.as_deref(), Some("S-1-5-21-1-2-3-1104"));
        assert_eq!(p.legacy_dn.as_deref(), Some("/o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe"));
        assert_eq!(p.proxies, ["X500:/o=Contoso/cn=jdoe", "SMTP:jdoe@contoso.com"]);

        let sid_only =
            principal_values("principal values: SID: S-1-5-21-9-9-9-500; ObjectGuid: abc;.");
        assert_eq!(sid_only.sid.as_deref(), Some("S-1-5-21-9-9-9-500"));
        assert_eq!(sid_only.alias, None);
        assert_eq!(sid_only.object_guid.as_deref(), Some("abc"));
    }

    #[test]
    fn data_context_folder_names() {
        let dc = "--------\r\nOperation: IFolder.SetSecurityDescriptor\r\nFolder: 'Top/It's; \"odd\"', entryId [len=46, data=00], parentId [len=46, data=01]\r\nSID: S-1-5-21-1-2-3-4;";
        assert_eq!(data_context_folder(dc).as_deref(), Some("Top/It's; \"odd\""));
    }

    #[test]
    fn log_lines() {
        let text = "11/12/2016 8:44:43 AM [AM6PR04MB5191] A corrupted item was encountered: Folder ACL \"Inbox\"\r\n\
                    10/09/2018 19:04:56 [DB4PR04MB459] Stage: LoadingMessages. Percent complete: 20.\r\n\
                    continuation line\r\n";
        let entries = log_entries(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].server, "AM6PR04MB5191");
        assert_eq!(
            entries[1].message,
            "Stage: LoadingMessages. Percent complete: 20.\ncontinuation line"
        );
        let b = bad_item_from_log(&entries[0]).unwrap();
        assert_eq!(b.kind.as_deref(), Some("CorruptFolderACL"));
        assert_eq!(b.folder.as_deref(), Some("Inbox"));
        assert!(bad_item_from_log(&entries[1]).is_none());
    }
}
