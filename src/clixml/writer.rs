//! Writing CLIXML the way Export-Clixml does: the `<Objs>` root, 2-space
//! indentation, type-name lists shared through `<TNRef>`, `_xHHHH_` and XML
//! escaping, .NET number formats, in UTF-8 (with or without BOM) or UTF-16 LE
//! with BOM. Streaming: each top-level value is written as it comes, and
//! memory stays bounded by the largest single value.
//!
//! Used by the sample and benchmark generators and by the round-trip tests.
//!
//! ```
//! use mrs_triage::clixml::writer::{OutputEncoding, Writer};
//! use mrs_triage::clixml::{TextTag, Value};
//! let mut w = Writer::new(Vec::new(), OutputEncoding::Utf8, "\n").unwrap();
//! w.write_value(&Value::Text(TextTag::S, "a\tb".into())).unwrap();
//! let bytes = w.finish().unwrap();
//! assert!(String::from_utf8(bytes).unwrap().contains("  <S>a_x0009_b</S>\n</Objs>"));
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;

use super::escape;
use super::value::{Base, Object, Property, RefId, TextTag, Value};

/// The bytes a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputEncoding {
    /// UTF-8 without BOM (PowerShell 7).
    Utf8,
    /// UTF-8 with BOM.
    Utf8Bom,
    /// UTF-16 little-endian with BOM (Windows PowerShell 5.1).
    Utf16LeBom,
}

/// How `Sg`/`Db` text is produced. Both are .NET's "R" format; they differ
/// in the digits chosen and where exponent notation starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FloatStyle {
    /// .NET Core 3.0+ (PowerShell 7): the shortest digits that round-trip,
    /// exponent form from 1E+17 (`Db`) / 1E+09 (`Sg`) up and below 1E-04.
    #[default]
    NetCore,
    /// .NET Framework (Windows PowerShell 5.1, hence most Exchange exports):
    /// 15 significant digits (7 for `Sg`) when they round-trip, else 17 (9),
    /// e.g. `0.083333333333333329` for 1/12; exponent form from 1E+15 (or
    /// 1E+17 with 17 digits) up and below 1E-04. The digits are correctly
    /// rounded; .NET Framework's own conversion is not always, so a value may
    /// rarely differ from it in the last digit.
    NetFramework,
}

/// Bytes of buffered text that make `write_value` pass them on to the output.
const FLUSH_AT: usize = 64 * 1024;

/// The root start tag up to (not including) its closing `>` or `/>`.
const ROOT_START: &str =
    "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"";

/// A streaming CLIXML writer.
///
/// Text is built in an internal buffer and handed to the output, after the
/// value that fills it, in chunks of about 64 KiB (and on [`Writer::flush`]
/// and [`Writer::finish`]), so memory stays bounded by the largest value and
/// the output needs no buffering of its own. The document is complete only
/// once `finish` has closed it.
pub struct Writer<W: Write> {
    out: W,
    encoding: OutputEncoding,
    newline: &'static str,
    float_style: FloatStyle,
    /// Type-name lists already written, by content, with their `TN` id.
    type_lists: HashMap<Arc<[String]>, u64>,
    /// Whether the root start tag's `>` is written (it stays open until the
    /// first value so that an empty document is `<Objs … />`, as PowerShell
    /// writes it).
    root_open: bool,
    buf: String,
    /// UTF-16 output bytes, reused between flushes.
    wide: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Starts a document: the BOM if any, then the `<Objs>` start tag.
    /// `newline` is `"\n"` (PowerShell 7 on Unix) or `"\r\n"` (Windows).
    pub fn new(out: W, encoding: OutputEncoding, newline: &'static str) -> io::Result<Self> {
        let mut w = Writer {
            out,
            encoding,
            newline,
            float_style: FloatStyle::default(),
            type_lists: HashMap::new(),
            root_open: false,
            buf: String::with_capacity(FLUSH_AT + FLUSH_AT / 4),
            wide: Vec::new(),
        };
        match encoding {
            OutputEncoding::Utf8 => {}
            OutputEncoding::Utf8Bom => w.out.write_all(&[0xEF, 0xBB, 0xBF])?,
            OutputEncoding::Utf16LeBom => w.out.write_all(&[0xFF, 0xFE])?,
        }
        w.buf.push_str(ROOT_START);
        Ok(w)
    }

    /// Sets how `Sg`/`Db` values are printed (default [`FloatStyle::NetCore`]).
    pub fn with_float_style(mut self, style: FloatStyle) -> Self {
        self.float_style = style;
        self
    }

    /// Writes one top-level value.
    pub fn write_value(&mut self, value: &Value) -> io::Result<()> {
        if !self.root_open {
            self.root_open = true;
            self.buf.push('>');
            self.buf.push_str(self.newline);
        }
        self.value(value, None, 1);
        if self.buf.len() >= FLUSH_AT { self.drain() } else { Ok(()) }
    }

    /// Hands everything written so far to the output and flushes it.
    pub fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.out.flush()
    }

    /// Closes the document (`</Objs>`, no newline after it, as PowerShell
    /// writes it), flushes, and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        if self.root_open {
            self.buf.push_str("</Objs>");
        } else {
            self.buf.push_str(" />");
        }
        self.flush()?;
        Ok(self.out)
    }

    /// Moves the buffered text to the output in the chosen encoding.
    fn drain(&mut self) -> io::Result<()> {
        match self.encoding {
            OutputEncoding::Utf8 | OutputEncoding::Utf8Bom => {
                self.out.write_all(self.buf.as_bytes())?
            }
            OutputEncoding::Utf16LeBom => {
                utf16le(&self.buf, &mut self.wide);
                self.out.write_all(&self.wide)?;
            }
        }
        self.buf.clear();
        Ok(())
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
    }

    fn newline(&mut self) {
        self.buf.push_str(self.newline);
    }

    /// Indentation, `<tag` and the `N` attribute; the tag stays open.
    fn open(&mut self, tag: &str, name: Option<&str>, depth: usize) {
        self.indent(depth);
        self.buf.push('<');
        self.buf.push_str(tag);
        if let Some(n) = name {
            self.buf.push_str(" N=\"");
            push_escaped(&mut self.buf, &escape::encode(n), Context::Attribute);
            self.buf.push('"');
        }
    }

    /// Ends an open start tag of an element with children.
    fn open_end(&mut self) {
        self.buf.push('>');
        self.newline();
    }

    /// Ends an open start tag as an empty element.
    fn self_close(&mut self) {
        self.buf.push_str(" />");
        self.newline();
    }

    fn close(&mut self, tag: &str, depth: usize) {
        self.indent(depth);
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self.newline();
    }

    /// Ends an open start tag, then `text`, then the end tag: how PowerShell
    /// writes primitives (`<S></S>` when empty).
    fn text_then_close(&mut self, tag: &str, text: &str, how: Text) {
        self.buf.push('>');
        match how {
            Text::Encoded => push_escaped(&mut self.buf, &escape::encode(text), Context::Text),
            Text::Raw => push_escaped(&mut self.buf, text, Context::Text),
        }
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self.newline();
    }

    /// An `_x`-encoded string element as `XmlWriter.WriteElementString`
    /// writes it: self-closed when empty (`<ToString />`, `<T />`, `<AV />`).
    fn element_string(&mut self, tag: &str, text: &str, depth: usize) {
        self.open(tag, None, depth);
        if text.is_empty() {
            self.self_close();
        } else {
            self.text_then_close(tag, text, Text::Encoded);
        }
    }

    /// A leaf whose text needs no escaping (numbers, booleans).
    fn plain(&mut self, tag: &str, name: Option<&str>, depth: usize, text: impl std::fmt::Display) {
        self.open(tag, name, depth);
        let _ = write!(self.buf, ">{text}</{tag}>");
        self.newline();
    }

    fn value(&mut self, v: &Value, name: Option<&str>, depth: usize) {
        match v {
            Value::Nil => {
                self.open("Nil", name, depth);
                self.self_close();
            }
            Value::Bool(b) => self.plain("B", name, depth, if *b { "true" } else { "false" }),
            Value::Int(t, n) => self.plain(t.tag(), name, depth, n),
            Value::UInt(t, n) => self.plain(t.tag(), name, depth, n),
            Value::Single(f) => {
                self.open("Sg", name, depth);
                self.buf.push('>');
                push_float(&mut self.buf, Float::Single(*f), self.float_style);
                self.buf.push_str("</Sg>");
                self.newline();
            }
            Value::Double(f) => {
                self.open("Db", name, depth);
                self.buf.push('>');
                push_float(&mut self.buf, Float::Double(*f), self.float_style);
                self.buf.push_str("</Db>");
                self.newline();
            }
            Value::Text(TextTag::C, s) => {
                // The reader gives the char; the file holds its UTF-16 code.
                // A char outside the BMP does not fit a .NET Char: its high
                // surrogate is all that can be written.
                let unit = s.encode_utf16().next().unwrap_or(0);
                self.plain("C", name, depth, unit);
            }
            Value::Text(tag, s) => {
                let how = match tag {
                    TextTag::S | TextTag::XD | TextTag::SBK | TextTag::URI => Text::Encoded,
                    _ => Text::Raw,
                };
                self.open(tag.tag(), name, depth);
                self.text_then_close(tag.tag(), s, how);
            }
            Value::Ref(id) => {
                self.open("Ref", name, depth);
                self.ref_id(id);
                self.self_close();
            }
            Value::Obj(o) => self.object(o, name, depth),
            Value::Progress(fields) => self.progress(fields, name, depth),
            Value::MemberSet(members) => {
                self.open("MS", name, depth);
                if members.is_empty() {
                    self.self_close();
                } else {
                    self.open_end();
                    self.properties(members, depth + 1);
                    self.close("MS", depth);
                }
            }
            Value::Unknown(u) => {
                self.open(&u.name, name, depth);
                self.text_then_close(&u.name, &u.text, Text::Raw);
            }
        }
    }

    fn ref_id(&mut self, id: &RefId) {
        match id {
            RefId::Num(n) => {
                let _ = write!(self.buf, " RefId=\"{n}\"");
            }
            RefId::Text(s) => {
                self.buf.push_str(" RefId=\"");
                push_escaped(&mut self.buf, s, Context::Attribute);
                self.buf.push('"');
            }
        }
    }

    fn properties(&mut self, list: &[Property], depth: usize) {
        for p in list {
            self.value(&p.value, Some(&p.name), depth);
        }
    }

    /// `TN` the first time a type-name list is seen, `TNRef` after that.
    fn type_names(&mut self, types: &Arc<[String]>, depth: usize) {
        if let Some(&id) = self.type_lists.get(&**types) {
            self.indent(depth);
            let _ = write!(self.buf, "<TNRef RefId=\"{id}\" />");
            self.newline();
            return;
        }
        let id = self.type_lists.len() as u64;
        self.type_lists.insert(types.clone(), id);
        self.indent(depth);
        let _ = write!(self.buf, "<TN RefId=\"{id}\">");
        self.newline();
        for t in types.iter() {
            self.element_string("T", t, depth + 1);
        }
        self.close("TN", depth);
    }

    fn object(&mut self, o: &Object, name: Option<&str>, depth: usize) {
        self.open("Obj", name, depth);
        if let Some(id) = &o.id {
            self.ref_id(id);
        }
        let empty = o.types.is_empty()
            && o.to_string.is_none()
            && o.base.is_none()
            && o.props.is_empty()
            && o.members.is_empty()
            && o.unknown.is_empty();
        if empty {
            self.self_close();
            return;
        }
        self.open_end();
        let inner = depth + 1;
        // PowerShell never writes an empty `TN`; an object without type
        // names reads back the same without one.
        if !o.types.is_empty() {
            self.type_names(&o.types, inner);
        }
        if let Some(s) = &o.to_string {
            self.element_string("ToString", s, inner);
        }
        match &o.base {
            None => {}
            Some(Base::Value(v)) => self.value(v, None, inner),
            Some(Base::Items(kind, items)) => {
                self.open(kind.tag(), None, inner);
                if items.is_empty() {
                    self.self_close();
                } else {
                    self.open_end();
                    for item in items {
                        self.value(item, None, inner + 1);
                    }
                    self.close(kind.tag(), inner);
                }
            }
            Some(Base::Entries(entries)) => {
                self.open("DCT", None, inner);
                if entries.is_empty() {
                    self.self_close();
                } else {
                    self.open_end();
                    for (k, v) in entries {
                        self.open("En", None, inner + 1);
                        self.open_end();
                        self.value(k, Some("Key"), inner + 2);
                        self.value(v, Some("Value"), inner + 2);
                        self.close("En", inner + 1);
                    }
                    self.close("DCT", inner);
                }
            }
        }
        // Empty `Props`/`MS` are left out, as PowerShell does; they read back
        // as empty lists either way.
        if !o.props.is_empty() {
            self.open("Props", None, inner);
            self.open_end();
            self.properties(&o.props, inner + 1);
            self.close("Props", inner);
        }
        if !o.members.is_empty() {
            self.open("MS", None, inner);
            self.open_end();
            self.properties(&o.members, inner + 1);
            self.close("MS", inner);
        }
        for u in &o.unknown {
            self.value(u, None, inner);
        }
        self.close("Obj", depth);
    }

    /// A `PR` element: the inverse of the reader's mapping of its children.
    fn progress(&mut self, fields: &[(String, Value)], name: Option<&str>, depth: usize) {
        self.open("PR", name, depth);
        if fields.is_empty() {
            self.self_close();
            return;
        }
        self.open_end();
        let inner = depth + 1;
        for (field, v) in fields {
            let tag = match field.as_str() {
                "Activity" => "AV",
                "ActivityId" => "AI",
                "ParentActivityId" => "PI",
                "PercentComplete" => "PC",
                "RecordType" => "T",
                "SecondsRemaining" => "SR",
                "StatusDescription" => "SD",
                // CurrentOperation is a value element (`S` or `Nil`) without a name.
                "CurrentOperation" => {
                    self.value(v, None, inner);
                    continue;
                }
                other => other,
            };
            match v {
                Value::Int(_, n) => self.plain(tag, None, inner, n),
                Value::UInt(_, n) => self.plain(tag, None, inner, n),
                Value::Text(_, s) => self.element_string(tag, s, inner),
                // Other values have no text form in a `PR`.
                _ => self.element_string(tag, "", inner),
            }
        }
        self.close("PR", depth);
    }
}

/// Transcodes UTF-8 text to UTF-16 LE bytes into `out` (cleared first).
/// Markup is mostly ASCII, so runs of it are widened byte by byte, which the
/// compiler vectorizes; the rest goes through `encode_utf16`.
fn utf16le(text: &str, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len() * 2);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - i);
        out.extend(bytes[i..i + run].iter().flat_map(|&b| [b, 0]));
        i += run;
        // The next non-ASCII stretch, up to the next ASCII byte (a char boundary).
        let end = bytes[i..].iter().position(u8::is_ascii).map_or(bytes.len(), |n| i + n);
        for unit in text[i..end].encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        i = end;
    }
}

/// How a text element's content is escaped.
#[derive(Clone, Copy)]
enum Text {
    /// `_x`-encoded, then XML-escaped (`S`, `XD`, `SBK`, `URI`, …).
    Encoded,
    /// XML-escaped only (`DT`, `G`, `BA`, unknown elements, …).
    Raw,
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Text,
    Attribute,
}

/// Appends `s` XML-escaped: `&`, `<`, `>` always; `"` and TAB/LF in
/// attributes (which attribute-value normalization would otherwise turn into
/// spaces); CR and other control characters as character references, since
/// a parser normalizes a raw CR away. Text that went through `_x` encoding
/// holds no control characters, so only the first rules apply to it.
fn push_escaped(out: &mut String, s: &str, ctx: Context) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: Option<&str> = match b {
            b'&' => Some("&amp;"),
            b'<' => Some("&lt;"),
            b'>' => Some("&gt;"),
            b'"' if ctx == Context::Attribute => Some("&quot;"),
            b'\t' | b'\n' if ctx == Context::Text => None,
            // XML cannot carry NUL at all, not even as a reference: it is
            // left raw for the reader to reject, like any other bad input.
            0 => None,
            0x01..=0x1F => Some(""),
            _ => None,
        };
        if let Some(rep) = rep {
            out.push_str(&s[start..i]);
            if rep.is_empty() {
                let _ = write!(out, "&#x{b:X};");
            } else {
                out.push_str(rep);
            }
            start = i + 1;
        }
    }
    out.push_str(&s[start..]);
}

#[derive(Clone, Copy)]
enum Float {
    Single(f32),
    Double(f64),
}

/// Appends a float as `XmlConvert.ToString` writes it: `INF`, `-INF`, `NaN`,
/// `-0`, else .NET's "R" format in the given style.
fn push_float(out: &mut String, f: Float, style: FloatStyle) {
    let wide = match f {
        Float::Single(x) => f64::from(x),
        Float::Double(x) => x,
    };
    if wide.is_nan() {
        out.push_str("NaN");
        return;
    }
    if wide.is_infinite() {
        out.push_str(if wide > 0.0 { "INF" } else { "-INF" });
        return;
    }
    if wide == 0.0 {
        out.push_str(if wide.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // Significant digits (no sign, no point, no trailing zeros), the decimal
    // exponent of the first one, and the digit count where exponent form starts.
    let (sci, max_digits) = match (style, f) {
        (FloatStyle::NetCore, Float::Single(x)) => (format!("{x:e}"), 9),
        (FloatStyle::NetCore, Float::Double(x)) => (format!("{x:e}"), 17),
        (FloatStyle::NetFramework, Float::Single(x)) => {
            let short = format!("{x:.6e}");
            if short.parse::<f32>().ok() == Some(x) { (short, 7) } else { (format!("{x:.8e}"), 9) }
        }
        (FloatStyle::NetFramework, Float::Double(x)) => {
            let short = format!("{x:.14e}");
            if short.parse::<f64>().ok() == Some(x) {
                (short, 15)
            } else {
                (format!("{x:.16e}"), 17)
            }
        }
    };
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` output has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    let negative = mantissa.starts_with('-');
    let mut digits: String = mantissa.bytes().filter(u8::is_ascii_digit).map(char::from).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if negative {
        out.push('-');
    }
    // .NET's "G" layout: exponent form when the point would fall more than
    // `max_digits` places right of the first digit or more than 4 left of it.
    let point = exp + 1; // digits before the decimal point
    if point > max_digits || point < -3 {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "E{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    } else if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = point as usize;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clixml::{IntTag, ListKind, Reader, UIntTag, UnknownElement};

    fn float(f: Float, style: FloatStyle) -> String {
        let mut s = String::new();
        push_float(&mut s, f, style);
        s
    }

    fn core(x: f64) -> String {
        float(Float::Double(x), FloatStyle::NetCore)
    }

    fn framework(x: f64) -> String {
        float(Float::Double(x), FloatStyle::NetFramework)
    }

    fn doc(values: &[Value], enc: OutputEncoding, newline: &'static str) -> Vec<u8> {
        let mut w = Writer::new(Vec::new(), enc, newline).unwrap();
        for v in values {
            w.write_value(v).unwrap();
        }
        w.finish().unwrap()
    }

    fn text(values: &[Value]) -> String {
        String::from_utf8(doc(values, OutputEncoding::Utf8, "\n")).unwrap()
    }

    fn obj(o: Object) -> Value {
        Value::Obj(Arc::new(o))
    }

    fn prop(name: &str, value: Value) -> Property {
        Property { name: name.into(), value }
    }

    fn s(text: &str) -> Value {
        Value::Text(TextTag::S, text.into())
    }

    #[test]
    fn doubles_print_like_dotnet_core() {
        assert_eq!(core(1e20), "1E+20");
        assert_eq!(core(5e-324), "5E-324");
        assert_eq!(core(0.1), "0.1");
        assert_eq!(core(1.0), "1");
        assert_eq!(core(-60.0), "-60");
        assert_eq!(core(-0.0), "-0");
        assert_eq!(core(f64::NAN), "NaN");
        assert_eq!(core(f64::INFINITY), "INF");
        assert_eq!(core(f64::NEG_INFINITY), "-INF");
        assert_eq!(core(123.456), "123.456");
        assert_eq!(core(0.0001), "0.0001");
        assert_eq!(core(0.00001), "1E-05");
        assert_eq!(core(1.0 / 12.0), "0.08333333333333333");
        assert_eq!(core(f64::MAX), "1.7976931348623157E+308");
        assert_eq!(core(f64::MIN), "-1.7976931348623157E+308");
        // Exponent form starts above 17 integer digits (DoublePrecision = 17).
        assert_eq!(core(1e15), "1000000000000000");
        assert_eq!(core(1e16), "10000000000000000");
        assert_eq!(core(1e17), "1E+17");
        assert_eq!(core(12345678901234567.0), "12345678901234568");
        assert_eq!(core(123456789012345680.0), "1.2345678901234568E+17");
    }

    #[test]
    fn singles_print_like_dotnet_core() {
        let sg = |x: f32| float(Float::Single(x), FloatStyle::NetCore);
        assert_eq!(sg(1.5), "1.5");
        assert_eq!(sg(f32::MAX), "3.4028235E+38");
        assert_eq!(sg(f32::from_bits(1)), "1E-45");
        assert_eq!(sg(0.1), "0.1");
        assert_eq!(sg(123456790.0), "123456790");
        assert_eq!(sg(1e9), "1E+09");
        assert_eq!(sg(-0.0), "-0");
    }

    #[test]
    fn framework_style_matches_windows_powershell_exports() {
        // TimeSpan.TotalDays values as they appear in genuine Exchange
        // (Windows PowerShell 5.1) exports; .NET Framework computes them as
        // ticks × (1 / ticks per day).
        let days = |seconds: f64| seconds * 1e7 * (1.0 / 864_000_000_000.0);
        assert_eq!(framework(days(7200.0)), "0.083333333333333329");
        assert_eq!(framework(days(5.0)), "5.7870370370370366E-05");
        assert_eq!(framework(days(30.0)), "0.00034722222222222218");
        assert_eq!(framework(days(120.0)), "0.0013888888888888887");
        assert_eq!(framework(days(300.0)), "0.003472222222222222");
        assert_eq!(framework(days(600.0)), "0.0069444444444444441");
        assert_eq!(framework(days(720.0)), "0.0083333333333333332");
        assert_eq!(framework(days(14400.0)), "0.16666666666666666");
        assert_eq!(framework(2592000000.0), "2592000000");
        assert_eq!(framework(0.5), "0.5");
        assert_eq!(framework(0.1), "0.1");
        assert_eq!(framework(1e15), "1E+15");
        assert_eq!(framework(123456789012345.0), "123456789012345");
        assert_eq!(framework(f64::MAX), "1.7976931348623157E+308");
        assert_eq!(framework(-0.0), "-0");
        let sg = |x: f32| float(Float::Single(x), FloatStyle::NetFramework);
        assert_eq!(sg(0.1), "0.1");
        assert_eq!(sg(f32::MAX), "3.40282347E+38");
        assert_eq!(sg(16777216.0), "16777216");
    }

    #[test]
    fn every_float_style_round_trips() {
        let doubles = [0.1, 1.0 / 3.0, 2.0f64.powi(-1074), 9007199254740993.0, 1e300, -4.5e-7];
        for style in [FloatStyle::NetCore, FloatStyle::NetFramework] {
            for x in doubles {
                assert_eq!(float(Float::Double(x), style).parse::<f64>().unwrap(), x, "{style:?}");
            }
            for x in [0.1f32, 1.0 / 3.0, f32::from_bits(1), 16777217.0, 3e38] {
                let text = float(Float::Single(x), style);
                assert_eq!(text.parse::<f32>().unwrap(), x, "{style:?} {text}");
            }
        }
    }

    #[test]
    fn layout_is_powershells() {
        let dict = obj(Object {
            id: Some(RefId::Num(1)),
            types: vec!["System.Collections.Hashtable".into(), "System.Object".into()].into(),
            base: Some(Base::Entries(vec![(s("k"), Value::Int(IntTag::I32, 1))])),
            ..Object::default()
        });
        let v = obj(Object {
            id: Some(RefId::Num(0)),
            types: vec![
                "System.Management.Automation.PSCustomObject".into(),
                "System.Object".into(),
            ]
            .into(),
            members: vec![
                prop("Name", s("")),
                prop("When", Value::Text(TextTag::DT, "2024-03-01T11:34:56Z".into())),
                prop("Nothing", Value::Nil),
                prop("Table", dict),
                prop("Self", Value::Ref(RefId::Num(0))),
            ],
            ..Object::default()
        });
        let expected =
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r
  <Obj RefId=\"0\">\r
    <TN RefId=\"0\">\r
      <T>System.Management.Automation.PSCustomObject</T>\r
      <T>System.Object</T>\r
    </TN>\r
    <MS>\r
      <S N=\"Name\"></S>\r
      <DT N=\"When\">2024-03-01T11:34:56Z</DT>\r
      <Nil N=\"Nothing\" />\r
      <Obj N=\"Table\" RefId=\"1\">\r
        <TN RefId=\"1\">\r
          <T>System.Collections.Hashtable</T>\r
          <T>System.Object</T>\r
        </TN>\r
        <DCT>\r
          <En>\r
            <S N=\"Key\">k</S>\r
            <I32 N=\"Value\">1</I32>\r
          </En>\r
        </DCT>\r
      </Obj>\r
      <Ref N=\"Self\" RefId=\"0\" />\r
    </MS>\r
  </Obj>\r
  <S>second</S>\r
</Objs>";
        let bytes = doc(&[v, s("second")], OutputEncoding::Utf8, "\r\n");
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }

    #[test]
    fn empty_document_is_one_self_closed_root() {
        for (enc, prefix) in
            [(OutputEncoding::Utf8, &[][..]), (OutputEncoding::Utf8Bom, &[0xEF, 0xBB, 0xBF][..])]
        {
            let bytes = doc(&[], enc, "\n");
            assert_eq!(&bytes[..prefix.len()], prefix);
            assert_eq!(&bytes[prefix.len()..], format!("{ROOT_START} />").as_bytes());
        }
        let back: Vec<_> = Reader::new(&doc(&[], OutputEncoding::Utf16LeBom, "\n")[..])
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(back.is_empty());
    }

    #[test]
    fn type_lists_are_shared_by_content() {
        let types: Arc<[String]> = vec!["A".to_string(), "System.Object".to_string()].into();
        let same_content: Arc<[String]> = vec!["A".to_string(), "System.Object".to_string()].into();
        let other: Arc<[String]> = vec!["B".to_string()].into();
        let o = |t: &Arc<[String]>| obj(Object { types: t.clone(), ..Object::default() });
        let out = text(&[o(&types), o(&other), o(&same_content), o(&types)]);
        assert_eq!(out.matches("<TN RefId=\"0\">").count(), 1);
        assert_eq!(out.matches("<TN RefId=\"1\">").count(), 1);
        assert_eq!(out.matches("<TNRef RefId=\"0\" />").count(), 2);
        assert!(!out.contains("TN RefId=\"2\""));
        // An object without id has no RefId attribute.
        assert!(out.contains("  <Obj>\n"));
    }

    #[test]
    fn strings_get_both_escape_layers() {
        let out = text(&[
            s("a & b <c> \"q\" 'x' _x0041_ \r\n\u{85}\u{1F600}"),
            obj(Object {
                to_string: Some(String::new()),
                props: vec![prop("N \"1\" & _x\t", Value::Text(TextTag::URI, "u?a=1&b=2".into()))],
                ..Object::default()
            }),
        ]);
        assert!(out.contains(
            "<S>a &amp; b &lt;c&gt; \"q\" 'x' _x005F_x0041_ _x000D__x000A__x0085__xD83D__xDE00_</S>"
        ));
        assert!(out.contains("<ToString />"));
        assert!(
            out.contains("<URI N=\"N &quot;1&quot; &amp; _x005F_x_x0009_\">u?a=1&amp;b=2</URI>")
        );
    }

    #[test]
    fn raw_text_keeps_carriage_returns_as_references() {
        let v = Value::Text(TextTag::DT, "a\r\nb\tc\u{1}".into());
        let out = text(std::slice::from_ref(&v));
        assert!(out.contains("<DT>a&#xD;\nb\tc&#x1;</DT>"), "{out}");
        let back: Vec<_> = Reader::new(out.as_bytes()).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, [v]);
    }

    #[test]
    fn chars_are_utf16_codes() {
        let out = text(&[
            Value::Text(TextTag::C, "A".into()),
            Value::Text(TextTag::C, "\u{0}".into()),
            Value::Text(TextTag::C, "\u{FFFD}".into()),
        ]);
        assert!(out.contains("<C>65</C>\n  <C>0</C>\n  <C>65533</C>"));
    }

    #[test]
    fn containers_and_member_sets_self_close_when_empty() {
        let out = text(&[obj(Object {
            base: Some(Base::Items(ListKind::Queue, vec![])),
            members: vec![prop("set", Value::MemberSet(vec![]))],
            ..Object::default()
        })]);
        assert!(out.contains("<QUE />") && out.contains("<MS N=\"set\" />"), "{out}");
        let out = text(&[obj(Object { base: Some(Base::Entries(vec![])), ..Object::default() })]);
        assert!(out.contains("<DCT />"), "{out}");
    }

    #[test]
    fn progress_records_invert_the_reader() {
        let pr = Value::Progress(vec![
            ("Activity".into(), s("Copying & <moving>")),
            ("ActivityId".into(), Value::Int(IntTag::I32, 0)),
            ("CurrentOperation".into(), Value::Nil),
            ("ParentActivityId".into(), Value::Int(IntTag::I32, -1)),
            ("PercentComplete".into(), Value::Int(IntTag::I32, 50)),
            ("RecordType".into(), s("Processing")),
            ("SecondsRemaining".into(), Value::Int(IntTag::I32, -1)),
            ("StatusDescription".into(), s("")),
        ]);
        let v = obj(Object { members: vec![prop("Record", pr)], ..Object::default() });
        let out = text(std::slice::from_ref(&v));
        assert!(out.contains(
            "<PR N=\"Record\">\n        <AV>Copying &amp; &lt;moving&gt;</AV>\n        <AI>0</AI>\n        <Nil />\n"
        ));
        assert!(out.contains("<SD />"));
        let back: Vec<_> = Reader::new(out.as_bytes()).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, [v]);
    }

    #[test]
    fn writes_and_reads_back_in_every_encoding() {
        let nested = Value::MemberSet(vec![
            prop("inner", Value::UInt(UIntTag::U64, u64::MAX)),
            prop("deeper", Value::MemberSet(vec![prop("x", Value::Bool(true))])),
        ]);
        let v = obj(Object {
            id: Some(RefId::Num(0)),
            types: vec!["A.B".to_string(), "System.Object".to_string()].into(),
            to_string: Some("x_y\r\n".into()),
            base: Some(Base::Items(
                ListKind::List,
                vec![Value::Int(IntTag::I32, 1), Value::Ref(RefId::Num(0))],
            )),
            props: vec![prop("N&\"1\"", s("<&>_x\u{1F600}"))],
            members: vec![prop("M", Value::Double(1e20)), prop("set", nested)],
            unknown: vec![Value::Unknown(Box::new(UnknownElement {
                name: "Foo".into(),
                text: "raw & text".into(),
            }))],
        });
        let values = [v, Value::Text(TextTag::C, "A".into()), Value::Ref(RefId::Num(0))];
        for enc in [OutputEncoding::Utf8, OutputEncoding::Utf8Bom, OutputEncoding::Utf16LeBom] {
            for newline in ["\n", "\r\n"] {
                let bytes = doc(&values, enc, newline);
                let back: Vec<Value> =
                    Reader::new(&bytes[..]).unwrap().collect::<Result<_, _>>().unwrap();
                assert_eq!(back, values, "{enc:?}");
            }
        }
    }

    #[test]
    fn utf16_output_is_the_utf8_text_transcoded() {
        let values = [s("中文 😀 é"), Value::Double(0.5)];
        let narrow = doc(&values, OutputEncoding::Utf8Bom, "\r\n");
        let wide = doc(&values, OutputEncoding::Utf16LeBom, "\r\n");
        let text = std::str::from_utf8(&narrow[3..]).unwrap();
        let units: Vec<u16> =
            wide[2..].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        assert_eq!(&wide[..2], &[0xFF, 0xFE]);
        assert_eq!(String::from_utf16(&units).unwrap(), text);
    }

    #[test]
    fn output_streams_in_bounded_chunks() {
        // A sink that records each write: a long stream of values must reach
        // it before `finish`, in pieces no larger than one flush.
        struct Sink(Vec<usize>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.push(b.len());
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = Writer::new(Sink(Vec::new()), OutputEncoding::Utf8, "\n").unwrap();
        for i in 0..20_000 {
            w.write_value(&s(&format!("value number {i}"))).unwrap();
        }
        let before_finish = w.out.0.len();
        let sink = w.finish().unwrap();
        assert!(before_finish >= 5, "{before_finish} writes before finish");
        assert!(sink.0.iter().all(|&n| n < 2 * FLUSH_AT));
    }
}
