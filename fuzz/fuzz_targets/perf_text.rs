//! Fuzz target: the duration, size and timestamp parsers the performance
//! analysis reads exports with (`exchange::text`: TimeSpan and xs:duration
//! text, ByteQuantifiedSize, SessionStatistics/LatencyInfo/ProviderInfo
//! text, stall states, copy-progress and stall log lines; `time`: xsd
//! dateTime and culture-printed log times; `exchange::stamp`).
//!
//! The first byte picks a check; the rest is its input:
//! - any text: no panic; every number read is finite; a prefix parser's
//!   length ends on a character boundary inside the text; a reason read
//!   from the text is a piece of it; and every time read prints (as the
//!   outputs print it) to text that reads back as the same time;
//! - round trips: times, TimeSpans, xs:durations, sizes and copy-progress
//!   lines printed from arbitrary values read back as those values.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mrs_triage::exchange::model::LogEvent;
use mrs_triage::exchange::{stamp, text};
use mrs_triage::time::{self, DateOrder, TICKS_PER_SECOND};

/// Ticks of 0001-01-01T00:00:00Z and of the last tick of 9999, the range
/// of a .NET DateTime (and of four-digit years).
const MIN_TICKS: i64 = -62_135_596_800 * TICKS_PER_SECOND;
const MAX_TICKS: i64 = 253_402_300_800 * TICKS_PER_SECOND - 1;

/// The time as the outputs print it must read back as the same time.
fn prints_back(ticks: i64, from: &str) {
    let printed = time::iso_utc_ticks(ticks);
    assert_eq!(time::xsd_epoch_ticks(&printed), Some(ticks), "{from:?} printed as {printed:?}");
}

fn any_text(s: &str) {
    if let Some((secs, used)) = text::timespan_prefix(s) {
        assert!(secs.is_finite(), "{s:?}");
        assert!(used <= s.len() && s.is_char_boundary(used), "{used} in {s:?}");
        assert_eq!(text::timespan_prefix(&s[..used]), Some((secs, used)), "{s:?}");
    }
    assert_eq!(text::timespan(s), text::timespan_prefix(s.trim()).map(|(v, _)| v));
    if let Some(d) = text::xs_duration(s) {
        assert!(d.is_finite(), "xs:duration {s:?} read as {d}");
    }
    let _ = text::byte_count(s);
    let stats = text::session_statistics(s);
    for v in [stats.source_provider, stats.destination_provider, stats.word_breaking]
        .into_iter()
        .chain([stats.source_latency.average_ms, stats.destination_latency.average_ms])
        .flatten()
    {
        assert!(v.is_finite(), "{v} from {s:?}");
    }
    if let Some((_, reason)) = text::stall_state(s) {
        assert!(!reason.is_empty() && s.contains(&reason), "{reason:?} from {s:?}");
    }
    if let Some(LogEvent::Stalled { reason, .. }) = text::progress_event(s) {
        assert!(!reason.is_empty(), "{s:?}");
    }
    let events = text::log_progress_events(s.lines(), None);
    assert!(events.len() <= s.lines().count());
    for e in &events {
        if let Some(t) = e.time {
            prints_back(t, s);
        }
    }

    if let Some(t) = time::xsd_epoch_ticks(s) {
        prints_back(t, s);
        assert_eq!(time::xsd_epoch_seconds(s), Some(t.div_euclid(TICKS_PER_SECOND)));
    }
    for order in [None, Some(DateOrder::MonthFirst), Some(DateOrder::DayFirst)] {
        if let Some(t) = time::log_epoch_ticks(s, order) {
            prints_back(t, s);
        }
    }
    let _ = time::log_date_order(s.lines());

    if let Some(p) = stamp::parse(s) {
        for order in [None, Some(stamp::DayOrder::MonthFirst), Some(stamp::DayOrder::DayFirst)] {
            let Some(t) = p.resolve(order) else { continue };
            assert!((1..=12).contains(&t.month) && (1..=31).contains(&t.day), "{t:?}");
            assert!(t.hour < 24 && t.minute < 60 && t.second <= 60, "{t:?}");
            // What the outputs write is year-first, so it reads back alone.
            let again = stamp::parse(&t.text()).and_then(|q| q.unambiguous());
            assert_eq!(again, Some(t), "{s:?} as {:?}", t.text());
        }
    }
}

fn round_trips(u: &mut Unstructured<'_>) -> Result<()> {
    // An xsd dateTime, as .NET writes one, in UTC.
    let ticks = u.int_in_range(MIN_TICKS..=MAX_TICKS)?;
    prints_back(ticks, "generated");

    // The same instant with an offset: the same ticks.
    let offset_min: i64 = u.int_in_range(-14 * 60..=14 * 60)?;
    let local = ticks + offset_min * 60 * TICKS_PER_SECOND;
    if (MIN_TICKS..=MAX_TICKS).contains(&local) {
        let t = time::iso_utc_ticks(local);
        let sign = if offset_min < 0 { '-' } else { '+' };
        let zoned = format!(
            "{}{sign}{:02}:{:02}",
            t.trim_end_matches('Z'),
            offset_min.abs() / 60,
            offset_min.abs() % 60
        );
        assert_eq!(time::xsd_epoch_ticks(&zoned), Some(ticks), "{zoned:?}");
    }

    // A report log time, en-US (month first, 12-hour clock) and de-DE.
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let iso = time::iso_utc(secs); // 2024-05-14T07:01:02Z
    let num = |r: std::ops::Range<usize>| iso[r].parse::<i64>().unwrap();
    let (y, mo, d, h, mi, se) =
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    // A year below 100 is read as two digits (`24` is 2024) whatever its
    // zeros: such years are never logged.
    if y >= 100 {
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        let ampm = if h < 12 { "AM" } else { "PM" };
        let us = format!("{mo}/{d}/{y:04} {h12}:{mi:02}:{se:02} {ampm}");
        let want = Some(secs * TICKS_PER_SECOND);
        assert_eq!(time::log_epoch_ticks(&us, Some(DateOrder::MonthFirst)), want, "{us:?}");
        let de = format!("{d:02}.{mo:02}.{y:04} {h:02}:{mi:02}:{se:02}");
        assert_eq!(time::log_epoch_ticks(&de, None), want, "{de:?}");
        if d > 12 {
            let gb = format!("{d}/{mo}/{y:04} {h:02}:{mi:02}:{se:02}");
            assert_eq!(time::log_date_order([gb.as_str()]), Some(DateOrder::DayFirst), "{gb:?}");
        }
    }

    // A TimeSpan in its constant format, and the same span as xs:duration.
    let days: u64 = u.int_in_range(0..=99_999_999)?;
    let (hours, minutes, seconds): (u64, u64, u64) =
        (u.int_in_range(0..=23)?, u.int_in_range(0..=59)?, u.int_in_range(0..=59)?);
    let fraction: Option<u32> =
        if u.arbitrary()? { Some(u.int_in_range(0..=9_999_999)?) } else { None };
    let negative: bool = u.arbitrary()?;
    let whole = (days * 86_400 + hours * 3600 + minutes * 60 + seconds) as f64;
    let want = whole + fraction.map_or(0.0, |f| f64::from(f) / 1e7);
    let want = if negative { -want } else { want };
    let sign = if negative { "-" } else { "" };
    let day_part = if days > 0 { format!("{days}.") } else { String::new() };
    let frac_part = fraction.map_or(String::new(), |f| format!(".{f:07}"));
    let ts = format!("{sign}{day_part}{hours:02}:{minutes:02}:{seconds:02}{frac_part}");
    let got = text::timespan(&ts).unwrap_or_else(|| panic!("TimeSpan {ts:?} not read"));
    assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{ts:?}: {got} vs {want}");
    let xs = format!("{sign}P{days}DT{hours}H{minutes}M{seconds}{frac_part}S");
    let got = text::xs_duration(&xs).unwrap_or_else(|| panic!("xs:duration {xs:?} not read"));
    assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{xs:?}: {got} vs {want}");

    // A ByteQuantifiedSize in several cultures' digit grouping.
    let bytes: u64 = u.arbitrary()?;
    let sep = *u.choose(&[",", ".", " ", "\u{a0}", "'"])?;
    let size = format!("{:.1} GB ({} bytes)", bytes as f64 / 1_073_741_824.0, grouped(bytes, sep));
    assert_eq!(text::byte_count(&size), Some(bytes), "{size:?}");

    // A copy-progress log line.
    let (done, total): (u64, u64) = (u.arbitrary()?, u.arbitrary()?);
    let line = format!(
        "Copy progress: {done}/{total} messages, {size}/{} GB ({} bytes).",
        total / 3,
        grouped(bytes.saturating_mul(2), ",")
    );
    assert_eq!(
        text::progress_event(&line),
        Some(LogEvent::Copied { messages: done, bytes: Some(bytes) }),
        "{line:?}"
    );
    Ok(())
}

/// The digits of `n` in groups of three, `sep` between them.
fn grouped(n: u64, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        let _ = round_trips(&mut Unstructured::new(rest));
    } else {
        any_text(&String::from_utf8_lossy(rest));
    }
});
