//! How values are written for people, in one place for every output and for
//! the text of the next steps: limits, sizes, figures and percentages,
//! plurals, short lists, a principal's name, and the one sanitiser that makes
//! untrusted report text (subjects, folder and display names, messages)
//! visible and inert.

use std::borrow::Cow;

use crate::exchange::model::Limit;

/// What a table cell shows when there is no value.
pub const NONE: &str = "-";

/// Whether a character may not appear raw where people read report text:
/// control characters (C0, DEL, C1, so also U+0085), the line and paragraph
/// separators U+2028/U+2029, bidirectional overrides and isolates, zero-width
/// characters and the byte order mark. They could end a line (a comment, a
/// table row), hide text, or make it read differently than it is.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Untrusted text with every [`is_hidden`] character written as a visible
/// `\u{…}` escape; everything else is kept.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text in ASCII only (`--ascii`): the typographic characters the tool
/// writes become their ASCII forms (`…` → `...`, `“` → `"`, `×` → `x`), any
/// other non-ASCII character a visible `\u{…}` escape.
pub fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '…' => out.push_str("..."),
            '\u{201c}' | '\u{201d}' | '\u{201e}' => out.push('"'),
            '\u{2018}' | '\u{2019}' => out.push('\''),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            '\u{d7}' => out.push('x'),
            '\u{b7}' => out.push('-'),
            '\u{2192}' => out.push_str("->"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

/// A BadItemLimit or LargeItemLimit: `10`, `unlimited`, or `not set` when
/// the export does not give it.
pub fn limit(l: Limit) -> Cow<'static, str> {
    match l {
        Limit::Absent => Cow::Borrowed("not set"),
        Limit::Unlimited => Cow::Borrowed("unlimited"),
        Limit::Count(n) => Cow::Owned(n.to_string()),
    }
}

/// A suggested limit and whether it needs `-AcceptLargeDataLoss`:
/// `12`, `1022 +AcceptLargeDataLoss`.
pub fn suggested_limit(n: u64, accept_large_data_loss: bool) -> String {
    if accept_large_data_loss { format!("{n} +AcceptLargeDataLoss") } else { n.to_string() }
}

/// Sizes as Exchange writes them (binary units): `512 B`, `207.7 MB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `1,204`: digits grouped by three.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A figure for a table cell with `places` decimals, [`NONE`] when absent.
pub fn figure(v: Option<f64>, places: usize) -> String {
    v.map_or_else(|| NONE.to_string(), |v| format!("{v:.places$}"))
}

/// A percentage for a table cell (`70.2%`), [`NONE`] when absent.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| NONE.to_string(), |v| format!("{v:.1}%"))
}

/// `1 item`, `2 items`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Up to `max` names joined with `, `, then `and N more`.
pub fn some_of<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    let mut s = all.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if all.len() > max {
        s.push_str(&format!(" and {} more", all.len() - max));
    }
    s
}

/// The first line of a message that is not blank, trimmed.
pub fn first_line(s: &str) -> &str {
    s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// How a principal is named in text: `alias (SID)`, the alias or display
/// name alone, the SID alone.
pub fn principal_name(sid: Option<&str>, alias: Option<&str>, display: Option<&str>) -> String {
    match (alias.or(display), sid) {
        (Some(n), Some(s)) => format!("{n} ({s})"),
        (Some(n), None) => n.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "(a principal the export does not name)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_visible() {
        assert_eq!(sanitize("Inbox"), "Inbox");
        assert!(matches!(sanitize("Inbox"), Cow::Borrowed(_)));
        assert_eq!(
            sanitize("Inbox\r\nRemove-Mailbox x\u{2028}y\u{85}z\u{202e}\u{1b}[31m"),
            "Inbox\\u{d}\\u{a}Remove-Mailbox x\\u{2028}y\\u{85}z\\u{202e}\\u{1b}[31m"
        );
        assert_eq!(sanitize("it's $x `y`"), "it's $x `y`");
        assert!(!sanitize("a\u{2029}b\u{0}c\u{7f}\u{feff}\u{200b}").chars().any(is_hidden));
    }

    #[test]
    fn limits_sizes_and_words() {
        assert_eq!(limit(Limit::Absent), "not set");
        assert_eq!(limit(Limit::Unlimited), "unlimited");
        assert_eq!(limit(Limit::Count(10)), "10");
        assert_eq!(suggested_limit(1022, true), "1022 +AcceptLargeDataLoss");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(217_746_329), "207.7 MB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GB");
        assert_eq!(plural(1, "entry", "entries"), "1 entry");
        assert_eq!(some_of(["a", "b", "c"], 2), "a, b and 1 more");
        assert_eq!(first_line("\n  x  \ny"), "x");
        assert_eq!(principal_name(Some("S-1"), None, Some("Finance")), "Finance (S-1)");
        assert_eq!(ascii("… “Ré” ×2"), "... \"R\\u{e9}\" x2");
        assert_eq!(figure(Some(0.8064), 2), "0.81");
        assert_eq!(figure(None, 2), "-");
        assert_eq!(percent(Some(70.25)), "70.2%");
    }
}
