//! The streaming CLIXML reader: a quick-xml pull loop over a reused buffer that
//! yields the top-level values of an `<Objs>` document one at a time.
//!
//! Nothing here recurses: open elements live on an explicit stack bounded by
//! `max_depth`, so hostile nesting is an error, not a stack overflow. Object
//! ids are remembered in a compact set (one bit per id for the dense ids
//! PowerShell writes) so that a `Ref` to an undefined id is an error, while the
//! objects themselves are kept only when the caller asks (see [`Resolve`]).

use std::borrow::Cow;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};

use super::decode::{DecodeError, DecodeErrorKind, Decoder, Encoding};
use super::error::{Error, ErrorKind, Position, snippet};
use super::escape;
use super::value::{
    Base, IntTag, ListKind, Name, Object, Property, RefId, TextTag, UIntTag, UnknownElement, Value,
};

/// Internal results: a boxed error keeps `Result<(), _>` in a register and
/// `Result<Value, _>` no larger than a `Value`.
type Res<T> = Result<T, Box<Error>>;

/// How the reader helps its caller resolve `Ref`s.
#[derive(Debug, Clone, Default)]
pub enum Resolve {
    /// Keep no objects: `Ref`s are left for the caller (what `dump` needs).
    #[default]
    None,
    /// Index the objects of the value last returned (cleared at the next one):
    /// enough for references inside one top-level value.
    CurrentValue,
    /// Keep exactly the objects some `Ref` points to, until the input has
    /// passed that object's last reference: cross-value references resolve,
    /// and memory holds only what is still needed. The plan comes from a cheap
    /// first pass ([`scan_references`]).
    Planned(RefPlan),
}

/// Reader limits and behaviour.
#[derive(Debug, Clone)]
pub struct Options {
    /// Deepest nesting of elements accepted (PowerShell itself stops at 50).
    pub max_depth: usize,
    /// Largest single value (a text, a tag, or any run of input without `<`).
    pub max_value_bytes: usize,
    /// Which objects to keep for [`Reader::resolve`].
    pub resolve: Resolve,
    /// Read one segment of a document rather than a whole one (see
    /// [`Segment`]); `None` for a whole document.
    pub segment: Option<Segment>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_depth: 256,
            max_value_bytes: 256 * 1024 * 1024,
            resolve: Resolve::None,
            segment: None,
        }
    }
}

/// A byte range of one document that holds whole top-level values, read on
/// its own (see [`super::segment`]): it may end before `</Objs>`, and type
/// lists (`TN`) defined before it are given. (One that starts after `<Objs>`
/// is read with `<Objs>` put in front.)
#[derive(Debug, Clone, Default)]
pub struct Segment {
    /// The input may end inside `<Objs>`, after a top-level value.
    pub open_end: bool,
    /// The type lists defined before the segment, in document order.
    pub types: Arc<[(RefId, Arc<[String]>)]>,
}

/// For each referenced object id, the offset (in the decoded stream) of its
/// last `Ref`.
#[derive(Debug, Clone, Default)]
pub struct RefPlan {
    last_ref: HashMap<RefId, u64>,
}

impl RefPlan {
    /// How many distinct ids are referenced.
    pub fn len(&self) -> usize {
        self.last_ref.len()
    }
    /// Whether no id is referenced.
    pub fn is_empty(&self) -> bool {
        self.last_ref.is_empty()
    }
}

/// The cheap first pass: finds every `<Ref … RefId="…">` with `memchr`, without
/// parsing XML. A `<Ref` inside a comment or CDATA only makes the reader keep an
/// object a little longer than needed.
pub fn scan_references<R: Read>(input: R) -> std::io::Result<RefPlan> {
    use std::io::BufRead;
    let mut dec = Decoder::new(input, usize::MAX)?;
    let mut plan = RefPlan::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut base: u64 = 0; // decoded offset of carry[0]
    let finder = memchr::memmem::Finder::new(b"<Ref");
    loop {
        let chunk = dec.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        carry.extend_from_slice(chunk);
        dec.consume(n);
        let mut keep_from = carry.len().saturating_sub(4);
        for at in finder.find_iter(&carry) {
            match parse_ref_tag(&carry[at + 4..]) {
                Some(Some(id)) => {
                    plan.last_ref.insert(RefId::parse(id), base + at as u64);
                }
                Some(None) => {}
                None => {
                    keep_from = keep_from.min(at); // tag continues in the next chunk
                    break;
                }
            }
        }
        let keep_from = if carry.len() - keep_from > 4096 { carry.len() - 4 } else { keep_from };
        carry.drain(..keep_from);
        base += keep_from as u64;
    }
    Ok(plan)
}

/// Parses what follows `<Ref`: `Some(Some(id))`, `Some(None)` when it is not
/// a Ref tag (or has no RefId), `None` when the tag is cut off by the end of
/// the buffer. Attributes are walked with their quotes, so a `>` or the text
/// `RefId` inside another attribute's value cannot mislead it.
fn parse_ref_tag(rest: &[u8]) -> Option<Option<&str>> {
    match rest.first() {
        None => return None,
        Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>') => {}
        Some(_) => return Some(None),
    }
    let mut i = 0;
    let mut found = None;
    loop {
        while rest.get(i).copied().is_some_and(|b| is_xml_space(b) || b == b'/') {
            i += 1;
        }
        if *rest.get(i)? == b'>' {
            return Some(found);
        }
        let name_start = i;
        while rest
            .get(i)
            .copied()
            .is_some_and(|b| !is_xml_space(b) && !matches!(b, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        let name = &rest[name_start..i];
        while rest.get(i).copied().is_some_and(is_xml_space) {
            i += 1;
        }
        if *rest.get(i)? != b'=' {
            return Some(None); // not a well-formed attribute: not ours to judge
        }
        i += 1;
        while rest.get(i).copied().is_some_and(is_xml_space) {
            i += 1;
        }
        let quote = *rest.get(i)?;
        if quote != b'"' && quote != b'\'' {
            return Some(None);
        }
        let value_start = i + 1;
        let len = memchr::memchr(quote, rest.get(value_start..)?)?;
        if name == b"RefId" {
            found = std::str::from_utf8(&rest[value_start..value_start + len]).ok();
        }
        i = value_start + len + 1;
    }
}

/// Which primitive element a text frame is collecting.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Prim {
    Nil,
    Bool,
    Int(IntTag),
    UInt(UIntTag),
    Char,
    Single,
    Double,
    Text(TextTag),
}

fn prim_of(name: &str) -> Option<Prim> {
    Some(match name {
        "S" => Prim::Text(TextTag::S),
        "I32" => Prim::Int(IntTag::I32),
        "B" => Prim::Bool,
        "Nil" => Prim::Nil,
        "I64" => Prim::Int(IntTag::I64),
        "DT" => Prim::Text(TextTag::DT),
        "G" => Prim::Text(TextTag::G),
        "Db" => Prim::Double,
        "TS" => Prim::Text(TextTag::TS),
        "U64" => Prim::UInt(UIntTag::U64),
        "U32" => Prim::UInt(UIntTag::U32),
        "BA" => Prim::Text(TextTag::BA),
        "Version" => Prim::Text(TextTag::Version),
        "URI" => Prim::Text(TextTag::URI),
        "C" => Prim::Char,
        "By" => Prim::UInt(UIntTag::By),
        "SB" => Prim::Int(IntTag::SB),
        "I16" => Prim::Int(IntTag::I16),
        "U16" => Prim::UInt(UIntTag::U16),
        "Sg" => Prim::Single,
        "D" => Prim::Text(TextTag::D),
        "XD" => Prim::Text(TextTag::XD),
        "SBK" => Prim::Text(TextTag::SBK),
        "SS" => Prim::Text(TextTag::SS),
        _ => return None,
    })
}

/// What a text frame's text becomes.
#[derive(Debug)]
enum TextRole {
    Prim(Prim),
    TypeName,
    ToString,
    /// A `PR` child such as `AV` (activity) or `PC` (percent complete).
    ProgressField(String),
}

#[derive(Debug)]
enum Frame {
    Root,
    /// An object under construction; the object itself is the top of
    /// [`Reader::objs`] (built in place, no atomic `Arc::get_mut` on every
    /// member, and wrapped in an `Arc` once finished).
    Obj {
        name: Name,
    },
    Props(Vec<Property>),
    Ms {
        name: Name,
        members: Vec<Property>,
    },
    Items(ListKind, Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Entry {
        key: Option<Value>,
        value: Option<Value>,
        start: u64,
    },
    Tn {
        id: Option<RefId>,
        names: Vec<String>,
    },
    Text {
        role: TextRole,
        name: Name,
        start: u64,
    },
    Leaf {
        name: Name,
        value: Value,
    },
    /// An element already fully handled at its start (`TNRef`).
    Skip,
    Progress {
        name: Name,
        fields: Vec<(String, Value)>,
    },
    Unknown {
        name: Name,
        tag: String,
        text: String,
        nested: usize,
    },
}

/// Object ids seen so far: a bitset for the dense small ids PowerShell writes,
/// a hash set for anything else.
#[derive(Debug, Default)]
struct IdSet {
    bits: Vec<u64>,
    other: HashSet<RefId>,
}

impl IdSet {
    const DENSE_LIMIT: u64 = 1 << 26; // 8 MiB of bits at most

    fn insert(&mut self, id: &RefId) {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                let (w, b) = ((*n / 64) as usize, n % 64);
                if self.bits.len() <= w {
                    self.bits.resize(w + 1, 0);
                }
                self.bits[w] |= 1 << b;
            }
            other => {
                self.other.insert(other.clone());
            }
        }
    }

    fn contains(&self, id: &RefId) -> bool {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                let (w, b) = ((*n / 64) as usize, n % 64);
                self.bits.get(w).is_some_and(|word| word & (1 << b) != 0)
            }
            other => self.other.contains(other),
        }
    }
}

/// Type lists by `TN` id: a vector for the dense small ids PowerShell writes
/// (no hashing on every `TNRef`), a map for anything else.
#[derive(Debug, Default)]
struct TypeTable {
    dense: Vec<Option<Arc<[String]>>>,
    other: HashMap<RefId, Arc<[String]>>,
}

impl TypeTable {
    const DENSE_LIMIT: u64 = 1 << 16;

    fn insert(&mut self, id: RefId, names: Arc<[String]>) {
        match id {
            RefId::Num(n) if n < Self::DENSE_LIMIT => {
                let i = n as usize;
                if self.dense.len() <= i {
                    self.dense.resize(i + 1, None);
                }
                self.dense[i] = Some(names);
            }
            other => {
                self.other.insert(other, names);
            }
        }
    }

    fn get(&self, id: &RefId) -> Option<&Arc<[String]>> {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                self.dense.get(*n as usize).and_then(Option::as_ref)
            }
            other => self.other.get(other),
        }
    }
}

/// Retained objects for [`Resolve::Planned`], expiring once the input passes
/// their last reference.
#[derive(Debug, Default)]
struct Retained {
    objects: HashMap<RefId, Arc<Object>>,
    expiry: BinaryHeap<std::cmp::Reverse<(u64, RefId)>>,
}

/// The streaming reader. Iterate it to get one top-level value at a time.
pub struct Reader<R: Read> {
    xml: quick_xml::Reader<Decoder<R>>,
    buf: Vec<u8>,
    opts: Options,
    types: TypeTable,
    /// Property counts per type list (keyed by the shared `Arc`'s address; a
    /// stale key only mis-sizes a vector). Bounded by the number of `TN`s.
    shapes: HashMap<usize, (u32, u32)>,
    defined: IdSet,
    stack: Vec<Frame>,
    /// The objects of the open `Frame::Obj`s, innermost last.
    objs: Vec<Object>,
    /// The text of the open `Frame::Text` (at most one is open: values have
    /// no child elements), reused so numbers are parsed without allocating.
    text: String,
    ready: Option<Value>,
    root_seen: bool,
    root_closed: bool,
    finished: bool,
    objects: u64,
    current: HashMap<RefId, Arc<Object>>,
    retained: Retained,
    /// Ids of the `Ref`s in the value being read, in document order.
    value_refs: Vec<RefId>,
    /// Offset in the decoded stream where the current event starts.
    event_start: u64,
    /// Decoded bytes before quick-xml's first byte (the `#< CLIXML` line):
    /// quick-xml's positions plus this are decoder offsets.
    base: u64,
    /// In segment mode, the type lists this input defines, in order.
    defined_types: Option<Vec<(RefId, Arc<[String]>)>>,
}

impl<R: Read> Reader<R> {
    /// A reader with default options.
    pub fn new(input: R) -> Result<Self, Error> {
        Self::with_options(input, Options::default())
    }

    /// A reader with the given options.
    pub fn with_options(input: R, opts: Options) -> Result<Self, Error> {
        let dec = Decoder::new(input, opts.max_value_bytes).map_err(|e| Error {
            kind: ErrorKind::Io(e.to_string()),
            position: Position::default(),
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
                if !self.root_seen || !self.stack.is_empty() {
                    let end = self.xml.buffer_position() + self.base;
                    return Err(self.err_at(ErrorKind::Truncated, end));
                }
                Ok(())
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => Ok(()),
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

    /// Opens an element; `Ok(false)` when an empty one was handled whole here
    /// (no frame to close).
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Res<bool> {
        let qname = e.name();
        let tag: &str = local(qname.into_inner());
        // Inside an unknown element everything is just more of it.
        if let Some(Frame::Unknown { nested, .. }) = self.stack.last_mut() {
            *nested += 1;
            return Ok(true);
        }
        if self.stack.len() >= self.opts.max_depth {
            return Err(self.err_here(ErrorKind::TooDeep(self.opts.max_depth)));
        }
        if !self.root_seen {
            return self.start_root(e, tag).map(|()| true);
        }
        if self.stack.is_empty() {
            // A second root element: quick-xml tolerates it, PowerShell does not.
            return Err(self.err_here(ErrorKind::Syntax(format!(
                "unexpected <{tag}> after the end of <Objs>"
            ))));
        }
        let mut name = Name::default();
        let mut ref_id = None;
        self.attrs(e, &mut name, &mut ref_id)?;
        let start = self.event_start;
        let frame = match self.stack.last().expect("non-empty") {
            Frame::Text { .. } => {
                return Err(self.err_here(ErrorKind::Syntax(format!(
                    "unexpected element <{tag}> inside a value"
                ))));
            }
            f @ (Frame::Leaf { .. } | Frame::Skip) => {
                let parent = if matches!(f, Frame::Skip) { "TNRef" } else { "Ref" };
                return Err(self.err_here(ErrorKind::Syntax(format!(
                    "unexpected element <{tag}> inside <{parent}>"
                ))));
            }
            Frame::Tn { .. } if tag == "T" => {
                Frame::Text { role: TextRole::TypeName, name: Name::default(), start }
            }
            Frame::Dict(_) if tag == "En" => Frame::Entry { key: None, value: None, start },
            Frame::Obj { .. } => match tag {
                "TN" => Frame::Tn { id: ref_id, names: Vec::new() },
                "TNRef" => {
                    let id = ref_id.ok_or_else(|| {
                        self.err_here(ErrorKind::Syntax("<TNRef> without RefId".into()))
                    })?;
                    let types = match self.types.get(&id) {
                        Some(t) => t.clone(),
                        None => {
                            return Err(self.err_here(ErrorKind::UnknownTypeRef(id.to_string())));
                        }
                    };
                    if let Some(obj) = self.top_obj() {
                        obj.types = types;
                    }
                    if empty {
                        return Ok(false);
                    }
                    Frame::Skip
                }
                "ToString" => {
                    Frame::Text { role: TextRole::ToString, name: Name::default(), start }
                }
                "Props" => Frame::Props(Vec::with_capacity(self.shape_hint(false))),
                "MS" => Frame::Ms {
                    name: Name::default(),
                    members: Vec::with_capacity(self.shape_hint(true)),
                },
                "LST" => Frame::Items(ListKind::List, Vec::new()),
                "IE" => Frame::Items(ListKind::Enumerable, Vec::new()),
                "QUE" => Frame::Items(ListKind::Queue, Vec::new()),
                "STK" => Frame::Items(ListKind::Stack, Vec::new()),
                "DCT" => Frame::Dict(Vec::new()),
                _ => {
                    self.push_value_frame(tag, name, ref_id, start)?;
                    return Ok(true);
                }
            },
            Frame::Ms { .. } if tag == "MS" => Frame::Ms { name, members: Vec::new() },
            Frame::Progress { .. } if prim_of(tag).is_none() && tag != "Obj" && tag != "Ref" => {
                Frame::Text { role: TextRole::ProgressField(tag.to_string()), name, start }
            }
            Frame::Root
            | Frame::Props(_)
            | Frame::Ms { .. }
            | Frame::Items(..)
            | Frame::Entry { .. }
            | Frame::Progress { .. } => {
                self.push_value_frame(tag, name, ref_id, start)?;
                return Ok(true);
            }
            Frame::Tn { .. } | Frame::Dict(_) | Frame::Unknown { .. } => unknown(tag, name),
        };
        self.stack.push(frame);
        Ok(true)
    }

    fn start_root(&mut self, e: &BytesStart<'_>, tag: &str) -> Res<()> {
        if tag != "Objs" {
            return Err(self.err_here(ErrorKind::NotClixml(tag.to_string())));
        }
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| self.err_here(ErrorKind::Syntax(err.to_string())))?;
            if attr.key.local_name().into_inner() == "Version" {
                let v = attr.value.trim();
                let major = v.split('.').next().unwrap_or("");
                if major != "1" {
                    return Err(self.err_here(ErrorKind::UnsupportedVersion(v.to_string())));
                }
            }
        }
        self.root_seen = true;
        self.stack.push(Frame::Root);
        Ok(())
    }

    /// Opens a value element (primitive, `Obj`, `Ref`, `PR`, or unknown).
    /// The frame is pushed here rather than returned: a large `Result`
    /// returned through memory and read back at once stalled the caller.
    fn push_value_frame(
        &mut self,
        tag: &str,
        name: Name,
        ref_id: Option<RefId>,
        start: u64,
    ) -> Res<()> {
        let frame = match tag {
            "Obj" => {
                if let Some(id) = &ref_id {
                    self.defined.insert(id);
                }
                self.objs.push(Object { id: ref_id, ..Object::default() });
                Frame::Obj { name }
            }
            "Ref" => {
                let id = ref_id.ok_or_else(|| {
                    self.err_here(ErrorKind::Syntax("<Ref> without RefId".into()))
                })?;
                if !self.defined.contains(&id) {
                    return Err(self.err_here(ErrorKind::UnknownRef(id.to_string())));
                }
                self.value_refs.push(id.clone());
                Frame::Leaf { name, value: Value::Ref(id) }
            }
            "PR" => Frame::Progress { name, fields: Vec::new() },
            _ => match prim_of(tag) {
                Some(p) => Frame::Text { role: TextRole::Prim(p), name, start },
                None => unknown(tag, name),
            },
        };
        self.stack.push(frame);
        Ok(())
    }

    /// Reads the `N` and `RefId` attributes into `name` and `id` (out
    /// parameters, for the same reason as [`Self::push_value_frame`]).
    fn attrs(&self, e: &BytesStart<'_>, name: &mut Name, id: &mut Option<RefId>) -> Res<()> {
        if plain_attrs(e.attributes_raw(), name, id) {
            return Ok(());
        }
        iterated_attrs(e, name, id).map_err(|msg| self.err_here(ErrorKind::Syntax(msg)))
    }

    fn end(&mut self) -> Res<()> {
        if let Some(Frame::Unknown { nested, .. }) = self.stack.last_mut()
            && *nested > 0
        {
            *nested -= 1;
            return Ok(());
        }
        let frame = self.stack.pop().expect("quick-xml checks end tags against start tags");
        match frame {
            Frame::Root => {
                self.root_closed = true;
                Ok(())
            }
            Frame::Skip => Ok(()),
            Frame::Text { role, name, start } => {
                let text = std::mem::take(&mut self.text);
                let r = self.finish_text(role, name, &text, start);
                self.text = text;
                self.text.clear();
                r
            }
            Frame::Leaf { name, value } => self.attach(value, name),
            Frame::Obj { name } => {
                let obj = Arc::new(self.objs.pop().expect("one object per Obj frame"));
                if let Some(id) = &obj.id {
                    self.keep(id, &obj);
                }
                self.attach(Value::Obj(obj), name)
            }
            Frame::Props(props) => {
                self.note_shape(false, props.len());
                if let Some(obj) = self.top_obj() {
                    if obj.props.is_empty() {
                        obj.props = props;
                    } else {
                        obj.props.extend(props);
                    }
                }
                Ok(())
            }
            Frame::Ms { name, members } => match self.stack.last_mut() {
                Some(Frame::Obj { .. }) => {
                    self.note_shape(true, members.len());
                    if let Some(obj) = self.top_obj() {
                        if obj.members.is_empty() {
                            obj.members = members;
                        } else {
                            obj.members.extend(members);
                        }
                    }
                    Ok(())
                }
                Some(Frame::Ms { members: outer, .. }) => {
                    outer.push(Property { name, value: Value::MemberSet(members) });
                    Ok(())
                }
                _ => Ok(()),
            },
            Frame::Items(kind, items) => {
                if let Some(obj) = self.top_obj() {
                    obj.base = Some(Base::Items(kind, items));
                }
                Ok(())
            }
            Frame::Dict(entries) => {
                if let Some(obj) = self.top_obj() {
                    obj.base = Some(Base::Entries(entries));
                }
                Ok(())
            }
            Frame::Entry { key, value, start } => {
                let key = match key {
                    None => return Err(self.err_at(ErrorKind::InvalidEntry("no key"), start)),
                    Some(Value::Nil) => {
                        return Err(self.err_at(ErrorKind::InvalidEntry("the key is null"), start));
                    }
                    Some(k) => k,
                };
                if let Some(Frame::Dict(entries)) = self.stack.last_mut() {
                    entries.push((key, value.unwrap_or(Value::Nil)));
                }
                Ok(())
            }
            Frame::Tn { id, names } => {
                let names: Arc<[String]> = names.into();
                if let Some(id) = id {
                    if let Some(list) = self.defined_types.as_mut() {
                        list.push((id.clone(), names.clone()));
                    }
                    self.types.insert(id, names.clone());
                }
                if let Some(obj) = self.top_obj() {
                    obj.types = names;
                }
                Ok(())
            }
            Frame::Progress { name, fields } => self.attach(Value::Progress(fields), name),
            Frame::Unknown { name, tag, text, .. } => {
                self.attach(Value::Unknown(Box::new(UnknownElement { name: tag, text })), name)
            }
        }
    }

    fn finish_text(&mut self, role: TextRole, name: Name, text: &str, start: u64) -> Res<()> {
        match role {
            TextRole::Prim(p) => {
                let v = self.finish_prim(p, text, start)?;
                self.attach(v, name)
            }
            TextRole::TypeName => {
                if let Some(Frame::Tn { names, .. }) = self.stack.last_mut() {
                    names.push(escape::decode(text).into_owned());
                }
                Ok(())
            }
            TextRole::ToString => {
                if let Some(obj) = self.top_obj() {
                    obj.to_string = Some(escape::decode(text).into_owned());
                }
                Ok(())
            }
            TextRole::ProgressField(field) => {
                let (name, numeric) = progress_field(&field);
                let text = escape::decode(text).into_owned();
                let value = match trim_xml(&text).parse::<i64>() {
                    Ok(n) if numeric => Value::Int(IntTag::I32, n),
                    _ => Value::Text(TextTag::S, text),
                };
                if let Some(Frame::Progress { fields, .. }) = self.stack.last_mut() {
                    fields.push((name.map_or(field, str::to_string), value));
                }
                Ok(())
            }
        }
    }

    /// The object of the innermost open element, if that element is an `Obj`.
    fn top_obj(&mut self) -> Option<&mut Object> {
        match self.stack.last() {
            Some(Frame::Obj { .. }) => self.objs.last_mut(),
            _ => None,
        }
    }

    /// Keeps a finished object for [`Reader::resolve`] as the options ask.
    fn keep(&mut self, id: &RefId, obj: &Arc<Object>) {
        match &self.opts.resolve {
            Resolve::None => {}
            Resolve::CurrentValue => {
                self.current.insert(id.clone(), obj.clone());
            }
            Resolve::Planned(plan) => {
                if let Some(&last) = plan.last_ref.get(id) {
                    self.retained.objects.insert(id.clone(), obj.clone());
                    self.retained.expiry.push(std::cmp::Reverse((last, id.clone())));
                }
            }
        }
    }

    /// The key of the open object's type list, for [`Self::shape_hint`].
    fn shape_key(&self) -> Option<usize> {
        let obj =
            self.objs.last().filter(|_| matches!(self.stack.last(), Some(Frame::Obj { .. })))?;
        (!obj.types.is_empty()).then(|| Arc::as_ptr(&obj.types).cast::<u8>() as usize)
    }

    /// How many properties (`members`: MS, else Props) the last object of the
    /// same type list had: objects of one type are written alike, and sizing
    /// the vector up front saves its growth copies (a move request has ~150).
    fn shape_hint(&self, members: bool) -> usize {
        self.shape_key()
            .and_then(|k| self.shapes.get(&k))
            .map_or(0, |&(p, m)| if members { m } else { p } as usize)
    }

    fn note_shape(&mut self, members: bool, len: usize) {
        if let Some(k) = self.shape_key() {
            let len = u32::try_from(len).unwrap_or(u32::MAX);
            let e = self.shapes.entry(k).or_default();
            if members { e.1 = len } else { e.0 = len }
        }
    }

    /// Hands a finished value to the element that contains it.
    fn attach(&mut self, value: Value, name: Name) -> Res<()> {
        match self.stack.last_mut() {
            Some(Frame::Root) => self.ready = Some(value),
            Some(Frame::Obj { .. }) => {
                if let Some(obj) = self.objs.last_mut() {
                    match value {
                        u @ Value::Unknown(_) => obj.unknown.push(u),
                        v => obj.base = Some(Base::Value(v)),
                    }
                }
            }
            Some(Frame::Props(list)) | Some(Frame::Ms { members: list, .. }) => {
                list.push(Property { name, value });
            }
            Some(Frame::Items(_, items)) => items.push(value),
            Some(Frame::Entry { key, value: slot, .. }) => {
                let is_key = match name.as_str() {
                    n if n.eq_ignore_ascii_case("Key") => true,
                    n if n.eq_ignore_ascii_case("Value") => false,
                    _ => key.is_none(),
                };
                if is_key { *key = Some(value) } else { *slot = Some(value) }
            }
            Some(Frame::Progress { fields, .. }) => {
                let field = if name.is_empty() {
                    "CurrentOperation".to_string()
                } else {
                    String::from(name)
                };
                fields.push((field, value));
            }
            // Unknown children of TN or DCT: keep them on the nearest object.
            _ => {
                if let Some(obj) = self.objs.last_mut() {
                    obj.unknown.push(value);
                }
            }
        }
        Ok(())
    }

    fn finish_prim(&self, p: Prim, text: &str, start: u64) -> Res<Value> {
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

/// The attributes of a tag as Export-CliXml writes them (` N="…" RefId="…"`:
/// white space before each, plain names, no space around `=`, double quotes,
/// no `&` in `N`), read in one pass into `name` and `id` as the attribute
/// loop of [`Reader::attrs`] would (the last of each wins). `false`, with
/// both left alone, for anything else, which quick-xml's attribute iterator
/// then reads (and reports, if broken); on what this accepts the two agree
/// (tested below). A fast path only: the iterator, with its per-attribute
/// `Result`, took ~8 % of the reader's time (perf). Out parameters for the
/// reason given at [`Reader::push_value_frame`].
#[inline(never)]
fn plain_attrs(raw: &str, name: &mut Name, id: &mut Option<RefId>) -> bool {
    let bytes = raw.as_bytes();
    // The `N` text and whether it may hold `_x` escapes; the `RefId` text.
    let (mut n, mut r): (Option<(&str, bool)>, Option<&str>) = (None, None);
    let mut i = 0;
    loop {
        let space = i;
        while i < bytes.len() && is_xml_space(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        if i == space {
            return false; // `a="1"b="2"`: left to quick-xml
        }
        let Some(key_len) = bytes[i..].iter().position(|&b| !is_plain_name_byte(b)) else {
            return false;
        };
        let key = &raw[i..i + key_len];
        i += key_len;
        if key.is_empty() || bytes.get(i..i + 2) != Some(b"=\"") {
            return false;
        }
        i += 2;
        // Values are short: one plain loop finds the quote and notes what
        // `N` would need decoded.
        let start = i;
        let mut special = false;
        loop {
            match bytes.get(i) {
                Some(b'"') => break,
                Some(b'&' | b'_') => special = true,
                Some(_) => {}
                None => return false,
            }
            i += 1;
        }
        let value = &raw[start..i];
        i += 1;
        match key {
            "N" if special && value.contains('&') => return false,
            "N" => n = Some((value, special)),
            "RefId" => r = Some(value),
            _ => {}
        }
    }
    if let Some((text, escaped)) = n {
        *name = if escaped { name_from(text) } else { Name::from(text) };
    }
    if let Some(r) = r {
        *id = Some(RefId::parse(r));
    }
    true
}

/// [`Reader::attrs`] for any attributes, through quick-xml's iterator: the
/// message of the first malformed one as the error.
fn iterated_attrs(
    e: &BytesStart<'_>,
    name: &mut Name,
    id: &mut Option<RefId>,
) -> Result<(), String> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| err.to_string())?;
        match local(attr.key.into_inner()) {
            "N" if attr.value.contains('&') => {
                let raw = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| err.to_string())?;
                *name = name_from(&raw);
            }
            "N" => *name = name_from(&attr.value),
            "RefId" => *id = Some(RefId::parse(&attr.value)),
            _ => {}
        }
    }
    Ok(())
}

/// XML white space (what .NET also trims around numbers and booleans).
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Letters, digits, `-`, `.`, `_`: a name without a prefix.
fn is_plain_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')
}

/// A property name from its attribute value (entities already resolved).
fn name_from(value: &str) -> Name {
    Name::from(escape::decode(value).as_ref())
}

/// The `PR` child elements, by the ProgressRecord property they hold, and
/// whether that property is a number.
fn progress_field(tag: &str) -> (Option<&'static str>, bool) {
    match tag {
        "AV" => (Some("Activity"), false),
        "AI" => (Some("ActivityId"), true),
        "PI" => (Some("ParentActivityId"), true),
        "PC" => (Some("PercentComplete"), true),
        "T" => (Some("RecordType"), false),
        "SR" => (Some("SecondsRemaining"), true),
        "SD" => (Some("StatusDescription"), false),
        _ => (None, false),
    }
}

/// The positioned error for a decoding failure carried in an `io::Error`.
fn decode_failure<R: Read>(dec: &Decoder<R>, io: &std::io::Error) -> Option<Error> {
    let de = io.get_ref()?.downcast_ref::<DecodeError>()?;
    let kind = match de.kind {
        DecodeErrorKind::InvalidUtf8 => ErrorKind::InvalidUtf8,
        DecodeErrorKind::InvalidUtf16 => ErrorKind::InvalidUtf16,
        DecodeErrorKind::Utf32 => ErrorKind::UnsupportedEncoding("UTF-32"),
        DecodeErrorKind::RunTooLong(n) => ErrorKind::ValueTooLarge(n),
    };
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
        let skip = match rest {
            [b'\r', b'\n', ..] => LINE.len() + 2,
            [b'\n', ..] | [b'\r', ..] => LINE.len() + 1,
            _ => return Ok(0),
        };
        dec.consume(skip);
        return Ok(skip as u64);
    }
    Ok(0)
}

/// The text a character reference or predefined entity stands for; `None`
/// for an invalid or unknown one.
pub(super) fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
    if r.is_char_ref() {
        r.resolve_char_ref().ok().flatten().map(|c| Cow::Owned(c.to_string()))
    } else {
        quick_xml::escape::resolve_predefined_entity(r).map(Cow::Borrowed)
    }
}

/// The local part of an element or attribute name (CLIXML uses no prefixes;
/// a short loop beats a `memchr` call on names this short).
#[inline]
pub(super) fn local(name: &str) -> &str {
    // A plain loop: names are a few bytes long, too short for `memchr`.
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            return &name[i + 1..];
        }
        i += 1;
    }
    name
}

fn unknown(tag: &str, name: Name) -> Frame {
    Frame::Unknown { name, tag: tag.to_string(), text: String::new(), nested: 0 }
}

/// `s` without XML white space around it.
fn trim_xml(s: &str) -> &str {
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
    use proptest::strategy::Just;

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

    #[test]
    fn ref_tags_are_found_by_the_scan() {
        assert_eq!(parse_ref_tag(b" RefId=\"12\" />"), Some(Some("12")));
        assert_eq!(parse_ref_tag(b" N='x' RefId = '7'/>"), Some(Some("7")));
        assert_eq!(parse_ref_tag(b"s>"), Some(None));
        assert_eq!(parse_ref_tag(b" RefId=\"1"), None);
        // Found by fuzzing: RefId or `>` inside another attribute's value.
        assert_eq!(parse_ref_tag(b" N=\"RefId\" RefId=\"0\"/>"), Some(Some("0")));
        assert_eq!(parse_ref_tag(b" N=\"a>b\" RefId=\"3\"/>"), Some(Some("3")));
        assert_eq!(parse_ref_tag(b" N=\"RefIdx\"/>"), Some(None));
        let doc =
            "<Objs><Obj RefId=\"0\"/><Ref RefId=\"0\" /><Refs/><Ref N=\"a\" RefId=\"0\"/></Objs>";
        let plan = scan_references(doc.as_bytes()).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan.last_ref[&RefId::Num(0)], doc.rfind("<Ref ").unwrap() as u64);
    }

    /// What the fallback (quick-xml's iterator) makes of a tag's attributes,
    /// or `None` where it reports an error.
    fn attrs_by_quick_xml(raw: &str) -> Option<(Name, Option<RefId>)> {
        let tag = format!("S{raw}");
        let (mut name, mut id) = (Name::default(), None);
        iterated_attrs(&BytesStart::from_content(tag.as_str(), 1), &mut name, &mut id).ok()?;
        Some((name, id))
    }

    /// What the fast path makes of them, or `None` where it does not answer.
    fn attrs_by_plain(raw: &str) -> Option<(Name, Option<RefId>)> {
        let (mut name, mut id) = (Name::default(), None);
        plain_attrs(raw, &mut name, &mut id).then_some((name, id))
    }

    #[test]
    fn plain_attributes_are_what_export_clixml_writes() {
        let some = |n: &str, r: Option<u64>| Some((Name::from(n), r.map(RefId::Num)));
        assert_eq!(attrs_by_plain(""), some("", None));
        assert_eq!(attrs_by_plain(" N=\"Status\" RefId=\"12\""), some("Status", Some(12)));
        assert_eq!(attrs_by_plain(" RefId=\"3\" N=\"a_x0020_b\" "), some("a b", Some(3)));
        assert_eq!(attrs_by_plain("\tN=\"\"\n"), some("", None));
        assert_eq!(attrs_by_plain(" Version=\"1.1.0.1\" N=\"a>b\""), some("a>b", None));
        // Everything else goes to quick-xml.
        for raw in [
            " N='single'",
            " N = \"spaced\"",
            " N=\"a &amp; b\"",
            " x:N=\"prefixed\"",
            " N=\"a\"RefId=\"1\"",
            " N=\"unclosed",
            " N",
            " =\"no name\"",
            "N=\"no space before\"",
        ] {
            assert_eq!(attrs_by_plain(raw), None, "{raw}");
        }
    }

    proptest::proptest! {
        /// Wherever the fast path answers, quick-xml's iterator gives the
        /// same name and id without error. Attributes are built from
        /// parts near the accepted shape, so both answers are exercised.
        #[test]
        fn plain_attributes_agree_with_quick_xml(
            attrs in proptest::collection::vec(
                (
                    proptest::prop_oneof![6 => Just(" "), 1 => Just("\t"), 1 => Just("\r\n "), 1 => Just("")],
                    proptest::sample::select(vec!["N", "RefId", "x:N", "Version", "", "a-b.c_d", "N\""]),
                    proptest::prop_oneof![6 => Just("="), 1 => Just(" ="), 1 => Just("= "), 1 => Just("==")],
                    proptest::prop_oneof![6 => Just("\""), 1 => Just("'")],
                    "[a-z_0-9 <>/'&;:\u{e9}\t-]{0,8}|_x0020_|_x005F_x",
                    proptest::prop_oneof![6 => Just("\""), 1 => Just("'"), 1 => Just("")],
                ),
                0..5,
            ),
            tail in proptest::sample::select(vec!["", " ", "/", " /", "\n"]),
        ) {
            let mut parts: Vec<&str> = Vec::new();
            for (space, key, eq, open, value, close) in &attrs {
                parts.extend([*space, *key, *eq, *open, value.as_str(), *close]);
            }
            parts.push(tail);
            let raw = parts.concat();
            if let Some(fast) = attrs_by_plain(&raw) {
                proptest::prop_assert_eq!(Some(fast), attrs_by_quick_xml(&raw), "{:?}", raw);
            }
        }
    }
}
