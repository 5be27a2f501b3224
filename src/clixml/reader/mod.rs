//! The streaming CLIXML reader: a quick-xml pull loop over a reused buffer that
//! yields the top-level values of an `<Objs>` document one at a time.
//!
//! Nothing here recurses: open elements live on an explicit stack bounded by
//! `max_depth`, so hostile nesting is an error, not a stack overflow. Object
//! ids are remembered in a compact set (one bit per id for the dense ids
//! PowerShell writes) so that a `Ref` to an undefined id is an error, while the
//! objects themselves are kept only when the caller asks (see [`Resolve`]).
//!
//! This file holds the [`Reader`] type, its public API and the pull loop that
//! feeds quick-xml's events to the frame machine (`frames.rs`); tag attributes
//! are read in `attrs.rs`, primitive values in `prim.rs`, and the options in
//! `options.rs`.

mod attrs;
mod frame;
mod frames;
mod options;
mod prim;
mod state;

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use quick_xml::events::Event;

use frame::Frame;
pub use options::{Options, Resolve};
pub use state::Reader;
use state::{IdSet, Res, Retained, TypeTable};

use super::decode::{DecodeError, Decoder, Encoding};
use super::error::{Error, ErrorKind, Position};
use super::value::{Object, RefId, Value};
use super::xml::resolve_reference;

impl<R: Read> Reader<R> {
    /// A reader with default options.
    pub fn new(input: R) -> Result<Self, Error> {
        Self::with_options(input, Options::default())
    }

    /// A reader with the given options.
    pub fn with_options(input: R, opts: Options) -> Result<Self, Error> {
        let dec =
            Decoder::with_encoding(input, opts.max_value_bytes, opts.encoding).map_err(|e| {
                Error { kind: ErrorKind::Io(e.to_string()), position: Position::default() }
            })?;
        let mut dec = dec;
        let base = match skip_clixml_preamble(&mut dec) {
            Ok(skipped) => skipped,
            Err(e) => {
                return Err(decode_failure(&dec, &e).unwrap_or(Error {
                    kind: ErrorKind::Io(e.to_string()),
                    position: Position::default(),
                }));
            }
        };
        let mut xml = quick_xml::Reader::from_reader(dec);
        let cfg = xml.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        let mut types = TypeTable::default();
        if let Some(seg) = &opts.segment {
            for (id, names) in seg.types.iter() {
                types.insert(id.clone(), names.clone());
            }
        }
        let defined_types = opts.segment.as_ref().map(|_| Vec::new());
        Ok(Reader {
            xml,
            buf: Vec::with_capacity(8 * 1024),
            opts,
            types,
            shapes: HashMap::new(),
            defined: IdSet::default(),
            stack: Vec::with_capacity(32),
            objs: Vec::with_capacity(16),
            text: String::with_capacity(1024),
            ready: None,
            root_seen: false,
            text_before_root: None,
            markup_before_root: false,
            root_closed: false,
            finished: false,
            objects: 0,
            current: HashMap::new(),
            retained: Retained::default(),
            value_refs: Vec::new(),
            event_start: base,
            base,
            defined_types,
        })
    }

    /// In segment mode, the type lists (`TN` with a `RefId`) this input
    /// defined, in document order; empty otherwise.
    pub fn defined_types(&self) -> &[(RefId, Arc<[String]>)] {
        self.defined_types.as_deref().unwrap_or(&[])
    }

    /// The encoding the input was detected to be in.
    pub fn encoding(&self) -> Encoding {
        self.xml.get_ref().encoding()
    }

    /// How many top-level values have been returned.
    pub fn objects_read(&self) -> u64 {
        self.objects
    }

    /// Bytes of decoded input consumed so far.
    pub fn position(&self) -> u64 {
        self.xml.buffer_position() + self.base
    }

    /// The object with this id, if the [`Resolve`] option kept it: with
    /// `CurrentValue`, any object of the value last returned; with `Planned`,
    /// any referenced object whose last reference is not yet passed.
    pub fn resolve(&self, id: &RefId) -> Option<&Arc<Object>> {
        self.current.get(id).or_else(|| self.retained.objects.get(id))
    }

    /// The ids of the `Ref`s in the value [`Self::next_value`] returned last,
    /// in document order: what a consumer must resolve to follow them all,
    /// with whatever [`Resolve`] mode. (Every id was defined earlier in the
    /// file; an unknown one is a read error.)
    pub fn value_references(&self) -> &[RefId] {
        &self.value_refs
    }

    /// Reads the next top-level value; `None` at the end of the document.
    pub fn next_value(&mut self) -> Option<Result<Value, Error>> {
        if self.finished {
            return None;
        }
        self.current.clear();
        self.value_refs.clear();
        self.expire_retained();
        match self.pump() {
            Ok(Some(v)) => {
                self.objects += 1;
                Some(Ok(v))
            }
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                self.stack.clear();
                self.objs.clear();
                Some(Err(*e))
            }
        }
    }

    fn expire_retained(&mut self) {
        let now = self.xml.buffer_position() + self.base;
        while let Some(std::cmp::Reverse((at, _))) = self.retained.expiry.peek() {
            if *at >= now {
                break;
            }
            let std::cmp::Reverse((_, id)) = self.retained.expiry.pop().expect("peeked");
            self.retained.objects.remove(&id);
        }
    }

    /// Runs the event loop until a top-level value is complete or input ends.
    fn pump(&mut self) -> Res<Option<Value>> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = loop {
            buf.clear();
            self.event_start = self.xml.buffer_position() + self.base;
            // Bounds what this one event may make quick-xml buffer.
            self.xml.get_mut().mark_event(self.event_start);
            // Matched where quick-xml left it, by reference: moving the
            // event out of the `Result` reloaded it wider than it was stored
            // (a store-forwarding stall on every event).
            let read = self.xml.read_event_into(&mut buf);
            let event = match read {
                Ok(ref ev) => ev,
                Err(e) => break Err(self.xml_error(e)),
            };
            // Exact for any one event (the decoder's own bound is per chunk).
            let size = self.xml.buffer_position() + self.base - self.event_start;
            if size > self.opts.max_value_bytes as u64 {
                break Err(self.err_here(ErrorKind::ValueTooLarge(self.opts.max_value_bytes)));
            }
            let eof = matches!(event, Event::Eof);
            if let Err(e) = self.handle(event) {
                break Err(e);
            }
            if let Some(v) = self.ready.take() {
                break Ok(Some(v));
            }
            // After </Objs>, read on to the end: anything but white space,
            // comments and PIs there is an error, not silently ignored.
            if self.root_closed && eof {
                break Ok(None);
            }
        };
        self.buf = buf;
        result
    }

    fn handle(&mut self, event: &Event<'_>) -> Res<()> {
        match event {
            Event::Start(e) => self.start(e, false).map(|_| ()),
            Event::Empty(e) => {
                if self.start(e, true)? {
                    self.end()
                } else {
                    Ok(())
                }
            }
            Event::End(_) => self.end(),
            Event::Text(t) => {
                if self.collects_text() {
                    let s = t.xml10_content();
                    self.append_text(&s)?;
                } else if self.root_closed && !t.xml10_content().trim().is_empty() {
                    return Err(
                        self.err_here(ErrorKind::Syntax("text after the end of <Objs>".into()))
                    );
                } else if !self.root_seen
                    && self.text_before_root.is_none()
                    && !t.xml10_content().trim().is_empty()
                {
                    // Positioned at the text itself, past the white space
                    // before it, so that a skipped `#< CLIXML` line and
                    // blanks in its place give the same position.
                    let raw: &str = &t[..];
                    let lead = raw.len() - raw.trim_start().len();
                    self.text_before_root = Some(self.event_start + lead as u64);
                }
                Ok(())
            }
            Event::CData(c) => {
                if self.collects_text() {
                    let s = c.xml10_content();
                    self.append_text(&s)?;
                }
                Ok(())
            }
            Event::GeneralRef(r) => {
                if !self.collects_text() {
                    return Ok(());
                }
                let Some(resolved) = resolve_reference(r) else {
                    let what = if r.is_char_ref() {
                        "invalid character reference"
                    } else {
                        "unknown entity"
                    };
                    return Err(self.err_here(ErrorKind::Syntax(format!("{what} &{};", &**r))));
                };
                self.append_text(&resolved)
            }
            Event::DocType(_) => Err(self.err_here(ErrorKind::Doctype)),
            Event::Eof => {
                let open_end = self.opts.segment.as_ref().is_some_and(|s| s.open_end);
                if open_end && matches!(self.stack.as_slice(), [Frame::Root]) {
                    // The segment ends between two top-level values.
                    self.stack.clear();
                    self.root_closed = true;
                    return Ok(());
                }
                if !self.root_seen {
                    // No element at all: say what the file is, rather than
                    // that an export was cut short.
                    let end = self.xml.buffer_position() + self.base;
                    let (kind, at) = match self.text_before_root {
                        Some(text) => (ErrorKind::NotXml, text),
                        // White space only (a skipped `#< CLIXML` line is
                        // white space too): no export in it at all.
                        None if !self.markup_before_root => (ErrorKind::Empty, end),
                        None => (ErrorKind::Truncated, end),
                    };
                    return Err(self.err_at(kind, at));
                }
                if !self.stack.is_empty() {
                    let end = self.xml.buffer_position() + self.base;
                    return Err(self.err_at(ErrorKind::Truncated, end));
                }
                Ok(())
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {
                self.markup_before_root |= !self.root_seen;
                Ok(())
            }
        }
    }

    fn collects_text(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Text { .. } | Frame::Unknown { .. }))
    }

    fn append_text(&mut self, s: &str) -> Res<()> {
        let limit = self.opts.max_value_bytes;
        let too_big = match self.stack.last_mut() {
            Some(Frame::Text { .. }) => {
                if self.text.len() + s.len() > limit {
                    true
                } else {
                    self.text.push_str(s);
                    false
                }
            }
            Some(Frame::Unknown { text, .. }) => {
                if text.len() + s.len() > limit {
                    true
                } else {
                    text.push_str(s);
                    false
                }
            }
            _ => false,
        };
        if too_big { Err(self.err_here(ErrorKind::ValueTooLarge(limit))) } else { Ok(()) }
    }

    fn err_here(&self, kind: ErrorKind) -> Box<Error> {
        self.err_at(kind, self.event_start)
    }

    fn err_at(&self, kind: ErrorKind, decoded: u64) -> Box<Error> {
        let loc = self.xml.get_ref().locate(decoded);
        Box::new(Error {
            kind,
            position: Position {
                offset: loc.offset,
                line: loc.line_col.map(|l| l.0),
                column: loc.line_col.map(|l| l.1),
            },
        })
    }

    fn xml_error(&self, e: quick_xml::Error) -> Box<Error> {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        let at = self.xml.error_position() + self.base;
        let kind = match &e {
            quick_xml::Error::Io(io) => {
                if let Some(err) = decode_failure(self.xml.get_ref(), io) {
                    return Box::new(err);
                }
                ErrorKind::Io(io.to_string())
            }
            quick_xml::Error::Syntax(
                SyntaxError::UnclosedPI
                | SyntaxError::UnclosedXmlDecl
                | SyntaxError::UnclosedComment
                | SyntaxError::UnclosedDoctype
                | SyntaxError::UnclosedCData
                | SyntaxError::UnclosedTag
                | SyntaxError::UnclosedSingleQuotedAttributeValue
                | SyntaxError::UnclosedDoubleQuotedAttributeValue,
            )
            | quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_)) => ErrorKind::Truncated,
            // Cut off inside a reference at the end of the file, or a bare `&`.
            quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
                if self.xml.get_ref().at_end() {
                    ErrorKind::Truncated
                } else {
                    ErrorKind::Syntax("'&' that starts no entity or character reference".into())
                }
            }
            quick_xml::Error::Encoding(_) => {
                // The decoder does not validate UTF-8 (quick-xml does, per
                // event); find the exact byte now that one is bad.
                let dec = self.xml.get_ref();
                let at = dec.first_invalid_utf8(self.event_start).unwrap_or(self.event_start);
                let mut err = self.err_at(ErrorKind::InvalidUtf8, at);
                err.position.offset = dec.locate(at).offset;
                return err;
            }
            other => ErrorKind::Syntax(other.to_string()),
        };
        self.err_at(kind, at)
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Value, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_value()
    }
}

/// The positioned error for a decoding failure carried in an `io::Error`.
fn decode_failure<R: Read>(dec: &Decoder<R>, io: &std::io::Error) -> Option<Error> {
    let de = io.get_ref()?.downcast_ref::<DecodeError>()?;
    let kind = ErrorKind::from(de.kind);
    let loc = dec.locate(de.decoded_offset);
    Some(Error {
        kind,
        position: Position {
            offset: de.src_offset,
            line: loc.line_col.map(|l| l.0),
            column: loc.line_col.map(|l| l.1),
        },
    })
}

/// Skips the `#< CLIXML` first line that `pwsh -OutputFormat xml` writes, the
/// way Import-Clixml does: only when the line is exactly that.
fn skip_clixml_preamble<R: Read>(dec: &mut Decoder<R>) -> std::io::Result<u64> {
    use std::io::BufRead;
    const LINE: &[u8] = b"#< CLIXML";
    let head = dec.fill_buf()?;
    if head.starts_with(LINE) {
        let rest = &head[LINE.len()..];
        let mut skip = match rest {
            [b'\r', b'\n', ..] => LINE.len() + 2,
            [b'\n', ..] | [b'\r', ..] => LINE.len() + 1,
            _ => return Ok(0),
        };
        // A byte order mark after the line is skipped here too: quick-xml
        // would drop it at the start of its input without counting it, and
        // every position after it would be 3 bytes short.
        if head[skip..].starts_with(&[0xEF, 0xBB, 0xBF]) {
            skip += 3;
        }
        dec.consume(skip);
        return Ok(skip as u64);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clixml::decode::Trickle;

    fn last_error<R: Read>(input: R) -> Error {
        let mut reader = Reader::new(input).unwrap();
        loop {
            match reader.next() {
                Some(Ok(_)) => {}
                Some(Err(e)) => return e,
                None => panic!("the document has no error"),
            }
        }
    }

    #[test]
    fn text_that_is_not_xml_is_positioned_at_the_text() {
        // Found by fuzzing (fuzz/regressions/preamble-not-xml-position.bin):
        // "not XML" was placed where the XML should start, so a skipped
        // `#< CLIXML` line and blanks in its place were told apart.
        for (doc, offset, line, column) in [
            ("hello", 0, 1, 1),
            ("  \r\n\thello", 5, 2, 2),
            ("#< CLIXML\r\nhello", 11, 2, 1),
            ("         \r\nhello", 11, 2, 1),
            ("#< CLIXML\r\u{1}js", 10, 1, 11),
            ("         \r\u{1}js", 10, 1, 11),
            ("<!-- c -->\n é", 12, 2, 2),
        ] {
            let e = last_error(doc.as_bytes());
            assert_eq!(e.kind, ErrorKind::NotXml, "{doc:?}");
            let want = Position { offset, line: Some(line), column: Some(column) };
            assert_eq!(e.position, want, "{doc:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_after_the_clixml_line_is_counted() {
        // Found by fuzzing (fuzz/regressions/preamble-bom-position.bin):
        // quick-xml dropped the mark without counting it.
        let doc = "#< CLIXML\r\n\u{feff}<Objs><B>x</B></Objs>";
        let e = last_error(doc.as_bytes());
        let want =
            Position { offset: doc.find("<B>").unwrap() as u64, line: Some(2), column: Some(8) };
        assert_eq!(e.position, want);
    }

    #[test]
    fn positions_after_the_clixml_line_count_that_line() {
        // Found by fuzzing (fuzz/regressions/preamble-error-position.bin):
        // positions were quick-xml's, which starts after the skipped line.
        // The bad value sits before, across and after the decoder's first
        // 64 KiB chunk, and is read whole and a few bytes at a time.
        for line in ["#< CLIXML\n", "#< CLIXML\r\n", "#< CLIXML\r"] {
            for pad in [0, 65_536 - 40, 65_536 - 20, 65_536, 70_000] {
                let doc = format!("{line}<Objs>\n<S>é</S>{}<B>x</B></Objs>", " ".repeat(pad));
                let at = doc.find("<B>").unwrap() as u64;
                let column =
                    doc[doc.rfind('\n').unwrap()..doc.find("<B>").unwrap()].chars().count() as u64;
                let lines = if line == "#< CLIXML\r" { 2 } else { 3 };
                for step in [usize::MAX, 7, 3] {
                    let e = last_error(Trickle(doc.as_bytes(), step));
                    assert!(matches!(e.kind, ErrorKind::InvalidValue { tag: "B", .. }), "{e:?}");
                    let want = Position { offset: at, line: Some(lines), column: Some(column) };
                    assert_eq!(e.position, want, "{line:?}, pad {pad}, step {step}");
                }
            }
        }
    }
}
