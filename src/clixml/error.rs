//! The reader's one error type: a precise kind plus where in the file it happened.

use std::fmt;

/// Where an error happened, as the user sees the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Byte offset in the input file (for UTF-16 input: in the UTF-16 bytes).
    pub offset: u64,
    /// 1-based line, when it could be computed.
    pub line: Option<u64>,
    /// 1-based column in characters, when it could be computed.
    pub column: Option<u64>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{l}:{c}"),
            _ => write!(f, "byte {}", self.offset),
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    Io(String),
    /// The input ended inside the document.
    Truncated,
    /// The input is empty.
    Empty,
    /// The input holds text but no XML element: not a CLIXML export at all.
    NotXml,
    /// The XML is not well-formed (quick-xml's diagnosis).
    Syntax(String),
    /// A byte sequence that is not UTF-8 in a UTF-8 file.
    InvalidUtf8,
    /// A code unit sequence that is not UTF-16 in a UTF-16 file.
    InvalidUtf16,
    /// The file's encoding is one Export-CliXml can write but this reader cannot.
    UnsupportedEncoding(&'static str),
    /// A `<!DOCTYPE>`: PowerShell prohibits DTDs, and so do we (nothing is expanded).
    Doctype,
    /// The root element is not `Objs`.
    NotClixml(String),
    /// `Objs Version` with a major version other than 1.
    UnsupportedVersion(String),
    /// A number, boolean or char element whose text does not parse.
    InvalidValue {
        /// The element, e.g. `I32`.
        tag: &'static str,
        /// Its text (shortened when long).
        text: String,
    },
    /// Values nested deeper than the limit.
    TooDeep(usize),
    /// A single value (text, tag, or a run without markup) larger than the limit.
    ValueTooLarge(usize),
    /// A `Ref` to an object id never defined before it.
    UnknownRef(String),
    /// A `TNRef` to a type-name list id never defined before it.
    UnknownTypeRef(String),
    /// A dictionary entry without a key, or with a `Nil` key.
    InvalidEntry(&'static str),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io(e) => write!(f, "read error: {e}"),
            ErrorKind::Truncated => f.write_str("unexpected end of file (the export is truncated)"),
            ErrorKind::Empty => f.write_str("the file is empty: no CLIXML export in it"),
            ErrorKind::NotXml => f.write_str("not XML: this is not a CLIXML export"),
            ErrorKind::Syntax(e) => write!(f, "malformed XML: {e}"),
            ErrorKind::InvalidUtf8 => f.write_str("invalid UTF-8"),
            ErrorKind::InvalidUtf16 => f.write_str("invalid UTF-16"),
            ErrorKind::UnsupportedEncoding(e) => {
                write!(f, "{e} input is not supported; re-export with -Encoding UTF8")
            }
            ErrorKind::Doctype => f.write_str("DOCTYPE declarations are not allowed in CLIXML"),
            ErrorKind::NotClixml(root) => {
                write!(f, "not a CLIXML document: the root element is <{root}>, not <Objs>")
            }
            ErrorKind::UnsupportedVersion(v) => {
                write!(f, "unsupported CLIXML version {v:?} (major version must be 1)")
            }
            ErrorKind::InvalidValue { tag, text } => write!(f, "invalid <{tag}> value {text:?}"),
            ErrorKind::TooDeep(limit) => write!(f, "values nested deeper than {limit} levels"),
            ErrorKind::ValueTooLarge(limit) => {
                write!(f, "a single value is larger than the limit of {limit} bytes")
            }
            ErrorKind::UnknownRef(id) => write!(f, "<Ref RefId=\"{id}\"> names no earlier object"),
            ErrorKind::UnknownTypeRef(id) => {
                write!(f, "<TNRef RefId=\"{id}\"> names no earlier type list")
            }
            ErrorKind::InvalidEntry(why) => write!(f, "invalid dictionary entry: {why}"),
        }
    }
}

/// A reader error: its kind and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where.
    pub position: Position,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.kind)
    }
}

impl std::error::Error for Error {}

/// Shortens long offending text for messages.
pub(crate) fn snippet(s: &str) -> String {
    const MAX: usize = 64;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}
