//! Byte scanners that run before or beside the reader, without parsing XML
//! as a whole: the reference pre-scan ([`scan_references`]) and the segment
//! planner ([`plan`]).
//!
//! The pre-scan finds, for each referenced object id, where its last `Ref`
//! is, so that a reader with [`Resolve::Planned`](super::Resolve::Planned)
//! keeps exactly the objects still needed.
//!
//! The planner splits one large CLIXML file (UTF-8 or UTF-16) into segments
//! of whole top-level values, so that several readers can read it at once.
//!
//! `Export-CliXml` indents its output: every top-level value starts a line
//! with exactly two spaces (`\n  <Obj RefId=…>`). Such a line is only a
//! *candidate* boundary. Nothing here trusts it: a segment reader must end
//! exactly between two top-level values (a boundary inside a comment, a CDATA
//! section or a nested element leaves something open, which is an error),
//! and the type lists (`TN`) found by the scan must be exactly those the
//! segment readers define. Any doubt, and the caller reads the file whole.
//!
//! The only state a segment needs from the bytes before it is the type lists
//! (`TNRef` points back to a `TN` anywhere earlier); the scan collects them
//! with a memmem pass. References to earlier objects (`Ref`) are not
//! followed here: a segment that meets one fails, and the caller falls back.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use memchr::memmem;
use quick_xml::events::Event;
use quick_xml::events::attributes::Attributes;
use rayon::prelude::*;

use super::decode::{Decoder, Encoding};
use super::escape;
use super::value::RefId;
use super::xml::{local, resolve_reference};

/// For each referenced object id, the offset (in the decoded stream) of its
/// last `Ref`.
#[derive(Debug, Clone, Default)]
pub struct RefPlan {
    pub(super) last_ref: HashMap<RefId, u64>,
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

/// The longest `<Ref …>` tag the scan carries from one chunk to the next.
/// Attribute values count: an `N` of a few kilobytes (property names come
/// from data) still fits, while text that only looks like an unclosed tag
/// is dropped after re-reading at most this much per chunk.
const MAX_REF_TAG: usize = 1 << 20;

/// The cheap first pass: finds every `<Ref … RefId="…">` with `memchr`, without
/// parsing XML. It may find more than the reader reads, never less: a `<Ref`
/// inside a comment or CDATA, or in a tag the reader rejects, only makes the
/// reader keep an object a little longer than needed. A tag that never closes
/// (an unmatched quote in a comment) hides nothing after it: every later
/// `<Ref` is still read, and each id keeps its largest offset whatever order
/// they are met in.
pub fn scan_references<R: Read>(input: R) -> std::io::Result<RefPlan> {
    use std::io::BufRead;
    let mut dec = Decoder::new(input, usize::MAX)?;
    let mut plan = RefPlan::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut base: u64 = 0; // decoded offset of carry[0]
    // The reader takes an element by its local name, so `<x:Ref` is a Ref
    // too: `:Ref` is looked for as well (text that only looks like one plans
    // an id for nothing, which is harmless).
    let finders = [memmem::Finder::new(b"<Ref"), memmem::Finder::new(b":Ref")];
    loop {
        let chunk = dec.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        carry.extend_from_slice(chunk);
        dec.consume(n);
        let mut keep_from = carry.len().saturating_sub(4);
        let mut ids = Vec::new();
        for at in finders.iter().flat_map(|f| f.find_iter(&carry)) {
            if parse_ref_tag(&carry[at + 4..], &mut ids) {
                let offset = base + at as u64;
                for id in ids.drain(..) {
                    let last = plan.last_ref.entry(id).or_insert(offset);
                    *last = (*last).max(offset);
                }
            } else if carry.len() - at <= MAX_REF_TAG {
                // Cut by the chunk end: kept whole for the next pass, up to a
                // bound; past it the `<Ref` is taken for text that never
                // closes (a Ref tag is short; a real one longer than this is
                // not planned). Either way the scan goes on past it: the rest
                // of the buffer is read now and again in the next pass.
                keep_from = keep_from.min(at);
            }
        }
        carry.drain(..keep_from);
        base += keep_from as u64;
    }
    Ok(plan)
}

/// Parses what follows `<Ref` (or `:Ref`): pushes onto `ids` the value of
/// every attribute whose local name is `RefId` (the reader keeps the last;
/// planning them all can only keep more), nothing when the name goes on
/// (`<Refs`); `false` when the tag is cut off by the end of the buffer.
/// The tag ends at the first `>` outside quotes, as quick-xml ends it, and
/// its attributes are read by quick-xml's own iterator, as the reader reads
/// them (`reader::attrs`), so a `>` or the text `RefId` inside a value cannot
/// mislead it, nor can an odd attribute the reader accepts hide the RefId
/// after it. Where the iterator fails, so does the reader on this tag.
fn parse_ref_tag(rest: &[u8], ids: &mut Vec<RefId>) -> bool {
    match rest.first() {
        None => return false,
        Some(b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>') => {}
        Some(_) => return true,
    }
    let mut quote = None;
    let Some(end) = rest.iter().position(|&b| match quote {
        Some(q) if b == q => {
            quote = None;
            false
        }
        Some(_) => false,
        None if b == b'"' || b == b'\'' => {
            quote = Some(b);
            false
        }
        None => b == b'>',
    }) else {
        return false;
    };
    let tag = rest[..end].strip_suffix(b"/").unwrap_or(&rest[..end]);
    let Ok(tag) = std::str::from_utf8(tag) else { return true };
    let mut attributes = Attributes::new(tag, 0);
    for attr in attributes.with_checks(false).map_while(Result::ok) {
        if local(attr.key.into_inner()) == "RefId" {
            ids.push(RefId::parse(&attr.value));
        }
    }
    true
}

/// Bytes per scan task; each task holds one such buffer.
const SCAN_BLOCK: u64 = 4 << 20;
/// How far past its block a scan task reads to finish a `TN` it found.
const LOOKAHEAD: u64 = 64 << 10;
/// What starts a top-level value in an indented export.
const BOUNDARY: &[u8] = b"\n  <Obj ";

/// A type list defined in the file: where, its id, its names.
pub(crate) type TypeDef = (u64, RefId, Arc<[String]>);

/// How the file's text is stored, for the byte patterns the scan looks for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Units {
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Units {
    fn encode(self, ascii: &[u8]) -> Vec<u8> {
        match self {
            Units::Utf8 => ascii.to_vec(),
            Units::Utf16Le => ascii.iter().flat_map(|&b| [b, 0]).collect(),
            Units::Utf16Be => ascii.iter().flat_map(|&b| [0, b]).collect(),
        }
    }

    /// Bytes per code unit: a pattern only counts at a multiple of it.
    fn width(self) -> u64 {
        if self == Units::Utf8 { 1 } else { 2 }
    }

    /// UTF-8 text of UTF-16 bytes (unpaired surrogates replaced: a type
    /// list holding one differs from the reader's, which fails the check).
    fn text(self, bytes: &[u8]) -> String {
        let units = bytes.chunks_exact(2).map(|p| match self {
            Units::Utf16Be => u16::from_be_bytes([p[0], p[1]]),
            _ => u16::from_le_bytes([p[0], p[1]]),
        });
        char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
    }
}

/// How a file splits into segments.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Segment byte ranges `[start, end)`, in order, covering the file.
    pub(crate) ranges: Vec<(u64, u64)>,
    /// Every type list with a `RefId` the scan found, in document order.
    pub(crate) types: Vec<TypeDef>,
    units: Units,
}

impl Plan {
    /// What segment `i` is read with: the bytes to put in front of it (the
    /// root element's start, in the file's encoding, for all but the
    /// first), and the reader options.
    pub(crate) fn segment(&self, i: usize) -> (Vec<u8>, Segment) {
        let start = self.ranges[i].0;
        let before = self.types.partition_point(|(at, _, _)| *at < start);
        let prefix = if i > 0 { self.units.encode(b"<Objs>") } else { Vec::new() };
        (
            prefix,
            Segment {
                open_end: i + 1 < self.ranges.len(),
                types: self.types[..before]
                    .iter()
                    .map(|(_, id, n)| (id.clone(), n.clone()))
                    .collect(),
            },
        )
    }
}

/// Plans segments of about `target` bytes; `Ok(None)` when the file is not
/// worth splitting or cannot be split with confidence (no indentation, a type
/// list the scan does not understand, UTF-32).
pub(crate) fn plan(path: &Path, target: u64) -> std::io::Result<Option<Plan>> {
    let size = std::fs::metadata(path)?.len();
    if target == 0 || size < target.saturating_mul(2) {
        return Ok(None);
    }
    let mut head = [0u8; 4];
    File::open(path)?.read_exact(&mut head)?;
    let units = match Encoding::sniff(&head) {
        Some(Encoding::Utf8 | Encoding::Utf8Bom) => Units::Utf8,
        Some(Encoding::Utf16Le | Encoding::Utf16LeBom) => Units::Utf16Le,
        Some(Encoding::Utf16Be | Encoding::Utf16BeBom) => Units::Utf16Be,
        // Never sniffed; a Windows-1252 file is read whole.
        Some(Encoding::Windows1252) | None => return Ok(None),
    };
    // Blocks start on a code unit (a UTF-16 byte order mark is 2 bytes).
    let block = target.clamp(2, SCAN_BLOCK) & !1;
    let every = (target / block).max(1); // a candidate boundary per segment
    let scans = (0..size.div_ceil(block))
        .into_par_iter()
        // One buffer per thread, reused: fresh 4 MiB buffers cost page faults.
        .map_init(Vec::new, |buf, k| {
            let (start, end) = (k * block, ((k + 1) * block).min(size));
            scan_block(path, size, (start, end), units, k % every == 0 && k > 0, buf)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut types = Vec::new();
    let mut cuts = vec![0u64];
    for scan in scans {
        let Some(scan) = scan else { return Ok(None) };
        types.extend(scan.types);
        if let Some(at) = scan.boundary
            && at > *cuts.last().expect("non-empty")
        {
            cuts.push(at);
        }
    }
    if cuts.len() < 2 {
        return Ok(None);
    }
    cuts.push(size);
    let ranges = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    Ok(Some(Plan { ranges, types, units }))
}

/// What one block of the file holds.
struct BlockScan {
    /// The first candidate boundary in the block (offset of its `<`).
    boundary: Option<u64>,
    /// Type lists starting in the block.
    types: Vec<TypeDef>,
}

/// Scans `[start, end)`; `None` when a type list there is not understood.
fn scan_block(
    path: &Path,
    size: u64,
    (start, end): (u64, u64),
    units: Units,
    want_boundary: bool,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<BlockScan>> {
    let stop = (end + LOOKAHEAD).min(size);
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    buf.clear();
    buf.reserve((stop - start) as usize);
    file.take(stop - start).read_to_end(buf)?;
    let cut = buf.len() < (stop - start) as usize; // the file shrank meanwhile
    let inside = (end - start) as usize;
    let buf: &[u8] = buf;
    let aligned = |i: &usize| (start + *i as u64).is_multiple_of(units.width());
    // Patterns that start in the block, even if they end after it.
    let starts_in = |pattern: &[u8]| &buf[..(inside + pattern.len() - 1).min(buf.len())];
    let boundary = if want_boundary {
        let pattern = units.encode(BOUNDARY);
        let unit = units.width() as usize;
        memmem::find_iter(starts_in(&pattern), &pattern)
            .find(aligned)
            .map(|i| start + (i + 3 * unit) as u64)
    } else {
        None
    };
    let mut types = Vec::new();
    // Only the form PowerShell writes is looked for (a selective pattern
    // keeps the scan fast); a type list written otherwise is missed, and the
    // check that the readers define exactly the scanned lists then sends the
    // file to a whole read.
    let tn = units.encode(b"<TN RefId=\"");
    for at in memmem::find_iter(starts_in(&tn), &tn).filter(aligned) {
        let parsed = match units {
            Units::Utf8 => parse_type_list(&buf[at..]),
            // Decoded a little at a time: a type list is rarely over 2 KiB.
            _ => [2 << 10, 16 << 10, LOOKAHEAD as usize].into_iter().find_map(|len| {
                let window = &buf[at..(at + len).min(buf.len())];
                parse_type_list(units.text(window).as_bytes())
            }),
        };
        let Some((id, names)) = parsed else { return Ok(None) };
        types.push((start + at as u64, id, names.into()));
    }
    if cut {
        return Ok(None);
    }
    Ok(Some(BlockScan { boundary, types }))
}

/// Reads one `<TN RefId=…>` element as the reader does: its id and the
/// decoded text of each `<T>`. `None` for anything else inside it, or if it
/// is cut.
fn parse_type_list(bytes: &[u8]) -> Option<(RefId, Vec<String>)> {
    let mut xml = quick_xml::Reader::from_reader(bytes);
    xml.config_mut().trim_text(false);
    let mut names = Vec::new();
    let mut text: Option<String> = None;
    let id_of = |e: &quick_xml::events::BytesStart<'_>| -> Option<RefId> {
        let mut id = None;
        for attr in e.attributes().with_checks(false) {
            let attr = attr.ok()?;
            if local(attr.key.into_inner()) == "RefId" {
                id = Some(RefId::parse(&attr.value));
            }
        }
        id
    };
    let id = match xml.read_event().ok()? {
        Event::Start(e) if e.name().into_inner() == "TN" => id_of(&e)?,
        Event::Empty(e) if e.name().into_inner() == "TN" => return Some((id_of(&e)?, names)),
        _ => return None,
    };
    loop {
        match (xml.read_event().ok()?, &mut text) {
            (Event::Start(e), None) if e.name().into_inner() == "T" => text = Some(String::new()),
            (Event::Empty(e), None) if e.name().into_inner() == "T" => names.push(String::new()),
            (Event::End(e), Some(t)) if e.name().into_inner() == "T" => {
                names.push(escape::decode(t).into_owned());
                text = None;
            }
            (Event::End(e), None) if e.name().into_inner() == "TN" => return Some((id, names)),
            (Event::Text(t), Some(s)) => s.push_str(&t.xml10_content()),
            (Event::CData(c), Some(s)) => s.push_str(&c.xml10_content()),
            (Event::GeneralRef(r), Some(s)) => s.push_str(&resolve_reference(&r)?),
            // Ignored between the `<T>`s, as the reader does.
            (Event::Text(_) | Event::CData(_) | Event::GeneralRef(_), None) => {}
            (Event::Comment(_) | Event::PI(_), _) => {}
            _ => return None,
        }
    }
}

/// A byte range of one document that holds whole top-level values, read on
/// its own (the segment planner below finds them): it may end
/// before `</Objs>`, and type lists (`TN`) defined before it are given. (One
/// that starts after `<Objs>` is read with `<Objs>` put in front.)
#[derive(Debug, Clone, Default)]
pub struct Segment {
    /// The input may end inside `<Objs>`, after a top-level value.
    pub open_end: bool,
    /// The type lists defined before the segment, in document order.
    pub types: Arc<[(RefId, Arc<[String]>)]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_tags_are_found_by_the_scan() {
        let tag = |rest: &'static [u8]| {
            let mut ids = Vec::new();
            let whole = parse_ref_tag(rest, &mut ids);
            whole.then(|| ids.iter().map(RefId::to_string).collect::<Vec<_>>())
        };
        let some = |ids: &[&str]| Some(ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(tag(b" RefId=\"12\" />"), some(&["12"]));
        assert_eq!(tag(b" N='x' RefId = '7'/>"), some(&["7"]));
        assert_eq!(tag(b"s>"), some(&[]));
        assert_eq!(tag(b" RefId=\"1"), None);
        assert_eq!(tag(b" N='>"), None);
        // Found by fuzzing: RefId or `>` inside another attribute's value.
        assert_eq!(tag(b" N=\"RefId\" RefId=\"0\"/>"), some(&["0"]));
        assert_eq!(tag(b" N=\"a>b\" RefId=\"3\"/>"), some(&["3"]));
        assert_eq!(tag(b" N=\"RefIdx\"/>"), some(&[]));
        // Found by fuzzing (fuzz/regressions/scan-attribute-names.bin): the
        // reader takes attributes as quick-xml does, with no space needed
        // between them and any name; a prefixed RefId is a RefId; every one
        // is planned (the reader keeps the last).
        assert_eq!(tag(b" RefId=\"\"@/=\"\"/>"), some(&[""]));
        assert_eq!(tag(b" N=\"a\"RefId=\"4\">"), some(&["4"]));
        assert_eq!(tag(b" x:RefId=\"5\" RefId='6'>"), some(&["5", "6"]));
        assert_eq!(tag(b" a/b=\"\" RefId=\"7\"/>"), some(&["7"]));
        let doc =
            "<Objs><Obj RefId=\"0\"/><Ref RefId=\"0\" /><Refs/><Ref N=\"a\" RefId=\"0\"/></Objs>";
        let plan = scan_references(doc.as_bytes()).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan.last_ref[&RefId::Num(0)], doc.rfind("<Ref ").unwrap() as u64);
    }

    #[test]
    fn every_ref_the_reader_reads_is_planned() {
        // What the fuzzers check, on the forms found so far: read with the
        // scan's plan, every Ref of every value resolves when it is returned.
        use crate::clixml::{Options, Reader, Resolve, Value};
        for doc in [
            "<Objs><Obj RefId=\"\"/><Ref RefId=\"\"@/=\"\"/></Objs>",
            "<Objs><Obj RefId=\"1\"/><Ref N=\"a\"RefId=\"1\"/></Objs>",
            "<Objs><Obj RefId=\"1\"/><Ref x:RefId=\"1\"/></Objs>",
            "<Objs><Obj RefId=\"1\"/><x:Ref RefId=\"1\"/></Objs>",
            "<Objs><Obj RefId=\"1\"/><Ref RefId=\"2\" RefId=\"1\"/></Objs>",
            "<Objs><!--<Ref d='--><Obj RefId=\"1\"/><Ref RefId=\"1\"/></Objs>",
        ] {
            let plan = scan_references(doc.as_bytes()).unwrap();
            let opts = Options { resolve: Resolve::Planned(plan), ..Options::default() };
            let mut reader = Reader::with_options(doc.as_bytes(), opts).unwrap();
            let mut refs = 0;
            while let Some(v) = reader.next() {
                if let Value::Ref(id) = v.unwrap() {
                    assert!(reader.resolve(&id).is_some(), "{doc}: Ref {id} not planned");
                    refs += 1;
                }
            }
            assert_eq!(refs, 1, "{doc}");
        }
    }

    #[test]
    fn misleading_ref_attributes_at_chunk_boundaries() {
        // Found by fuzzing (fuzz/regressions/scan-ref-attr-before-refid.bin):
        // the scan took the first `RefId` text and the first `>` as the tag's
        // own, so `N="RefId"` or `N="a>b"` before the real RefId lost that
        // reference and every later one in the same 64 KiB chunk. Each tag
        // is placed before, across and after the decoder's chunk end, with
        // an ordinary Ref after it that must be found too.
        for tag in [
            "<Ref N=\"RefId\" RefId=\"1\"/>",
            "<Ref N=\"a>b\" RefId=\"1\"/>",
            "<Ref N='RefIdx' RefId='1' />",
            "<Ref\r\n N=\"x RefId=&quot;9&quot;\"\tRefId=\"1\"/>",
        ] {
            // The tag starts 38 + pad bytes in (38: the two Obj tags before it),
            // so these pads put it before, across and after the chunk end.
            for pad in [0, 65_536 - 38 - 20, 65_536 - 38 - 5, 65_536 - 38 - 1, 65_536 - 38, 65_536]
            {
                let doc = format!(
                    "<Objs><Obj RefId=\"1\"/><Obj RefId=\"2\"/>{}{tag}<S>x</S><Ref RefId=\"2\"/></Objs>",
                    " ".repeat(pad)
                );
                let plan = scan_references(doc.as_bytes()).unwrap();
                let at = |s: &str| doc.find(s).unwrap() as u64;
                assert_eq!(plan.len(), 2, "{tag}, pad {pad}");
                assert_eq!(plan.last_ref[&RefId::Num(1)], at(tag), "{tag}, pad {pad}");
                assert_eq!(
                    plan.last_ref[&RefId::Num(2)],
                    at("<Ref RefId=\"2\""),
                    "{tag}, pad {pad}"
                );
            }
        }
    }

    #[test]
    fn long_ref_tags_across_a_chunk_end_are_planned() {
        // Found while writing the test above: a tag cut by the chunk end
        // was carried only if it had started within 4 KiB of it, so a Ref
        // with a longer N (property names come from data) was lost.
        for n in [100, 5_000, 70_000] {
            // How far before the chunk end the tag starts.
            for before_end in [10, 5_000, 60_000] {
                let pad = (65_536 - 40usize).saturating_sub(before_end);
                let tag = format!("<Ref N=\"{}\" RefId=\"1\"/>", "n".repeat(n));
                let doc = format!(
                    "<Objs><Obj RefId=\"1\"/>{}{tag}<Ref RefId=\"1\"/></Objs>",
                    " ".repeat(pad)
                );
                let plan = scan_references(doc.as_bytes()).unwrap();
                let last = doc.rfind("<Ref RefId").unwrap() as u64;
                assert_eq!(
                    plan.last_ref.get(&RefId::Num(1)),
                    Some(&last),
                    "N of {n}, {before_end}"
                );
                let doc = format!("<Objs><Obj RefId=\"1\"/>{}{tag}</Objs>", " ".repeat(pad));
                let plan = scan_references(doc.as_bytes()).unwrap();
                let at = doc.find(&tag).unwrap() as u64;
                assert_eq!(plan.last_ref.get(&RefId::Num(1)), Some(&at), "N of {n}, {before_end}");
            }
        }
    }

    #[test]
    fn a_ref_tag_that_never_closes_hides_no_later_reference() {
        // Found by fuzzing (fuzz/regressions/scan-unclosed-ref-in-comment.bin):
        // a `<Ref` in a comment with an unmatched quote was taken for a tag
        // cut by the chunk end, and the scan stopped reading that buffer: at
        // the end of the input the real Ref after it was never planned, and
        // past MAX_REF_TAG everything up to the chunk end was dropped unread.
        let doc = b"<Objs><!--<Ref d='/>-->\0><Obj RefId=\"0\"></Obj><Ref RefId=\"0\"/>O";
        let plan = scan_references(&doc[..]).unwrap();
        let real = doc.windows(4).rposition(|w| w == b"<Ref").unwrap() as u64;
        assert_eq!(plan.last_ref.get(&RefId::Num(0)), Some(&real));

        // The same across chunk ends and past the carry bound: the unclosed
        // tag before, across and after the first chunk end, with a real Ref
        // right after it, one in the next chunk and one beyond MAX_REF_TAG;
        // with and without a quote much later that "closes" it.
        let open = "<!--<Ref d='-->";
        for pad in [0, 65_536 - 30, 65_536 - 8, 65_536] {
            for close in ["", "<S N='late'>x</S>"] {
                let doc = format!(
                    "<Objs><Obj RefId=\"1\"/><Obj RefId=\"2\"/><Obj RefId=\"3\"/>{}{open}\
                     <Ref RefId=\"1\"/>{}<Ref RefId=\"2\"/>{}<Ref RefId=\"3\"/>{}{close}</Objs>",
                    " ".repeat(pad),
                    " ".repeat(70_000),
                    " ".repeat(MAX_REF_TAG + 70_000),
                    " ".repeat(100),
                );
                let plan = scan_references(doc.as_bytes()).unwrap();
                for id in 1..=3 {
                    let real = doc.find(&format!("<Ref RefId=\"{id}\"")).unwrap() as u64;
                    assert_eq!(
                        plan.last_ref.get(&RefId::Num(id)),
                        Some(&real),
                        "Ref {id}, pad {pad}, close {close:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn type_lists_parse_as_the_reader_reads_them() {
        let (id, names) = parse_type_list(
            b"<TN RefId=\"7\">\r\n  <T>A.B_x005F_C</T>\r\n  <T>x &amp; &#65;</T><T/></TN>tail",
        )
        .unwrap();
        assert_eq!(id, RefId::Num(7));
        assert_eq!(names, ["A.B_C", "x & A", ""]);
        assert_eq!(parse_type_list(b"<TN RefId=\"1\"/>").unwrap(), (RefId::Num(1), vec![]));
        // Cut off, or holding something the reader would treat differently.
        assert!(parse_type_list(b"<TN RefId=\"1\"><T>A</T>").is_none());
        assert!(parse_type_list(b"<TN RefId=\"1\"><X/></TN>").is_none());
        assert!(parse_type_list(b"<TN RefId=\"1\"><T>A<B/></T></TN>").is_none());
    }
}
