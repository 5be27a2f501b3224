//! The `_xHHHH_` string layer that PowerShell puts on top of XML escaping.
//!
//! PowerShell's writer escapes control characters, C1 characters, every UTF-16
//! surrogate half and any `_` that precedes `x`/`X`; its reader undoes that with
//! .NET's `XmlConvert.DecodeName`. This module is the inverse of that decoder,
//! rule for rule (see `clixml-format.md` §4.2), plus the matching encoder used by
//! tests and the sample generator.

use std::borrow::Cow;

/// Decodes `_xHHHH_` (and the 8-digit `_xHHHHHHHH_`) escapes in already
/// XML-unescaped text.
///
/// Matches are found left to right without overlap, `x` or `X` and either hex
/// case are accepted, anything that is not a complete escape stays literal.
/// Two 4-digit escapes that form a surrogate pair become one character; a lone
/// surrogate cannot live in a Rust `String` and becomes U+FFFD.
pub fn decode(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Fast path: no `_x`/`_X` anywhere means nothing to do.
    let Some(first) = find_escape_start(bytes, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already copied to `out`
    let mut pending_high: Option<u16> = None;
    let mut search = first;
    while let Some(at) = find_escape_start(bytes, search) {
        match parse_escape(&bytes[at..]) {
            Some((unit, len)) => {
                // Literal text between escapes breaks a surrogate pair.
                if at > copied {
                    flush_high(&mut out, &mut pending_high);
                    out.push_str(&text[copied..at]);
                }
                push_unit(&mut out, &mut pending_high, unit);
                copied = at + len;
                search = copied;
            }
            None => search = at + 1,
        }
    }
    flush_high(&mut out, &mut pending_high);
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// What one escape decodes to.
enum Unit {
    /// One UTF-16 code unit (4-digit form), possibly half of a pair.
    Code(u16),
    /// A whole code point (8-digit form).
    Char(char),
}

fn find_escape_start(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'_', &bytes[i..]) {
        let at = i + off;
        if matches!(bytes.get(at + 1), Some(b'x' | b'X')) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Parses an escape at the start of `b` (which begins with `_x`), returning the
/// decoded unit and the escape's length in bytes.
fn parse_escape(b: &[u8]) -> Option<(Unit, usize)> {
    let hex_run = b[2..].iter().take(9).take_while(|c| c.is_ascii_hexdigit()).count();
    // The run is all ASCII hex digits, so each converts on its own.
    let digits = |n: usize| -> Option<u32> {
        b[2..2 + n].iter().try_fold(0u32, |acc, &c| Some(acc << 4 | char::from(c).to_digit(16)?))
    };
    if hex_run >= 4 && b.get(6) == Some(&b'_') {
        let v = digits(4)?;
        return Some((Unit::Code(v as u16), 7));
    }
    if hex_run >= 8 && b.get(10) == Some(&b'_') {
        let v = digits(8)?;
        // Above U+10FFFF (or a surrogate value) DecodeName leaves the text alone.
        return char::from_u32(v).map(|c| (Unit::Char(c), 11));
    }
    None
}

fn push_unit(out: &mut String, pending_high: &mut Option<u16>, unit: Unit) {
    match unit {
        Unit::Char(c) => {
            flush_high(out, pending_high);
            out.push(c);
        }
        Unit::Code(u) if (0xD800..0xDC00).contains(&u) => {
            flush_high(out, pending_high);
            *pending_high = Some(u);
        }
        Unit::Code(u) if (0xDC00..0xE000).contains(&u) => match pending_high.take() {
            Some(high) => {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            None => out.push(char::REPLACEMENT_CHARACTER),
        },
        Unit::Code(u) => {
            flush_high(out, pending_high);
            out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
    }
}

fn flush_high(out: &mut String, pending_high: &mut Option<u16>) {
    if pending_high.take().is_some() {
        out.push(char::REPLACEMENT_CHARACTER);
    }
}

/// Encodes a string the way PowerShell's serializer does (`EncodeString`):
/// U+0000–U+001F, U+007F–U+009F, every surrogate half, and `_` before `x`/`X`.
/// XML escaping (`&`, `<`, `>`) is left to the XML writer.
pub fn encode(text: &str) -> Cow<'_, str> {
    let needs = |c: char| {
        let u = c as u32;
        u <= 0x1F || (0x7F..=0x9F).contains(&u) || u > 0xFFFF || c == '_'
    };
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let u = c as u32;
        if u <= 0x1F || (0x7F..=0x9F).contains(&u) {
            out.push_str(&format!("_x{u:04X}_"));
        } else if u > 0xFFFF {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("_x{:04X}_", *unit));
            }
        } else if c == '_' && matches!(chars.peek(), Some('x' | 'X')) {
            out.push_str("_x005F_");
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: &str) {
        assert_eq!(decode(input), expected, "decoding {input:?}");
    }

    #[test]
    fn vectors_from_the_format_notes() {
        check("just newline _x000A_", "just newline \n");
        check("surrogate pair _xD83C__xDFB5_", "surrogate pair \u{1F3B5}");
        check("null char _x0000_", "null char \0");
        check("normal char _x0061_", "normal char a");
        check("escaped literal _x005F_x005F_", "escaped literal _x005F_");
        check("underscope before escape _x005F__x000A_", "underscope before escape _\n");
        check("lower case hex _x005f_", "lower case hex _");
        check("invalid hex _x005G_", "invalid hex _x005G_");
        check("_X000A_", "\n");
        check("_x0001F600_", "\u{1F600}");
        check("_x00110000_", "_x00110000_");
        check("_x+041_", "_x+041_");
        check("_x0041_x0042_", "Ax0042_");
        check("__x0041_", "_A");
        check("crlf_x000D__x000A_end", "crlf\r\nend");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        check("high _xD83C_ alone", "high \u{FFFD} alone");
        check("low _xDFB5_ alone", "low \u{FFFD} alone");
        check("_xD83C_x_xDFB5_", "\u{FFFD}x\u{FFFD}");
        check("_xD83C__xD83C__xDFB5_", "\u{FFFD}\u{1F3B5}");
    }

    #[test]
    fn text_without_escapes_is_borrowed() {
        assert!(matches!(decode("plain_text x"), Cow::Borrowed(_)));
        assert!(matches!(decode("_y_"), Cow::Borrowed(_)));
    }

    #[test]
    fn non_ascii_around_escapes_survives() {
        check("é_x0009_中", "é\t中");
        check("中_x", "中_x");
        check("_x12", "_x12");
    }

    #[test]
    fn encode_round_trips() {
        for s in ["", "a_xb", "_x0041_", "tab\there", "\u{1F600}", "\u{85}\u{7F}", "_X", "__x"] {
            assert_eq!(decode(&encode(s)), s, "round trip of {s:?}");
        }
        assert_eq!(encode("a\r\n"), "a_x000D__x000A_");
        assert_eq!(encode("\u{1F600}"), "_xD83D__xDE00_");
        assert_eq!(encode("_x"), "_x005F_x");
    }
}
