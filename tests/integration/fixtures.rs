//! The CLIXML reader on hand-written fixtures: every element of the vocabulary,
//! every escape, every encoding, references, and every error kind with its
//! exact position (line, column, byte offset), computed by hand from the input.

use std::sync::Arc;

use mrs_triage::clixml::decode::Encoding;
use mrs_triage::clixml::{
    Base, Error, ErrorKind, IntTag, ListKind, Name, Object, Options, Property, Reader, RefId,
    Resolve, TextTag, UIntTag, UnknownElement, Value,
};

use crate::util::{ROOT, fixture, json, objs, s, utf16};

// ---------------------------------------------------------------------------
// Helpers: building expected values and reading inputs.

fn text(tag: TextTag, text: &str) -> Value {
    Value::Text(tag, text.to_string())
}

fn i32v(n: i64) -> Value {
    Value::Int(IntTag::I32, n)
}

fn prop(name: &str, value: Value) -> Property {
    Property { name: Name::from(name), value }
}

fn refv(id: u64) -> Value {
    Value::Ref(RefId::Num(id))
}

/// An object with a numeric id and these type names; other fields empty.
fn object(id: u64, types: &[&str]) -> Object {
    Object {
        id: Some(RefId::Num(id)),
        types: types.iter().map(|t| t.to_string()).collect::<Vec<_>>().into(),
        ..Object::default()
    }
}

fn obj(o: Object) -> Value {
    Value::Obj(Arc::new(o))
}

fn unknown(name: &str, text: &str) -> Value {
    Value::Unknown(Box::new(UnknownElement { name: name.to_string(), text: text.to_string() }))
}

/// Reads a whole input that must be valid.
#[track_caller]
fn read(bytes: &[u8]) -> Vec<Value> {
    match Reader::new(bytes).unwrap().collect::<Result<Vec<_>, _>>() {
        Ok(v) => v,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

/// Reads the values of `<Objs>` wrapped around `body`.
#[track_caller]
fn read_body(body: &str) -> Vec<Value> {
    read(objs(body).as_bytes())
}

/// The strings of the top-level values of `<Objs>body</Objs>`.
#[track_caller]
fn strings(body: &str) -> Vec<String> {
    read_body(body)
        .into_iter()
        .map(|v| match v {
            Value::Text(_, s) => s,
            other => panic!("not a text value: {other:?}"),
        })
        .collect()
}

/// Reads an input that must fail: the values before the error, and the
/// error. Also checks that the iterator ends after the error and, for UTF-8
/// input, that the error's byte offset and its line and column agree.
#[track_caller]
fn read_err_with(bytes: &[u8], opts: Options) -> (Vec<Value>, Error) {
    let (values, e) = read_err_unchecked(bytes, opts);
    let utf8 = !matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] | [0, _, ..] | [_, 0, ..]);
    if utf8 && let (Some(line), Some(column)) = (e.position.line, e.position.column) {
        assert_eq!(
            line_col_of(bytes, e.position.offset),
            Some((line, column)),
            "line and column of byte {} disagree with {e}",
            e.position.offset
        );
    }
    (values, e)
}

/// The 1-based line and column (in characters) of a byte offset in UTF-8
/// input, BOM excluded.
fn line_col_of(bytes: &[u8], offset: u64) -> Option<(u64, u64)> {
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let offset = usize::try_from(offset).ok()?;
    let before = bytes.get(bom..offset)?;
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = 1 + before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    Some((line as u64, column as u64))
}

#[track_caller]
fn read_err_unchecked(bytes: &[u8], opts: Options) -> (Vec<Value>, Error) {
    let mut reader = match Reader::with_options(bytes, opts) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), e),
    };
    let mut values = Vec::new();
    loop {
        match reader.next() {
            Some(Ok(v)) => values.push(v),
            Some(Err(e)) => {
                assert!(reader.next().is_none(), "the reader goes on after {e}");
                return (values, e);
            }
            None => panic!("no error; read {values:?}"),
        }
    }
}

#[track_caller]
fn read_err(bytes: &[u8]) -> (Vec<Value>, Error) {
    read_err_with(bytes, Options::default())
}

/// Asserts an error's kind and its position as (line, column, byte offset).
#[track_caller]
fn assert_error(e: &Error, kind: ErrorKind, line: u64, column: u64, offset: u64) {
    assert_eq!(e.kind, kind, "kind of {e}");
    assert_eq!(
        (e.position.line, e.position.column, e.position.offset),
        (Some(line), Some(column), offset),
        "position (line, column, offset) of {e}"
    );
}

fn invalid(tag: &'static str, text: &str) -> ErrorKind {
    ErrorKind::InvalidValue { tag, text: text.to_string() }
}

// ---------------------------------------------------------------------------
// The vocabulary.

/// What `tests/fixtures/every-element.xml` holds, value by value.
fn every_element_expected() -> Vec<Value> {
    let mailbox = &["Deserialized.Demo.Mailbox", "Deserialized.System.Object"];
    let array = &["System.Object[]", "System.Array", "System.Object"];
    vec![
        s("text & more\nsecond line"),
        text(TextTag::C, "\u{2603}"),
        Value::Bool(true),
        Value::UInt(UIntTag::By, 255),
        Value::Int(IntTag::SB, -128),
        Value::Int(IntTag::I16, -32768),
        Value::UInt(UIntTag::U16, 65535),
        i32v(-2147483648),
        Value::UInt(UIntTag::U32, 4294967295),
        Value::Int(IntTag::I64, i64::MIN),
        Value::UInt(UIntTag::U64, u64::MAX),
        Value::Single(1.5),
        Value::Double(-1.25e20),
        text(TextTag::D, "1.50"),
        text(TextTag::DT, "2024-03-01T12:34:56.1234567+01:00"),
        text(TextTag::TS, "P1DT2H3M4.5S"),
        text(TextTag::G, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        text(TextTag::URI, "https://example.com/?a=1&b=2"),
        text(TextTag::Version, "1.2.3.4"),
        text(TextTag::BA, "AAEC/w=="),
        text(TextTag::XD, r#"<root a="1">x</root>"#),
        text(TextTag::SBK, "Get-Item | % { $_xName }"),
        text(TextTag::SS, "01000000d08c9ddf0115d1118c7a00c04fc297eb"),
        Value::Nil,
        Value::Progress(vec![
            ("Activity".into(), s("Copying")),
            ("ActivityId".into(), i32v(1)),
            ("CurrentOperation".into(), Value::Nil),
            ("ParentActivityId".into(), i32v(-1)),
            ("PercentComplete".into(), i32v(50)),
            ("RecordType".into(), s("Processing")),
            ("SecondsRemaining".into(), i32v(-1)),
            ("StatusDescription".into(), s("Half way")),
        ]),
        obj(Object {
            to_string: Some("alice@contoso".into()),
            props: vec![prop("Name", s("alice")), prop("Size", i32v(12))],
            members: vec![
                prop("Note 1", s("extended")),
                prop(
                    "Stats",
                    Value::MemberSet(vec![
                        prop("Items", Value::Int(IntTag::I64, 3)),
                        prop("Deeper", Value::MemberSet(vec![prop("Ok", Value::Bool(false))])),
                    ]),
                ),
                prop("Self", refv(0)),
            ],
            unknown: vec![unknown("Extra", "kept as text")],
            ..object(0, mailbox)
        }),
        obj(Object {
            base: Some(Base::Items(ListKind::List, vec![s("one"), i32v(2), Value::Nil, refv(0)])),
            ..object(1, array)
        }),
        obj(Object {
            base: Some(Base::Items(ListKind::Enumerable, vec![i32v(5), i32v(6)])),
            props: vec![prop("Count", i32v(2))],
            ..object(2, &["System.Collections.Generic.HashSet`1[[System.Int32]]", "System.Object"])
        }),
        obj(Object {
            base: Some(Base::Items(ListKind::Queue, vec![s("first"), s("second")])),
            ..object(3, &["System.Collections.Queue", "System.Object"])
        }),
        obj(Object {
            base: Some(Base::Items(ListKind::Stack, vec![i32v(3), i32v(2)])),
            ..object(4, &["System.Collections.Stack", "System.Object"])
        }),
        obj(Object {
            base: Some(Base::Entries(vec![
                (s("k"), s("v")),
                (i32v(42), Value::Nil),
                (
                    s("list"),
                    obj(Object {
                        base: Some(Base::Items(ListKind::List, vec![])),
                        ..object(6, array)
                    }),
                ),
            ])),
            ..object(5, &["System.Collections.Hashtable", "System.Object"])
        }),
        obj(Object {
            to_string: Some("Red".into()),
            base: Some(Base::Value(i32v(12))),
            ..object(
                7,
                &["System.ConsoleColor", "System.Enum", "System.ValueType", "System.Object"],
            )
        }),
        obj(Object { props: vec![prop("Name", s("bob"))], ..object(8, mailbox) }),
        refv(0),
        unknown("Future", "unknown element"),
    ]
}

#[test]
fn every_element_of_the_vocabulary() {
    let bytes = std::fs::read(fixture("every-element.xml")).unwrap();
    let got = read(&bytes);
    let want = every_element_expected();
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "value #{i}");
    }
}

#[test]
fn type_name_lists_are_shared_through_tnref() {
    let got = read(&std::fs::read(fixture("every-element.xml")).unwrap());
    let types = |v: &Value| v.as_object().unwrap().types.clone();
    // Obj 8 names TN 0 through TNRef: the very same list, not a copy.
    assert!(Arc::ptr_eq(&types(&got[25]), &types(&got[32])));
}

#[test]
fn tnref_empty_or_closed_by_an_end_tag() {
    // The reader handles an empty `<TNRef/>` whole at its start tag; the
    // other spelling goes through its end tag. Both mean the same.
    let tn = "<Obj RefId=\"0\"><TN RefId=\"0\"><T>A</T><T>B</T></TN></Obj>";
    let got = read_body(&format!(
        "{tn}<Obj RefId=\"1\"><TNRef RefId=\"0\" /><ToString>x</ToString></Obj>\
         <Obj RefId=\"2\"><TNRef RefId=\"0\"></TNRef><ToString>y</ToString></Obj>"
    ));
    for (v, text) in got[1..].iter().zip(["x", "y"]) {
        let o = v.as_object().unwrap();
        assert_eq!(&*o.types, ["A", "B"]);
        assert_eq!(o.to_string.as_deref(), Some(text));
    }
    let (values, e) = read_err(
        objs(&format!("{tn}<Obj RefId=\"1\"><TNRef RefId=\"0\"><S>x</S></TNRef></Obj>")).as_bytes(),
    );
    assert_eq!(values.len(), 1);
    assert_eq!(e.kind, ErrorKind::Syntax("unexpected element <S> inside <TNRef>".into()));
}

#[test]
fn numbers_at_and_beyond_their_limits() {
    let got = read_body(
        "<By>0</By><SB>127</SB><I16>32767</I16><U16>0</U16><I32>2147483647</I32>\
         <I64>9223372036854775807</I64><U64>0</U64><I32> 42 </I32><I64>+42</I64>\
         <B>1</B><B>0</B><B> false </B><C>0</C><C>65</C><D>79228162514264337593543950335.0</D>",
    );
    assert_eq!(
        got,
        [
            Value::UInt(UIntTag::By, 0),
            Value::Int(IntTag::SB, 127),
            Value::Int(IntTag::I16, 32767),
            Value::UInt(UIntTag::U16, 0),
            i32v(2147483647),
            Value::Int(IntTag::I64, i64::MAX),
            Value::UInt(UIntTag::U64, 0),
            i32v(42),
            Value::Int(IntTag::I64, 42),
            Value::Bool(true),
            Value::Bool(false),
            Value::Bool(false),
            text(TextTag::C, "\0"),
            text(TextTag::C, "A"),
            // The largest .NET decimal, kept as written.
            text(TextTag::D, "79228162514264337593543950335.0"),
        ]
    );
    for (doc, tag, bad) in [
        ("<By>256</By>", "By", "256"),
        ("<SB>128</SB>", "SB", "128"),
        ("<SB>-129</SB>", "SB", "-129"),
        ("<I16>32768</I16>", "I16", "32768"),
        ("<U16>65536</U16>", "U16", "65536"),
        ("<I32>2147483648</I32>", "I32", "2147483648"),
        ("<I64>9223372036854775808</I64>", "I64", "9223372036854775808"),
        ("<U64>18446744073709551616</U64>", "U64", "18446744073709551616"),
        ("<U16>+1</U16>", "U16", "+1"),
        ("<C>65536</C>", "C", "65536"),
        ("<C>A</C>", "C", "A"),
        ("<I32></I32>", "I32", ""),
        ("<Db>inf</Db>", "Db", "inf"),
        ("<Sg>1,5</Sg>", "Sg", "1,5"),
        ("<D>1.2.3</D>", "D", "1.2.3"),
    ] {
        let (_, e) = read_err(objs(doc).as_bytes());
        // Every one of them is the first element: column 81, byte 80.
        assert_error(&e, invalid(tag, bad), 1, 81, 80);
    }
}

#[test]
fn floats_and_their_special_values() {
    let got = read_body(
        "<Db>INF</Db><Db>-INF</Db><Db>NaN</Db><Db>-0</Db><Db>5E-324</Db><Db>1e5</Db><Db>.5</Db>\
         <Sg>3.4028235E+38</Sg><Sg>-INF</Sg>",
    );
    let d = |v: &Value| match v {
        Value::Double(f) => *f,
        other => panic!("not a Db: {other:?}"),
    };
    assert_eq!(d(&got[0]), f64::INFINITY);
    assert_eq!(d(&got[1]), f64::NEG_INFINITY);
    assert!(d(&got[2]).is_nan());
    assert!(d(&got[3]) == 0.0 && d(&got[3]).is_sign_negative());
    assert_eq!(d(&got[4]), 5e-324);
    assert_eq!(d(&got[5]), 1e5);
    assert_eq!(d(&got[6]), 0.5);
    assert_eq!(got[7], Value::Single(f32::MAX));
    assert_eq!(got[8], Value::Single(f32::NEG_INFINITY));
    let dumped: Vec<String> = got.iter().map(json).collect();
    assert_eq!(&dumped[..4], [r#""INF""#, r#""-INF""#, r#""NaN""#, "-0.0"]);
}

#[test]
fn empty_and_whitespace_values() {
    let got = read_body("<S></S><S /><S>   </S><BA></BA><Nil></Nil><Objs>x</Objs>");
    assert_eq!(
        got,
        [s(""), s(""), s("   "), text(TextTag::BA, ""), Value::Nil, unknown("Objs", "x")]
    );
    assert_eq!(read(objs("").as_bytes()), []);
    assert_eq!(read(ROOT.replace('>', " />").as_bytes()), []);
}

#[test]
fn objects_in_any_child_order_and_last_base_wins() {
    let got = read_body(
        r#"<Obj RefId="0"><MS><S N="m">1</S></MS><Props><S N="p">2</S></Props><I32>1</I32><S>last</S><ToString>t</ToString><TN RefId="0"><T>A</T></TN></Obj>
           <Obj RefId="1"><Obj RefId="2"><TNRef RefId="0" /></Obj></Obj>"#,
    );
    assert_eq!(
        got[0],
        obj(Object {
            to_string: Some("t".into()),
            base: Some(Base::Value(s("last"))),
            props: vec![prop("p", s("2"))],
            members: vec![prop("m", s("1"))],
            ..object(0, &["A"])
        })
    );
    // An Obj whose base value is another Obj.
    assert_eq!(
        got[1],
        obj(Object { base: Some(Base::Value(obj(object(2, &["A"])))), ..object(1, &[]) })
    );
    // As dumped: adapted, then extended properties, then the base value; an
    // object without a type list has an empty one.
    assert_eq!(
        json(&got[0]),
        r#"{"@types":["A"],"@id":0,"@tostring":"t","p":"2","m":"1","@value":"last"}"#
    );
    assert_eq!(json(&got[1]), r#"{"@types":[],"@id":1,"@value":{"@types":["A"],"@id":2}}"#);
}

#[test]
fn dictionary_entries_keep_order_and_duplicates() {
    // `Key` and `Value` are found by name, in either order; a repeated key
    // is kept as a second entry, as PowerShell keeps it.
    let got = read_body(
        r#"<Obj RefId="0"><DCT><En><S N="Key">a</S><I32 N="Value">1</I32></En><En><I32 N="Value">2</I32><S N="Key">a</S></En></DCT></Obj>"#,
    );
    assert_eq!(
        got,
        [obj(Object {
            base: Some(Base::Entries(vec![(s("a"), i32v(1)), (s("a"), i32v(2))])),
            ..object(0, &[])
        })]
    );
}

#[test]
fn object_ids_that_are_not_numbers_are_kept_as_text() {
    let got = read_body(r#"<Obj RefId="RefId-9"><S>x</S></Obj><Ref RefId="RefId-9" />"#);
    assert_eq!(got[0].as_object().unwrap().id, Some(RefId::Text("RefId-9".into())));
    assert_eq!(got[1], Value::Ref(RefId::Text("RefId-9".into())));
    assert_eq!(json(&got[1]), r#"{"@ref":"RefId-9"}"#);
}

#[test]
fn comments_processing_instructions_and_declarations_are_ignored() {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- before -->\n<?pi x?>\n{ROOT}<!-- c --><S>a<!-- gone -->b<?pi?>c</S><?x?></Objs>\n<!-- after -->\n"
    );
    assert_eq!(read(doc.as_bytes()), [s("abc")]);
}

// ---------------------------------------------------------------------------
// Escapes: XML first, then PowerShell's `_xHHHH_` layer.

#[test]
fn xml_entities_and_character_references() {
    assert_eq!(
        strings(
            "<S>&amp;&lt;&gt;&quot;&apos;</S><S>&#65;&#x42;&#x63;</S><S>&#x1F600;</S>\
             <S>&#x5F;x000A_</S><S>_&#x78;0041_</S><S><![CDATA[<x> & _x0041_ &amp;]]></S>"
        ),
        ["&<>\"'", "ABc", "\u{1F600}", "\n", "A", "<x> & A &amp;"]
    );
}

#[test]
fn powershell_escapes_in_text() {
    assert_eq!(
        strings(
            "<S>a_x000A_b</S>\
             <S>crlf_x000D__x000A_end</S>\
             <S>_xD83D__xDE00_</S>\
             <S>_x005F_</S>\
             <S>_x005F_x0041_</S>\
             <S>_X000A__x000a__X000A_</S>\
             <S>_x0001F600_</S>\
             <S>_x0041__x0042_</S>\
             <S>_x0041_x0042_</S>\
             <S>__x0041_</S>"
        ),
        [
            "a\nb",
            "crlf\r\nend",
            "\u{1F600}",
            "_",
            "_x0041_",
            "\n\n\n",
            "\u{1F600}",
            "AB",
            "Ax0042_",
            "_A",
        ]
    );
}

#[test]
fn invalid_escapes_stay_literal() {
    assert_eq!(
        strings(
            "<S>_x12_</S><S>_xZZZZ_</S><S>_x0041</S><S>_x0041 x</S><S>_x+041_</S>\
             <S>_x00110000_</S><S>_x_</S><S>_</S><S>x0041_</S><S>_x00041_</S>"
        ),
        [
            "_x12_",
            "_xZZZZ_",
            "_x0041",
            "_x0041 x",
            "_x+041_",
            "_x00110000_",
            "_x_",
            "_",
            "x0041_",
            "_x00041_",
        ]
    );
}

#[test]
fn lone_surrogate_escapes_become_replacement_characters() {
    assert_eq!(
        strings("<S>_xD83D_</S><S>_xDE00_</S><S>_xD83D_ _xDE00_</S><S>_xDE00__xD83D_</S>"),
        ["\u{FFFD}", "\u{FFFD}", "\u{FFFD} \u{FFFD}", "\u{FFFD}\u{FFFD}"]
    );
}

#[test]
fn escapes_in_names_type_names_tostring_and_other_text_elements() {
    let got = read_body(
        r#"<Obj RefId="0"><TN RefId="0"><T>My_x002E_Type_x0060_1</T><T>_x005F_x_x0009_</T></TN>
             <ToString>to_x000A_string &amp;</ToString>
             <MS><S N="a_x0020_b">1</S><S N="&amp;&lt;_x0009_&#x5F;x0041_">2</S><S N="_x005F_x0041_">3</S>
               <MS N="set_x0021_"><S N="x">4</S></MS></MS></Obj>
           <URI>_x0068_ttp://a/</URI><XD>&lt;a&gt;_x0041_&lt;/a&gt;</XD><SBK>_x0024_</SBK>
           <PR N="p"><AV>act_x000A_</AV><SD>_x0041_</SD></PR>
           <DT>_x0032_</DT><G>_x0041_</G>"#,
    );
    let o = got[0].as_object().unwrap();
    assert_eq!(&*o.types, ["My.Type`1".to_string(), "_x\t".to_string()]);
    assert_eq!(o.to_string.as_deref(), Some("to\nstring &"));
    let names: Vec<&str> = o.members.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a b", "&<\tA", "_x0041_", "set!"]);
    assert_eq!(got[1], text(TextTag::URI, "http://a/"));
    assert_eq!(got[2], text(TextTag::XD, "<a>A</a>"));
    assert_eq!(got[3], text(TextTag::SBK, "$"));
    assert_eq!(
        got[4],
        Value::Progress(vec![
            ("Activity".into(), s("act\n")),
            ("StatusDescription".into(), s("A"))
        ])
    );
    // Raw-text elements are not `_x`-decoded: PowerShell never escapes them.
    assert_eq!(got[5], text(TextTag::DT, "_x0032_"));
    assert_eq!(got[6], text(TextTag::G, "_x0041_"));
}

#[test]
fn raw_line_breaks_in_text_are_normalised_but_escaped_ones_kept() {
    let got = strings("<S>a\r\nb\rc\nd</S><S>a_x000D__x000A_b_x000D_c</S>");
    assert_eq!(got, ["a\nb\nc\nd", "a\r\nb\rc"]);
}

// ---------------------------------------------------------------------------
// Encodings.

/// What `tests/fixtures/encodings/*.xml` hold, in every encoding.
fn encodings_expected() -> Vec<Value> {
    vec![
        s("Grüße, 中文, \u{1F600} = \u{1F600}"),
        s("a & b\r\nc"),
        obj(Object {
            members: vec![prop("Nom é", s("Wert €")), prop("n", i32v(42))],
            ..object(0, &["Démo.Typé"])
        }),
        i32v(7),
    ]
}

#[test]
fn every_encoding_reads_the_same() {
    let utf8 = std::fs::read(fixture("encodings/utf8.xml")).unwrap();
    let text = String::from_utf8(utf8.clone()).unwrap();
    // The file, the encoding detected, its label (in the JSON summary), and
    // what the file must hold.
    let cases: [(&str, Encoding, &str, Vec<u8>); 7] = [
        ("utf8.xml", Encoding::Utf8, "utf-8", utf8.clone()),
        ("utf8-bom.xml", Encoding::Utf8Bom, "utf-8-bom", [&[0xEF, 0xBB, 0xBF], &utf8[..]].concat()),
        ("utf16le-bom.xml", Encoding::Utf16LeBom, "utf-16le-bom", utf16(&text, true, true)),
        ("utf16be-bom.xml", Encoding::Utf16BeBom, "utf-16be-bom", utf16(&text, false, true)),
        ("utf16le.xml", Encoding::Utf16Le, "utf-16le", utf16(&text, true, false)),
        ("utf16be.xml", Encoding::Utf16Be, "utf-16be", utf16(&text, false, false)),
        ("clixml-preamble.xml", Encoding::Utf8, "utf-8", [b"#< CLIXML\r\n", &utf8[..]].concat()),
    ];
    let want = encodings_expected();
    for (name, encoding, label, bytes) in cases {
        let file = std::fs::read(fixture(&format!("encodings/{name}"))).unwrap();
        // The fixture files are exactly this transcoding of utf8.xml.
        assert!(file == bytes, "{name} is not utf8.xml transcoded");
        let mut reader = Reader::new(&file[..]).unwrap();
        assert_eq!(reader.encoding(), encoding, "{name}");
        assert_eq!(reader.encoding().label(), label, "{name}");
        let got: Vec<Value> = reader.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn the_clixml_preamble_in_every_form() {
    let doc = objs("<S>x</S>");
    for (label, bytes) in [
        ("LF", format!("#< CLIXML\n{doc}").into_bytes()),
        ("CR", format!("#< CLIXML\r{doc}").into_bytes()),
        (
            "CRLF + BOM",
            [&[0xEF, 0xBB, 0xBF][..], format!("#< CLIXML\r\n{doc}").as_bytes()].concat(),
        ),
        ("UTF-16 LE", utf16(&format!("#< CLIXML\r\n{doc}"), true, true)),
        ("UTF-16 BE", utf16(&format!("#< CLIXML\n{doc}"), false, true)),
    ] {
        assert_eq!(read(&bytes), [s("x")], "{label}");
    }
    // Only that exact line is skipped, as Import-Clixml does.
    for bad in [format!("#< CLIXMLX\n{doc}"), format!("# < CLIXML\n{doc}")] {
        let (values, _) = read_err(bad.as_bytes());
        assert_eq!(values, [], "{bad:?}");
    }
}

#[test]
fn positions_in_utf16_files_count_utf16_bytes() {
    // Line 2 holds an astral character (2 UTF-16 units); the error is on line 3.
    let doc = format!("{ROOT}\n  <S>\u{1F600}é</S>\n  <I32>x</I32>\n</Objs>");
    // Units before line 3: 80 + 1 + (2 + 3 + 2 + 1 + 4) + 1 = 94; the element
    // starts 2 units later: 96 units after the BOM.
    for (le, label) in [(true, "LE"), (false, "BE")] {
        let (values, e) = read_err(&utf16(&doc, le, true));
        assert_eq!(values, [s("\u{1F600}é")], "{label}");
        assert_error(&e, invalid("I32", "x"), 3, 3, 2 + 2 * 96);
        let (_, e) = read_err(&utf16(&doc, le, false));
        assert_error(&e, invalid("I32", "x"), 3, 3, 2 * 96);
    }
    // UTF-8 with BOM: the 3 BOM bytes count, and é is 2 bytes.
    let (_, e) = read_err(&[&[0xEF, 0xBB, 0xBF][..], doc.as_bytes()].concat());
    assert_error(&e, invalid("I32", "x"), 3, 3, 3 + 81 + 16 + 2);
}

// ---------------------------------------------------------------------------
// References.

#[test]
fn refs_across_top_level_values_and_to_an_enclosing_object() {
    let doc = objs(
        r#"<Obj RefId="0"><TN RefId="0"><T>Node</T></TN><MS><S N="name">a</S><Ref N="self" RefId="0" /></MS></Obj>
           <Obj RefId="1"><TNRef RefId="0" /><MS><Ref N="prev" RefId="0" /><Obj N="child" RefId="2"><TNRef RefId="0" /><MS><Ref N="parent" RefId="1" /></MS></Obj></MS></Obj>
           <Ref RefId="2" />"#,
    );
    let got = read(doc.as_bytes());
    assert_eq!(got.len(), 3);
    let a = got[0].as_object().unwrap();
    assert_eq!(a.get("self"), Some(&refv(0)));
    let b = got[1].as_object().unwrap();
    assert_eq!(b.get("prev"), Some(&refv(0)));
    let child = b.get("child").unwrap().as_object().unwrap();
    assert_eq!(child.id, Some(RefId::Num(2)));
    assert_eq!(child.get("parent"), Some(&refv(1)));
    assert_eq!(got[2], refv(2));

    // With a plan from the first pass, every Ref resolves to its object, the
    // cycle included, and the objects are the ones the reader returned.
    let plan = mrs_triage::clixml::scan_references(doc.as_bytes()).unwrap();
    assert_eq!(plan.len(), 3);
    let opts = Options { resolve: Resolve::Planned(plan), ..Options::default() };
    let mut reader = Reader::with_options(doc.as_bytes(), opts).unwrap();
    let Some(Ok(Value::Obj(first))) = reader.next() else { panic!("no first object") };
    assert!(Arc::ptr_eq(reader.resolve(&RefId::Num(0)).unwrap(), &first));
    let Some(Ok(Value::Obj(second))) = reader.next() else { panic!("no second object") };
    assert!(Arc::ptr_eq(reader.resolve(&RefId::Num(0)).unwrap(), &first));
    assert!(Arc::ptr_eq(reader.resolve(&RefId::Num(1)).unwrap(), &second));
    let Some(Ok(Value::Ref(id))) = reader.next() else { panic!("no Ref") };
    let resolved = reader.resolve(&id).unwrap();
    assert_eq!(resolved.get("parent"), Some(&refv(1)));
    assert!(reader.next().is_none());

    // Without a plan, only the objects of the value last returned resolve.
    let opts = Options { resolve: Resolve::CurrentValue, ..Options::default() };
    let mut reader = Reader::with_options(doc.as_bytes(), opts).unwrap();
    let Some(Ok(Value::Obj(first))) = reader.next() else { panic!("no first object") };
    assert!(Arc::ptr_eq(reader.resolve(&RefId::Num(0)).unwrap(), &first));
    reader.next().unwrap().unwrap();
    assert!(reader.resolve(&RefId::Num(0)).is_none());
    assert!(reader.resolve(&RefId::Num(2)).is_some());
}

#[test]
fn a_chain_of_references_reads_with_linear_output() {
    // 10,000 top-level objects, each referencing the previous one twice:
    // expanding references would double the output at every step.
    let mut body = String::from(r#"<Obj RefId="0"><TN RefId="0"><T>Link</T></TN></Obj>"#);
    for i in 1..10_000 {
        body.push_str(&format!(
            r#"<Obj RefId="{i}"><TNRef RefId="0" /><MS><Ref N="a" RefId="{p}" /><Ref N="b" RefId="{p}" /></MS></Obj>"#,
            p = i - 1
        ));
    }
    let doc = objs(&body);
    let mut total = 0;
    let mut count = 0;
    for v in Reader::new(doc.as_bytes()).unwrap() {
        let v = v.unwrap();
        total += json(&v).len();
        count += 1;
    }
    assert_eq!(count, 10_000);
    assert!(total < doc.len(), "{total} JSON bytes for {} input bytes", doc.len());
    let last = read(doc.as_bytes()).pop().unwrap();
    assert_eq!(
        json(&last),
        r#"{"@types":["Link"],"@id":9999,"a":{"@ref":9998},"b":{"@ref":9998}}"#
    );
}

// ---------------------------------------------------------------------------
// Errors, each with its exact position.

#[test]
fn truncated_input() {
    // Cut off inside a string, as a failed Export-Clixml leaves a file.
    let doc =
        format!("{ROOT}\n  <S>complete</S>\n  <Obj RefId=\"0\">\n    <MS>\n      <S N=\"a\">cut");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, [s("complete")]);
    // Line 5 is `      <S N="a">cut` (18 chars): the end is column 19.
    assert_error(&e, ErrorKind::Truncated, 5, 19, doc.len() as u64);

    // Cut off between elements, and right after the root.
    let doc = format!("{ROOT}\n  <S>a</S>\n");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, [s("a")]);
    assert_error(&e, ErrorKind::Truncated, 3, 1, doc.len() as u64);
    let (_, e) = read_err(ROOT.as_bytes());
    assert_error(&e, ErrorKind::Truncated, 1, 81, 80);

    // An empty file has no root at all; nor has one of white space only
    // (found by fuzzing: a file holding only the `#< CLIXML` line was
    // "empty" while the same line blanked was "truncated"), nor text that
    // is not XML. An XML declaration or a comment and nothing else is a
    // document cut short.
    for (bytes, kind, line, column, offset) in [
        (&b""[..], ErrorKind::Empty, 1, 1, 0),
        (b"  \r\n", ErrorKind::Empty, 2, 1, 4),
        (b"#< CLIXML\r", ErrorKind::Empty, 1, 11, 10),
        (b"         \r", ErrorKind::Empty, 1, 11, 10),
        (b"#< CLIXML\r\n\r\n", ErrorKind::Empty, 3, 1, 13),
        (b"<?xml version=\"1.0\"?>\r\n", ErrorKind::Truncated, 2, 1, 23),
        (b"  <!-- a comment -->", ErrorKind::Truncated, 1, 21, 20),
        (b"hello, this is a text file\n", ErrorKind::NotXml, 1, 1, 0),
    ] {
        let (_, e) = read_err(bytes);
        assert_error(&e, kind, line, column, offset);
    }
}

#[test]
fn truncated_inside_markup() {
    // Cut inside a tag, an attribute value, an entity, a comment, CDATA, an
    // end tag and a processing instruction: the error points where the
    // unfinished construct starts. Line 2 starts at byte 81.
    for (tail, column) in [
        ("  <S", 3),
        ("  <S N=\"ab", 3),
        ("  <S>a &amp", 8),
        ("  <S>a &", 8),
        ("  <!-- com", 3),
        ("  <S><![CDATA[ab", 6),
        ("  </S", 3),
        ("  <?pi", 3),
    ] {
        let doc = format!("{ROOT}\n{tail}");
        let (_, e) = read_err(doc.as_bytes());
        assert_error(&e, ErrorKind::Truncated, 2, column, 81 + column - 1);
    }
}

#[test]
fn malformed_xml() {
    // A mismatched end tag on line 3: `  <S>bad` is 8 characters.
    let doc = format!("{ROOT}\n  <S>ok</S>\n  <S>bad</I32>\n</Objs>");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, [s("ok")]);
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    assert_eq!((e.position.line, e.position.column), (Some(3), Some(9)), "{e}");
    assert_eq!(e.position.offset, 81 + 12 + 8);

    // An unknown entity is an error, never expanded or kept.
    let doc = format!("{ROOT}\n  <S>a&lol;</S>\n</Objs>");
    let (_, e) = read_err(doc.as_bytes());
    assert!(matches!(&e.kind, ErrorKind::Syntax(m) if m.contains("lol")), "{e}");
    assert_eq!((e.position.line, e.position.column, e.position.offset), (Some(2), Some(7), 87));

    // An attribute value without quotes: `  <S>x</S><S N=` is 10 characters.
    let doc = format!("{ROOT}\n  <S>x</S><S N=a>y</S>\n</Objs>");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, [s("x")]);
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    assert_eq!((e.position.line, e.position.column, e.position.offset), (Some(2), Some(11), 91));

    // Markup inside a primitive value.
    let doc = format!("{ROOT}\n  <S>a<b/></S>\n</Objs>");
    let (_, e) = read_err(doc.as_bytes());
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    assert_eq!((e.position.line, e.position.column, e.position.offset), (Some(2), Some(7), 87));
}

#[test]
fn content_after_the_root_is_an_error() {
    // A second document after `</Objs>` (two exports concatenated): .NET's
    // XmlReader refuses multiple roots; reading on silently would lose the
    // second export's records.
    let doc = format!("{ROOT}<S>a</S></Objs>\n<Objs><S>b</S></Objs>");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, [s("a")]);
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    assert_error(&e, e.kind.clone(), 2, 1, 80 + 8 + 7 + 1);
    // Text after the root is not XML either; white space and comments are.
    let (_, e) = read_err(format!("{ROOT}</Objs>\ngarbage").as_bytes());
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
    assert_eq!(read(format!("{ROOT}</Objs>\n<!-- end -->\r\n\n").as_bytes()), []);
}

#[test]
fn a_bare_ampersand_is_malformed_not_truncated() {
    // `&` without `;` before the next `<`: quick-xml's UnclosedReference. At
    // the end of the input that is truncation; here the file is complete,
    // and "the export is truncated" would send the user looking for the
    // wrong problem. The `&` is at column 8 of line 2.
    for body in ["<S>a & b</S>", "<S>a &amp b</S>"] {
        let doc = format!("{ROOT}\n  {body}\n</Objs>\n");
        let (_, e) = read_err(doc.as_bytes());
        assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{body:?}: {e:?}");
        assert_eq!((e.position.line, e.position.column, e.position.offset), (Some(2), Some(8), 88));
    }
}

#[test]
fn invalid_utf8() {
    // Line 2 `  <S>é ok</S>` is 14 bytes; the bad byte follows `  <S>ab` on line 3.
    let mut doc = format!("{ROOT}\n  <S>é ok</S>\n  <S>ab").into_bytes();
    doc.push(0xFF);
    doc.extend_from_slice(b"cd</S>\n</Objs>");
    let (values, e) = read_err(&doc);
    assert_eq!(values, [s("é ok")]);
    assert_error(&e, ErrorKind::InvalidUtf8, 3, 8, 81 + 15 + 7);

    // A multi-byte sequence cut short by the end of the file.
    let mut doc = format!("{ROOT}<S>").into_bytes();
    doc.extend_from_slice(&"é".as_bytes()[..1]);
    let (_, e) = read_err(&doc);
    assert_error(&e, ErrorKind::InvalidUtf8, 1, 84, 83);

    // An overlong encoding of `<` right after the root.
    let mut doc = ROOT.as_bytes().to_vec();
    doc.extend_from_slice(&[0xC0, 0xBC]);
    let (_, e) = read_err(&doc);
    assert_error(&e, ErrorKind::InvalidUtf8, 1, 81, 80);
}

#[test]
fn invalid_utf16() {
    // A lone high surrogate inside a string on line 3, after an astral
    // character on line 2 (2 units). Units before line 3: 80 + 1 + 12 = 93;
    // the surrogate comes 6 units later, after `  <S>a`.
    let prefix = format!("{ROOT}\n  <S>\u{1F600}</S>\n  <S>a");
    for (le, label) in [(true, "LE"), (false, "BE")] {
        let unit = |u: u16| if le { u.to_le_bytes() } else { u.to_be_bytes() };
        let mut doc = utf16(&prefix, le, true);
        doc.extend_from_slice(&unit(0xD800));
        doc.extend(utf16("b</S>\n</Objs>", le, false));
        let (values, e) = read_err(&doc);
        assert_eq!(values, [s("\u{1F600}")], "{label}");
        assert_error(&e, ErrorKind::InvalidUtf16, 3, 7, 2 + 2 * 99);

        // A lone low surrogate.
        let mut doc = utf16(&prefix, le, true);
        doc.extend_from_slice(&unit(0xDC00));
        doc.extend(utf16("b</S>\n</Objs>", le, false));
        let (_, e) = read_err(&doc);
        assert_error(&e, ErrorKind::InvalidUtf16, 3, 7, 2 + 2 * 99);

        // An odd number of bytes: half a code unit at the end.
        let mut doc = utf16(&prefix, le, true);
        doc.push(b'b');
        let (_, e) = read_err(&doc);
        assert_error(&e, ErrorKind::InvalidUtf16, 3, 7, 2 + 2 * 99);
    }
}

#[test]
fn utf32_is_refused() {
    let mut doc = vec![0xFF, 0xFE, 0, 0];
    for c in objs("<S>x</S>").chars() {
        doc.extend_from_slice(&(c as u32).to_le_bytes());
    }
    let (values, e) = read_err(&doc);
    assert_eq!(values, []);
    assert_eq!(e.kind, ErrorKind::UnsupportedEncoding("UTF-32"));
    assert_eq!(e.position.offset, 0);
}

#[test]
fn bad_numbers() {
    // `  <I32>1</I32>` is 14 characters, so the bad element starts at column 15;
    // `  <B>true</B>` is 13, column 14.
    let cases = [
        ("<I32>1</I32><I32>abc</I32>", invalid("I32", "abc"), 15),
        ("<U32>1</U32><U32>-1</U32>", invalid("U32", "-1"), 15),
        ("<B>true</B><B>True</B>", invalid("B", "True"), 14),
        ("<D>1.50</D><D>1E+5</D>", invalid("D", "1E+5"), 14),
    ];
    for (line2, kind, column) in cases {
        let doc = format!("{ROOT}\n  {line2}\n</Objs>");
        let (values, e) = read_err(doc.as_bytes());
        assert_eq!(values.len(), 1, "{line2}");
        assert_error(&e, kind, 2, column, 81 + column - 1);
    }
    // The error names the element where the value starts, also for a value
    // spread over several lines.
    let doc = format!("{ROOT}\n  <Obj RefId=\"0\">\n    <MS>\n      <I32 N=\"n\">\n12x\n</I32>");
    let (_, e) = read_err(doc.as_bytes());
    assert_error(&e, invalid("I32", "\n12x\n"), 4, 7, 81 + 18 + 9 + 6);
}

/// `depth` elements nested below `<Objs>`: an `Obj` and `MS`s inside it.
fn nested(depth: usize) -> String {
    let mut doc = String::from(ROOT);
    doc.push_str("<Obj>");
    doc.push_str(&"<MS N=\"m\">".repeat(depth - 1));
    doc.push_str(&"</MS>".repeat(depth - 1));
    doc.push_str("</Obj></Objs>");
    doc
}

#[test]
fn depth_limit() {
    // The default limit is 256 levels, `<Objs>` included.
    assert_eq!(Options::default().max_depth, 256);
    assert_eq!(read(nested(255).as_bytes()).len(), 1);
    let (values, e) = read_err(nested(256).as_bytes());
    assert_eq!(values, []);
    // The 256th element below `<Objs>` is the 255th `<MS N="m">` (10 bytes each).
    let at = 80 + 5 + 254 * 10;
    assert_error(&e, ErrorKind::TooDeep(256), 1, at + 1, at);

    // A smaller limit, as PowerShell's own (50).
    let opts = || Options { max_depth: 50, ..Options::default() };
    assert_eq!(Reader::with_options(nested(49).as_bytes(), opts()).unwrap().count(), 1);
    let (_, e) = read_err_with(nested(50).as_bytes(), opts());
    let at = 80 + 5 + 48 * 10;
    assert_error(&e, ErrorKind::TooDeep(50), 1, at + 1, at);

    // Text elements count too: a string at the deepest level is one more.
    let mut doc = nested(255).replace("<MS N=\"m\"></MS>", "<MS N=\"m\"><S>x</S></MS>");
    let (_, e) = read_err(doc.as_bytes());
    assert_eq!(e.kind, ErrorKind::TooDeep(256));
    doc = nested(254).replace("<MS N=\"m\"></MS>", "<MS N=\"m\"><S N=\"x\">x</S></MS>");
    assert_eq!(read(doc.as_bytes()).len(), 1);
}

#[test]
fn a_hundred_thousand_nested_objects_are_an_error_not_a_stack_overflow() {
    let doc = format!("{ROOT}{}", "<Obj>".repeat(100_000));
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, []);
    // The 256th `<Obj>` (5 bytes each) is one too many.
    let at = 80 + 255 * 5;
    assert_error(&e, ErrorKind::TooDeep(256), 1, at + 1, at);

    // And with the end tags present the same.
    let doc = format!("{ROOT}{}{}</Objs>", "<Obj>".repeat(100_000), "</Obj>".repeat(100_000));
    let (_, e) = read_err(doc.as_bytes());
    assert_error(&e, ErrorKind::TooDeep(256), 1, at + 1, at);

    // Objects and member sets alternating: `<Objs>`, 127 × (`<Obj>`, `<MS>`)
    // (9 bytes a pair) and one `<Obj>` are the 256 levels; the `<MS>` after
    // them is one too many.
    let doc = format!("{ROOT}{}", "<Obj><MS>".repeat(100_000));
    let (_, e) = read_err(doc.as_bytes());
    let at = 80 + 127 * 9 + 5;
    assert_error(&e, ErrorKind::TooDeep(256), 1, at + 1, at);
}

#[test]
fn oversized_value() {
    let opts = || Options { max_value_bytes: 100, ..Options::default() };
    // Exactly 100 bytes is fine.
    let ok = format!("{ROOT}\n  <S>{}</S>\n</Objs>", "x".repeat(100));
    let values =
        Reader::with_options(ok.as_bytes(), opts()).unwrap().collect::<Result<Vec<_>, _>>();
    assert_eq!(values.unwrap(), [s(&"x".repeat(100))]);

    // 101 bytes on line 3: the text starts after `  <S>`, at column 6.
    let doc = format!("{ROOT}\n  <S>short</S>\n  <S>{}</S>\n</Objs>", "x".repeat(101));
    let (values, e) = read_err_with(doc.as_bytes(), opts());
    assert_eq!(values, [s("short")]);
    assert_error(&e, ErrorKind::ValueTooLarge(100), 3, 6, 81 + 15 + 5);

    // Pieces joined by entities count together.
    let doc = format!("{ROOT}\n  <S>{0}&amp;{0}</S>\n</Objs>", "x".repeat(60));
    let (_, e) = read_err_with(doc.as_bytes(), opts());
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(100));
    assert_eq!(e.position.line, Some(2));
}

#[test]
fn oversized_tags_and_comments() {
    // `Options::max_value_bytes` and `--max-value-size` say a tag or any run
    // without markup counts as a value; these are 200 bytes against 100.
    let opts = || Options { max_value_bytes: 100, ..Options::default() };
    for line2 in
        [format!("  <S N=\"{}\">x</S>", "n".repeat(200)), format!("  <!--{}-->", "c".repeat(200))]
    {
        let doc = format!("{ROOT}\n{line2}\n</Objs>");
        let (_, e) = read_err_with(doc.as_bytes(), opts());
        assert_eq!(e.kind, ErrorKind::ValueTooLarge(100), "{line2}");
        assert_eq!(e.position.line, Some(2), "{line2}");
    }
}

#[test]
fn oversized_value_spanning_many_buffers() {
    // A 1 MB string against a 100 kB limit: refused while streaming, before
    // the whole string is buffered. The error lies inside the string.
    let opts = || Options { max_value_bytes: 100_000, ..Options::default() };
    let doc = format!("{ROOT}\n  <S>{}</S>\n</Objs>", "x".repeat(1_000_000));
    let (_, e) = read_err_unchecked(doc.as_bytes(), opts());
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(100_000));
    let text_start = 81 + 5;
    assert!(
        (text_start..=text_start + 200_000).contains(&e.position.offset),
        "offset {}",
        e.position.offset
    );
    assert_eq!(e.position.line, Some(2));

    // Cut off inside the string, no markup after it at all: still too large
    // (found before the end of the input), not truncated.
    let doc = format!("{ROOT}\n  <S>{}", "x".repeat(1_000_000));
    let (_, e) = read_err_unchecked(doc.as_bytes(), opts());
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(100_000));
}

#[test]
fn oversized_value_spanning_many_buffers_is_located_consistently() {
    // Offset and line:column must name one place inside the string
    // (read_err_with checks that they agree).
    let opts = Options { max_value_bytes: 100_000, ..Options::default() };
    let doc = format!("{ROOT}\n  <S>{}</S>\n</Objs>", "x".repeat(1_000_000));
    let (_, e) = read_err_with(doc.as_bytes(), opts);
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(100_000));
    let text_start = 81 + 5;
    assert!((text_start..=text_start + 200_000).contains(&e.position.offset), "{e:?}");
    // The same for a tag that long.
    let opts = Options { max_value_bytes: 100, ..Options::default() };
    let doc = format!("{ROOT}\n  <S N=\"{}\">x</S>\n</Objs>", "n".repeat(200_000));
    let (_, e) = read_err_with(doc.as_bytes(), opts);
    assert_eq!(e.kind, ErrorKind::ValueTooLarge(100));
    assert!(e.position.offset >= 81, "{e:?}");
}

#[test]
fn unknown_ref_id() {
    let doc = format!("{ROOT}\n  <Obj RefId=\"0\" />\n  <Ref RefId=\"1\" />\n</Objs>");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values.len(), 1);
    // Line 2 `  <Obj RefId="0" />` is 19 characters.
    assert_error(&e, ErrorKind::UnknownRef("1".into()), 3, 3, 81 + 20 + 2);

    // A forward reference is unknown too (ids are defined before use), and
    // type-list ids are a separate namespace from object ids.
    let doc = format!(
        "{ROOT}\n  <Obj RefId=\"0\"><TN RefId=\"7\"><T>A</T></TN><MS><Ref N=\"x\" RefId=\"7\" /></MS></Obj>\n</Objs>"
    );
    let (_, e) = read_err(doc.as_bytes());
    // The Ref follows `  <Obj RefId="0"><TN RefId="7"><T>A</T></TN><MS>` (48 characters).
    assert_error(&e, ErrorKind::UnknownRef("7".into()), 2, 49, 81 + 48);
}

#[test]
fn unknown_tnref_id() {
    let doc = format!(
        "{ROOT}\n  <Obj RefId=\"0\"><TN RefId=\"0\"><T>A</T></TN></Obj>\n  <Obj RefId=\"1\">\n    <TNRef RefId=\"1\" />\n  </Obj>\n</Objs>"
    );
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values.len(), 1);
    // Line 2 is 50 characters, line 3 is 17: line 4 starts at 81 + 51 + 18.
    assert_error(&e, ErrorKind::UnknownTypeRef("1".into()), 4, 5, 81 + 51 + 18 + 4);
}

#[test]
fn doctype_is_refused_and_nothing_expanded() {
    // The billion laughs: ten levels of ten references each.
    let mut dtd = String::from("<!DOCTYPE Objs [\n  <!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("  <!ENTITY lol{i} \"{refs}\">\n"));
    }
    dtd.push_str("]>\n");
    let doc = format!("<?xml version=\"1.0\"?>\n{dtd}{ROOT}<S>&lol9;</S></Objs>");
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, []);
    assert_error(&e, ErrorKind::Doctype, 2, 1, 22);
    // At the very start of a file without a declaration, the same.
    let (values, e) = read_err(b"<!DOCTYPE lol [<!ENTITY a \"aaaa\">]>\n<Objs><S>&a;</S></Objs>");
    assert_eq!(values, []);
    assert_error(&e, ErrorKind::Doctype, 1, 1, 0);

    // Inside the root it is refused too.
    let doc = format!("{ROOT}\n<!DOCTYPE x>\n</Objs>");
    let (_, e) = read_err(doc.as_bytes());
    assert!(matches!(e.kind, ErrorKind::Doctype | ErrorKind::Syntax(_)), "{e}");
}

#[test]
fn root_that_is_not_objs() {
    let (values, e) = read_err(b"\n\n  <Foo><S>x</S></Foo>");
    assert_eq!(values, []);
    assert_error(&e, ErrorKind::NotClixml("Foo".into()), 3, 3, 4);
    // A plain XML document with a declaration.
    let (_, e) = read_err(b"<?xml version=\"1.0\"?>\n<html/>");
    assert_error(&e, ErrorKind::NotClixml("html".into()), 2, 1, 22);
}

#[test]
fn version_major_2() {
    let doc = "<Objs Version=\"2.0\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S>x</S></Objs>";
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, []);
    assert_error(&e, ErrorKind::UnsupportedVersion("2.0".into()), 1, 1, 0);
    // After a UTF-8 BOM, the offset counts the BOM's 3 bytes.
    let (_, e) = read_err(&[&[0xEF, 0xBB, 0xBF], doc.as_bytes()].concat());
    assert_error(&e, ErrorKind::UnsupportedVersion("2.0".into()), 1, 1, 3);
    // Other 1.x versions and a missing version are fine.
    for v in ["Version=\"1.1.0.1\"", "Version=\"1.2.0.0\"", "Version=\"1.0\"", ""] {
        let doc = format!("<Objs {v}><S>x</S></Objs>");
        assert_eq!(read(doc.as_bytes()), [s("x")], "{v}");
    }
}

#[test]
fn nil_dictionary_key() {
    let doc = format!(
        "{ROOT}\n  <Obj RefId=\"0\">\n    <DCT>\n      <En><Nil N=\"Key\" /><S N=\"Value\">v</S></En>\n    </DCT>\n  </Obj>\n</Objs>"
    );
    let (values, e) = read_err(doc.as_bytes());
    assert_eq!(values, []);
    // Line 2 is 17 characters, line 3 is 9: line 4 starts at 81 + 18 + 10.
    assert_error(&e, ErrorKind::InvalidEntry("the key is null"), 4, 7, 81 + 18 + 10 + 6);

    // An entry without a key at all.
    let doc = format!("{ROOT}<Obj><DCT><En><S N=\"Value\">v</S></En></DCT></Obj></Objs>");
    let (_, e) = read_err(doc.as_bytes());
    assert_error(&e, ErrorKind::InvalidEntry("no key"), 1, 91, 90);
}

#[test]
fn errors_display_with_line_and_column() {
    let doc = format!("{ROOT}\n  <I32>x</I32>\n</Objs>");
    let (_, e) = read_err(doc.as_bytes());
    assert_eq!(e.to_string(), "2:3: invalid <I32> value \"x\"");
}

// ---------------------------------------------------------------------------
// Regressions found by fuzzing (see fuzz/regressions/).

#[test]
fn positions_after_a_clixml_line_count_that_line() {
    let doc = format!("#< CLIXML\n{ROOT}\n<B>x</B></Objs>");
    let (_, e) = read_err(doc.as_bytes());
    let line3 = doc.find("<B>").unwrap() as u64;
    assert_error(&e, invalid("B", "x"), 3, 1, line3);
}

#[test]
fn comments_and_attributes_full_of_lt_are_still_bounded() {
    let opts = || Options { max_value_bytes: 4096, ..Options::default() };
    let body = "x<".repeat(200_000);
    for doc in [
        format!("{ROOT}<!--{body}--><S>a</S></Objs>"),
        format!("{ROOT}<S N=\"{body}\">a</S></Objs>"),
        format!("{ROOT}<?pi {body}?><S>a</S></Objs>"),
    ] {
        let (_, e) = read_err_with(doc.as_bytes(), opts());
        assert_eq!(e.kind, ErrorKind::ValueTooLarge(4096), "{}", &doc[..120]);
    }
}

#[test]
fn the_reference_scan_is_not_fooled_by_attribute_values() {
    let doc = objs(r#"<Obj RefId="0"/><Ref N="a>b" RefId="0"/><Ref N="RefId" RefId="0"/><S>x</S>"#);
    let plan = mrs_triage::clixml::scan_references(doc.as_bytes()).unwrap();
    assert_eq!(plan.len(), 1);
    let opts = Options { resolve: Resolve::Planned(plan), ..Options::default() };
    let mut reader = Reader::with_options(doc.as_bytes(), opts).unwrap();
    for _ in 0..3 {
        reader.next().unwrap().unwrap();
        assert!(reader.resolve(&RefId::Num(0)).is_some());
    }
}
