//! Input decoding: sniffs the encoding an export was written in and presents
//! any input as validated UTF-8 through `BufRead`, chunk by chunk.
//!
//! It also keeps just enough bookkeeping to turn an offset in the decoded
//! stream back into what the user sees (byte offset in the file, line and
//! column): a line and column count per finished chunk (one `memchr` pass per
//! 64 KiB, nothing per XML event) and the bytes of the last 1 MiB of decoded
//! input, so any position in it maps back exactly. And it bounds the longest run of input without a `<`, which bounds
//! every event quick-xml has to buffer: hostile input cannot make it allocate
//! without limit.

use std::io::{self, BufRead, Read};

use super::error::ErrorKind;

/// Decoded bytes handed out per refill.
const CHUNK: usize = 64 * 1024;

/// Decoded bytes kept behind the read position to map error offsets back to
/// lines and columns.
const WINDOW: usize = 1024 * 1024;

/// The encodings Export-CliXml writes that we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without BOM (PowerShell 7's default).
    Utf8,
    /// UTF-8 with BOM.
    Utf8Bom,
    /// UTF-16 little-endian with BOM (Windows PowerShell 5.1's default).
    Utf16LeBom,
    /// UTF-16 big-endian with BOM.
    Utf16BeBom,
    /// UTF-16 little-endian without BOM (detected from the first bytes).
    Utf16Le,
    /// UTF-16 big-endian without BOM (detected from the first bytes).
    Utf16Be,
    /// The Windows ANSI code page of Western systems, which `Export-Clixml
    /// -Encoding Default` writes without saying so: never sniffed, only
    /// chosen for an input without BOM that is not valid UTF-8.
    Windows1252,
}

impl Encoding {
    /// The encoding the first bytes of an input show (`None`: UTF-32,
    /// which is refused).
    pub fn sniff(head: &[u8]) -> Option<Encoding> {
        Some(match head {
            [0xEF, 0xBB, 0xBF, ..] => Encoding::Utf8Bom,
            [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => return None,
            [0xFF, 0xFE, ..] => Encoding::Utf16LeBom,
            [0xFE, 0xFF, ..] => Encoding::Utf16BeBom,
            [a, 0, ..] if *a != 0 => Encoding::Utf16Le,
            [0, b, ..] if *b != 0 => Encoding::Utf16Be,
            _ => Encoding::Utf8,
        })
    }

    /// A stable label, as used in JSON output.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16LeBom => "utf-16le-bom",
            Encoding::Utf16BeBom => "utf-16be-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    fn bom_len(self) -> u64 {
        match self {
            Encoding::Utf8Bom => 3,
            Encoding::Utf16LeBom | Encoding::Utf16BeBom => 2,
            _ => 0,
        }
    }

    /// Input bytes of decoded UTF-8 text (every character of Windows-1252 is
    /// one byte; UTF-16 counts its code units).
    fn src_len(self, utf8: &[u8]) -> u64 {
        match self {
            Encoding::Windows1252 => char_count(utf8),
            e if e.is_utf16() => 2 * utf16_units(utf8),
            _ => utf8.len() as u64,
        }
    }

    fn is_utf16(self) -> bool {
        !matches!(self, Encoding::Utf8 | Encoding::Utf8Bom)
    }
}

/// A decoding failure, carried through `io::Error` so that quick-xml passes it
/// on untouched; the reader turns it back into a positioned error.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// What failed.
    pub kind: DecodeErrorKind,
    /// Offset in the decoded (UTF-8) stream where it happened.
    pub decoded_offset: u64,
    /// Offset in the file where it happened.
    pub src_offset: u64,
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// Not UTF-8.
    InvalidUtf8,
    /// Not UTF-16.
    InvalidUtf16,
    /// A UTF-32 BOM.
    Utf32,
    /// A run of input without `<` longer than the limit.
    RunTooLong(usize),
}

/// What a decoding failure is as a reader error (the reader's and a text
/// report's, alike).
impl From<DecodeErrorKind> for ErrorKind {
    fn from(k: DecodeErrorKind) -> Self {
        match k {
            DecodeErrorKind::InvalidUtf8 => ErrorKind::InvalidUtf8,
            DecodeErrorKind::InvalidUtf16 => ErrorKind::InvalidUtf16,
            DecodeErrorKind::Utf32 => ErrorKind::UnsupportedEncoding("UTF-32"),
            DecodeErrorKind::RunTooLong(n) => ErrorKind::ValueTooLarge(n),
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} at byte {}", self.kind, self.src_offset)
    }
}

impl std::error::Error for DecodeError {}

/// Where a decoded offset lies in the file as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Byte offset in the file.
    pub offset: u64,
    /// 1-based line and column (characters), when the offset is still in the
    /// window of retained bytes.
    pub line_col: Option<(u64, u64)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct ChunkMeta {
    decoded_start: u64,
    src_start: u64,
    /// Newlines before this chunk.
    lines_before: u64,
    /// Characters since the last newline before this chunk.
    col_before: u64,
}

/// A `BufRead` of UTF-8 over input in any supported encoding.
pub struct Decoder<R> {
    inner: R,
    encoding: Encoding,
    /// The transcoder of an input that is not UTF-8 (UTF-16, Windows-1252).
    utf16: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    raw_eof: bool,
    /// Input bytes consumed by decoding so far (BOM included).
    src_consumed: u64,
    cur: Vec<u8>,
    pos: usize,
    cur_meta: ChunkMeta,
    /// Earlier chunks, oldest first, at most `WINDOW` bytes in all.
    history: std::collections::VecDeque<(ChunkMeta, Vec<u8>)>,
    history_bytes: usize,
    /// Decoded offset where the consumer's current event started.
    event_mark: u64,
    max_run: usize,
    pending: Option<DecodeError>,
    failed: bool,
    /// The input is exhausted (and, for UTF-16, the decoder flushed).
    done: bool,
}

impl<R: Read> Decoder<R> {
    /// Sniffs the encoding from the first bytes and prepares to decode.
    ///
    /// `max_run` bounds the size of any single event (text, tag, comment,
    /// CDATA) once the consumer marks event starts ([`Decoder::mark_event`]).
    pub fn new(inner: R, max_run: usize) -> io::Result<Self> {
        Self::with_encoding(inner, max_run, None)
    }

    /// [`Decoder::new`], reading the input as `forced` when it has no byte
    /// order mark (a BOM always wins).
    pub fn with_encoding(
        mut inner: R,
        max_run: usize,
        forced: Option<Encoding>,
    ) -> io::Result<Self> {
        let mut raw = vec![0u8; CHUNK];
        let mut raw_end = 0;
        let mut raw_eof = false;
        // Enough for the BOM sniff and for the `#< CLIXML` line even in UTF-16.
        while raw_end < 64 {
            match inner.read(&mut raw[raw_end..]) {
                Ok(0) => {
                    raw_eof = true;
                    break;
                }
                Ok(n) => raw_end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = &raw[..raw_end];
        let mut pending = None;
        let encoding = match Encoding::sniff(head) {
            Some(Encoding::Utf8) if forced.is_some() => forced.unwrap_or(Encoding::Utf8),
            Some(e) => e,
            None => {
                pending = Some(DecodeError {
                    kind: DecodeErrorKind::Utf32,
                    decoded_offset: 0,
                    src_offset: 0,
                });
                Encoding::Utf8
            }
        };
        let bom = encoding.bom_len() as usize;
        let utf16 = match encoding {
            Encoding::Utf16Le | Encoding::Utf16LeBom => {
                Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            Encoding::Utf16Be | Encoding::Utf16BeBom => {
                Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            Encoding::Windows1252 => {
                Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling())
            }
            _ => None,
        };
        let meta = ChunkMeta { src_start: bom as u64, ..ChunkMeta::default() };
        Ok(Decoder {
            inner,
            encoding,
            utf16,
            raw,
            raw_start: bom,
            raw_end,
            raw_eof,
            src_consumed: bom as u64,
            cur: Vec::with_capacity(CHUNK * 2),
            pos: 0,
            cur_meta: meta,
            history: std::collections::VecDeque::new(),
            history_bytes: 0,
            event_mark: 0,
            max_run,
            failed: pending.is_some(),
            pending,
            done: false,
        })
    }

    /// The detected encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Whether all input has been decoded and handed out.
    pub fn at_end(&self) -> bool {
        self.done && self.pos >= self.cur.len()
    }

    /// Total decoded bytes produced so far.
    pub fn decoded_len(&self) -> u64 {
        self.cur_meta.decoded_start + self.cur.len() as u64
    }

    /// Maps an offset in the decoded stream to the file position.
    pub fn locate(&self, decoded: u64) -> Located {
        let chunks = std::iter::once((&self.cur_meta, &self.cur))
            .chain(self.history.iter().rev().map(|(m, b)| (m, b)));
        for (meta, bytes) in chunks {
            let end = meta.decoded_start + bytes.len() as u64;
            if decoded >= meta.decoded_start && decoded <= end {
                let rel = (decoded - meta.decoded_start) as usize;
                let before = &bytes[..rel];
                let line =
                    meta.lines_before + 1 + memchr::memchr_iter(b'\n', before).count() as u64;
                let col = match memchr::memrchr(b'\n', before) {
                    Some(i) => char_count(&before[i + 1..]) + 1,
                    None => meta.col_before + char_count(before) + 1,
                };
                let offset = meta.src_start + self.encoding.src_len(before);
                return Located { offset, line_col: Some((line, col)) };
            }
        }
        // Outside the retained window (an event longer than two chunks): the
        // offset is exact for UTF-8 and assumes BMP text for UTF-16.
        let bom = self.encoding.bom_len();
        let offset = if self.encoding.is_utf16() { bom + 2 * decoded } else { bom + decoded };
        Located { offset, line_col: None }
    }

    fn fail(&mut self, kind: DecodeErrorKind, decoded_offset: u64, src_offset: u64) -> io::Error {
        self.failed = true;
        io::Error::other(DecodeError { kind, decoded_offset, src_offset })
    }

    #[cold]
    #[inline(never)]
    fn refill_cold(&mut self) -> io::Result<()> {
        self.refill()
    }

    /// Moves to the next chunk of decoded bytes (empty at end of input).
    fn refill(&mut self) -> io::Result<()> {
        if let Some(err) = self.pending.take() {
            self.failed = true;
            return Err(io::Error::other(err));
        }
        if self.failed {
            return Ok(()); // after an error the stream just ends
        }
        // For UTF-16 the next chunk starts exactly where this one's code
        // units end (the decoder may hold back an odd byte or a surrogate).
        let src_next = if self.utf16.is_some() {
            self.cur_meta.src_start + self.encoding.src_len(&self.cur)
        } else {
            self.src_consumed
        };
        let next = meta_after(&self.cur, &self.cur_meta, src_next);
        // Keep the finished chunk in the history, recycling the oldest buffer.
        let mut spare = Vec::new();
        while self.history_bytes + self.cur.len() > WINDOW {
            match self.history.pop_front() {
                Some((_, b)) => {
                    self.history_bytes -= b.len();
                    spare = b;
                }
                None => break,
            }
        }
        // Recycled buffers keep their length, so UTF-8 reads below rarely
        // need to zero-fill them again.
        let done = std::mem::replace(&mut self.cur, spare);
        self.history_bytes += done.len();
        self.history.push_back((self.cur_meta, done));
        self.cur_meta = next;
        self.pos = 0;
        if self.utf16.is_none() {
            self.read_utf8()?;
        } else {
            self.cur.clear();
            while self.cur.is_empty() && !self.done {
                if !self.raw_eof && self.raw_end == self.raw_start {
                    self.read_raw()?;
                }
                self.decode_some()?;
            }
        }
        self.check_run()
    }

    /// UTF-8 input is handed on as it is read, straight into the chunk buffer:
    /// quick-xml checks every event's UTF-8 and the reader locates a bad byte
    /// only when that check fails ([`Decoder::first_invalid_utf8`]).
    fn read_utf8(&mut self) -> io::Result<()> {
        let mut n = 0;
        if self.raw_start < self.raw_end {
            // Bytes read while sniffing the encoding.
            let left = &self.raw[self.raw_start..self.raw_end];
            self.cur.clear();
            self.cur.extend_from_slice(left);
            n = left.len();
            self.raw_start = self.raw_end;
        }
        if self.cur.len() < CHUNK {
            self.cur.resize(CHUNK, 0);
        }
        while n < CHUNK / 2 && !self.raw_eof {
            match self.inner.read(&mut self.cur[n..]) {
                Ok(0) => self.raw_eof = true,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.cur.truncate(n);
                    return Err(e);
                }
            }
        }
        self.cur.truncate(n);
        self.src_consumed += n as u64;
        if n == 0 {
            self.done = true;
        }
        Ok(())
    }

    /// The offset (decoded stream) of the first byte at or after `from` that
    /// is not valid UTF-8, searching the retained window.
    pub fn first_invalid_utf8(&self, from: u64) -> Option<u64> {
        let chunks = self
            .history
            .iter()
            .map(|(m, b)| (m, b))
            .chain(std::iter::once((&self.cur_meta, &self.cur)));
        let mut bytes = Vec::new();
        let mut start = None;
        for (meta, b) in chunks {
            let end = meta.decoded_start + b.len() as u64;
            if end <= from {
                continue;
            }
            let skip = from.saturating_sub(meta.decoded_start) as usize;
            start.get_or_insert(meta.decoded_start + skip as u64);
            bytes.extend_from_slice(&b[skip..]);
        }
        let start = start?;
        match std::str::from_utf8(&bytes) {
            Ok(_) => None,
            // A sequence cut by the end of input is invalid too.
            Err(e) => Some(start + e.valid_up_to() as u64),
        }
    }

    fn read_raw(&mut self) -> io::Result<()> {
        // Keep the unconsumed tail (a partial UTF-8 sequence) at the front.
        self.raw.copy_within(self.raw_start..self.raw_end, 0);
        self.raw_end -= self.raw_start;
        self.raw_start = 0;
        while self.raw_end < self.raw.len() {
            match self.inner.read(&mut self.raw[self.raw_end..]) {
                Ok(0) => {
                    self.raw_eof = true;
                    break;
                }
                Ok(n) => {
                    self.raw_end += n;
                    // Decode in large chunks (few refills, a useful history)
                    // without waiting for a completely full buffer.
                    if self.raw_end >= self.raw.len() / 2 {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Transcodes buffered UTF-16 into the chunk buffer.
    fn decode_some(&mut self) -> io::Result<()> {
        let src = &self.raw[self.raw_start..self.raw_end];
        let last = self.raw_eof;
        if let Some(dec) = self.utf16.as_mut() {
            let cap = CHUNK.min(dec.max_utf8_buffer_length(src.len()).unwrap_or(CHUNK)).max(16);
            let old = self.cur.len();
            self.cur.resize(old + cap, 0);
            let (result, read, written) =
                dec.decode_to_utf8_without_replacement(src, &mut self.cur[old..], last);
            if last && result == encoding_rs::DecoderResult::InputEmpty {
                self.done = true; // flushed: the decoder must not be called again
            }
            self.cur.truncate(old + written);
            self.raw_start += read;
            self.src_consumed += read as u64;
            if let encoding_rs::DecoderResult::Malformed(bad, extra) = result {
                let at = self.src_consumed - u64::from(bad) - u64::from(extra);
                let err = DecodeError {
                    kind: DecodeErrorKind::InvalidUtf16,
                    decoded_offset: self.decoded_len(),
                    src_offset: at,
                };
                if self.cur.is_empty() {
                    self.failed = true;
                    return Err(io::Error::other(err));
                }
                self.pending = Some(err);
                self.raw_start = self.raw_end; // stop decoding
                self.raw_eof = true;
            }
            return Ok(());
        }
        Ok(())
    }

    /// Marks where the consumer's current event starts (decoded offset).
    /// Together with `max_run` this bounds what any one event can make the
    /// XML parser buffer: comments, CDATA or attribute values included.
    pub fn mark_event(&mut self, decoded: u64) {
        self.event_mark = decoded;
    }

    fn check_run(&mut self) -> io::Result<()> {
        let pending = self.decoded_len().saturating_sub(self.event_mark);
        if pending > self.max_run.saturating_add(CHUNK) as u64 {
            // Positioned at the event that grew too large, like other errors.
            let mark = self.event_mark;
            let at = self.locate(mark).offset;
            let limit = self.max_run;
            return Err(self.fail(DecodeErrorKind::RunTooLong(limit), mark, at));
        }
        Ok(())
    }
}

fn meta_after(chunk: &[u8], meta: &ChunkMeta, src_consumed: u64) -> ChunkMeta {
    let lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
    let col = match memchr::memrchr(b'\n', chunk) {
        Some(i) => char_count(&chunk[i + 1..]),
        None => meta.col_before + char_count(chunk),
    };
    ChunkMeta {
        decoded_start: meta.decoded_start + chunk.len() as u64,
        src_start: src_consumed,
        lines_before: meta.lines_before + lines,
        col_before: col,
    }
}

/// Characters in UTF-8 bytes (counts the non-continuation bytes).
fn char_count(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64
}

/// UTF-16 code units needed for these UTF-8 bytes.
fn utf16_units(b: &[u8]) -> u64 {
    // One pass, in blocks whose per-byte sums fit a u8 lane (vectorises).
    b.chunks(127)
        .map(|block| {
            block.iter().fold(0u8, |n, &c| n + u8::from((c & 0xC0) != 0x80) + u8::from(c >= 0xF0))
                as u64
        })
        .sum()
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Decoder<R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.cur.len() {
            self.refill_cold()?;
        }
        Ok(&self.cur[self.pos..])
    }

    #[inline]
    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.cur.len());
    }
}

/// Hands out the input `step` bytes per `read`: the small-read tests of the
/// decoder and of the reader.
#[cfg(test)]
pub(crate) struct Trickle<'a>(pub &'a [u8], pub usize);

#[cfg(test)]
impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.0.len().min(out.len()).min(self.1);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> (Encoding, io::Result<String>) {
        let mut d = Decoder::new(bytes, usize::MAX).unwrap();
        let enc = d.encoding();
        let mut s = String::new();
        let r = d.read_to_string(&mut s).map(|_| s);
        (enc, r)
    }

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        if bom {
            v.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    #[test]
    fn windows_1252_when_asked_and_no_bom_says_otherwise() {
        let bytes = b"<Objs>caf\xe9 \x80 na\xefve</Objs>";
        let mut d =
            Decoder::with_encoding(&bytes[..], usize::MAX, Some(Encoding::Windows1252)).unwrap();
        assert_eq!(d.encoding(), Encoding::Windows1252);
        let mut s = String::new();
        d.read_to_string(&mut s).unwrap();
        assert_eq!(s, "<Objs>caf\u{e9} \u{20ac} na\u{ef}ve</Objs>");
        // Positions count the file's bytes: `é` is one byte there.
        let at = s.find(" \u{20ac}").unwrap() as u64;
        assert_eq!(d.locate(at).offset, 10);
        let bom = b"\xEF\xBB\xBF<Objs/>";
        let d = Decoder::with_encoding(&bom[..], usize::MAX, Some(Encoding::Windows1252)).unwrap();
        assert_eq!(d.encoding(), Encoding::Utf8Bom, "a BOM wins");
    }

    #[test]
    fn sniffs_every_encoding() {
        let text = "<Objs>Grüße € \u{1F600}</Objs>";
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend(text.as_bytes());
        let cases = [
            (text.as_bytes().to_vec(), Encoding::Utf8),
            (bom8, Encoding::Utf8Bom),
            (utf16(text, true, true), Encoding::Utf16LeBom),
            (utf16(text, false, true), Encoding::Utf16BeBom),
            (utf16(text, true, false), Encoding::Utf16Le),
            (utf16(text, false, false), Encoding::Utf16Be),
        ];
        for (bytes, want) in cases {
            let (enc, out) = decode_all(&bytes);
            assert_eq!(enc, want);
            assert_eq!(out.unwrap(), text, "{want:?}");
        }
    }

    #[test]
    fn empty_and_tiny_inputs() {
        assert_eq!(decode_all(b"").1.unwrap(), "");
        assert_eq!(decode_all(b"<").1.unwrap(), "<");
    }

    #[test]
    fn invalid_utf8_is_located_on_demand() {
        let mut d = Decoder::new(&b"<Objs>ab\xFFcd"[..], usize::MAX).unwrap();
        let mut all = Vec::new();
        d.read_to_end(&mut all).unwrap();
        assert_eq!(d.first_invalid_utf8(0), Some(8));
        assert_eq!(d.first_invalid_utf8(9), None);
        // A sequence cut off by the end of input.
        let cut = "<a>é".as_bytes().split_last().unwrap().1;
        let mut d = Decoder::new(cut, usize::MAX).unwrap();
        d.read_to_end(&mut all).unwrap();
        assert_eq!(d.first_invalid_utf8(0), Some(3));
    }

    #[test]
    fn lone_surrogate_in_utf16_is_invalid() {
        let mut v = utf16("<a>", true, true);
        v.extend([0x3D, 0xD8]); // high surrogate
        v.extend(utf16("x", true, false));
        let (_, r) = decode_all(&v);
        let err = r.unwrap_err();
        let de = err.get_ref().unwrap().downcast_ref::<DecodeError>().unwrap();
        assert_eq!(de.kind, DecodeErrorKind::InvalidUtf16);
        assert_eq!(de.src_offset, 8);
    }

    #[test]
    fn utf32_is_refused_clearly() {
        let (_, r) = decode_all(&[0xFF, 0xFE, 0, 0, b'<', 0, 0, 0]);
        let err = r.unwrap_err();
        let de = err.get_ref().unwrap().downcast_ref::<DecodeError>().unwrap();
        assert_eq!(de.kind, DecodeErrorKind::Utf32);
    }

    #[test]
    fn long_runs_without_markup_are_refused() {
        let mut input = b"<a>".to_vec();
        input.extend(std::iter::repeat_n(b'x', 200_000));
        let mut d = Decoder::new(&input[..], 100_000).unwrap();
        let mut s = String::new();
        let err = d.read_to_string(&mut s).unwrap_err();
        let de = err.get_ref().unwrap().downcast_ref::<DecodeError>().unwrap();
        assert_eq!(de.kind, DecodeErrorKind::RunTooLong(100_000));
    }

    #[test]
    fn locates_lines_and_columns_across_chunks() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("line {i} é\n"));
        }
        for (bytes, utf16_input) in
            [(text.clone().into_bytes(), false), (utf16(&text, true, true), true)]
        {
            let mut d = Decoder::new(&bytes[..], usize::MAX).unwrap();
            let mut seen = 0u64;
            // Read until past line 15000, then locate its start.
            let target_line = 15_000u64;
            let target: u64 =
                (0..target_line - 1).map(|i| format!("line {i} é\n").len() as u64).sum();
            loop {
                let n = d.fill_buf().unwrap().len();
                if n == 0 || seen > target + 10 {
                    break;
                }
                d.consume(n);
                seen += n as u64;
            }
            let loc = d.locate(target + 5);
            assert_eq!(loc.line_col, Some((target_line, 6)), "utf16={utf16_input}");
            let chars_before: u64 =
                (0..target_line - 1).map(|i| format!("line {i} é\n").chars().count() as u64).sum();
            let want = if utf16_input { 2 + 2 * (chars_before + 5) } else { target + 5 };
            assert_eq!(loc.offset, want);
        }
    }

    #[test]
    fn utf16_offsets_survive_reads_that_end_inside_a_code_unit() {
        // Found by fuzzing (fuzz/regressions/utf16-odd-read-offset.bin): a
        // read that ended inside a code unit left half of it in encoding_rs,
        // yet counted it as decoded, so every later chunk started one byte
        // late. Markers before, across and after the first 64 KiB chunk, in
        // odd and even read sizes, both byte orders, with and without BOM.
        let mut text = String::from("<Objs>\u{1F600}");
        let mut marks = Vec::new();
        for pad in [1, 40, 32_700, 2, 32_800, 5, 70_000] {
            text.push_str(&"é ".repeat(pad / 2));
            marks.push(text.len());
            text.push_str("<M/>");
        }
        for (le, bom) in [(true, true), (false, true), (true, false), (false, false)] {
            let bytes = utf16(&text, le, bom);
            for step in [1, 3, 7, 63, 65, 4096 + 1] {
                let mut d = Decoder::new(Trickle(&bytes, step), usize::MAX).unwrap();
                let mut seen = 0usize;
                let mut next = 0;
                while next < marks.len() {
                    let n = d.fill_buf().unwrap().len();
                    assert!(n > 0, "ended early");
                    d.consume(n);
                    seen += n;
                    // Each marker is located while its chunk is current.
                    while next < marks.len() && marks[next] < seen {
                        let at = marks[next];
                        let want =
                            2 * u64::from(bom) + 2 * text[..at].encode_utf16().count() as u64;
                        let got = d.locate(at as u64).offset;
                        assert_eq!(got, want, "mark {next}, le {le}, bom {bom}, step {step}");
                        next += 1;
                    }
                }
            }
        }
    }

    #[test]
    fn one_byte_reads_decode_the_same() {
        let text = "<Objs>Grüße € \u{1F600} 中文</Objs>";
        for bytes in [text.as_bytes().to_vec(), utf16(text, true, true), utf16(text, false, false)]
        {
            let mut d = Decoder::new(Trickle(&bytes, 1), usize::MAX).unwrap();
            let mut s = String::new();
            d.read_to_string(&mut s).unwrap();
            assert_eq!(s, text);
        }
    }
}
