//! Property tests of the reader: random value trees written as CLIXML (in
//! every encoding) read back equal; arbitrary and mutated bytes never panic.

use std::sync::Arc;

use mrs_triage::clixml::writer::{OutputEncoding, Writer};
use mrs_triage::clixml::{
    Base, IntTag, ListKind, Object, Options, Property, Reader, RefId, TextTag, UIntTag, Value,
};
use proptest::prelude::*;

/// Strings a CLIXML file can carry: anything but U+FFFE/U+FFFF, which
/// Export-Clixml itself cannot write.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _x]{0,12}",
        "\\PC{0,12}",
        any::<String>(),
        Just("_x000D__x000A_ & <tag> \"q\" 'a' _X0041_".to_string()),
        Just("\r\n\t\u{0}\u{85}\u{7f} 😀 中文".to_string()),
    ]
    .prop_map(|s| s.replace(['\u{FFFE}', '\u{FFFF}'], ""))
}

fn raw_text() -> impl Strategy<Value = String> {
    "[ -~]{0,16}"
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<i8>().prop_map(|n| Value::Int(IntTag::SB, n.into())),
        any::<i16>().prop_map(|n| Value::Int(IntTag::I16, n.into())),
        any::<i32>().prop_map(|n| Value::Int(IntTag::I32, n.into())),
        any::<i64>().prop_map(|n| Value::Int(IntTag::I64, n)),
        any::<u8>().prop_map(|n| Value::UInt(UIntTag::By, n.into())),
        any::<u16>().prop_map(|n| Value::UInt(UIntTag::U16, n.into())),
        any::<u32>().prop_map(|n| Value::UInt(UIntTag::U32, n.into())),
        any::<u64>().prop_map(|n| Value::UInt(UIntTag::U64, n)),
        any::<f32>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(Value::Single),
        any::<f64>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(Value::Double),
        prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-0.0), Just(5e-324)]
            .prop_map(Value::Double),
        text().prop_map(|s| Value::Text(TextTag::S, s)),
        text().prop_map(|s| Value::Text(TextTag::SBK, s)),
        text().prop_map(|s| Value::Text(TextTag::XD, s)),
        text().prop_map(|s| Value::Text(TextTag::URI, s)),
        any::<char>()
            .prop_filter("a C is one UTF-16 unit", |c| (*c as u32) < 0xFFFE)
            .prop_map(|c| Value::Text(TextTag::C, c.to_string())),
        raw_text().prop_map(|s| Value::Text(TextTag::DT, s)),
        raw_text().prop_map(|s| Value::Text(TextTag::TS, s)),
        raw_text().prop_map(|s| Value::Text(TextTag::G, s)),
        raw_text().prop_map(|s| Value::Text(TextTag::Version, s)),
        raw_text().prop_map(|s| Value::Text(TextTag::BA, s)),
        raw_text().prop_map(|s| Value::Text(TextTag::SS, s)),
        "-?[0-9]{1,12}(\\.[0-9]{1,6})?".prop_map(|s| Value::Text(TextTag::D, s)),
    ]
}

fn props(inner: impl Strategy<Value = Value> + Clone) -> impl Strategy<Value = Vec<Property>> {
    prop::collection::vec(
        (text(), inner).prop_map(|(name, value)| Property { name: name.into(), value }),
        0..4,
    )
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        let key = inner.clone().prop_filter("a dictionary key is never null", |k| *k != Value::Nil);
        let base = prop_oneof![
            inner.clone().prop_map(Base::Value),
            (
                prop_oneof![
                    Just(ListKind::List),
                    Just(ListKind::Enumerable),
                    Just(ListKind::Queue),
                    Just(ListKind::Stack)
                ],
                prop::collection::vec(inner.clone(), 0..5)
            )
                .prop_map(|(k, items)| Base::Items(k, items)),
            prop::collection::vec((key, inner.clone()), 0..4).prop_map(Base::Entries),
        ];
        let member = prop_oneof![
            3 => inner.clone(),
            1 => props(inner.clone()).prop_map(Value::MemberSet),
        ];
        (
            prop::collection::vec(text(), 0..3),
            prop::option::of(text()),
            prop::option::of(base),
            props(inner.clone()),
            props(member),
        )
            .prop_map(|(types, to_string, base, props, members)| {
                Value::Obj(Arc::new(Object {
                    id: None,
                    types: types.into(),
                    to_string,
                    base,
                    props,
                    members,
                    unknown: Vec::new(),
                }))
            })
    })
}

/// Numbers every object in document order, as PowerShell does, and turns
/// some `Nil`s into references to objects already started (earlier ones and
/// enclosing ones: cycles).
fn number_and_link(v: &mut Value, next: &mut u64, started: &mut Vec<u64>, pick: &mut u64) {
    match v {
        Value::Obj(o) => {
            let o = Arc::make_mut(o);
            o.id = Some(RefId::Num(*next));
            started.push(*next);
            *next += 1;
            if let Some(b) = &mut o.base {
                match b {
                    Base::Value(x) => number_and_link(x, next, started, pick),
                    Base::Items(_, items) => {
                        items.iter_mut().for_each(|x| number_and_link(x, next, started, pick))
                    }
                    Base::Entries(e) => e.iter_mut().for_each(|(k, x)| {
                        number_and_link(k, next, started, pick);
                        number_and_link(x, next, started, pick);
                    }),
                }
            }
            for p in o.props.iter_mut().chain(o.members.iter_mut()) {
                number_and_link(&mut p.value, next, started, pick);
            }
        }
        Value::MemberSet(list) => {
            list.iter_mut().for_each(|p| number_and_link(&mut p.value, next, started, pick))
        }
        Value::Nil if !started.is_empty() => {
            *pick = pick.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if pick.is_multiple_of(3) {
                let id = started[(*pick >> 33) as usize % started.len()];
                *v = Value::Ref(RefId::Num(id));
            }
        }
        _ => {}
    }
}

fn write(values: &[Value], enc: OutputEncoding, newline: &'static str) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), enc, newline).unwrap();
    for v in values {
        w.write_value(v).unwrap();
    }
    w.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn written_values_read_back_equal(mut values in prop::collection::vec(value(), 1..5), seed in any::<u64>(),
                                      enc in prop_oneof![Just(OutputEncoding::Utf8), Just(OutputEncoding::Utf8Bom), Just(OutputEncoding::Utf16LeBom)],
                                      crlf in any::<bool>()) {
        let (mut next, mut started, mut pick) = (0, Vec::new(), seed | 1);
        for v in &mut values {
            number_and_link(v, &mut next, &mut started, &mut pick);
        }
        let bytes = write(&values, enc, if crlf { "\r\n" } else { "\n" });
        let back: Result<Vec<Value>, _> = Reader::new(&bytes[..]).unwrap().collect();
        let back = back.map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&bytes))))?;
        prop_assert_eq!(back, values);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        // Refusing the input up front (e.g. a UTF-32 BOM) is a fine outcome too.
        if let Ok(r) = Reader::with_options(&bytes[..], Options { max_depth: 16, max_value_bytes: 512, ..Options::default() }) {
            for v in r {
                let _ = v;
            }
        }
    }

    #[test]
    fn mutated_documents_never_panic(values in prop::collection::vec(value(), 1..3), cuts in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut bytes = write(&values, OutputEncoding::Utf8, "\n");
        for (at, b) in cuts {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        let opts = Options { resolve: mrs_triage::clixml::Resolve::CurrentValue, ..Options::default() };
        if let Ok(r) = Reader::with_options(&bytes[..], opts) {
            for v in r.flatten() {
                let mut out = Vec::new();
                mrs_triage::clixml::json::write_value(&mut out, &v).unwrap();
            }
        }
    }
}
