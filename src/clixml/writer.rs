//! Writing CLIXML the way Export-Clixml does: the `<Objs>` root, 2-space
//! indentation, type-name lists shared through `<TNRef>`, `_xHHHH_` and XML
//! escaping, .NET number formats, in UTF-8 (with or without BOM) or UTF-16 LE
//! with BOM. Streaming: each top-level value is written as it comes.
//!
//! Used by the sample and benchmark generators and by the round-trip tests.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

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

/// A streaming CLIXML writer.
pub struct Writer<W: Write> {
    out: W,
    encoding: OutputEncoding,
    newline: &'static str,
    type_lists: HashMap<Vec<String>, u64>,
    next_type_list: u64,
    buf: String,
}

impl<W: Write> Writer<W> {
    /// Starts a document: BOM if any, then the `<Objs>` start tag.
    /// `newline` is `"\n"` (PowerShell 7 on Unix) or `"\r\n"` (Windows).
    pub fn new(out: W, encoding: OutputEncoding, newline: &'static str) -> io::Result<Self> {
        let mut w = Writer {
            out,
            encoding,
            newline,
            type_lists: HashMap::new(),
            next_type_list: 0,
            buf: String::with_capacity(64 * 1024),
        };
        match encoding {
            OutputEncoding::Utf8 => {}
            OutputEncoding::Utf8Bom => w.out.write_all(&[0xEF, 0xBB, 0xBF])?,
            OutputEncoding::Utf16LeBom => w.out.write_all(&[0xFF, 0xFE])?,
        }
        w.buf.push_str(
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">",
        );
        w.buf.push_str(newline);
        w.flush_buf()?;
        Ok(w)
    }

    /// Writes one top-level value.
    pub fn write_value(&mut self, value: &Value) -> io::Result<()> {
        self.value(value, None, 1);
        self.flush_buf()
    }

    /// Writes the closing `</Objs>` and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.buf.push_str("</Objs>");
        self.flush_buf()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        match self.encoding {
            OutputEncoding::Utf8 | OutputEncoding::Utf8Bom => {
                self.out.write_all(self.buf.as_bytes())?
            }
            OutputEncoding::Utf16LeBom => {
                let mut bytes = Vec::with_capacity(self.buf.len() * 2);
                for unit in self.buf.encode_utf16() {
                    bytes.extend_from_slice(&unit.to_le_bytes());
                }
                self.out.write_all(&bytes)?;
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

    fn open(&mut self, tag: &str, name: Option<&str>, depth: usize) {
        self.indent(depth);
        self.buf.push('<');
        self.buf.push_str(tag);
        if let Some(n) = name {
            self.buf.push_str(" N=\"");
            escape_xml(&mut self.buf, &escape::encode(n), true);
            self.buf.push('"');
        }
    }

    /// `<tag N="..">text</tag>` on one line; `text` is already escaped.
    fn leaf(&mut self, tag: &str, name: Option<&str>, depth: usize, text: &str) {
        self.open(tag, name, depth);
        if text.is_empty() && tag == "Nil" {
            self.buf.push_str(" />");
        } else {
            self.buf.push('>');
            self.buf.push_str(text);
            self.buf.push_str("</");
            self.buf.push_str(tag);
            self.buf.push('>');
        }
        self.buf.push_str(self.newline);
    }

    fn value(&mut self, v: &Value, name: Option<&str>, depth: usize) {
        match v {
            Value::Nil => self.leaf("Nil", name, depth, ""),
            Value::Bool(b) => self.leaf("B", name, depth, if *b { "true" } else { "false" }),
            Value::Int(t, n) => self.leaf(t.tag(), name, depth, &n.to_string()),
            Value::UInt(t, n) => self.leaf(t.tag(), name, depth, &n.to_string()),
            Value::Single(f) => {
                self.leaf("Sg", name, depth, &dotnet_float(f64::from(*f), 7, Some(*f)))
            }
            Value::Double(f) => self.leaf("Db", name, depth, &dotnet_float(*f, 15, None)),
            Value::Text(tag, s) => {
                let mut text = String::with_capacity(s.len());
                match tag {
                    TextTag::S | TextTag::XD | TextTag::SBK | TextTag::URI => {
                        escape_xml(&mut text, &escape::encode(s), false)
                    }
                    TextTag::C => {
                        let unit = s.encode_utf16().next().unwrap_or(0);
                        text = unit.to_string();
                    }
                    _ => escape_xml(&mut text, s, false),
                }
                self.leaf(tag.tag(), name, depth, &text);
            }
            Value::Ref(id) => {
                self.open("Ref", name, depth);
                let _ = write!(self.buf, " RefId=\"");
                escape_xml(&mut self.buf, &id_text(id), true);
                self.buf.push_str("\" />");
                self.buf.push_str(self.newline);
            }
            Value::Obj(o) => self.object(o, name, depth),
            Value::Progress(fields) => self.progress(fields, name, depth),
            Value::MemberSet(members) => {
                self.open("MS", name, depth);
                self.buf.push('>');
                self.buf.push_str(self.newline);
                self.properties(members, depth + 1);
                self.close("MS", depth);
            }
            Value::Unknown(u) => {
                let mut t = String::new();
                escape_xml(&mut t, &u.text, false);
                self.leaf(&u.name, name, depth, &t);
            }
        }
    }

    fn close(&mut self, tag: &str, depth: usize) {
        self.indent(depth);
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self.buf.push_str(self.newline);
    }

    fn properties(&mut self, list: &[Property], depth: usize) {
        for p in list {
            self.value(&p.value, Some(&p.name), depth);
        }
    }

    fn object(&mut self, o: &Object, name: Option<&str>, depth: usize) {
        self.open("Obj", name, depth);
        if let Some(id) = &o.id {
            self.buf.push_str(" RefId=\"");
            escape_xml(&mut self.buf, &id_text(id), true);
            self.buf.push('"');
        }
        let empty = o.types.is_empty()
            && o.to_string.is_none()
            && o.base.is_none()
            && o.props.is_empty()
            && o.members.is_empty()
            && o.unknown.is_empty();
        if empty {
            self.buf.push_str(" />");
            self.buf.push_str(self.newline);
            return;
        }
        self.buf.push('>');
        self.buf.push_str(self.newline);
        let inner = depth + 1;
        if !o.types.is_empty() {
            let key: Vec<String> = o.types.to_vec();
            if let Some(id) = self.type_lists.get(&key) {
                let id = *id;
                self.indent(inner);
                let _ = write!(self.buf, "<TNRef RefId=\"{id}\" />");
                self.buf.push_str(self.newline);
            } else {
                let id = self.next_type_list;
                self.next_type_list += 1;
                self.type_lists.insert(key, id);
                self.indent(inner);
                let _ = write!(self.buf, "<TN RefId=\"{id}\">");
                self.buf.push_str(self.newline);
                for t in o.types.iter() {
                    let mut text = String::new();
                    escape_xml(&mut text, &escape::encode(t), false);
                    self.leaf("T", None, inner + 1, &text);
                }
                self.close("TN", inner);
            }
        }
        if let Some(s) = &o.to_string {
            let mut text = String::new();
            escape_xml(&mut text, &escape::encode(s), false);
            self.leaf("ToString", None, inner, &text);
        }
        match &o.base {
            None => {}
            Some(Base::Value(v)) => self.value(v, None, inner),
            Some(Base::Items(kind, items)) => {
                if items.is_empty() {
                    self.indent(inner);
                    let _ = write!(self.buf, "<{} />", kind.tag());
                    self.buf.push_str(self.newline);
                } else {
                    self.indent(inner);
                    let _ = write!(self.buf, "<{}>", kind.tag());
                    self.buf.push_str(self.newline);
                    for item in items {
                        self.value(item, None, inner + 1);
                    }
                    self.close(kind.tag(), inner);
                }
            }
            Some(Base::Entries(entries)) => {
                self.indent(inner);
                self.buf.push_str("<DCT>");
                self.buf.push_str(self.newline);
                for (k, v) in entries {
                    self.indent(inner + 1);
                    self.buf.push_str("<En>");
                    self.buf.push_str(self.newline);
                    self.value(k, Some("Key"), inner + 2);
                    self.value(v, Some("Value"), inner + 2);
                    self.close("En", inner + 1);
                }
                self.close("DCT", inner);
            }
        }
        if !o.props.is_empty() {
            self.indent(inner);
            self.buf.push_str("<Props>");
            self.buf.push_str(self.newline);
            self.properties(&o.props, inner + 1);
            self.close("Props", inner);
        }
        if !o.members.is_empty() {
            self.indent(inner);
            self.buf.push_str("<MS>");
            self.buf.push_str(self.newline);
            self.properties(&o.members, inner + 1);
            self.close("MS", inner);
        }
        for u in &o.unknown {
            self.value(u, None, inner);
        }
        self.close("Obj", depth);
    }

    fn progress(&mut self, fields: &[(String, Value)], name: Option<&str>, depth: usize) {
        self.open("PR", name, depth);
        self.buf.push('>');
        self.buf.push_str(self.newline);
        for (field, v) in fields {
            let tag = match field.as_str() {
                "Activity" => "AV",
                "ActivityId" => "AI",
                "ParentActivityId" => "PI",
                "PercentComplete" => "PC",
                "RecordType" => "T",
                "SecondsRemaining" => "SR",
                "StatusDescription" => "SD",
                "CurrentOperation" => {
                    self.value(v, None, depth + 1);
                    continue;
                }
                other => other,
            };
            let text = match v {
                Value::Int(_, n) => n.to_string(),
                Value::Text(_, s) => {
                    let mut t = String::new();
                    escape_xml(&mut t, &escape::encode(s), false);
                    t
                }
                _ => String::new(),
            };
            self.leaf(tag, None, depth + 1, &text);
        }
        self.close("PR", depth);
    }
}

fn id_text(id: &RefId) -> String {
    id.to_string()
}

/// Escapes `&`, `<`, `>` (and `"` in attributes).
fn escape_xml(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// .NET's shortest round-trip text for a float: `INF`, `-INF`, `NaN`, `-0`,
/// plain digits for exponents in `[-4, threshold)`, else `1.5E+20`.
fn dotnet_float(f: f64, threshold: i32, single: Option<f32>) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "INF".into() } else { "-INF".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits of the value's own type.
    let sci = match single {
        Some(x) => format!("{x:e}"),
        None => format!("{f:e}"),
    };
    let (mantissa, exp) = sci.split_once('e').expect("scientific form");
    let exp: i32 = exp.parse().expect("exponent");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if exp >= threshold || exp < -4 {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}E{esign}{:02}", exp.abs());
    }
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let int_len = exp as usize + 1;
    if digits.len() <= int_len {
        format!("{sign}{digits}{}", "0".repeat(int_len - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clixml::{IntTag, ListKind, Reader};
    use std::sync::Arc;

    #[test]
    fn floats_print_like_dotnet() {
        let d = |f| dotnet_float(f, 15, None);
        assert_eq!(d(1e20), "1E+20");
        assert_eq!(d(5e-324), "5E-324");
        assert_eq!(d(0.1), "0.1");
        assert_eq!(d(1.0), "1");
        assert_eq!(d(-0.0), "-0");
        assert_eq!(d(123.456), "123.456");
        assert_eq!(d(0.0001), "0.0001");
        assert_eq!(d(0.00001), "1E-05");
        assert_eq!(d(1.7976931348623157e308), "1.7976931348623157E+308");
        assert_eq!(d(f64::NEG_INFINITY), "-INF");
        assert_eq!(
            dotnet_float(f64::from(3.4028235e38f32), 7, Some(3.4028235e38)),
            "3.4028235E+38"
        );
        assert_eq!(dotnet_float(1.5, 7, Some(1.5)), "1.5");
    }

    #[test]
    fn writes_and_reads_back() {
        let obj = Value::Obj(Arc::new(Object {
            id: Some(RefId::Num(0)),
            types: vec!["A.B".to_string(), "System.Object".to_string()].into(),
            to_string: Some("x_y\r\n".into()),
            base: Some(Base::Items(
                ListKind::List,
                vec![Value::Int(IntTag::I32, 1), Value::Ref(RefId::Num(0))],
            )),
            props: vec![Property {
                name: "N&\"1\"".into(),
                value: Value::Text(TextTag::S, "<&>_x\u{1F600}".into()),
            }],
            members: vec![Property { name: "M".into(), value: Value::Double(1e20) }],
            unknown: vec![],
        }));
        for enc in [OutputEncoding::Utf8, OutputEncoding::Utf8Bom, OutputEncoding::Utf16LeBom] {
            let mut w = Writer::new(Vec::new(), enc, "\r\n").unwrap();
            w.write_value(&obj).unwrap();
            w.write_value(&Value::Text(TextTag::C, "A".into())).unwrap();
            let bytes = w.finish().unwrap();
            let back: Vec<Value> =
                Reader::new(&bytes[..]).unwrap().collect::<Result<_, _>>().unwrap();
            assert_eq!(back, [obj.clone(), Value::Text(TextTag::C, "A".into())], "{enc:?}");
        }
    }
}
