//! Fuzz target: plausible CLIXML built from the fuzzer's bytes (see
//! `mrs_triage_fuzz::generate`), so that mutations explore deep documents.
//! On top of the generic checks, a strict document must be read completely
//! and its top-level primitives must come back exactly as generated.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use mrs_triage_fuzz::generate::{self, Expected};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(doc) = generate::document(&mut u) else { return };
    let outcome = mrs_triage_fuzz::check(&doc.bytes);
    if !doc.strict {
        return;
    }
    let text = || String::from_utf8_lossy(&doc.bytes).into_owned();
    if let Some(e) = &outcome.error {
        panic!("strict document rejected: {e:?} ({e})\n{}", text());
    }
    assert_eq!(outcome.values.len(), doc.top.len(), "top-level value count\n{}", text());
    for (i, (got, want)) in outcome.values.iter().zip(&doc.top).enumerate() {
        let want = match want {
            None => continue,
            Some(Expected::Str(s)) => serde_json::to_vec(s).expect("a string serializes"),
            Some(Expected::Int(n)) => n.to_string().into_bytes(),
            Some(Expected::UInt(n)) => n.to_string().into_bytes(),
            Some(Expected::Bool(b)) => b.to_string().into_bytes(),
            Some(Expected::Nil) => b"null".to_vec(),
        };
        assert_eq!(
            String::from_utf8_lossy(got),
            String::from_utf8_lossy(&want),
            "top-level value {i} read back wrong\n{}",
            text()
        );
    }
});
