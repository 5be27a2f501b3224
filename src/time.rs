//! Timestamps as exported (xsd dateTime text, or a report log's
//! culture-formatted entry time) turned into UTC seconds or ticks since the
//! Unix epoch and back into UTC text, without a date crate: the reports only
//! need parsing of a few formats and printing of two.

/// .NET ticks (100 ns) per second: the resolution of `DT` and `TS` values.
pub const TICKS_PER_SECOND: i64 = 10_000_000;

/// Seconds since 1970-01-01T00:00:00Z of an xsd dateTime such as
/// `2024-05-14T09:01:02.1234567+02:00` (`Z`, an offset, or none, which is
/// taken as UTC). Fractions are dropped. Other text (a culture-formatted log
/// time) gives `None`.
pub fn xsd_epoch_seconds(s: &str) -> Option<i64> {
    xsd_epoch_ticks(s).map(|t| t.div_euclid(TICKS_PER_SECOND))
}

/// Ticks (100 ns) since 1970-01-01T00:00:00Z of an xsd dateTime, its
/// fraction kept (up to the 7 digits .NET writes; more are cut).
pub fn xsd_epoch_ticks(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) =
        (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut fraction = 0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        fraction = fraction_ticks(&r[..digits]);
        rest = &r[digits..];
    }
    let offset_min = match rest {
        "" | "Z" => 0,
        r if r.len() == 6 && (r.starts_with('+') || r.starts_with('-')) => {
            let sign = if r.starts_with('-') { -1 } else { 1 };
            sign * (r.get(1..3)?.parse::<i64>().ok()? * 60 + r.get(4..6)?.parse::<i64>().ok()?)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    in_dotnet_range(secs * TICKS_PER_SECOND + fraction)
}

/// Ticks of 0001-01-01T00:00:00Z and of 10000-01-01T00:00:00Z: a .NET
/// DateTime lies between them.
const FIRST_TICK: i64 = -62_135_596_800 * TICKS_PER_SECOND;
const END_TICK: i64 = 253_402_300_800 * TICKS_PER_SECOND;

/// The ticks, when a .NET DateTime can hold them. An offset or a leap
/// second can carry a text's four-digit year past 9999 (or before 1):
/// no exporter writes such a time, and nothing could print it back in the
/// form it was read.
fn in_dotnet_range(ticks: i64) -> Option<i64> {
    (FIRST_TICK..END_TICK).contains(&ticks).then_some(ticks)
}

/// The ticks of a fraction's digits (`5` → 5,000,000; more than 7 digits cut).
fn fraction_ticks(digits: &str) -> i64 {
    let mut ticks = 0;
    for (i, b) in digits.bytes().take(7).enumerate() {
        ticks += i64::from(b - b'0') * 10_i64.pow(6 - i as u32);
    }
    ticks
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of seconds since the epoch.
pub fn utc_text(secs: i64) -> String {
    let (date, time) = utc_parts(secs);
    format!("{date} {time}")
}

/// The date (`YYYY-MM-DD`) and the time of day (`HH:MM:SS`) of seconds
/// since the epoch, apart: a year beyond four digits (a time computed from
/// others can be one) leaves each part whole.
fn utc_parts(secs: i64) -> (String, String) {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    (
        format!("{y:04}-{mo:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60),
    )
}

/// ISO 8601 UTC (`2024-05-14T07:01:02Z`) of seconds since the epoch.
pub fn iso_utc(secs: i64) -> String {
    let (date, time) = utc_parts(secs);
    format!("{date}T{time}Z")
}

/// ISO 8601 UTC of ticks since the epoch, with the fraction .NET would
/// write (trailing zeros trimmed, none when whole): `2024-06-11T19:00:02.089539Z`.
pub fn iso_utc_ticks(ticks: i64) -> String {
    let (date, time) = utc_parts(ticks.div_euclid(TICKS_PER_SECOND));
    let fraction = ticks.rem_euclid(TICKS_PER_SECOND);
    if fraction == 0 {
        return format!("{date}T{time}Z");
    }
    let digits = format!("{fraction:07}");
    format!("{date}T{time}.{}Z", digits.trim_end_matches('0'))
}

/// Which of the first two numbers of a `/`-separated log date is the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `5/19/2016` (en-US).
    MonthFirst,
    /// `19/05/2016` (en-GB, en-AU, fr-FR, …).
    DayFirst,
}

/// A report log's entry time, as printed: three date numbers, the time of
/// day, and the order the separator implies, if any.
struct LogStamp {
    first: i64,
    second: i64,
    year: i64,
    seconds_of_day: i64,
    fraction: i64,
    /// `yyyy-MM-dd` and `d.M.yyyy`/`d-M-yyyy` say it themselves; `/` does not.
    order: Option<DateOrder>,
}

/// Parses an entry time as cultures print `DateTime.ToString()`: a date of
/// three numbers separated by `/`, `.` or `-` (year first or last), a space,
/// `H:mm[:ss[.f…]]`, and an optional AM/PM designator.
fn log_stamp(text: &str) -> Option<LogStamp> {
    let text = text.trim();
    let (date, time) = text.split_once(' ')?;
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.trim_end_matches('.').split(sep).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (a, b, c, year_first) = (num(a)?, num(b)?, num(c)?, a.len() == 4);
    let (first, second, year, order) = if year_first {
        (b, c, a, Some(DateOrder::MonthFirst))
    } else {
        let order = if sep == '/' { None } else { Some(DateOrder::DayFirst) };
        (a, b, if c < 100 { c + 2000 } else { c }, order)
    };
    let time = time.trim();
    let (clock, designator) = match time.rsplit_once(' ') {
        Some((clock, d)) => (clock.trim(), Some(d.to_ascii_uppercase())),
        None => (time, None),
    };
    let mut fields = clock.split(':');
    let h = num(fields.next()?)?;
    let mi = num(fields.next()?)?;
    let (se, fraction) = match fields.next() {
        Some(s) => match s.split_once(['.', ',']) {
            Some((whole, f)) if f.bytes().all(|b| b.is_ascii_digit()) => {
                (num(whole)?, fraction_ticks(f))
            }
            Some(_) => return None,
            None => (num(s)?, 0),
        },
        None => (0, 0),
    };
    if fields.next().is_some() {
        return None;
    }
    let h = match designator.as_deref() {
        None => h,
        Some("AM") if (1..=12).contains(&h) => h % 12,
        Some("PM") if (1..=12).contains(&h) => h % 12 + 12,
        Some(_) => return None,
    };
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(LogStamp { first, second, year, seconds_of_day: h * 3600 + mi * 60 + se, fraction, order })
}

/// The date order of a whole log, from what its entry times show: a first
/// number above 12 can only be a day, a second one only a day too. `None`
/// when nothing tells (or the entries contradict each other); the log's
/// `d.M.yyyy` or `yyyy-MM-dd` times need no order.
pub fn log_date_order<'a>(times: impl IntoIterator<Item = &'a str>) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (false, false);
    for t in times {
        let Some(s) = log_stamp(t) else { continue };
        if s.order.is_some() {
            continue;
        }
        day_first |= s.first > 12;
        month_first |= s.second > 12;
    }
    match (day_first, month_first) {
        (true, false) => Some(DateOrder::DayFirst),
        (false, true) => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// The date order of a log whose entries do not tell it themselves
/// ([`log_date_order`] is `None`): the order that puts its first ambiguous
/// time nearest to `near` (a time the log is known to be close to, such as
/// the move's StartTimestamp), when that is within three days.
pub fn log_date_order_near<'a>(
    times: impl IntoIterator<Item = &'a str> + Clone,
    near: Option<i64>,
) -> Option<DateOrder> {
    if let Some(order) = log_date_order(times.clone()) {
        return Some(order);
    }
    let near = near?;
    let t = times.into_iter().find(|t| log_stamp(t).is_some_and(|s| s.order.is_none()))?;
    let distance = |o: DateOrder| log_epoch_ticks(t, Some(o)).map(|at| (at - near).abs());
    let (m, d) = (distance(DateOrder::MonthFirst), distance(DateOrder::DayFirst));
    let limit = 3 * 86_400 * TICKS_PER_SECOND;
    match (m, d) {
        (Some(m), Some(d)) if m.min(d) <= limit && m != d => {
            Some(if m < d { DateOrder::MonthFirst } else { DateOrder::DayFirst })
        }
        (Some(m), None) if m <= limit => Some(DateOrder::MonthFirst),
        (None, Some(d)) if d <= limit => Some(DateOrder::DayFirst),
        _ => None,
    }
}

/// Ticks since the epoch of a report log's entry time (EXO prints them in
/// UTC, its servers' time zone: taken as UTC). `order` is the log's
/// ([`log_date_order`]); a `/` date it cannot settle gives `None` unless
/// day and month are the same number, as does any text that is no time.
pub fn log_epoch_ticks(text: &str, order: Option<DateOrder>) -> Option<i64> {
    let s = log_stamp(text)?;
    let (month, day) = match s.order.or(order) {
        Some(DateOrder::MonthFirst) => (s.first, s.second),
        Some(DateOrder::DayFirst) => (s.second, s.first),
        None if s.first == s.second => (s.first, s.second),
        None => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let secs = days_from_civil(s.year, month, day) * 86_400 + s.seconds_of_day;
    in_dotnet_range(secs * TICKS_PER_SECOND + s.fraction)
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_fractions() {
        let z = xsd_epoch_seconds("2024-05-14T07:01:02Z").unwrap();
        assert_eq!(xsd_epoch_seconds("2024-05-14T09:01:02.1234567+02:00"), Some(z));
        assert_eq!(xsd_epoch_seconds("2024-05-14T07:01:02"), Some(z));
        assert_eq!(utc_text(z), "2024-05-14 07:01:02");
        assert_eq!(utc_text(0), "1970-01-01 00:00:00");
        assert_eq!(iso_utc(z), "2024-05-14T07:01:02Z");
        assert_eq!(xsd_epoch_seconds("14.05.2024 09:01:02"), None);
        assert_eq!(xsd_epoch_seconds("2024-13-14T07:01:02Z"), None);
        assert_eq!(xsd_epoch_seconds("2024-05-14T07:01:02+0é:00"), None);
    }

    #[test]
    fn ticks_keep_the_fraction() {
        let t = xsd_epoch_ticks("2024-06-11T19:00:02.089539Z").unwrap();
        assert_eq!(t % TICKS_PER_SECOND, 895_390);
        assert_eq!(iso_utc_ticks(t), "2024-06-11T19:00:02.089539Z");
        let whole = xsd_epoch_ticks("2024-03-02T10:15:07Z").unwrap();
        assert_eq!(iso_utc_ticks(whole), "2024-03-02T10:15:07Z");
        assert_eq!(xsd_epoch_ticks("2024-03-02T12:15:07.123456789+02:00"), Some(whole + 1_234_567));
        assert_eq!(xsd_epoch_seconds("2024-06-11T19:00:02.999Z"), Some(t / TICKS_PER_SECOND));
    }

    #[test]
    fn times_a_dotnet_datetime_cannot_hold_are_not_read() {
        // Found while writing the perf_text fuzz target's check that every
        // time read prints back as itself: an offset or a leap second carried
        // a year-9999 text into year 10000, which iso_utc_ticks printed as
        // "10000-01-0T 00:…Z".
        for s in [
            "9999-12-31T23:59:59-01:00",
            "9999-12-31T23:59:60Z",
            "0001-01-01T00:00:00+00:01",
            "0000-06-01T00:00:00Z",
        ] {
            assert_eq!(xsd_epoch_ticks(s), None, "{s}");
        }
        let us = Some(DateOrder::MonthFirst);
        assert_eq!(log_epoch_ticks("12/31/9999 11:59:60 PM", us), None);
        assert_eq!(log_epoch_ticks("9999-12-31 23:59:60", None), None);
        // The ends of the range read, and print back as themselves.
        for s in
            ["9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "9999-12-31T22:59:59-01:00"]
        {
            let t = xsd_epoch_ticks(s).unwrap();
            assert_eq!(xsd_epoch_ticks(&iso_utc_ticks(t)), Some(t), "{s}");
        }
        // A time computed past the range keeps its layout when printed.
        assert_eq!(iso_utc(253_402_300_800), "10000-01-01T00:00:00Z");
        assert_eq!(
            iso_utc_ticks(253_402_300_800 * TICKS_PER_SECOND + 5),
            "10000-01-01T00:00:00.0000005Z"
        );
        assert_eq!(utc_text(253_402_300_800), "10000-01-01 00:00:00");
    }

    #[test]
    fn log_times_in_several_cultures() {
        let at = |s: &str| xsd_epoch_ticks(s).unwrap();
        let us = Some(DateOrder::MonthFirst);
        let gb = Some(DateOrder::DayFirst);
        assert_eq!(log_epoch_ticks("5/19/2016 6:33:50 PM", us), Some(at("2016-05-19T18:33:50Z")));
        assert_eq!(log_epoch_ticks("12/20/2013 12:04:08 AM", us), Some(at("2013-12-20T00:04:08Z")));
        assert_eq!(log_epoch_ticks("10/09/2018 19:04:56", gb), Some(at("2018-09-10T19:04:56Z")));
        assert_eq!(log_epoch_ticks("16/10/2020 8:33:08 AM", gb), Some(at("2020-10-16T08:33:08Z")));
        // The separator says it: no log-wide order needed.
        assert_eq!(log_epoch_ticks("14.05.2024 09:01:02", None), Some(at("2024-05-14T09:01:02Z")));
        assert_eq!(log_epoch_ticks("2024-05-14 09:01:02", None), Some(at("2024-05-14T09:01:02Z")));
        assert_eq!(
            log_epoch_ticks("2024/05/14 9:01:02.5", None),
            Some(at("2024-05-14T09:01:02.5Z"))
        );
        // Ambiguous without the log's order, unless day and month agree.
        assert_eq!(log_epoch_ticks("10/09/2018 19:04:56", None), None);
        assert_eq!(log_epoch_ticks("5/5/2018 19:04:56", None), Some(at("2018-05-05T19:04:56Z")));
        assert_eq!(log_epoch_ticks("13/13/2018 19:04:56", gb), None);
        assert_eq!(log_epoch_ticks("not a time", us), None);
        assert_eq!(log_epoch_ticks("5/19/2016 13:33:50 PM", us), None);
    }

    #[test]
    fn a_log_tells_its_date_order() {
        assert_eq!(
            log_date_order(["10/09/2018 19:04:56", "13/09/2018 01:00:00"]),
            Some(DateOrder::DayFirst)
        );
        assert_eq!(
            log_date_order(["5/14/2024 8:00:07 AM", "5/1/2024 8:00:07 AM"]),
            Some(DateOrder::MonthFirst)
        );
        assert_eq!(log_date_order(["5/6/2024 8:00:07 AM"]), None);
        assert_eq!(log_date_order(["13/1/2024 8:00", "1/13/2024 8:00"]), None);
        // Nothing in the log tells: the move's own start does.
        let june_3 = xsd_epoch_ticks("2024-06-03T18:40:00Z");
        let log = ["6/3/2024 6:45:07 PM", "6/3/2024 9:44:36 PM"];
        assert_eq!(log_date_order_near(log, june_3), Some(DateOrder::MonthFirst));
        let march_6 = xsd_epoch_ticks("2024-03-06T18:40:00Z");
        assert_eq!(log_date_order_near(log, march_6), Some(DateOrder::DayFirst));
        assert_eq!(log_date_order_near(log, xsd_epoch_ticks("2020-01-01T00:00:00Z")), None);
        assert_eq!(log_date_order_near(log, None), None);
    }
}
