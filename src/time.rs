//! Timestamps as exported (xsd dateTime text) turned into UTC seconds since
//! the Unix epoch and back into UTC text, without a date crate: the reports
//! only need parsing of one format and printing of another.

/// Seconds since 1970-01-01T00:00:00Z of an xsd dateTime such as
/// `2024-05-14T09:01:02.1234567+02:00` (`Z`, an offset, or none, which is
/// taken as UTC). Fractions are dropped. Other text (a culture-formatted log
/// time) gives `None`.
pub fn xsd_epoch_seconds(s: &str) -> Option<i64> {
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
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
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
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60)
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of seconds since the epoch.
pub fn utc_text(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// ISO 8601 UTC (`2024-05-14T07:01:02Z`) of seconds since the epoch.
pub fn iso_utc(secs: i64) -> String {
    let t = utc_text(secs);
    format!("{}T{}Z", &t[..10], &t[11..])
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
}
