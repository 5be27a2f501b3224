//! Hostile and broken inputs (issue 15), each given to the binary beside a
//! good export in the same run: the outcome is exact (exit status, the error
//! line with its file, line, column and byte offset), the good export is still
//! read and appears in the output, and the run neither panics, nor hangs (a
//! deadline kills it), nor takes more memory than the bound each test states
//! (the peak resident memory of that one process, from `wait4`).
//!
//! Large cases are generated here rather than committed.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::bounded::{Outcome, run};
use crate::util::{ROOT, sample, utf16};

/// What any run here may take at most: the debug binary reading a small
/// input and the healthy sample beside it peaks at about 131 MiB (its
/// thread pools and allocator arenas, measured on Linux).
const SMALL_RUN_MIB: u64 = 192;

/// A deadline no case comes near (they take well under a second each in a
/// debug build); a run past it is a hang.
const DEADLINE: Duration = Duration::from_secs(60);

/// A case folder with the healthy sample as `good.xml`.
fn case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("healthy.xml"), dir.path().join("good.xml")).unwrap();
    dir
}

/// `summary --format json` over `inputs` (each followed by nothing else), in
/// `dir`.
fn summary(dir: &Path, inputs: &[&str], extra: &[&str]) -> (Outcome, Value) {
    let mut args = vec!["summary", "-q", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(inputs);
    let out = run(dir, &args, DEADLINE);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: no JSON ({e}); stderr: {}", out.stderr));
    (out, doc)
}

/// The healthy sample was read completely in this run, as input `index`.
#[track_caller]
fn good_input_read(doc: &Value, index: usize) {
    let input = &doc["inputs"][index];
    assert_eq!(input["path"], "good.xml", "{input}");
    assert_eq!(input["error"], Value::Null, "{input}");
    assert_eq!(input["mailboxes"], 1, "{input}");
    let mailboxes = doc["mailboxes"].as_array().unwrap();
    assert!(mailboxes.iter().any(|m| m["input"] == "good.xml"), "the good export is summarised");
}

/// The stderr lines of a run.
fn lines(out: &Outcome) -> Vec<&str> {
    out.stderr.lines().collect()
}

/// Line and column (1-based, in characters) of byte `offset` of `text`.
fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

#[track_caller]
fn bounded(out: &Outcome, mib: u64) {
    assert!(out.peak_mib() <= mib, "peak {} MiB, bound {mib} MiB", out.peak_mib());
}

/// The healthy sample cut at 61 offsets spread over the file (and at 1, 2
/// and one byte short of its end), all given in one run with the whole file:
/// every cut reports the truncation at its exact end, with the line and
/// column of that byte, in input order; the whole file is summarised.
#[test]
fn truncated_files_at_many_offsets() {
    let dir = case();
    let d = dir.path();
    let full = std::fs::read(d.join("good.xml")).unwrap();
    let mut cuts: Vec<usize> = (0..60).map(|i| 1 + i * (full.len() - 2) / 60).collect();
    cuts.extend([2, full.len() - 1]);
    cuts.sort_unstable();
    cuts.dedup();
    let names: Vec<String> = cuts.iter().map(|k| format!("cut-{k:06}.xml")).collect();
    for (k, name) in cuts.iter().zip(&names) {
        std::fs::write(d.join(name), &full[..*k]).unwrap();
    }
    let mut inputs: Vec<&str> = names.iter().map(String::as_str).collect();
    inputs.push("good.xml");
    let (out, doc) = summary(d, &inputs, &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    let errors = lines(&out);
    assert_eq!(errors.len(), cuts.len(), "one error per cut file: {}", out.stderr);
    // Each error names its file and a byte at or before the cut, with that
    // byte's own line and column: where the export stops making sense.
    for ((k, name), line) in cuts.iter().zip(&names).zip(&errors) {
        let prefix = format!("mrs-triage: {name}:");
        let rest = line.strip_prefix(&prefix).unwrap_or_else(|| panic!("{line}"));
        let byte: usize = rest
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once("(byte "))
            .map(|(_, n)| n.parse().unwrap())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(byte <= *k, "{line}: after the cut at {k}");
        let (l, c) = line_col(&full, byte);
        assert_eq!(
            rest,
            format!("{l}:{c}: unexpected end of file (the export is truncated) (byte {byte})"),
            "cut at {k}"
        );
    }
    good_input_read(&doc, cuts.len());
    bounded(&out, SMALL_RUN_MIB);
}

/// Invalid UTF-8 in a file that says it is UTF-8 (a byte order mark) is an
/// error at the byte; without a BOM or declaration it is what
/// `Export-Clixml -Encoding Default` writes, read as Windows-1252 with a note.
#[test]
fn invalid_utf8() {
    let dir = case();
    let d = dir.path();
    let body = format!("{ROOT}\n  <S>caf");
    let mut bad = b"\xef\xbb\xbf".to_vec();
    bad.extend_from_slice(body.as_bytes());
    bad.extend_from_slice(b"\xc3\x28</S>\n</Objs>");
    std::fs::write(d.join("bom.xml"), &bad).unwrap();
    let mut ansi = body.into_bytes();
    ansi.extend_from_slice(b"\xe9</S>\n</Objs>");
    std::fs::write(d.join("ansi.xml"), &ansi).unwrap();
    let (out, doc) = summary(d, &["bom.xml", "ansi.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert_eq!(lines(&out), ["mrs-triage: bom.xml:2:9: invalid UTF-8 (byte 92)"]);
    assert_eq!(doc["inputs"][0]["error"].as_str().unwrap(), "2:9: invalid UTF-8");
    assert_eq!(doc["inputs"][1]["error"], Value::Null);
    assert!(doc["inputs"][1]["note"].as_str().unwrap().contains("Windows-1252"));
    good_input_read(&doc, 2);
    bounded(&out, SMALL_RUN_MIB);
}

/// UTF-16 with a lone surrogate, and UTF-16 of an odd byte count (one byte
/// too many; one byte short): each an error at the code unit, the others
/// read.
#[test]
fn invalid_utf16() {
    let dir = case();
    let d = dir.path();
    let text = format!("{ROOT}\n  <S>ab</S>\n</Objs>\n");
    let good = utf16(&text, true, true);
    let at = good.len() - utf16("ab</S>\n</Objs>\n", true, false).len();
    let mut lone = good.clone();
    lone[at..at + 2].copy_from_slice(&[0x00, 0xD8]);
    std::fs::write(d.join("lone.xml"), &lone).unwrap();
    let mut long = good.clone();
    long.push(0x41);
    std::fs::write(d.join("long.xml"), &long).unwrap();
    std::fs::write(d.join("short.xml"), &good[..good.len() - 1]).unwrap();
    let (out, doc) = summary(d, &["lone.xml", "long.xml", "short.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        [
            // Offsets count the UTF-16 bytes, the byte order mark included.
            "mrs-triage: lone.xml:2:6: invalid UTF-16 (byte 174)",
            "mrs-triage: long.xml:4:1: invalid UTF-16 (byte 204)",
            "mrs-triage: short.xml:3:8: invalid UTF-16 (byte 202)",
        ]
    );
    good_input_read(&doc, 3);
    bounded(&out, SMALL_RUN_MIB);
}

/// A DOCTYPE that would expand to 10^9 `lol`s is refused where it starts;
/// nothing is expanded (memory stays at the small-run bound).
#[test]
fn billion_laughs() {
    let dir = case();
    let d = dir.path();
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "&lol;".to_string() } else { format!("&lol{};", i - 1) };
        doc.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", prev.repeat(10)));
    }
    doc.push_str(&format!("]>\n{ROOT}\n  <S>&lol9;</S>\n</Objs>\n"));
    std::fs::write(d.join("laughs.xml"), &doc).unwrap();
    let (out, json) = summary(d, &["laughs.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        ["mrs-triage: laughs.xml:2:1: DOCTYPE declarations are not allowed in CLIXML (byte 22)"]
    );
    good_input_read(&json, 1);
    bounded(&out, SMALL_RUN_MIB);
}

/// Writes `deep.xml`: 100,000 `Obj`s, each holding the next in its `LST`.
fn write_deep(d: &Path) {
    let n = 100_000;
    let text =
        format!("{ROOT}\n  {}{}\n</Objs>\n", "<Obj><LST>".repeat(n), "</LST></Obj>".repeat(n));
    std::fs::write(d.join("deep.xml"), text).unwrap();
}

/// 100,000 nested `Obj`s stop at the depth limit (256 by default), at the
/// element that goes one level too deep (above the limit: the next test).
#[test]
fn hundred_thousand_nested_objects() {
    let dir = case();
    let d = dir.path();
    write_deep(d);
    let (out, doc) = summary(d, &["deep.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    // The root is level 1, so the 128th Obj opens level 256's LST.
    let offset = ROOT.len() + 3 + 127 * 10 + 5;
    assert_eq!(
        lines(&out),
        [format!(
            "mrs-triage: deep.xml:2:{}: values nested deeper than 256 levels (byte {offset})",
            offset - ROOT.len()
        )]
    );
    good_input_read(&doc, 1);
    bounded(&out, SMALL_RUN_MIB);
}

/// The depth limit cannot be raised to where the recursive walks over a
/// value would overflow a thread's stack (100,000 nested `Obj`s took the run
/// down with `--max-depth 300000`): above 2048 it is a usage error, and at
/// 2048 the 100,000 nested `Obj`s stop at the limit like at the default.
#[test]
fn the_depth_limit_has_a_ceiling_below_the_stack() {
    let dir = case();
    let d = dir.path();
    write_deep(d);
    let args = ["summary", "-q", "--format", "json", "--max-depth", "300000", "deep.xml"];
    let out = run(d, &args, DEADLINE);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("300000 is not in 1..=2048"), "{}", out.stderr);
    let (out, doc) = summary(d, &["deep.xml", "good.xml"], &["--max-depth", "2048"]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert!(out.stderr.contains("values nested deeper than 2048 levels"), "{}", out.stderr);
    good_input_read(&doc, 1);
    // 1,023 objects nested at the ceiling are read and summarised, not only refused.
    let n = 1023;
    let text =
        format!("{ROOT}\n  {}{}\n</Objs>\n", "<Obj><LST>".repeat(n), "</LST></Obj>".repeat(n));
    std::fs::write(d.join("deep.xml"), text).unwrap();
    let (out, doc) = summary(d, &["deep.xml", "good.xml"], &["--max-depth", "2048"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(doc["inputs"][0]["error"], Value::Null);
    assert_eq!(doc["inputs"][0]["objects"], 1);
    good_input_read(&doc, 1);
    bounded(&out, SMALL_RUN_MIB);
}

/// A `Ref` to an id never defined, a `TNRef` to a type list never defined,
/// and a reference cycle (an object whose property refers to the object
/// itself, and a report whose bad items refer back to the statistics that
/// hold it): the first two are errors at the reference, the cycles are read
/// and summarised without looping.
#[test]
fn unknown_references_and_cycles() {
    let dir = case();
    let d = dir.path();
    let write = |name: &str, body: &str| {
        std::fs::write(d.join(name), format!("{ROOT}\n  {body}\n</Objs>\n")).unwrap();
    };
    write("ref.xml", r#"<Obj RefId="0"><Props><Ref N="x" RefId="7" /></Props></Obj>"#);
    write("tnref.xml", r#"<Obj RefId="0"><TNRef RefId="3" /><Props><S N="x">y</S></Props></Obj>"#);
    write("self.xml", r#"<Obj RefId="0"><Props><Ref N="me" RefId="0" /></Props></Obj>"#);
    write(
        "cycle.xml",
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics</T></TN><Props><S N="Alias">loop</S><S N="Status">Failed</S><Obj N="Report" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveReport</T></TN><Props><Obj N="BadItems" RefId="2"><TN RefId="2"><T>System.Collections.ArrayList</T></TN><LST><Ref RefId="1" /><Ref RefId="0" /><Ref RefId="2" /></LST></Obj><Ref N="Entries" RefId="2" /><Ref N="Owner" RefId="0" /></Props></Obj></Props></Obj>"#,
    );
    let (out, doc) =
        summary(d, &["ref.xml", "tnref.xml", "self.xml", "cycle.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        [
            "mrs-triage: ref.xml:2:25: <Ref RefId=\"7\"> names no earlier object (byte 105)",
            "mrs-triage: tnref.xml:2:18: <TNRef RefId=\"3\"> names no earlier type list (byte 98)",
        ]
    );
    assert_eq!(doc["inputs"][2]["error"], Value::Null);
    assert_eq!(doc["inputs"][3]["error"], Value::Null);
    let looped = doc["mailboxes"].as_array().unwrap().iter().find(|m| m["input"] == "cycle.xml");
    assert!(looped.is_some(), "the cyclic statistics are a mailbox: {doc}");
    good_input_read(&doc, 4);
    bounded(&out, SMALL_RUN_MIB);
}

/// A 10 MiB subject is read (the value limit is 256 MiB) and reaches the
/// item export whole; with `--max-value-size 1000000` it is an error where
/// the text starts to exceed it.
#[test]
fn ten_megabyte_string() {
    let dir = case();
    let d = dir.path();
    let good = std::fs::read_to_string(d.join("good.xml")).unwrap();
    let long = "x".repeat(10 << 20);
    // The healthy sample's first mailbox display name, made 10 MiB long.
    let start = good.find("<S N=\"DisplayName\">").unwrap() + "<S N=\"DisplayName\">".len();
    let end = start + good[start..].find("</S>").unwrap();
    let text = format!("{}{long}{}", &good[..start], &good[end..]);
    std::fs::write(d.join("long.xml"), &text).unwrap();
    let (out, doc) = summary(d, &["long.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let name = doc["mailboxes"][0]["display_name"].as_str().unwrap();
    assert_eq!(name.len(), 10 << 20);
    good_input_read(&doc, 1);
    // The text is held a few times over (value, record, JSON): 10 MiB each.
    bounded(&out, SMALL_RUN_MIB + 8 * 10);

    let (out, doc) = summary(d, &["long.xml", "good.xml"], &["--max-value-size", "1000000"]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    let (l, c) = line_col(text.as_bytes(), start);
    assert_eq!(
        lines(&out),
        [format!(
            "mrs-triage: long.xml:{l}:{c}: a single value is larger than the limit of 1000000 bytes (byte {start})"
        )]
    );
    good_input_read(&doc, 1);
    bounded(&out, SMALL_RUN_MIB);
}

/// One list of 1,000,000 strings: a valid export that holds no move report
/// (said in a note), read with memory proportional to the list.
#[test]
fn million_element_list() {
    let dir = case();
    let d = dir.path();
    let text = format!(
        "{ROOT}\n  <Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.ArrayList</T></TN><LST>{}</LST></Obj>\n</Objs>\n",
        "<S>x</S>".repeat(1_000_000)
    );
    std::fs::write(d.join("list.xml"), &text).unwrap();
    let out = run(d, &["summary", "--format", "json", "list.xml", "good.xml"], DEADLINE);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        ["mrs-triage: list.xml: 1 object of type System.Collections.ArrayList, no move report"]
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    good_input_read(&doc, 1);
    // The list is one value, held whole while it is read: 1,000,000 values
    // of a few dozen bytes.
    bounded(&out, 256);
}

/// A zip bomb among zip inputs: an archive holding a good export, a 16 MiB
/// entry compressed about a thousand times (an export root and whitespace), and an entry whose header
/// claims 1 KiB for 4 MiB. The bomb is refused before a byte of it is
/// decompressed, the lying entry fails at its declared size, and the good
/// entries of both archives and the plain file are read.
#[test]
fn zip_bomb_among_zip_inputs() {
    let dir = case();
    let d = dir.path();
    let good = std::fs::read(d.join("good.xml")).unwrap();
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("bomb.zip")).unwrap());
    z.start_file("a/good.xml", deflated).unwrap();
    z.write_all(&good).unwrap();
    z.start_file("bomb.xml", deflated).unwrap();
    z.write_all(format!("{ROOT}\n").as_bytes()).unwrap();
    // Whitespace: what deflate compresses best (the content never matters,
    // the entry is refused from its declared sizes).
    let chunk = " ".repeat(1 << 16);
    for _ in 0..(16 << 20) / chunk.len() {
        z.write_all(chunk.as_bytes()).unwrap();
    }
    z.write_all(b"</Objs>\n").unwrap();
    z.finish().unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("liar.zip")).unwrap());
    z.start_file("liar.xml", deflated).unwrap();
    z.write_all(format!("{ROOT}\n").as_bytes()).unwrap();
    z.write_all("<S>a</S>".repeat(1 << 19).as_bytes()).unwrap();
    z.write_all(b"</Objs>\n").unwrap();
    z.start_file("b/good.xml", deflated).unwrap();
    z.write_all(&good).unwrap();
    z.finish().unwrap();
    lie_about_size(&d.join("liar.zip"), "liar.xml", 1024);

    let (out, doc) = summary(d, &["bomb.zip", "liar.zip", "good.xml"], &[]);
    let compressed = std::fs::metadata(d.join("bomb.zip")).unwrap().len();
    assert_eq!(out.code, Some(74), "{}", out.stderr);
    let errors = lines(&out);
    assert_eq!(errors.len(), 2, "{}", out.stderr);
    assert!(
        errors[0].starts_with("mrs-triage: bomb.zip!bomb.xml: cannot open: refused as a zip bomb: the entry would expand from ")
            // The root line (81 bytes), 16 MiB of values, `</Objs>\n`.
            && errors[0].ends_with(" to 16,777,305 bytes, more than 200 times (--max-zip-ratio)"),
        "{}",
        errors[0]
    );
    assert_eq!(
        errors[1],
        "mrs-triage: liar.zip!liar.xml: byte 0: read error: File is larger than its declared uncompressed size"
    );
    let paths: Vec<&str> =
        doc["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "bomb.zip!a/good.xml",
            "bomb.zip!bomb.xml",
            "liar.zip!liar.xml",
            "liar.zip!b/good.xml",
            "good.xml"
        ]
    );
    for i in [0, 3] {
        assert_eq!(doc["inputs"][i]["error"], Value::Null);
        assert_eq!(doc["inputs"][i]["mailboxes"], 1);
    }
    good_input_read(&doc, 4);
    assert!(compressed < 1 << 16, "a bomb: {compressed} bytes for 16 MiB");
    bounded(&out, SMALL_RUN_MIB);

    // A higher limit lets the same entry through; it is then read whole.
    let (out, doc) = summary(d, &["bomb.zip"], &["--max-zip-ratio", "2000"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(doc["inputs"][1]["error"], Value::Null);
    assert_eq!(doc["inputs"][1]["objects"], 0);
    bounded(&out, SMALL_RUN_MIB);
}

/// Rewrites the uncompressed size an archive declares for `entry`, in its
/// local header and its central directory (the zip reader takes the
/// central directory's).
fn lie_about_size(path: &Path, entry: &str, size: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let name = entry.as_bytes();
    let mut i = 0;
    while i + 46 < bytes.len() {
        let sig = &bytes[i..i + 4];
        let (size_at, name_len_at, name_at) = match sig {
            [0x50, 0x4b, 0x03, 0x04] => (i + 22, i + 26, i + 30),
            [0x50, 0x4b, 0x01, 0x02] => (i + 24, i + 28, i + 46),
            _ => {
                i += 1;
                continue;
            }
        };
        let len = u16::from_le_bytes([bytes[name_len_at], bytes[name_len_at + 1]]) as usize;
        if bytes.get(name_at..name_at + len) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
        }
        i += 4;
    }
    std::fs::write(path, bytes).unwrap();
}

/// Entries named `../../evil.xml`, `/abs/evil.xml` and `..\..\win.xml`:
/// nothing is extracted, so the names are only labels; each is read as the
/// export it holds and named as written, and no file appears outside.
#[test]
fn zip_entries_with_dot_dot_paths() {
    let dir = case();
    let d = dir.path();
    std::fs::create_dir(d.join("inner")).unwrap();
    let good = std::fs::read(d.join("good.xml")).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("inner/slip.zip")).unwrap());
    let names = ["../../evil.xml", "/abs/evil.xml", "..\\..\\win.xml"];
    for name in names {
        z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&good).unwrap();
    }
    z.finish().unwrap();
    let before: Vec<_> = walk(d);
    let (out, doc) = summary(d, &["inner/slip.zip", "good.xml"], &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let paths: Vec<&str> =
        doc["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "inner/slip.zip!../../evil.xml",
            "inner/slip.zip!/abs/evil.xml",
            "inner/slip.zip!..\\..\\win.xml",
            "good.xml"
        ]
    );
    assert_eq!(doc["totals"]["mailboxes"], 4);
    assert_eq!(walk(d), before, "nothing was written beside the inputs");
    assert!(!Path::new("/abs/evil.xml").exists());
    bounded(&out, SMALL_RUN_MIB);
}

fn walk(d: &Path) -> Vec<std::path::PathBuf> {
    let mut all: Vec<_> =
        walkdir::WalkDir::new(d).into_iter().map(|e| e.unwrap().path().to_path_buf()).collect();
    all.sort();
    all
}

/// An empty file, text that is no XML, an HTML page and binary bytes named
/// `.xml`: each says what it is (no input is taken for a clean run), the
/// good export is read.
#[test]
fn empty_and_not_clixml() {
    let dir = case();
    let d = dir.path();
    std::fs::write(d.join("empty.xml"), b"").unwrap();
    std::fs::write(d.join("hello.xml"), b"hello, this is not an export\n").unwrap();
    std::fs::write(d.join("page.xml"), b"<html><body>hi</body></html>\n").unwrap();
    let binary: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    std::fs::write(d.join("binary.xml"), &binary).unwrap();
    let (out, doc) =
        summary(d, &["empty.xml", "hello.xml", "page.xml", "binary.xml", "good.xml"], &[]);
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        [
            "mrs-triage: empty.xml:1:1: the file is empty: no CLIXML export in it (byte 0)",
            "mrs-triage: hello.xml: not a move report: neither CLIXML nor a text report (no `{time} [{server}] {message}` entry line)",
            "mrs-triage: page.xml:1:1: not a CLIXML document: the root element is <html>, not <Objs> (byte 0)",
            // Not XML, so sniffed as a text report, which it is not either:
            // a data error at the first byte no encoding allows.
            "mrs-triage: binary.xml: byte 216: invalid UTF-16",
        ]
    );
    good_input_read(&doc, 4);
    bounded(&out, SMALL_RUN_MIB);
}
