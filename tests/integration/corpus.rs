//! The reader on data it did not see written: the genuine Exchange exports
//! (folder in `MRS_TRIAGE_CORPUS`) and the edge-case corpus with PowerShell's
//! outcomes (`MRS_TRIAGE_EDGE_CORPUS`, the `clixml-edge` folder). `.ci/run`
//! sets both; when a variable is set, a missing or empty folder or any file
//! that reads wrongly fails the test. Unset, the tests print a note and pass,
//! so local runs need no corpus.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mrs_triage::clixml::json;
use mrs_triage::clixml::{
    Base, Error, ErrorKind, IntTag, Name, Object, Options, Property, Reader, RefId, TextTag,
    UIntTag, Value,
};

/// The folder named by `var`, or `None` (with a note) when it is unset.
fn corpus_dir(var: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os(var) else {
        eprintln!("note: {var} is not set; skipping this corpus (.ci/run sets it)");
        return None;
    };
    let dir = PathBuf::from(dir);
    assert!(dir.is_dir(), "{var}={} is not a folder", dir.display());
    Some(dir)
}

/// Reads a file to its end: the values before the first error, and the error.
fn read_file(path: &Path, opts: Options) -> (Vec<Value>, Option<Error>) {
    let file = std::fs::File::open(path)
        .unwrap_or_else(|e| panic!("{}: cannot open: {e}", path.display()));
    let reader = match Reader::with_options(file, opts) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut values = Vec::new();
    for v in reader {
        match v {
            Ok(v) => values.push(v),
            Err(e) => return (values, Some(e)),
        }
    }
    (values, None)
}

/// The text of a file in any of the encodings Export-Clixml writes, decoded
/// here without the reader so that the reader is not checked against itself.
fn file_text(bytes: &[u8]) -> String {
    let units = |b: &[u8], le: bool| -> String {
        let u: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }
            })
            .collect();
        String::from_utf16_lossy(&u)
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => units(rest, true),
        [0xFE, 0xFF, rest @ ..] => units(rest, false),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Whether a document's root has no children: `<Objs … />` or `<Objs …></Objs>`.
fn is_empty_objs(text: &str) -> bool {
    let Some(start) = text.find("<Objs") else { return false };
    let Some(end) = text[start..].find('>') else { return false };
    let tag = &text[start..start + end];
    tag.ends_with('/') || text[start + end + 1..].trim() == "</Objs>"
}

#[test]
fn every_genuine_exchange_export_reads() {
    let Some(dir) = corpus_dir("MRS_TRIAGE_CORPUS") else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "MRS_TRIAGE_CORPUS={} holds no .xml file", dir.display());

    let mut failures = Vec::new();
    let (mut values, mut empty) = (0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let (got, err) = read_file(path, Options::default());
        if let Some(e) = err {
            failures.push(format!("{name}: {e}"));
        } else if got.is_empty() {
            if is_empty_objs(&file_text(&std::fs::read(path).unwrap())) {
                empty += 1;
            } else {
                failures.push(format!("{name}: no value read from a non-empty <Objs>"));
            }
        }
        values += got.len();
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("read {} files ({empty} empty), {values} top-level values", files.len());
}

#[test]
fn empty_objs_detection() {
    assert!(is_empty_objs("<Objs Version=\"1.1.0.1\" xmlns=\"x\" />"));
    assert!(is_empty_objs("<Objs Version=\"1.1.0.1\">\r\n</Objs>"));
    assert!(!is_empty_objs("<Objs>\n  <S>Server</S>\n</Objs>"));
    assert!(!is_empty_objs("<Foo/>"));
}

// ---------------------------------------------------------------------------
// The edge corpus.

fn s(text: &str) -> Value {
    Value::Text(TextTag::S, text.to_string())
}

fn json(value: &Value) -> String {
    let mut out = Vec::new();
    json::write_value(&mut out, value).unwrap();
    String::from_utf8(out).unwrap()
}

/// Reads an edge-corpus file that must be valid.
#[track_caller]
fn valid(dir: &Path, name: &str) -> Vec<Value> {
    let (values, err) = read_file(&dir.join(name), Options::default());
    if let Some(e) = err {
        panic!("{name}: {e}");
    }
    values
}

/// Reads an edge-corpus file that must fail, checking the error exactly.
#[track_caller]
fn invalid(
    dir: &Path,
    name: &str,
    opts: Options,
    kind: ErrorKind,
    (line, column, offset): (u64, u64, u64),
) -> Vec<Value> {
    let (values, err) = read_file(&dir.join(name), opts);
    let Some(e) = err else { panic!("{name}: read without error: {values:?}") };
    assert_eq!(e.kind, kind, "{name}: {e}");
    assert_eq!(
        (e.position.line, e.position.column, e.position.offset),
        (Some(line), Some(column), offset),
        "{name}: position of {e}"
    );
    values
}

#[test]
fn edge_corpus_invalid_files_fail_as_powershell_does() {
    let Some(dir) = corpus_dir("MRS_TRIAGE_EDGE_CORPUS") else { return };
    let dir = dir.join("synthetic/invalid");
    let bad = |tag: &'static str, text: &str| ErrorKind::InvalidValue { tag, text: text.into() };
    let d = Options::default;

    // `before` is delivered, then the Ref on line 3 fails.
    let v =
        invalid(&dir, "ref-undefined.clixml", d(), ErrorKind::UnknownRef("5".into()), (3, 3, 99));
    assert_eq!(v, [s("before")]);
    // The element on line 2, after two spaces: byte 81 + 2.
    invalid(&dir, "bool-capitalised.clixml", d(), bad("B", "True"), (2, 3, 83));
    invalid(&dir, "decimal-exponent.clixml", d(), bad("D", "1E+5"), (2, 3, 83));
    invalid(&dir, "unsigned-negative.clixml", d(), bad("U32", "-1"), (2, 3, 83));
    invalid(
        &dir,
        "version-major-2.clixml",
        d(),
        ErrorKind::UnsupportedVersion("2.0".into()),
        (1, 1, 0),
    );
    // `<En>` on line 8, column 7.
    invalid(
        &dir,
        "dict-null-key.clixml",
        d(),
        ErrorKind::InvalidEntry("the key is null"),
        (8, 7, 213),
    );
    // .NET's limit is 50 levels: the 50th element below `<Objs>` is the `<MS>`
    // of the object with RefId 24 (elements alternate Obj, MS from RefId 0).
    let text = std::fs::read_to_string(dir.join("too-deep-60.clixml")).unwrap();
    let at = (text.find("RefId=\"24\"><MS>").unwrap() + "RefId=\"24\">".len()) as u64;
    assert_eq!(at, 806);
    let net = Options { max_depth: 50, ..Options::default() };
    invalid(&dir, "too-deep-60.clixml", net, ErrorKind::TooDeep(50), (1, at + 1, at));
    // Our default limit (256) is more lenient than .NET's.
    assert_eq!(valid(&dir, "too-deep-60.clixml").len(), 1);
    // The file ends on line 9 after `      <S N="Name">cut off here` (30 chars).
    let v = invalid(&dir, "truncated.clixml", d(), ErrorKind::Truncated, (9, 31, 276));
    assert_eq!(v, [s("complete record")]);

    // Where we are deliberately more lenient than .NET: an unknown element
    // inside an Obj is kept (whatever the version), and the namespace is not
    // required.
    for name in ["unknown-tag-v1.1.clixml", "unknown-tag-v1.2-VALID.clixml"] {
        let v = valid(&dir, name);
        let [Value::Obj(o)] = &v[..] else { panic!("{name}: {v:?}") };
        assert_eq!(o.base, Some(Base::Value(s("base"))), "{name}");
        let [Value::Unknown(u)] = &o.unknown[..] else { panic!("{name}: {o:?}") };
        assert_eq!(u.name, "Foo", "{name}");
        assert!(u.text.starts_with("unknown child"), "{name}: {u:?}");
    }
    assert_eq!(valid(&dir, "no-namespace.clixml"), [s("no namespace")]);
}

#[test]
fn edge_corpus_valid_files_read_fully() {
    let Some(dir) = corpus_dir("MRS_TRIAGE_EDGE_CORPUS") else { return };
    // Top-level value counts, from the files' contents.
    for (name, count) in [
        ("synthetic/primitives.clixml", 59),
        ("synthetic/primitives.utf16le-bom-crlf.clixml", 59),
        ("synthetic/primitives.utf8-bom-crlf.clixml", 59),
        ("synthetic/objects.clixml", 12),
        ("synthetic/stream-output.clixml", 5),
        ("synthetic/edge-decoding.clixml", 30),
        ("upstream/powershell-corruptedcim.clixml", 1),
        ("upstream/powershell-hashtable-dupkeys.clixml", 1),
        ("upstream/powershell-ordereddict-case-dupkeys.clixml", 1),
        ("upstream/powershell-ordereddict-dupkeys.clixml", 1),
        ("upstream/pypsrp-stderr-no-errors.clixml", 2),
        ("upstream/pypsrp-stderr-with-error.clixml", 10),
    ] {
        assert_eq!(valid(&dir, name).len(), count, "{name}");
    }

    // The three encodings of the primitives read identically (compared as
    // JSON, since NaN is not equal to itself).
    let dumped = |name: &str| valid(&dir, name).iter().map(json).collect::<Vec<_>>();
    let utf8 = dumped("synthetic/primitives.clixml");
    assert_eq!(dumped("synthetic/primitives.utf16le-bom-crlf.clixml"), utf8);
    assert_eq!(dumped("synthetic/primitives.utf8-bom-crlf.clixml"), utf8);

    // Dictionaries keep every entry, duplicates and order included, as PowerShell does.
    for (name, keys) in [
        (
            "upstream/powershell-hashtable-dupkeys.clixml",
            ["Larry", "Moe", "Curly", "Larry", "Moe", "Curly"],
        ),
        (
            "upstream/powershell-ordereddict-case-dupkeys.clixml",
            ["Larry", "Moe", "Curly", "larry", "moe", "curly"],
        ),
    ] {
        let v = valid(&dir, name);
        let Some(Base::Entries(entries)) = &v[0].as_object().unwrap().base else {
            panic!("{name}")
        };
        let got: Vec<&str> = entries.iter().map(|(k, _)| k.as_str().unwrap()).collect();
        assert_eq!(got, keys, "{name}");
    }

    // The `-OutputFormat xml` stream: the `#< CLIXML` line is skipped and
    // the `S` stream attribute does not disturb the values.
    assert_eq!(
        valid(&dir, "synthetic/stream-output.clixml"),
        [
            s("Something failed\r\n"),
            s("At line:1 char:1\r\n"),
            s("verbose text"),
            s("careful"),
            Value::Int(IntTag::I32, 7),
        ]
    );
    let v = valid(&dir, "upstream/pypsrp-stderr-with-error.clixml");
    let record = v[0].as_object().unwrap().get("Record").unwrap();
    let Value::Progress(fields) = record else { panic!("{record:?}") };
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Activity",
            "ActivityId",
            "CurrentOperation",
            "ParentActivityId",
            "PercentComplete",
            "RecordType",
            "SecondsRemaining",
            "StatusDescription"
        ]
    );
    assert_eq!(fields[0].1, s("Preparing modules for first use."));
    assert_eq!(fields[4].1, Value::Int(IntTag::I32, -1));
    assert_eq!(v[9], s(" \r\n"));
}

#[test]
fn edge_corpus_primitives_decode_as_dotnet_does() {
    let Some(dir) = corpus_dir("MRS_TRIAGE_EDGE_CORPUS") else { return };
    let v = valid(&dir, "synthetic/primitives.clixml");
    let strings: Vec<&str> = v[..15].iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        strings,
        [
            "hello",
            "line1\r\nline2",
            "tab\tend",
            "a & b <c> \"quoted\" 'single'",
            "literal _x0041_ stays",
            "$_xyz and $_.Name",
            "upper _X0041_ too",
            "emoji \u{1F600} end",
            "C1 control \u{85} and DEL \u{7F}",
            "non-ASCII is literal: é ß 中文",
            "lower-case hex \n decodes too",
            "not an escape: _x12_ _xZZZZ_ _x0041 x0041_",
            "   leading and trailing spaces   ",
            "",
            "",
        ]
    );
    assert_eq!(v[15], Value::Text(TextTag::C, "A".into()));
    assert_eq!(v[16], Value::Text(TextTag::C, "\0".into()));
    let text = |tag, t: &str| Value::Text(tag, t.to_string());
    let want = [
        Value::Bool(true),
        Value::Bool(false),
        Value::UInt(UIntTag::By, 255),
        Value::Int(IntTag::SB, -128),
        Value::Int(IntTag::I16, -32768),
        Value::UInt(UIntTag::U16, 65535),
        Value::Int(IntTag::I32, -2147483648),
        Value::UInt(UIntTag::U32, 4294967295),
        Value::Int(IntTag::I64, i64::MIN),
        Value::UInt(UIntTag::U64, u64::MAX),
        Value::Single(f32::MAX),
        Value::Single(1.5),
        Value::Double(0.1),
        Value::Double(1.0),
        Value::Double(1e20),
        Value::Double(5e-324),
        Value::Double(f64::MAX),
        Value::Double(f64::INFINITY),
        Value::Double(f64::NEG_INFINITY),
        Value::Double(f64::NAN),
        Value::Double(-0.0),
        text(TextTag::D, "1.50"),
        text(TextTag::D, "-79228162514264337593543950335"),
        text(TextTag::DT, "2024-03-01T12:34:56.789+01:00"),
        text(TextTag::DT, "2024-03-01T11:34:56.1234567Z"),
        text(TextTag::DT, "2024-03-01T12:34:56"),
        text(TextTag::DT, "0001-01-01T00:00:00"),
        text(TextTag::DT, "9999-12-31T23:59:59.9999999"),
        text(TextTag::TS, "PT0S"),
        text(TextTag::TS, "P1DT2H3M4.5S"),
        text(TextTag::TS, "PT0.0000001S"),
        text(TextTag::TS, "-PT1H30M"),
        text(TextTag::TS, "P10675199DT2H48M5.4775807S"),
        text(TextTag::G, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        text(TextTag::URI, "https://example.com/a?b=c&d=e"),
        text(TextTag::Version, "1.2.3.4"),
        text(TextTag::Version, "7.4"),
        text(TextTag::BA, "AAEC/w=="),
        text(TextTag::BA, ""),
        text(TextTag::SBK, "Get-Process | Where-Object { $_.Id -gt 0 }"),
        text(TextTag::XD, "<root a=\"1\">text</root>"),
        Value::Nil,
    ];
    assert_eq!(v.len(), 17 + want.len());
    for (i, (got, want)) in v[17..].iter().zip(&want).enumerate() {
        // NaN is not equal to itself; -0 must keep its sign.
        let same = match (got, want) {
            (Value::Double(a), Value::Double(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            _ => got == want,
        };
        assert!(same, "value #{}: {got:?}, want {want:?}", i + 17);
    }
}

#[test]
fn edge_corpus_decoding_matches_the_dotnet_comments() {
    let Some(dir) = corpus_dir("MRS_TRIAGE_EDGE_CORPUS") else { return };
    let v = valid(&dir, "synthetic/edge-decoding.clixml");
    // Cases 01–16: the string each comment says .NET produces.
    let strings: Vec<&str> = v[..16].iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        strings,
        [
            "\n",
            "\u{1F600}",
            "_x00110000_",
            "_x+041_",
            "_x005F_",
            "_",
            "AB",
            "Ax0042_",
            "_A",
            "AA&<>\"'",
            "\n",
            "\u{1F600}",
            "<raw> & A",
            "   ",
            "ab",
            "x\ny",
        ]
    );
    // 17–20: numbers and booleans.
    assert_eq!(v[16], Value::Int(IntTag::I32, 42));
    assert_eq!(v[17], Value::Int(IntTag::I64, 42));
    assert_eq!(v[18], Value::Bool(true));
    assert_eq!(v[19], Value::Bool(false));
    assert_eq!(v[20], Value::Double(100000.0));
    assert_eq!(v[21], Value::Double(0.5));
    // 21–23: dates and durations are kept as the text written (the reader
    // does not convert them), so they only need to be accepted.
    assert_eq!(v[22], Value::Text(TextTag::DT, "2024-01-01".into()));
    assert_eq!(v[23], Value::Text(TextTag::TS, "P1Y2M".into()));
    assert_eq!(v[24], Value::Text(TextTag::TS, "PT1.123456789S".into()));
    // 24: single quotes, `_x`-decoded property name "a b".
    let o = v[25].as_object().unwrap();
    assert_eq!(o.members, [Property { name: Name::from("a b"), value: s("v") }]);
    // 25: spaces around `=`.
    let demo: Arc<[String]> = vec!["Demo.Type".to_string()].into();
    assert_eq!(
        *v[26].as_object().unwrap(),
        Object { id: Some(RefId::Num(1)), types: demo.clone(), ..Object::default() }
    );
    // 26: an Obj whose base is another Obj.
    let inner = Object {
        id: Some(RefId::Num(3)),
        types: demo.clone(),
        props: vec![Property { name: Name::from("Inner"), value: s("yes") }],
        ..Object::default()
    };
    assert_eq!(
        *v[27].as_object().unwrap(),
        Object {
            id: Some(RefId::Num(2)),
            types: demo,
            base: Some(Base::Value(Value::Obj(Arc::new(inner)))),
            ..Object::default()
        }
    );
    // 27: a spec-style string id, referenced exactly.
    let o = v[28].as_object().unwrap();
    assert_eq!(o.id, Some(RefId::Text("RefId-9".into())));
    assert_eq!(o.base, Some(Base::Value(s("spec-style id"))));
    assert_eq!(v[29], Value::Ref(RefId::Text("RefId-9".into())));
    assert!(o.unknown.is_empty() && !v.iter().any(|x| matches!(x, Value::Unknown(_))));
}
