//! PowerShell literals that stay what they say: values from reports written
//! as literals that cannot end early. The remediation commands are built
//! only through [`quote`]; text in the script's `#` comments goes through
//! [`crate::render::sanitize`], which keeps it from ending the comment.
//!
//! Threats, and the rule that answers each:
//! - a quote in a folder or display name ending the string: PowerShell's
//!   single-quoted strings end at `'` *and* at the typographic quotes U+2018,
//!   U+2019, U+201A and U+201B; each of them is doubled inside the literal,
//!   which PowerShell reads back as one character of the same kind;
//! - `$(...)`, `$var` and backticks: single-quoted strings expand nothing;
//! - a line break ending a `#` comment and starting live code, or splitting a
//!   command that was commented out: control characters (C0, DEL, C1 and so
//!   U+0085), U+2028 and U+2029 never appear raw on a line; literals spell
//!   them as `[char]0x…` joined with `+`, comments as visible `\u{…}`;
//! - text that reads differently than it runs (bidirectional overrides,
//!   zero-width characters): escaped the same way, so the reviewer sees them.

use crate::render::is_hidden as needs_escape;

/// Whether PowerShell ends a single-quoted string at this character.
fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

/// A PowerShell expression whose value is exactly `s`: a single-quoted
/// literal (`'O''Brien'`), or, when `s` holds characters that must not appear
/// raw, a parenthesised concatenation such as `('Inbox' + [char]0x000A + 'x')`
/// that is still one argument and stays on one line.
pub fn quote(s: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut lit = String::new();
    let mut open = false;
    for c in s.chars() {
        if needs_escape(c) {
            if open {
                parts.push(format!("'{lit}'"));
                lit.clear();
                open = false;
            }
            // Characters beyond the BMP are never control or format
            // characters in this set, so four hex digits always suffice.
            parts.push(format!("[char]0x{:04X}", c as u32));
        } else {
            open = true;
            if is_single_quote(c) {
                lit.push(c);
            }
            lit.push(c);
        }
    }
    if open {
        parts.push(format!("'{lit}'"));
    }
    match parts.len() {
        0 => "''".to_string(),
        1 if parts[0].starts_with('\'') => parts.pop().unwrap_or_default(),
        // `[string]` first: `[char] + [char]` would add numbers.
        _ if !parts[0].starts_with('\'') => format!("([string]{})", parts.join(" + ")),
        _ => format!("({})", parts.join(" + ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_single_quoted() {
        assert_eq!(quote("Inbox"), "'Inbox'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("$(Remove-Item C:\\) `n \"x\""), "'$(Remove-Item C:\\) `n \"x\"'");
    }

    #[test]
    fn every_single_quote_kind_is_doubled() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
        for q in ['\'', '\u{2018}', '\u{2019}', '\u{201a}', '\u{201b}'] {
            let v = format!("a{q}b");
            assert_eq!(quote(&v), format!("'a{q}{q}b'"));
        }
        // A value that tries to close the string and run code.
        assert_eq!(
            quote("x\u{2019}; Remove-Mailbox y; \u{2018}"),
            "'x\u{2019}\u{2019}; Remove-Mailbox y; \u{2018}\u{2018}'"
        );
    }

    #[test]
    fn line_breaks_and_hidden_characters_never_appear_raw() {
        assert_eq!(quote("a\nb"), "('a' + [char]0x000A + 'b')");
        assert_eq!(quote("\r\n"), "([string][char]0x000D + [char]0x000A)");
        assert_eq!(quote("\nx"), "([string][char]0x000A + 'x')");
        assert_eq!(quote("x\u{2028}"), "('x' + [char]0x2028)");
        assert_eq!(quote("a\u{202e}b"), "('a' + [char]0x202E + 'b')");
        for hostile in [
            "Inbox'\n Remove-Mailbox -Identity x -Confirm:$false #",
            "\u{85}Stop-Computer",
            "a\u{2029}b\u{0}c\u{7f}d\u{1b}[31m",
            "''''",
            "\u{2019}\r# x\n",
        ] {
            let q = quote(hostile);
            assert!(!q.chars().any(needs_escape), "{q:?}");
            assert_eq!(unquote(&q), hostile, "{q}");
        }
    }

    /// A tiny evaluator of what [`quote`] emits, as PowerShell reads it:
    /// proves the round trip without a PowerShell at hand.
    fn unquote(expr: &str) -> String {
        let inner = expr
            .strip_prefix('(')
            .and_then(|e| e.strip_suffix(')'))
            .map(|e| e.strip_prefix("[string]").unwrap_or(e))
            .unwrap_or(expr);
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                ' ' | '+' => {}
                '[' => {
                    let token: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    assert_eq!(token, "char");
                    let hex: String = chars.by_ref().take(6).collect();
                    let code = u32::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap();
                    out.push(char::from_u32(code).unwrap());
                }
                q if is_single_quote(q) => loop {
                    let c = chars.next().expect("unterminated literal");
                    if is_single_quote(c) {
                        if chars.peek().copied().is_some_and(is_single_quote) {
                            out.push(chars.next().unwrap());
                        } else {
                            break;
                        }
                    } else {
                        out.push(c);
                    }
                },
                other => panic!("unexpected {other:?} in {expr}"),
            }
        }
        out
    }
}
