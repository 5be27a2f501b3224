//! Primitive values: which element holds which primitive, and how its text
//! becomes a [`Value`], by the rules .NET's `XmlConvert` reads it with (white
//! space trimmed, no Rust-only spellings such as `inf`).

use std::io::Read;

use super::frame::Prim;
use super::state::{Reader, Res};
use crate::clixml::error::{ErrorKind, snippet};
use crate::clixml::escape;
use crate::clixml::value::{TextTag, Value};
use crate::clixml::xml::is_xml_space;

impl<R: Read> Reader<R> {
    /// The value of a primitive element from its text (`start`: where the
    /// element starts, for the error).
    pub(super) fn finish_prim(&self, p: Prim, text: &str, start: u64) -> Res<Value> {
        let bad = |tag: &'static str, text: &str| {
            self.err_at(ErrorKind::InvalidValue { tag, text: snippet(text) }, start)
        };
        Ok(match p {
            Prim::Nil => Value::Nil,
            Prim::Text(t @ (TextTag::S | TextTag::XD | TextTag::SBK | TextTag::URI)) => {
                Value::Text(t, escape::decode(text).into_owned())
            }
            Prim::Text(t) => {
                if t == TextTag::D && !is_decimal(trim_xml(text)) {
                    return Err(bad("D", text));
                }
                Value::Text(t, text.to_string())
            }
            Prim::Bool => match trim_xml(text) {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => return Err(bad("B", text)),
            },
            Prim::Int(t) => {
                let s = trim_xml(text);
                let (lo, hi) = t.range();
                match s.parse::<i64>() {
                    Ok(n) if n >= lo && n <= hi => Value::Int(t, n),
                    _ => return Err(bad(t.tag(), text)),
                }
            }
            Prim::UInt(t) => match parse_unsigned(text, t.max()) {
                Some(n) => Value::UInt(t, n),
                None => return Err(bad(t.tag(), text)),
            },
            Prim::Char => match parse_unsigned(text, u16::MAX.into()) {
                Some(n) => {
                    let c = char::from_u32(n as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
                    Value::Text(TextTag::C, c.to_string())
                }
                None => return Err(bad("C", text)),
            },
            Prim::Single => match parse_float(text) {
                // Parse as f32 directly: narrowing the f64 would round twice.
                Some(f) => Value::Single(trim_xml(text).parse::<f32>().unwrap_or(f as f32)),
                None => return Err(bad("Sg", text)),
            },
            Prim::Double => match parse_float(text) {
                Some(f) => Value::Double(f),
                None => return Err(bad("Db", text)),
            },
        })
    }
}

/// `s` without XML white space around it.
// `#[inline]`, as on `is_decimal`: the generic reader code calls both from
// other modules, and without the hint the reader the binary instantiates
// stopped inlining them into its pull loop (`next_value`) once they no longer
// shared its file: a call per number instead of none.
#[inline]
pub(super) fn trim_xml(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_xml_space(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|&c| !is_xml_space(c)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// Unsigned integer text as .NET reads it: white space around, no sign.
fn parse_unsigned(text: &str, max: u64) -> Option<u64> {
    let s = trim_xml(text);
    if !s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|n| *n <= max)
}

/// `Sg`/`Db` text as `XmlConvert` reads it: `INF`, `-INF`, `NaN`, or a number
/// with optional sign, decimal point and exponent (nothing Rust-only such as `inf`).
fn parse_float(text: &str) -> Option<f64> {
    let s = trim_xml(text);
    match s {
        "INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    if s.is_empty()
        || !s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Decimal text: optional sign, digits with at most one point, no exponent.
// `#[inline]`: see `trim_xml`.
#[inline]
fn is_decimal(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut digits = 0;
    let mut points = 0;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_rules_follow_xmlconvert() {
        assert_eq!(parse_unsigned(" 42\n", 255), Some(42));
        assert_eq!(parse_unsigned("+1", 255), None);
        assert_eq!(parse_unsigned("-1", 255), None);
        assert_eq!(parse_unsigned("256", 255), None);
        assert_eq!(parse_float("1E+20"), Some(1e20));
        assert_eq!(parse_float("-0").map(|f| f.is_sign_negative()), Some(true));
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_float("infinity"), None);
        assert!(parse_float("NaN").unwrap().is_nan());
        assert!(is_decimal("1.50"));
        assert!(is_decimal("-.5"));
        assert!(!is_decimal("1E+5"));
        assert!(!is_decimal("1.2.3"));
        assert!(!is_decimal(""));
    }
}
