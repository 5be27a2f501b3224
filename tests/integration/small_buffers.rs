//! The reader fed a few bytes at a time, in UTF-8 and UTF-16: every token
//! (multi-byte characters, surrogate pairs, entities, `_x` escapes, CDATA,
//! tags, comments) split at every point across the ends of the buffers the
//! decoder hands to quick-xml must read exactly as from one whole slice,
//! errors and their positions included.
//!
//! Where the buffers end depends on the read sizes and on the decoder's
//! policy, which may change; so the tests first measure the buffer ends for
//! plain ASCII input with the public `Decoder`, then put the tricky text
//! across them one code unit at a time.

use std::io::{BufRead, Read};
use std::sync::Arc;

use mrs_triage::clixml::decode::Decoder;
use mrs_triage::clixml::{
    Error, ErrorKind, IntTag, Object, Property, Reader, RefId, TextTag, Value,
};

use crate::util::{Trickle, s, utf16};

/// How the input is read: as one slice, or `n` bytes per `read` call.
#[derive(Clone, Copy, Debug)]
enum Reads {
    Whole,
    Bytes(usize),
}

const READS: [Reads; 6] = [
    Reads::Whole,
    Reads::Bytes(1),
    Reads::Bytes(2),
    Reads::Bytes(3),
    Reads::Bytes(7),
    Reads::Bytes(64),
];

/// Everything a reader yields: values, then the error if any.
fn outcome(bytes: &[u8], reads: Reads) -> Vec<Result<Value, Error>> {
    let reader = match reads {
        Reads::Whole => Reader::new(Box::new(bytes) as Box<dyn Read>),
        Reads::Bytes(n) => Reader::new(Box::new(Trickle { data: bytes, n }) as Box<dyn Read>),
    };
    match reader {
        Ok(r) => r.collect(),
        Err(e) => vec![Err(e)],
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16Be,
}

const ENCODINGS: [Enc; 4] = [Enc::Utf8, Enc::Utf8Bom, Enc::Utf16LeBom, Enc::Utf16Be];

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        Enc::Utf16LeBom => utf16(text, true, true),
        Enc::Utf16Be => utf16(text, false, false),
    }
}

/// Length in the encoding's code units: bytes for UTF-8, `u16`s for UTF-16.
fn units(text: &str, enc: Enc) -> usize {
    match enc {
        Enc::Utf8 | Enc::Utf8Bom => text.len(),
        Enc::Utf16LeBom | Enc::Utf16Be => text.encode_utf16().count(),
    }
}

/// Where the decoder's buffers end, in characters from the start of the
/// text, for an ASCII document read this way.
fn buffer_ends(enc: Enc, reads: Reads) -> Vec<usize> {
    let doc = encode(&format!("<Objs><S>{}</S></Objs>", "p".repeat(300_000)), enc);
    match reads {
        Reads::Whole => chunk_ends(&doc[..]),
        Reads::Bytes(n) => chunk_ends(Trickle { data: &doc, n }),
    }
}

fn chunk_ends<R: Read>(input: R) -> Vec<usize> {
    let mut dec = Decoder::new(input, usize::MAX).unwrap();
    let (mut ends, mut at) = (Vec::new(), 0);
    loop {
        let n = dec.fill_buf().unwrap().len();
        if n == 0 {
            return ends;
        }
        dec.consume(n);
        at += n;
        ends.push(at);
    }
}

/// Tricky snippets and the values they read as.
fn tricky() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("<S>é中\u{1F600}ß</S>", vec![s("é中\u{1F600}ß")]),
        ("<S>a&amp;b&lt;&gt;&quot;&apos;c</S>", vec![s("a&b<>\"'c")]),
        ("<S>&#233;&#x4E2D;&#x1F600;&#65;</S>", vec![s("é中\u{1F600}A")]),
        ("<S>_x000D__x000A__xD83D__xDE00_</S>", vec![s("\r\n\u{1F600}")]),
        ("<S>&#x5F;x0041_é_x005F_x0041_</S>", vec![s("Aé_x0041_")]),
        ("<S><![CDATA[<é>&amp;_x0041_]]></S>", vec![s("<é>&amp;A")]),
        ("<S>a<!-- é -->b<?pi é?>c</S>", vec![s("abc")]),
        ("<I32>\n -42\n</I32><B>true</B>", vec![Value::Int(IntTag::I32, -42), Value::Bool(true)]),
        (
            "<Obj RefId=\"0\"><MS><S N=\"é_x0020_&amp;\">v</S></MS></Obj>",
            vec![Value::Obj(Arc::new(Object {
                id: Some(RefId::Num(0)),
                members: vec![Property { name: "é &".into(), value: s("v") }],
                ..Object::default()
            }))],
        ),
        (
            "<Obj RefId=\"1\"><TN RefId=\"1\"><T>A</T></TN></Obj><Ref RefId=\"1\" />",
            vec![
                Value::Obj(Arc::new(Object {
                    id: Some(RefId::Num(1)),
                    types: vec!["A".to_string()].into(),
                    ..Object::default()
                })),
                Value::Ref(RefId::Num(1)),
            ],
        ),
        (
            "<C>233</C><Nil /><Db>1E+20</Db>",
            vec![Value::Text(TextTag::C, "é".into()), Value::Nil, Value::Double(1e20)],
        ),
    ]
}

#[test]
fn tokens_split_at_every_point_across_buffer_ends() {
    let snippets: String = tricky().iter().map(|(t, _)| *t).collect();
    let want: Vec<Value> = tricky().into_iter().flat_map(|(_, v)| v).collect();
    let overhead = "<Objs><S></S>".len();
    let mut splits = 0;
    // Each encoding's decoding path with whole-slice reads and with reads
    // that end at odd places (splitting UTF-16 code units too).
    for (enc, reads) in [
        (Enc::Utf8, Reads::Whole),
        (Enc::Utf8, Reads::Bytes(3)),
        (Enc::Utf8Bom, Reads::Bytes(7)),
        (Enc::Utf16LeBom, Reads::Whole),
        (Enc::Utf16LeBom, Reads::Bytes(3)),
        (Enc::Utf16Be, Reads::Bytes(1)),
    ] {
        let len = units(&snippets, enc);
        {
            // The first buffer end with room for the whole snippet text before it.
            let ends = buffer_ends(enc, reads);
            let Some(&end) = ends.iter().find(|&&e| e >= overhead + len) else {
                panic!("{enc:?} {reads:?}: no buffer end in {ends:?}");
            };
            for k in 0..=len {
                // The snippets start k code units before the buffer end.
                let filler = "p".repeat(end - k - overhead);
                let doc = encode(&format!("<Objs><S>{filler}</S>{snippets}</Objs>"), enc);
                let got: Vec<Value> = outcome(&doc, reads)
                    .into_iter()
                    .collect::<Result<_, _>>()
                    .unwrap_or_else(|e| panic!("{enc:?} {reads:?} split {k}: {e}"));
                assert_eq!(got[0], s(&filler), "{enc:?} {reads:?} split {k}");
                assert_eq!(got[1..], want[..], "{enc:?} {reads:?} split {k}");
                splits += 1;
            }
        }
    }
    assert!(splits > 6 * 250, "{splits}");
}

#[test]
fn short_documents_read_the_same_in_tiny_reads() {
    for (snippet, want) in tricky() {
        for pad in 0..=64 {
            // Whitespace between top-level elements is ignored, so padding
            // changes only where the snippet lies.
            let doc = format!("<Objs>{}{snippet}</Objs>", " ".repeat(pad));
            for enc in ENCODINGS {
                let bytes = encode(&doc, enc);
                let whole = outcome(&bytes, Reads::Whole);
                let values: Vec<Value> = whole.iter().cloned().map(Result::unwrap).collect();
                assert_eq!(values, want, "{snippet:?} {enc:?} pad {pad}");
                for reads in &READS[1..] {
                    let trickled = outcome(&bytes, *reads);
                    assert_eq!(trickled, whole, "{snippet:?} {enc:?} pad {pad}, {reads:?}");
                }
            }
        }
    }
}

/// Broken documents (each error kind the decoder or the reader finds),
/// with the error before, around and after the buffer ends.
fn broken_documents(encodings: &[Enc]) -> Vec<(String, Vec<u8>)> {
    let mut docs = Vec::new();
    for pad in [0, 20, 50, 60, 70, 16_380, 32_760, 40_000, 65_530, 70_000] {
        let p = " ".repeat(pad);
        for (what, text) in [
            ("bad I32", format!("<Objs><S>é</S>{p}<I32>x</I32></Objs>")),
            ("mismatched tag", format!("<Objs>\n<S>中</S>\n{p}<S>a</I32></Objs>")),
            ("unknown Ref", format!("<Objs><S>\u{1F600}</S>{p}<Ref RefId=\"1\" /></Objs>")),
            ("truncated", format!("<Objs><S>a</S>{p}<S>cut é")),
        ] {
            for &enc in encodings {
                docs.push((format!("{what}, pad {pad}, {enc:?}"), encode(&text, enc)));
            }
        }
        if encodings.contains(&Enc::Utf8) {
            // A 3-byte sequence cut short.
            let mut bad = format!("<Objs><S>é</S>{p}<S>a").into_bytes();
            bad.extend_from_slice(&[0xE4, 0xB8, b'x']);
            docs.push((format!("invalid UTF-8, pad {pad}"), bad));
        }
        if encodings.contains(&Enc::Utf16LeBom) {
            // A lone low surrogate.
            let mut bad = encode(&format!("<Objs><S>é</S>{p}<S>a"), Enc::Utf16LeBom);
            bad.extend_from_slice(&[0x00, 0xDC, b'x', 0]);
            docs.push((format!("invalid UTF-16, pad {pad}"), bad));
        }
    }
    docs
}

/// Every difference between whole-slice and trickled reading.
fn read_size_differences(docs: &[(String, Vec<u8>)], reads: &[Reads]) -> Vec<String> {
    let mut diffs = Vec::new();
    for (what, doc) in docs {
        let whole = outcome(doc, Reads::Whole);
        let Some(Err(err)) = whole.last() else { panic!("{what} is not broken: {whole:?}") };
        assert!(err.position.line.is_some(), "{what}: {err:?}");
        assert!(!matches!(err.kind, ErrorKind::Io(_)), "{what}: {err:?}");
        for &r in reads {
            let got = outcome(doc, r);
            if got != whole {
                diffs.push(format!("{what}, {r:?}:\n  got  {:?}\n  want {:?}", got.last(), err));
            }
        }
    }
    diffs
}

#[test]
fn errors_and_their_positions_do_not_depend_on_read_sizes() {
    // UTF-8 in any read size; UTF-16 in even read sizes.
    let utf8 = broken_documents(&[Enc::Utf8, Enc::Utf8Bom]);
    let mut diffs = read_size_differences(&utf8, &READS[1..]);
    let utf16 = broken_documents(&[Enc::Utf16LeBom, Enc::Utf16Be]);
    diffs.extend(read_size_differences(&utf16, &[Reads::Bytes(2), Reads::Bytes(6)]));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn utf16_error_offsets_do_not_depend_on_odd_read_sizes() {
    // The decoder counts a byte as consumed while encoding_rs still holds it
    // as half a code unit, so buffers after it start one byte late.
    let utf16 = broken_documents(&[Enc::Utf16LeBom, Enc::Utf16Be]);
    let diffs = read_size_differences(&utf16, &[Reads::Bytes(1), Reads::Bytes(3), Reads::Bytes(7)]);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
