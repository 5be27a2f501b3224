//! Conformance on real and edge-case CLIXML: the genuine Exchange exports
//! (folder in `MRS_TRIAGE_CORPUS`, passed by `.ci/run`) and the edge-case
//! corpus (`MRS_TRIAGE_EDGE_CORPUS`) with the outcomes PowerShell gives.
//! When CI names a folder, a missing folder or any failing file fails the test.

use std::path::{Path, PathBuf};

use mrs_triage::clixml::{ErrorKind, Reader, Value};

fn corpus(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(dir.is_dir(), "{var} names {} which is not a folder", dir.display());
            Some(dir)
        }
        None => {
            eprintln!("note: {var} is not set; skipping (CI sets it)");
            None
        }
    }
}

fn read_all(path: &Path) -> (Vec<Value>, Option<mrs_triage::clixml::Error>) {
    let file = std::fs::File::open(path).unwrap();
    let mut values = Vec::new();
    for v in Reader::new(file).unwrap() {
        match v {
            Ok(v) => values.push(v),
            Err(e) => return (values, Some(e)),
        }
    }
    (values, None)
}

#[test]
fn every_genuine_exchange_export_reads_without_error() {
    let Some(dir) = corpus("MRS_TRIAGE_CORPUS") else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "expected the CSS-Exchange corpus, found {} files", files.len());
    let mut failures = Vec::new();
    let mut values = 0;
    for f in &files {
        let (v, err) = read_all(f);
        values += v.len();
        if let Some(e) = err {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert!(values >= 800, "only {values} values in the whole corpus");
    eprintln!("read {} files, {values} top-level values", files.len());
}

fn edge(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[test]
fn edge_corpus_outcomes_match_powershell() {
    let Some(dir) = corpus("MRS_TRIAGE_EDGE_CORPUS") else { return };
    // Files .NET rejects, and the error kind we give.
    type Expect = (&'static str, fn(&ErrorKind) -> bool, usize);
    let rejected: [Expect; 8] = [
        ("synthetic/invalid/ref-undefined.clixml", |k| matches!(k, ErrorKind::UnknownRef(_)), 1),
        (
            "synthetic/invalid/bool-capitalised.clixml",
            |k| matches!(k, ErrorKind::InvalidValue { tag: "B", .. }),
            0,
        ),
        (
            "synthetic/invalid/decimal-exponent.clixml",
            |k| matches!(k, ErrorKind::InvalidValue { tag: "D", .. }),
            0,
        ),
        (
            "synthetic/invalid/unsigned-negative.clixml",
            |k| matches!(k, ErrorKind::InvalidValue { tag: "U32", .. }),
            0,
        ),
        (
            "synthetic/invalid/version-major-2.clixml",
            |k| matches!(k, ErrorKind::UnsupportedVersion(_)),
            0,
        ),
        ("synthetic/invalid/dict-null-key.clixml", |k| matches!(k, ErrorKind::InvalidEntry(_)), 0),
        ("synthetic/invalid/truncated.clixml", |k| matches!(k, ErrorKind::Truncated), 1),
        // 60 levels: PowerShell stops at 50; our limit is 256, so this one reads.
        ("synthetic/invalid/too-deep-60.clixml", |_| false, 1),
    ];
    for (name, kind_ok, values_before) in rejected {
        let (values, err) = read_all(&edge(&dir, name));
        if name.ends_with("too-deep-60.clixml") {
            assert!(err.is_none(), "{name}: {err:?}");
            let deep = mrs_triage::clixml::Options { max_depth: 50, ..Default::default() };
            let e = Reader::with_options(std::fs::File::open(edge(&dir, name)).unwrap(), deep)
                .unwrap()
                .find_map(Result::err)
                .expect("depth 50 rejects it, as PowerShell does");
            assert_eq!(e.kind, ErrorKind::TooDeep(50));
            continue;
        }
        let e = err.unwrap_or_else(|| panic!("{name} must be rejected"));
        assert!(kind_ok(&e.kind), "{name}: {e}");
        assert!(e.position.line.is_some(), "{name}: position {:?}", e.position);
        assert_eq!(values.len(), values_before, "{name}: records before the error are delivered");
    }
    // Accepted on purpose: unknown elements are kept, the namespace is not required.
    for name in [
        "synthetic/invalid/unknown-tag-v1.1.clixml",
        "synthetic/invalid/unknown-tag-v1.2-VALID.clixml",
        "synthetic/invalid/no-namespace.clixml",
    ] {
        let (values, err) = read_all(&edge(&dir, name));
        assert!(err.is_none(), "{name}: {err:?}");
        assert_eq!(values.len(), 1, "{name}");
    }
    let (v, _) = read_all(&edge(&dir, "synthetic/invalid/unknown-tag-v1.2-VALID.clixml"));
    let o = v[0].as_object().unwrap();
    assert_eq!(o.unknown.len(), 1);
    assert!(matches!(&o.unknown[0], Value::Unknown(u) if u.name == "Foo"));

    // Valid files read fully, with the counts the peer matrix lists.
    for (name, count) in [
        ("synthetic/primitives.clixml", 59),
        ("synthetic/primitives.utf16le-bom-crlf.clixml", 59),
        ("synthetic/primitives.utf8-bom-crlf.clixml", 59),
        ("synthetic/objects.clixml", 12),
        ("synthetic/stream-output.clixml", 5),
        ("upstream/powershell-corruptedcim.clixml", 1),
        ("upstream/powershell-hashtable-dupkeys.clixml", 1),
        ("upstream/powershell-ordereddict-case-dupkeys.clixml", 1),
        ("upstream/powershell-ordereddict-dupkeys.clixml", 1),
        ("upstream/pypsrp-stderr-no-errors.clixml", 2),
        ("upstream/pypsrp-stderr-with-error.clixml", 10),
    ] {
        let (values, err) = read_all(&edge(&dir, name));
        assert!(err.is_none(), "{name}: {err:?}");
        assert_eq!(values.len(), count, "{name}");
    }
    // The three encodings of the primitives file give the same values.
    let a = read_all(&edge(&dir, "synthetic/primitives.clixml")).0;
    let b = read_all(&edge(&dir, "synthetic/primitives.utf16le-bom-crlf.clixml")).0;
    let c = read_all(&edge(&dir, "synthetic/primitives.utf8-bom-crlf.clixml")).0;
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(format!("{a:?}"), format!("{c:?}"));
    // Duplicate dictionary keys are all kept, as PowerShell keeps them.
    let (d, _) = read_all(&edge(&dir, "upstream/powershell-hashtable-dupkeys.clixml"));
    match &d[0].as_object().unwrap().base {
        Some(mrs_triage::clixml::Base::Entries(e)) => assert_eq!(e.len(), 6),
        other => panic!("{other:?}"),
    }
}

#[test]
fn edge_decoding_values_match_dotnet() {
    let Some(dir) = corpus("MRS_TRIAGE_EDGE_CORPUS") else { return };
    let (values, err) = read_all(&edge(&dir, "synthetic/edge-decoding.clixml"));
    assert!(err.is_none(), "{err:?}");
    let got: Vec<String> = values
        .iter()
        .map(|v| {
            let mut out = Vec::new();
            mrs_triage::dump::write_value(&mut out, v).unwrap();
            String::from_utf8(out).unwrap()
        })
        .collect();
    // What .NET produces, per the comment above each element in the file
    // (DT and TS are kept as their text by design).
    let want = [
        r#""\n""#,
        r#""😀""#,
        r#""_x00110000_""#,
        r#""_x+041_""#,
        r#""_x005F_""#,
        r#""_""#,
        r#""AB""#,
        r#""Ax0042_""#,
        r#""_A""#,
        r#""AA&<>\"'""#,
        r#""\n""#,
        r#""😀""#,
        r#""<raw> & A""#,
        r#""   ""#,
        r#""ab""#,
        r#""x\ny""#,
        "42",
        "42",
        "true",
        "false",
        "100000.0",
        "0.5",
        r#""2024-01-01""#,
        r#""P1Y2M""#,
        r#""PT1.123456789S""#,
        r#"{"@types":[],"@id":0,"a b":"v"}"#,
        r#"{"@types":["Demo.Type"],"@id":1}"#,
        r#"{"@types":["Demo.Type"],"@id":2,"@value":{"@types":["Demo.Type"],"@id":3,"Inner":"yes"}}"#,
        r#"{"@types":[],"@id":"RefId-9","@value":"spec-style id"}"#,
        r#"{"@ref":"RefId-9"}"#,
    ];
    assert_eq!(got, want);
}
