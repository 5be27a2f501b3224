//! A byte-driven CLIXML generator: fuzzer bytes pick every decision, so small
//! mutations make small, still-plausible changes to a deep document.
//!
//! Documents come in two flavours, picked by the first decision:
//! - *strict*: only constructs the reader must accept (values in range, `Ref`
//!   and `TNRef` to ids defined earlier, non-`Nil` dictionary keys, nesting
//!   well under the default limit). The reader must read all of it, and the
//!   top-level primitives must come back as generated.
//! - *loose*: anything goes, including junk text, undefined ids, unbalanced
//!   tags, truncation and broken encodings; only the generic checks apply.

use arbitrary::{Result, Unstructured};

/// A generated document and what reading it must give.
#[derive(Debug)]
pub struct Doc {
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// Whether only valid constructs were used (the reader must accept it).
    pub strict: bool,
    /// One entry per top-level value: the primitive it must read back as,
    /// when it is a primitive whose value the generator knows.
    pub top: Vec<Option<Expected>>,
}

/// A top-level primitive as it must be read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// `S`, after `_x` and XML unescaping.
    Str(String),
    /// Any signed integer element.
    Int(i64),
    /// Any unsigned integer element.
    UInt(u64),
    /// `B`.
    Bool(bool),
    /// `Nil`.
    Nil,
}

const NS: &str = "http://schemas.microsoft.com/powershell/2004/04";

/// Strict documents stay well under the default `max_depth` of 256.
const STRICT_MAX_DEPTH: usize = 120;
/// Loose documents may go past it, to reach the limit checks.
const LOOSE_MAX_DEPTH: usize = 300;
/// Elements per document: bounds generation time whatever the input.
const MAX_NODES: usize = 3000;

/// Fragments that tend to matter to the reader's text handling.
const NASTY: &[&str] = &[
    "_x000A_",
    "_x000D__x000A_",
    "_x005F_",
    "_x",
    "_X0041_",
    "_xD83D__xDE00_",
    "_xD83D_",
    "_xDE00_",
    "_x0001F600_",
    "_x0011FFFF_",
    "_xZZZZ_",
    "__x0041_",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&#x41;",
    "&#65;",
    "&#x1F600;",
    "&#xD800;",
    "&#0;",
    "&#x110000;",
    "&bogus;",
    "&",
    "&#;",
    "<![CDATA[x<y]]>",
    "<![CDATA[",
    "]]>",
    "<!--c-->",
    "<?pi x?>",
    "\u{FEFF}",
    "é",
    "\u{1F600}",
    "\r\n",
    "\r",
    "\t",
    " ",
    "-",
    "+",
    ".",
    "e",
    "E",
    "INF",
    "-INF",
    "NaN",
    "true",
    "True",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "0x10",
    "1E+5",
    "00",
    "<",
    ">",
    "/>",
    "</S>",
    "=",
    "\"",
    "'",
];

const PRIMS: &[&str] = &[
    "S", "I32", "B", "Nil", "I64", "DT", "G", "Db", "TS", "U64", "U32", "BA", "Version", "URI",
    "C", "By", "SB", "I16", "U16", "Sg", "D", "XD", "SBK", "SS",
];

const NAMES: &[&str] = &[
    "Name",
    "Status",
    "Identity",
    "Key",
    "Value",
    "@types",
    "@id",
    "@ref",
    "_x0041_bc",
    "a&amp;b",
    "",
    "PercentComplete",
    "Report",
    "Entries",
    "Self",
    "ms.x",
];

const TYPES: &[&str] = &[
    "System.Object",
    "System.Management.Automation.PSCustomObject",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics",
    "System.Collections.Hashtable",
    "System.Collections.ArrayList",
    "System.ConsoleColor",
    "System.Enum",
    "System.ValueType",
];

/// Builds one document from the fuzzer's bytes.
pub fn document(u: &mut Unstructured<'_>) -> Result<Doc> {
    let strict = u.ratio(1, 2)?;
    let mut g = Gen {
        out: String::new(),
        strict,
        obj_ids: Vec::new(),
        next_obj: 0,
        tn_ids: Vec::new(),
        next_tn: 0,
        nodes: 0,
    };
    g.prelude(u)?;
    let version = if strict || u.ratio(3, 4)? {
        "1.1.0.1"
    } else {
        *u.choose(&["1.2.0.0", "2.0", "", "1", " 1.0 ", "x"])?
    };
    let mut top = Vec::new();
    if !strict && one_in(u, 16)? {
        g.out.push_str(&format!("<Objs Version=\"{version}\" xmlns=\"{NS}\"/>"));
    } else {
        g.out.push_str(&format!("<Objs Version=\"{version}\" xmlns=\"{NS}\">"));
        while g.nodes < MAX_NODES && !u.is_empty() && top.len() < 64 && u.ratio(7, 8)? {
            g.space(u)?;
            top.push(g.value(u, 1, None)?);
        }
        g.space(u)?;
        if strict || u.ratio(15, 16)? {
            g.out.push_str("</Objs>");
        }
        if one_in(u, 4)? {
            g.out.push_str("\r\n");
        }
    }
    let bytes = g.encode(u)?;
    Ok(Doc { bytes, strict, top })
}

struct Gen {
    out: String,
    strict: bool,
    /// Object ids defined so far (open ancestors included, as in the reader).
    obj_ids: Vec<u64>,
    next_obj: u64,
    /// Type-name list ids defined so far.
    tn_ids: Vec<u64>,
    next_tn: u64,
    nodes: usize,
}

impl Gen {
    fn prelude(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        if one_in(u, 4)? {
            self.out.push_str(u.choose(&["#< CLIXML\r\n", "#< CLIXML\n", "#< CLIXML\r"])?);
        }
        if one_in(u, 4)? {
            self.out.push_str("<?xml version=\"1.0\" encoding=\"utf-16\"?>");
        }
        if one_in(u, 8)? {
            self.out.push_str("<!-- exported -->\n");
        }
        if !self.strict && one_in(u, 32)? {
            self.out.push_str("<!DOCTYPE Objs>");
        }
        Ok(())
    }

    fn space(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let s = *u.choose(&["", "\n", "\r\n  ", "\n    ", " "])?;
        self.out.push_str(s);
        if !self.strict && one_in(u, 64)? {
            self.out.push_str(u.choose(NASTY)?);
        }
        Ok(())
    }

    /// The attribute text for `N` (leading space included), if any.
    fn name_attr(&mut self, u: &mut Unstructured<'_>, named: bool) -> Result<String> {
        if !named && !one_in(u, 16)? {
            return Ok(String::new());
        }
        let name = if u.ratio(3, 4)? {
            (*u.choose(NAMES)?).to_string()
        } else {
            let mut s = String::new();
            self.text_into(u, &mut s, 8)?;
            escape_attr(&s)
        };
        Ok(format!(" N=\"{name}\""))
    }

    /// One value element. `name` is `Some(named)` inside property lists.
    fn value(
        &mut self,
        u: &mut Unstructured<'_>,
        depth: usize,
        named: Option<bool>,
    ) -> Result<Option<Expected>> {
        self.nodes += 1;
        let n = self.name_attr(u, named.unwrap_or(false))?;
        let max_depth = if self.strict { STRICT_MAX_DEPTH } else { LOOSE_MAX_DEPTH };
        let leaf_only = depth + 4 >= max_depth || self.nodes >= MAX_NODES || u.is_empty();
        let kind = if leaf_only { 0 } else { u.int_in_range(0..=9)? };
        match kind {
            0..=4 => self.primitive(u, &n),
            5..=7 => {
                self.object(u, &n, depth)?;
                Ok(None)
            }
            8 => {
                self.reference(u, &n)?;
                Ok(None)
            }
            _ => {
                if one_in(u, 2)? {
                    self.progress(u, &n)?;
                } else {
                    self.unknown_element(u, &n, depth)?;
                }
                Ok(None)
            }
        }
    }

    fn primitive(&mut self, u: &mut Unstructured<'_>, n: &str) -> Result<Option<Expected>> {
        let tag = *u.choose(PRIMS)?;
        if tag == "Nil" {
            self.out.push_str(&format!("<Nil{n} />"));
            return Ok(Some(Expected::Nil));
        }
        if !self.strict && one_in(u, 4)? {
            // Junk text: the number parsers and escape decoder get the odd cases.
            let mut s = String::new();
            self.text_into(u, &mut s, 6)?;
            self.out.push_str(&format!("<{tag}{n}>{s}</{tag}>"));
            return Ok(None);
        }
        let ws = |u: &mut Unstructured<'_>| -> Result<&'static str> {
            Ok(if one_in(u, 8)? { *u.choose(&[" ", "\n", "\t", "\r\n "])? } else { "" })
        };
        let (lead, trail) = (ws(u)?, ws(u)?);
        let (text, expected) = match tag {
            "S" => {
                let mut raw = String::new();
                self.plain_text(u, &mut raw)?;
                let text = self.encode_text(u, &raw)?;
                if one_in(u, 16)? {
                    self.out.push_str(&format!("<S{n} />"));
                    return Ok(Some(Expected::Str(String::new())));
                }
                (text, Some(Expected::Str(raw)))
            }
            "B" => {
                let (t, b) =
                    *u.choose(&[("true", true), ("false", false), ("1", true), ("0", false)])?;
                (format!("{lead}{t}{trail}"), Some(Expected::Bool(b)))
            }
            "SB" | "I16" | "I32" | "I64" => {
                let v: i64 = match tag {
                    "SB" => i64::from(u.arbitrary::<i8>()?),
                    "I16" => i64::from(u.arbitrary::<i16>()?),
                    "I32" => i64::from(u.arbitrary::<i32>()?),
                    _ => u.arbitrary::<i64>()?,
                };
                (format!("{lead}{v}{trail}"), Some(Expected::Int(v)))
            }
            "By" | "U16" | "U32" | "U64" | "C" => {
                let v: u64 = match tag {
                    "By" => u64::from(u.arbitrary::<u8>()?),
                    "U16" | "C" => u64::from(u.arbitrary::<u16>()?),
                    "U32" => u64::from(u.arbitrary::<u32>()?),
                    _ => u.arbitrary::<u64>()?,
                };
                let exp = if tag == "C" { None } else { Some(Expected::UInt(v)) };
                (format!("{lead}{v}{trail}"), exp)
            }
            "Sg" | "Db" => {
                let t = match u.int_in_range(0..=4)? {
                    0 => (*u.choose(&["INF", "-INF", "NaN", "-0", "5E-324", "1E+20", "1.5"])?)
                        .to_string(),
                    1 => format!("{:e}", u.arbitrary::<f32>()?),
                    _ => {
                        let f = u.arbitrary::<f64>()?;
                        if f.is_finite() { format!("{f:E}") } else { "0".to_string() }
                    }
                };
                let t = if t.contains("inf") || t.contains("NaN") && t.len() > 3 {
                    "1".to_string()
                } else {
                    t
                };
                (format!("{lead}{t}{trail}"), None)
            }
            "D" => {
                let int = u.arbitrary::<u64>()?;
                let frac = u.int_in_range(0u32..=9999)?;
                let sign = *u.choose(&["", "-", "+"])?;
                (format!("{lead}{sign}{int}.{frac}{trail}"), None)
            }
            "DT" => ("2024-05-01T10:20:30.1234567+02:00".to_string(), None),
            "TS" => (
                (*u.choose(&["PT1H2M3.5S", "P10675199DT2H48M5.4775807S", "PT0S"])?).to_string(),
                None,
            ),
            "G" => ("d3b07384-d113-4ec1-8f4a-0a3b2c1d0e9f".to_string(), None),
            "Version" => ((*u.choose(&["1.2", "15.2.1544.4", "2.0.0.1"])?).to_string(), None),
            "BA" => ((*u.choose(&["", "AQID", "SGVsbG8="])?).to_string(), None),
            "SS" => ("7300650063007200650074000000".to_string(), None),
            // URI, XD, SBK: escaped text like S.
            _ => {
                let mut raw = String::new();
                self.plain_text(u, &mut raw)?;
                (self.encode_text(u, &raw)?, None)
            }
        };
        self.out.push_str(&format!("<{tag}{n}>{text}</{tag}>"));
        Ok(expected)
    }

    fn object(&mut self, u: &mut Unstructured<'_>, n: &str, depth: usize) -> Result<()> {
        let id_attr = if self.strict || u.ratio(7, 8)? {
            let id = self.next_obj;
            self.next_obj += 1;
            self.obj_ids.push(id);
            let spaced = if one_in(u, 8)? { " = " } else { "=" };
            format!(" RefId{spaced}\"{id}\"")
        } else if one_in(u, 2)? {
            String::new()
        } else {
            let id = *u.choose(&["RefId-0", "", " 3 ", "18446744073709551616", "67108864", "0"])?;
            format!(" RefId=\"{id}\"")
        };
        self.out.push_str(&format!("<Obj{n}{id_attr}>"));
        // Type names: a new list, a reference to an earlier one, or none.
        match u.int_in_range(0..=3)? {
            0 => {}
            1 if !self.tn_ids.is_empty() => {
                let id = *u.choose(&self.tn_ids)?;
                self.out.push_str(&format!("<TNRef RefId=\"{id}\" />"));
            }
            1 if !self.strict => {
                self.out.push_str("<TNRef RefId=\"99\" />");
            }
            _ => {
                let id = self.next_tn;
                self.next_tn += 1;
                self.out.push_str(&format!("<TN RefId=\"{id}\">"));
                for _ in 0..u.int_in_range(0..=3)? {
                    let t = *u.choose(TYPES)?;
                    self.out.push_str(&format!("<T>{t}</T>"));
                }
                self.out.push_str("</TN>");
                self.tn_ids.push(id);
            }
        }
        if one_in(u, 4)? {
            let mut raw = String::new();
            self.plain_text(u, &mut raw)?;
            let text = self.encode_text(u, &raw)?;
            self.out.push_str(&format!("<ToString>{text}</ToString>"));
        }
        let parts = u.int_in_range(0..=3)?;
        for _ in 0..parts {
            if self.nodes >= MAX_NODES {
                break;
            }
            match u.int_in_range(0..=6)? {
                0 => self.props("Props", u, depth + 1)?,
                1 => self.props("MS", u, depth + 1)?,
                2 => {
                    let tag = *u.choose(&["LST", "IE", "QUE", "STK"])?;
                    self.out.push_str(&format!("<{tag}>"));
                    self.items(u, depth + 1, None)?;
                    self.out.push_str(&format!("</{tag}>"));
                }
                3 => self.dict(u, depth + 1)?,
                4 => {
                    self.value(u, depth + 1, Some(false))?;
                }
                5 if !self.strict => self.unknown_element(u, "", depth + 1)?,
                _ => self.space(u)?,
            }
        }
        self.close(u, "Obj")
    }

    /// `Props` or `MS`, possibly with nested member sets.
    fn props(&mut self, tag: &str, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        self.out.push_str(&format!("<{tag}>"));
        while self.nodes < MAX_NODES && !u.is_empty() && u.ratio(3, 4)? {
            self.space(u)?;
            if tag == "MS" && depth + 6 < STRICT_MAX_DEPTH && one_in(u, 16)? {
                self.nodes += 1;
                let n = self.name_attr(u, true)?;
                self.out.push_str(&format!("<MS{n}>"));
                self.items(u, depth + 1, Some(true))?;
                self.out.push_str("</MS>");
            } else {
                self.value(u, depth + 1, Some(true))?;
            }
        }
        self.close(u, tag)
    }

    fn items(&mut self, u: &mut Unstructured<'_>, depth: usize, named: Option<bool>) -> Result<()> {
        while self.nodes < MAX_NODES && !u.is_empty() && u.ratio(3, 4)? {
            self.space(u)?;
            self.value(u, depth + 1, named)?;
        }
        Ok(())
    }

    fn dict(&mut self, u: &mut Unstructured<'_>, depth: usize) -> Result<()> {
        self.out.push_str("<DCT>");
        while self.nodes < MAX_NODES && !u.is_empty() && u.ratio(3, 4)? {
            self.out.push_str("<En>");
            if self.strict || u.ratio(7, 8)? {
                // A key that is never Nil: a string or an integer.
                if u.ratio(3, 4)? {
                    let mut raw = String::new();
                    self.plain_text(u, &mut raw)?;
                    let text = self.encode_text(u, &raw)?;
                    self.out.push_str(&format!("<S N=\"Key\">{text}</S>"));
                } else {
                    let k = u.arbitrary::<i32>()?;
                    self.out.push_str(&format!("<I32 N=\"Key\">{k}</I32>"));
                }
            } else if one_in(u, 2)? {
                self.out.push_str("<Nil N=\"Key\" />");
            }
            if self.strict || u.ratio(7, 8)? {
                self.nodes += 1;
                // The value element, named "Value" (occasionally in another case).
                let name = *u.choose(&["Value", "value", "VALUE"])?;
                let mark = self.out.len();
                self.value(u, depth + 2, Some(true))?;
                // Rename whatever N the value got to the entry's slot name.
                rename_first_n(&mut self.out, mark, name);
            }
            self.out.push_str("</En>");
        }
        self.close(u, "DCT")
    }

    fn reference(&mut self, u: &mut Unstructured<'_>, n: &str) -> Result<()> {
        let id = if !self.obj_ids.is_empty() && (self.strict || u.ratio(7, 8)?) {
            u.choose(&self.obj_ids)?.to_string()
        } else if self.strict {
            // Nothing to refer to yet: a Nil keeps the shape.
            self.out.push_str(&format!("<Nil{n} />"));
            return Ok(());
        } else {
            (*u.choose(&["0", "1", "RefId-0", "", "67108864"])?).to_string()
        };
        self.out.push_str(&format!("<Ref{n} RefId=\"{id}\" />"));
        Ok(())
    }

    fn progress(&mut self, u: &mut Unstructured<'_>, n: &str) -> Result<()> {
        self.out.push_str(&format!("<PR{n}>"));
        for field in ["AV", "AI", "PI", "PC", "T", "SR", "SD"] {
            if one_in(u, 8)? {
                continue;
            }
            let text = match field {
                "AV" | "SD" => {
                    let mut raw = String::new();
                    self.plain_text(u, &mut raw)?;
                    self.encode_text(u, &raw)?
                }
                "T" => "Processing".to_string(),
                _ => u.int_in_range(-1i32..=100)?.to_string(),
            };
            self.out.push_str(&format!("<{field}>{text}</{field}>"));
        }
        if one_in(u, 2)? {
            self.out.push_str("<Nil N=\"CurrentOperation\" />");
        }
        self.close(u, "PR")
    }

    /// An element the format does not define, with arbitrary content.
    fn unknown_element(&mut self, u: &mut Unstructured<'_>, n: &str, depth: usize) -> Result<()> {
        // Strict documents use only a name that is unknown everywhere; loose
        // ones also use names that mean something in some other context.
        let tag = if self.strict {
            "Foo"
        } else {
            *u.choose(&["Foo", "Objs", "En", "T", "Props", "x:S", "TN"])?
        };
        self.out.push_str(&format!("<{tag}{n}>"));
        if depth + 4 < LOOSE_MAX_DEPTH && one_in(u, 2)? {
            // The reader skips everything inside an unknown element, so ids
            // defined in there do not exist for later `Ref`/`TNRef`s.
            let (objs, tns) = (self.obj_ids.len(), self.tn_ids.len());
            self.value(u, depth + 1, Some(false))?;
            self.obj_ids.truncate(objs);
            self.tn_ids.truncate(tns);
        }
        let mut s = String::new();
        self.text_into(u, &mut s, 3)?;
        if self.strict {
            s = escape_text(&s.replace(['<', '&'], ""));
        }
        self.out.push_str(&s);
        self.close(u, tag)
    }

    /// Closes an element; loose documents occasionally forget to, or close
    /// the wrong one.
    fn close(&mut self, u: &mut Unstructured<'_>, tag: &str) -> Result<()> {
        if !self.strict && one_in(u, 128)? {
            if one_in(u, 2)? {
                self.out.push_str("</Wrong>");
            }
            return Ok(());
        }
        self.out.push_str(&format!("</{tag}>"));
        Ok(())
    }

    /// Unescaped string content that strict documents can carry exactly.
    fn plain_text(&mut self, u: &mut Unstructured<'_>, s: &mut String) -> Result<()> {
        let len = u.int_in_range(0..=12)?;
        for _ in 0..len {
            let c = match u.int_in_range(0..=5)? {
                0 => *u.choose(&['_', 'x', 'X', '0', 'A', 'D', '&', '<', '>', '"', ']'])?,
                1 => {
                    *u.choose(&['\n', '\t', '\r', '\u{0}', '\u{1}', '\u{7F}', '\u{85}', '\u{9F}'])?
                }
                2 => *u.choose(&['é', '€', '\u{1F600}', '\u{FFFD}', '\u{FEFF}', '中'])?,
                3 => u.arbitrary::<char>()?,
                _ => char::from(u.int_in_range(b' '..=b'~')?),
            };
            s.push(c);
        }
        if !self.strict && one_in(u, 4)? {
            self.text_into(u, s, 4)?;
        }
        Ok(())
    }

    /// Appends arbitrary text made of nasty fragments and random characters.
    fn text_into(&mut self, u: &mut Unstructured<'_>, s: &mut String, max: usize) -> Result<()> {
        for _ in 0..u.int_in_range(0..=max)? {
            if u.ratio(2, 3)? {
                s.push_str(u.choose(NASTY)?);
            } else {
                s.push(u.arbitrary::<char>()?);
            }
        }
        Ok(())
    }

    /// `raw` as PowerShell would write it (`_x` escapes, then XML escapes),
    /// sometimes with character references or CDATA so those paths run too.
    fn encode_text(&mut self, u: &mut Unstructured<'_>, raw: &str) -> Result<String> {
        let mut out = String::new();
        let chars: Vec<char> = raw.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            let cp = c as u32;
            if cp < 0x20 || (0x7F..=0x9F).contains(&cp) {
                out.push_str(&format!("_x{cp:04X}_"));
            } else if c == '_' && matches!(next, Some('x' | 'X')) {
                out.push_str("_x005F_");
            } else if cp >= 0x10000 && one_in(u, 2)? {
                // Astral characters as a pair of escaped surrogates.
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("_x{unit:04X}_"));
                }
            } else if matches!(c, '&' | '<' | '>') || one_in(u, 32)? {
                match u.int_in_range(0..=2)? {
                    0 if matches!(c, '&' | '<' | '>') => out.push_str(match c {
                        '&' => "&amp;",
                        '<' => "&lt;",
                        _ => "&gt;",
                    }),
                    1 => out.push_str(&format!("&#x{cp:X};")),
                    _ => out.push_str(&format!("&#{cp};")),
                }
            } else if c != ']' && one_in(u, 64)? {
                out.push_str(&format!("<![CDATA[{c}]]>"));
            } else if one_in(u, 128)? {
                out.push_str("<!--x-->");
                out.push(c);
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// The document in one of the encodings Export-CliXml writes (and the
    /// BOM-less UTF-16 the reader sniffs); loose documents may be cut short
    /// or get a broken byte.
    fn encode(&mut self, u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
        let text = &self.out;
        let enc = u.int_in_range(0..=5)?;
        let mut bytes = Vec::with_capacity(text.len() * 2 + 3);
        let utf16 = |bytes: &mut Vec<u8>, le: bool| {
            for unit in text.encode_utf16() {
                bytes.extend(if le { unit.to_le_bytes() } else { unit.to_be_bytes() });
            }
        };
        match enc {
            0 => bytes.extend_from_slice(text.as_bytes()),
            1 => {
                bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
                bytes.extend_from_slice(text.as_bytes());
            }
            2 => {
                bytes.extend_from_slice(&[0xFF, 0xFE]);
                utf16(&mut bytes, true);
            }
            3 => {
                bytes.extend_from_slice(&[0xFE, 0xFF]);
                utf16(&mut bytes, false);
            }
            4 => utf16(&mut bytes, true),
            _ => utf16(&mut bytes, false),
        }
        if !self.strict && !bytes.is_empty() {
            if one_in(u, 8)? {
                let at = u.choose_index(bytes.len())?;
                bytes.truncate(at);
            }
            if !bytes.is_empty() && one_in(u, 8)? {
                let at = u.choose_index(bytes.len())?;
                bytes[at] = *u.choose(&[0xFF, 0xC0, 0x80, 0xD8, 0xDC, 0x00, b'<'])?;
            }
        }
        Ok(bytes)
    }
}

/// Gives the first `N="…"` written at or after `mark` the name `name`, or
/// adds one to the first element there.
fn rename_first_n(out: &mut String, mark: usize, name: &str) {
    let tail = &out[mark..];
    let tag_end = tail.find(['>', '/']).unwrap_or(tail.len());
    let head = &tail[..tag_end];
    if let Some(at) = head.find(" N=\"") {
        let start = mark + at + 4;
        let end = start + out[start..].find('"').unwrap_or(0);
        out.replace_range(start..end, name);
    } else {
        let sp = head.find(' ').unwrap_or(tag_end);
        out.insert_str(mark + sp, &format!(" N=\"{name}\""));
    }
}

/// True with probability 1/n, and false once the input is used up (so that
/// running out of bytes never switches on rare glitches).
fn one_in(u: &mut Unstructured<'_>, n: u32) -> Result<bool> {
    Ok(u.int_in_range(1..=n)? == n)
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}
