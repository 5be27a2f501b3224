//! Timestamps as a report's text prints them: in the culture of whoever
//! produced the text (`5/19/2016 6:33:50 PM`, `16/10/2020 8:33:08 AM`,
//! `10/09/2018 19:04:56`, `19.05.2016 18:33:50`, `2016-05-19 18:33:50`,
//! ISO 8601 with or without a zone) and in its time zone, which the text
//! does not say. Day and month order is decided for a whole file at once:
//! one line whose first number exceeds 12 settles it, and a file where no
//! line does keeps its times as written.

/// A date and time read from text, its zone unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalTime {
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Second.
    pub second: u8,
}

impl LocalTime {
    /// `2016-05-19 18:33:50`: unambiguous, and not mistaken for a UTC time.
    pub fn text(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The order of day and month in a file's numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrder {
    /// `5/19/2016`: month first (en-US).
    MonthFirst,
    /// `19/05/2016`, `19.05.2016`: day first.
    DayFirst,
}

/// What one timestamp's text says before the file's order is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// The first two date fields, as printed (`a/b/year`), or year-first.
    fields: Fields,
    hour: u8,
    minute: u8,
    second: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fields {
    /// Year first (`2016-05-19`): no ambiguity.
    YearFirst { year: u16, month: u8, day: u8 },
    /// `a/b/year`, `a.b.year`, `a-b-year`: which of a and b is the day is
    /// the file's question.
    YearLast { a: u8, b: u8, year: u16 },
}

impl Parsed {
    /// What this timestamp says about the file's day order: `Some` when it
    /// can only be read one way.
    pub fn order_hint(&self) -> Option<DayOrder> {
        match self.fields {
            Fields::YearFirst { .. } => None,
            Fields::YearLast { a, b, .. } if a > 12 && b <= 12 => Some(DayOrder::DayFirst),
            Fields::YearLast { a, b, .. } if b > 12 && a <= 12 => Some(DayOrder::MonthFirst),
            Fields::YearLast { .. } => None,
        }
    }

    /// The time, given the file's day order (`None`: not known); `None` when
    /// the order is needed and unknown, or the date is impossible.
    pub fn resolve(&self, order: Option<DayOrder>) -> Option<LocalTime> {
        let (year, month, day) = match self.fields {
            Fields::YearFirst { year, month, day } => (year, month, day),
            Fields::YearLast { a, b, year } => match (order?, a, b) {
                (DayOrder::DayFirst, d, m) | (DayOrder::MonthFirst, m, d) => (year, m, d),
            },
        };
        let valid = (1..=12).contains(&month) && (1..=31).contains(&day);
        valid.then_some(LocalTime {
            year,
            month,
            day,
            hour: self.hour,
            minute: self.minute,
            second: self.second,
        })
    }

    /// The time when the text alone settles it (year first).
    pub fn unambiguous(&self) -> Option<LocalTime> {
        match self.fields {
            Fields::YearFirst { .. } => self.resolve(None),
            Fields::YearLast { .. } => None,
        }
    }
}

/// Reads a timestamp's text. `None` for text that is not one.
pub fn parse(text: &str) -> Option<Parsed> {
    let t = text.trim();
    let (date, rest) = t.split_once([' ', 'T'])?;
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    let [p0, p1, p2] = parts.as_slice() else { return None };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (n0, n1, n2) = (num(p0)?, num(p1)?, num(p2)?);
    let fields = if p0.len() == 4 {
        Fields::YearFirst { year: n0 as u16, month: n1 as u8, day: n2 as u8 }
    } else if p2.len() == 4 || p2.len() == 2 {
        let year = if p2.len() == 2 { 2000 + n2 } else { n2 };
        if n0 > 31 || n1 > 31 {
            return None;
        }
        Fields::YearLast { a: n0 as u8, b: n1 as u8, year: year as u16 }
    } else {
        return None;
    };
    let (hour, minute, second) = time_of_day(rest)?;
    Some(Parsed { fields, hour, minute, second })
}

/// `6:33:50 PM`, `19:04:56`, `18:33:50.1234567Z`, `18:33:50+02:00`.
fn time_of_day(text: &str) -> Option<(u8, u8, u8)> {
    let t = text.trim();
    let (clock, meridiem) = match t.rsplit_once(' ') {
        Some((c, m)) if is_meridiem(m) => (c, Some(m)),
        _ => (t, None),
    };
    // A zone or fraction after the seconds: the text's own, kept out.
    let clock = clock.trim_end_matches('Z');
    let clock = match clock.find(['+', 'Z']).or_else(|| clock.rfind('-').filter(|&i| i > 5)) {
        Some(i) => &clock[..i],
        None => clock,
    };
    let clock = clock.split('.').next()?;
    let mut parts = clock.split(':');
    let h: u8 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let s: u8 = parts.next().map_or(Some(0), |s| s.parse().ok())?;
    if parts.next().is_some() || m > 59 || s > 60 {
        return None;
    }
    let h = match meridiem.map(|m| m.to_ascii_uppercase().starts_with('P')) {
        None if h <= 23 => h,
        Some(pm) if (1..=12).contains(&h) => (h % 12) + if pm { 12 } else { 0 },
        _ => return None,
    };
    Some((h, m, s))
}

fn is_meridiem(s: &str) -> bool {
    matches!(s.to_ascii_uppercase().replace('.', "").as_str(), "AM" | "PM")
}

/// Decides a file's day order from all its timestamps: the order every
/// unambiguous one agrees on; `None` when none decides, or they disagree.
pub fn day_order<'a>(stamps: impl IntoIterator<Item = &'a Parsed>) -> Option<DayOrder> {
    let mut found = None;
    for hint in stamps.into_iter().filter_map(Parsed::order_hint) {
        match found {
            None => found = Some(hint),
            Some(f) if f != hint => return None,
            Some(_) => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> LocalTime {
        LocalTime { year: y, month: mo, day: d, hour: h, minute: mi, second: s }
    }

    #[test]
    fn every_culture_in_the_reference() {
        let us = parse("5/19/2016 6:33:50 PM").unwrap();
        assert_eq!(us.order_hint(), Some(DayOrder::MonthFirst));
        assert_eq!(us.resolve(Some(DayOrder::MonthFirst)), Some(at(2016, 5, 19, 18, 33, 50)));
        let au = parse("16/10/2020 8:33:08 AM").unwrap();
        assert_eq!(au.order_hint(), Some(DayOrder::DayFirst));
        assert_eq!(au.resolve(Some(DayOrder::DayFirst)), Some(at(2020, 10, 16, 8, 33, 8)));
        let gb = parse("10/09/2018 19:04:56").unwrap();
        assert_eq!(gb.order_hint(), None, "ambiguous on its own");
        assert_eq!(gb.resolve(None), None);
        assert_eq!(gb.resolve(Some(DayOrder::DayFirst)), Some(at(2018, 9, 10, 19, 4, 56)));
        let de = parse("19.05.2016 18:33:50").unwrap();
        assert_eq!(de.resolve(Some(DayOrder::DayFirst)), Some(at(2016, 5, 19, 18, 33, 50)));
        for iso in [
            "2016-05-19 18:33:50",
            "2016-05-19T18:33:50",
            "2016-05-19T18:33:50.1234567Z",
            "2016-05-19T18:33:50+02:00",
        ] {
            assert_eq!(
                parse(iso).unwrap().unambiguous(),
                Some(at(2016, 5, 19, 18, 33, 50)),
                "{iso}"
            );
        }
        assert_eq!(
            parse("12/20/2013 12:24:08 AM")
                .unwrap()
                .resolve(Some(DayOrder::MonthFirst))
                .unwrap()
                .hour,
            0
        );
        assert_eq!(
            parse("12/20/2013 12:24:08 PM")
                .unwrap()
                .resolve(Some(DayOrder::MonthFirst))
                .unwrap()
                .hour,
            12
        );
        assert_eq!(at(2016, 5, 19, 18, 33, 50).text(), "2016-05-19 18:33:50");
    }

    #[test]
    fn not_timestamps() {
        for t in [
            "",
            "hello",
            "1/2",
            "Stage: 5/6/7",
            "99/99/2016 10:00:00",
            "5/19/2016 25:00:00",
            "5/19/2016 13:00:00 PM",
        ] {
            assert!(
                parse(t).is_none_or(|p| p.resolve(Some(DayOrder::MonthFirst)).is_none()),
                "{t}"
            );
        }
    }

    #[test]
    fn the_file_decides_the_order() {
        let stamps: Vec<Parsed> = ["10/09/2018 19:04:56", "16/10/2020 8:33:08 AM"]
            .iter()
            .map(|t| parse(t).unwrap())
            .collect();
        assert_eq!(day_order(&stamps), Some(DayOrder::DayFirst));
        let ambiguous: Vec<Parsed> = ["10/09/2018 19:04:56", "01/02/2018 19:04:56"]
            .iter()
            .map(|t| parse(t).unwrap())
            .collect();
        assert_eq!(day_order(&ambiguous), None);
        let mixed: Vec<Parsed> = ["5/19/2016 6:33:50 PM", "16/10/2020 8:33:08 AM"]
            .iter()
            .map(|t| parse(t).unwrap())
            .collect();
        assert_eq!(day_order(&mixed), None, "a file that contradicts itself decides nothing");
    }
}
