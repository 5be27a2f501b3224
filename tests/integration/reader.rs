//! The CLIXML reader on hand-written inputs: every element, every escape,
//! every encoding, references, and every error kind with its exact position.

use mrs_triage::clixml::json;
use mrs_triage::clixml::{Base, ErrorKind, Options, Reader, RefId, Value};

use crate::util::objs;

fn values(doc: &[u8]) -> Vec<Value> {
    Reader::new(doc).unwrap().collect::<Result<_, _>>().unwrap()
}

fn json(doc: &str) -> Vec<String> {
    values(objs(doc).as_bytes())
        .iter()
        .map(|v| {
            let mut out = Vec::new();
            json::write_value(&mut out, v).unwrap();
            String::from_utf8(out).unwrap()
        })
        .collect()
}

fn first_error(doc: &[u8], opts: Options) -> mrs_triage::clixml::Error {
    let mut r = match Reader::with_options(doc, opts) {
        Ok(r) => r,
        Err(e) => return e,
    };
    loop {
        match r.next() {
            Some(Ok(_)) => continue,
            Some(Err(e)) => return e,
            None => panic!("no error"),
        }
    }
}

#[track_caller]
fn error_at(
    doc: &str,
    want: fn(&ErrorKind) -> bool,
    line: u64,
    column: u64,
) -> mrs_triage::clixml::Error {
    let e = first_error(doc.as_bytes(), Options::default());
    assert!(want(&e.kind), "unexpected kind: {e}");
    assert_eq!((e.position.line, e.position.column), (Some(line), Some(column)), "{e}");
    let offset: usize = doc.lines().take(line as usize - 1).map(|l| l.len() + 1).sum::<usize>()
        + doc
            .lines()
            .nth(line as usize - 1)
            .unwrap()
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>();
    assert_eq!(e.position.offset, offset as u64, "byte offset of {e}");
    e
}

const ROOT: &str =
    r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

#[test]
fn every_primitive_element() {
    let got = json(
        "<S>s</S><C>9731</C><B>false</B><By>7</By><SB>-7</SB><I16>-300</I16><U16>65535</U16><I32>-1</I32>\
         <U32>4294967295</U32><I64>-9223372036854775808</I64><U64>18446744073709551615</U64><Sg>0.5</Sg>\
         <Db>-0</Db><D>79228162514264337593543950335.0</D><DT>2024-03-01T12:34:56.1234567Z</DT><TS>-PT1H30M</TS>\
         <G>3f2504e0-4f89-11d3-9a0c-0305e82c3301</G><URI>https://x/?a=1&amp;b=2</URI><Version>1.2.3.4</Version>\
         <BA></BA><XD>&lt;a/&gt;</XD><SBK>{ $_x0024_x }</SBK><SS>01000000d08c9ddf</SS><Nil />",
    );
    assert_eq!(
        got,
        [
            r#""s""#,
            r#""☃""#,
            "false",
            "7",
            "-7",
            "-300",
            "65535",
            "-1",
            "4294967295",
            "-9223372036854775808",
            "18446744073709551615",
            "0.5",
            "-0.0",
            r#""79228162514264337593543950335.0""#,
            r#""2024-03-01T12:34:56.1234567Z""#,
            r#""-PT1H30M""#,
            r#""3f2504e0-4f89-11d3-9a0c-0305e82c3301""#,
            r#""https://x/?a=1&b=2""#,
            r#""1.2.3.4""#,
            r#""""#,
            r#""<a/>""#,
            r#""{ $$x }""#,
            r#""01000000d08c9ddf""#,
            "null",
        ]
    );
}

#[test]
fn containers_and_objects() {
    let got = json(
        r#"<Obj RefId="0"><TN RefId="0"><T>System.Collections.Stack</T></TN><STK><I32>3</I32><I32>2</I32></STK></Obj>
           <Obj RefId="1"><TN RefId="1"><T>System.Collections.Queue</T></TN><QUE><S>a</S></QUE></Obj>
           <Obj RefId="2"><TN RefId="2"><T>HashSet</T></TN><IE><I32>5</I32></IE><Props><I32 N="Count">1</I32></Props></Obj>
           <Obj RefId="3"><TN RefId="3"><T>PSCustomObject</T></TN><MS><S N="a">1</S><MS N="inner"><B N="b">true</B></MS></MS></Obj>
           <Obj RefId="4"><TNRef RefId="3" /><ToString>t</ToString><S>extended</S><MS><S N="Note">n</S></MS></Obj>
           <PR N="x"><AV>Act</AV><AI>0</AI><Nil /><PI>-1</PI><PC>50</PC><T>Processing</T><SR>-1</SR><SD>Doing</SD></PR>
           <Obj RefId="5"><Foo>unknown <b>child</b> kept</Foo></Obj>"#,
    );
    assert_eq!(got[0], r#"{"@types":["System.Collections.Stack"],"@id":0,"@items":[3,2]}"#);
    assert_eq!(got[1], r#"{"@types":["System.Collections.Queue"],"@id":1,"@items":["a"]}"#);
    assert_eq!(got[2], r#"{"@types":["HashSet"],"@id":2,"Count":1,"@items":[5]}"#);
    assert_eq!(got[3], r#"{"@types":["PSCustomObject"],"@id":3,"a":"1","inner":{"b":true}}"#);
    assert_eq!(
        got[4],
        r#"{"@types":["PSCustomObject"],"@id":4,"@tostring":"t","Note":"n","@value":"extended"}"#
    );
    assert_eq!(
        got[5],
        r#"{"@types":["System.Management.Automation.ProgressRecord"],"Activity":"Act","ActivityId":0,"CurrentOperation":null,"ParentActivityId":-1,"PercentComplete":50,"RecordType":"Processing","SecondsRemaining":-1,"StatusDescription":"Doing"}"#
    );
    assert_eq!(
        got[6],
        r#"{"@types":[],"@id":5,"@unknown":[{"@unknown":"Foo","@text":"unknown child kept"}]}"#
    );
}

#[test]
fn escapes_in_text_names_and_type_names() {
    let got = json(
        r#"<S>a_x000D__x000A_b</S><S>_xD83D__xDE00_</S><S>_x005F_x0041_</S><S>_X0041_</S><S>_x0001F600_</S>
           <S>_x12_ _xZZZZ_</S><S>&#x5F;x0041_ &amp; &lt; &#65;</S><S><![CDATA[<_x0041_>]]></S>
           <Obj RefId="0"><TN RefId="0"><T>My_x005F_Type_x0020_X</T></TN><MS><S N="a_x0020_b&amp;c">v</S></MS></Obj>"#,
    );
    assert_eq!(
        &got[..8],
        [
            r#""a\r\nb""#,
            r#""😀""#,
            r#""_x0041_""#,
            r#""A""#,
            r#""😀""#,
            r#""_x12_ _xZZZZ_""#,
            r#""A & < A""#,
            r#""<A>""#,
        ]
    );
    assert_eq!(got[8], r#"{"@types":["My_Type X"],"@id":0,"a b&c":"v"}"#);
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
fn every_encoding_reads_the_same() {
    let doc = objs("\r\n  <S>Grüße € 中文 _xD83D__xDE00_ &amp;</S>\r\n  <I32 N=\"n\">5</I32>\r\n");
    let want = values(doc.as_bytes());
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend(doc.as_bytes());
    let clixml_line = format!("#< CLIXML\r\n{doc}");
    for (label, bytes) in [
        ("utf-8-bom", bom8),
        ("utf-16le-bom", utf16(&doc, true, true)),
        ("utf-16be-bom", utf16(&doc, false, true)),
        ("utf-16le", utf16(&doc, true, false)),
        ("utf-16be", utf16(&doc, false, false)),
        ("utf-8", clixml_line.clone().into_bytes()),
        ("utf-16le-bom", utf16(&clixml_line, true, true)),
    ] {
        let r = Reader::new(&bytes[..]).unwrap();
        assert_eq!(r.encoding().label(), label);
        let got: Vec<Value> = r.collect::<Result<_, _>>().unwrap();
        assert_eq!(got, want, "{label}");
    }
}

#[test]
fn refs_across_top_level_objects_and_cycles() {
    let got = values(
        objs(
            r#"<Obj RefId="0"><TN RefId="0"><T>A</T></TN><MS><Ref N="Self" RefId="0" /></MS></Obj>
               <Obj RefId="1"><TNRef RefId="0" /><MS><Ref N="Prev" RefId="0" /></MS></Obj><Ref RefId="1" />"#,
        )
        .as_bytes(),
    );
    assert_eq!(got.len(), 3);
    let second = got[1].as_object().unwrap();
    assert_eq!(second.types[0], "A", "TNRef across top-level objects");
    assert_eq!(second.get("Prev"), Some(&Value::Ref(RefId::Num(0))));
    assert_eq!(got[2], Value::Ref(RefId::Num(1)));
}

#[test]
fn reference_chains_stay_linear() {
    // Each object refers to the previous one twice: copying would be 2^n.
    let mut body = String::from(r#"<Obj RefId="0"><MS><S N="x">start</S></MS></Obj>"#);
    for i in 1..10_000 {
        body.push_str(&format!(
            r#"<Obj RefId="{i}"><MS><Ref N="a" RefId="{p}" /><Ref N="b" RefId="{p}" /></MS></Obj>"#,
            p = i - 1
        ));
    }
    let doc = objs(&body);
    let mut total = 0;
    for v in Reader::new(doc.as_bytes()).unwrap() {
        let mut out = Vec::new();
        json::write_value(&mut out, &v.unwrap()).unwrap();
        total += out.len();
    }
    assert!(total < doc.len(), "{total} bytes of JSON for {} bytes of input", doc.len());
}

#[test]
fn a_hundred_thousand_nested_objects_are_an_error_not_a_crash() {
    let mut doc = String::from(ROOT);
    for _ in 0..100_000 {
        doc.push_str("<Obj><MS>");
    }
    let e = first_error(doc.as_bytes(), Options::default());
    assert_eq!(e.kind, ErrorKind::TooDeep(256));
    // The limit counts nesting: Objs + 127 × (Obj, MS) + 1 Obj.
    assert_eq!(e.position.line, Some(1));
}

#[test]
fn error_kinds_with_positions() {
    let doc = format!("{ROOT}\n  <S>ok</S>\n  <I32>abc</I32>\n</Objs>");
    let e = error_at(&doc, |k| matches!(k, ErrorKind::InvalidValue { tag: "I32", .. }), 3, 3);
    assert_eq!(e.kind.to_string(), "invalid <I32> value \"abc\"");
    error_at(
        &format!("{ROOT}\n<U32>-1</U32></Objs>"),
        |k| matches!(k, ErrorKind::InvalidValue { tag: "U32", .. }),
        2,
        1,
    );
    error_at(
        &format!("{ROOT}\n <B>True</B></Objs>"),
        |k| matches!(k, ErrorKind::InvalidValue { tag: "B", .. }),
        2,
        2,
    );
    error_at(
        &format!("{ROOT}\n<D>1E+5</D></Objs>"),
        |k| matches!(k, ErrorKind::InvalidValue { tag: "D", .. }),
        2,
        1,
    );
    error_at(
        &format!("{ROOT}\n<Db>inf</Db></Objs>"),
        |k| matches!(k, ErrorKind::InvalidValue { tag: "Db", .. }),
        2,
        1,
    );
    error_at(
        &format!("{ROOT}\n  <Ref RefId=\"7\" /></Objs>"),
        |k| matches!(k, ErrorKind::UnknownRef(id) if id == "7"),
        2,
        3,
    );
    error_at(
        &format!("{ROOT}\n<Obj RefId=\"0\">\n  <TNRef RefId=\"3\" /></Obj></Objs>"),
        |k| matches!(k, ErrorKind::UnknownTypeRef(_)),
        3,
        3,
    );
    error_at(
        &format!(
            "{ROOT}\n<Obj RefId=\"0\"><DCT>\n<En><Nil N=\"Key\" /><S N=\"Value\">v</S></En></DCT></Obj></Objs>"
        ),
        |k| matches!(k, ErrorKind::InvalidEntry(_)),
        3,
        1,
    );
    error_at(&format!("{ROOT}\n<S>cut off"), |k| matches!(k, ErrorKind::Truncated), 2, 11);
    error_at(&format!("{ROOT}\n<S>a</B></Objs>"), |k| matches!(k, ErrorKind::Syntax(_)), 2, 5);
    error_at(
        "<!DOCTYPE lol [<!ENTITY a \"aaaa\">]>\n<Objs><S>&a;</S></Objs>",
        |k| matches!(k, ErrorKind::Doctype),
        1,
        1,
    );
    error_at("\n<root />", |k| matches!(k, ErrorKind::NotClixml(r) if r == "root"), 2, 1);
    error_at("<Objs Version=\"2.0\" />", |k| matches!(k, ErrorKind::UnsupportedVersion(_)), 1, 1);
    let e = first_error(b"", Options::default());
    assert_eq!(e.kind, ErrorKind::Truncated);
}

#[test]
fn encoding_errors_name_their_byte() {
    let mut bytes = format!("{ROOT}\n<S>ab").into_bytes();
    let at = bytes.len();
    bytes.extend(b"\xFFcd</S></Objs>");
    let e = first_error(&bytes, Options::default());
    assert_eq!(e.kind, ErrorKind::InvalidUtf8);
    assert_eq!(e.position.offset, at as u64);
    assert_eq!((e.position.line, e.position.column), (Some(2), Some(6)));

    let mut u16 = utf16(&format!("{ROOT}\n<S>ab"), true, true);
    let at16 = u16.len();
    u16.extend([0x3D, 0xD8]); // a lone high surrogate
    u16.extend(utf16("x</S></Objs>", true, false));
    let e = first_error(&u16, Options::default());
    assert_eq!(e.kind, ErrorKind::InvalidUtf16);
    assert_eq!(e.position.offset, at16 as u64);
    assert_eq!((e.position.line, e.position.column), (Some(2), Some(6)));

    let e = first_error(&[0xFF, 0xFE, 0, 0, b'<', 0, 0, 0], Options::default());
    assert_eq!(e.kind, ErrorKind::UnsupportedEncoding("UTF-32"));
}

#[test]
fn oversized_values_are_refused() {
    let opts = || Options { max_value_bytes: 1000, ..Options::default() };
    let big = "x".repeat(5000);
    // Text split by entities into pieces under the run limit still adds up.
    let pieces = format!("{ROOT}<S>{}</S></Objs>", vec!["y".repeat(400); 10].join("&amp;"));
    for doc in [format!("{ROOT}<S>{big}</S></Objs>"), pieces] {
        let e = first_error(doc.as_bytes(), opts());
        assert_eq!(e.kind, ErrorKind::ValueTooLarge(1000), "{e}");
    }
    // Much more than the chunk size without any markup.
    let e = first_error(format!("{ROOT}<S>{}", "z".repeat(300_000)).as_bytes(), opts());
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(1000));
}

#[test]
fn values_before_an_error_are_delivered() {
    let doc = format!("{ROOT}<S>one</S><S>two</S><I32>x</I32><S>never</S></Objs>");
    let mut r = Reader::new(doc.as_bytes()).unwrap();
    assert_eq!(r.next().unwrap().unwrap().as_str(), Some("one"));
    assert_eq!(r.next().unwrap().unwrap().as_str(), Some("two"));
    assert!(r.next().unwrap().is_err());
    assert!(r.next().is_none(), "the iterator ends after an error");
}

use crate::util::Trickle;

#[test]
fn tokens_split_across_tiny_reads_read_the_same() {
    let doc = objs(
        "<S>Grüße € 中文 _xD83D__xDE00_ &amp; &#x1F600; <![CDATA[c<d]]></S><Obj RefId=\"0\"><TN RefId=\"0\"><T>A</T></TN>\
         <MS><S N=\"n_x0020_1\">v</S><Db N=\"d\">1E+20</Db></MS></Obj><Ref RefId=\"0\" />",
    );
    for bytes in [doc.clone().into_bytes(), utf16(&doc, true, true), utf16(&doc, false, false)] {
        let want = values(&bytes);
        for n in [1, 2, 3, 7, 64] {
            let got: Vec<Value> = Reader::new(Trickle { data: &bytes, n })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(got, want, "{n}-byte reads");
        }
    }
    // An error position does not depend on how the input arrives either.
    let bad = format!("{ROOT}\n<S>ok</S>\n<I32>oops</I32></Objs>");
    let want = first_error(bad.as_bytes(), Options::default());
    for n in [1, 5] {
        let got = Reader::new(Trickle { data: bad.as_bytes(), n })
            .unwrap()
            .find_map(Result::err)
            .unwrap();
        assert_eq!(got, want);
    }
}

#[test]
fn dictionary_entries_keep_order_and_duplicates() {
    let v = values(
        objs(r#"<Obj RefId="0"><DCT><En><S N="Key">a</S><I32 N="Value">1</I32></En><En><I32 N="Value">2</I32><S N="Key">a</S></En></DCT></Obj>"#)
            .as_bytes(),
    );
    match &v[0].as_object().unwrap().base {
        Some(Base::Entries(e)) => {
            assert_eq!(e.len(), 2);
            assert_eq!(e[1].0.as_str(), Some("a"), "Key/Value by name, in any order");
        }
        other => panic!("{other:?}"),
    }
}

/// Regressions found by fuzzing (see fuzz/regressions/).
mod fuzz_regressions {
    use super::*;
    use mrs_triage::clixml::{Resolve, scan_references};

    #[test]
    fn positions_after_a_clixml_line_count_that_line() {
        let doc = format!("#< CLIXML\n{ROOT}\n<B>x</B></Objs>");
        let e = first_error(doc.as_bytes(), Options::default());
        let line3 = doc.find("<B>").unwrap() as u64;
        assert_eq!(
            (e.position.line, e.position.column, e.position.offset),
            (Some(3), Some(1), line3)
        );
    }

    #[test]
    fn utf16_error_offsets_do_not_depend_on_read_sizes() {
        let doc = utf16(&format!("{ROOT}\n<S>ok</S>\n<I32>oops</I32></Objs>"), true, true);
        let want = first_error(&doc, Options::default());
        for n in [1, 3, 5, 7] {
            let got =
                Reader::new(Trickle { data: &doc, n }).unwrap().find_map(Result::err).unwrap();
            assert_eq!(got, want, "{n}-byte reads");
        }
    }

    #[test]
    fn comments_and_attributes_full_of_lt_are_still_bounded() {
        let opts = || Options { max_value_bytes: 4096, ..Options::default() };
        let body = "x<".repeat(200_000);
        for doc in [
            format!("{ROOT}<!--{body}--><S>a</S></Objs>"),
            format!(
                "{ROOT}<S N=\"{}\">a</S></Objs>",
                body.replace('<', "&lt;").replace("&lt;", "<")
            ),
            format!("{ROOT}<?pi {body}?><S>a</S></Objs>"),
        ] {
            let e = first_error(doc.as_bytes(), opts());
            assert_eq!(e.kind, ErrorKind::ValueTooLarge(4096), "{}", &doc[..120]);
        }
    }

    #[test]
    fn the_reference_scan_is_not_fooled_by_attribute_values() {
        let doc =
            objs(r#"<Obj RefId="0"/><Ref N="a>b" RefId="0"/><Ref N="RefId" RefId="0"/><S>x</S>"#);
        let plan = scan_references(doc.as_bytes()).unwrap();
        assert_eq!(plan.len(), 1);
        let mut r = Reader::with_options(
            doc.as_bytes(),
            Options { resolve: Resolve::Planned(plan), ..Options::default() },
        )
        .unwrap();
        for _ in 0..3 {
            r.next().unwrap().unwrap();
            assert!(r.resolve(&RefId::Num(0)).is_some());
        }
    }
}
