//! Large files read as parallel segments: the result is the whole-file
//! result, and every input the split cannot handle falls back to it.

use std::path::{Path, PathBuf};

use mrs_triage::clixml::writer::OutputEncoding;
use mrs_triage::output::{Exporter, Stream, summary_json::SummaryJson};
use mrs_triage::pipeline::{Source, TriageOptions, reads_in_segments, triage};
use mrs_triage::synth::samples::{BulkShape, bulk_mailboxes};
use mrs_triage::synth::write_export;

/// Runs `f` on a two-thread pool (segments need more than one thread).
fn on_two_threads<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap().install(f)
}

fn opts(segment_bytes: u64) -> TriageOptions {
    TriageOptions { segment_bytes: Some(segment_bytes), ..TriageOptions::default() }
}

/// The JSON summary of a triage of `path`, and its errors as text.
fn summary(path: &Path, segment_bytes: u64) -> (String, Vec<String>) {
    let triaged =
        on_two_threads(|| triage(&[Source::File(path.into())], &opts(segment_bytes))).unwrap();
    let mut out = Vec::new();
    SummaryJson.export(&triaged.run, &mut Stream(&mut out)).unwrap();
    let errors = triaged.errors.iter().map(|(i, e)| format!("{i}: {e:?}")).collect();
    (String::from_utf8(out).unwrap(), errors)
}

fn segmented(path: &Path, segment_bytes: u64) -> bool {
    on_two_threads(|| reads_in_segments(&Source::File(path.into()), &opts(segment_bytes)))
}

fn export(dir: &Path, name: &str, encoding: OutputEncoding) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    write_export(file, encoding, bulk_mailboxes(12, 15, 7, BulkShape::Mixed)).unwrap();
    path
}

#[test]
fn segments_give_the_whole_file_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "bulk.xml", OutputEncoding::Utf8);
    let whole = summary(&path, 0);
    assert!(whole.0.contains("\"mailboxes\""), "{}", whole.0);
    assert!(whole.1.is_empty());
    let size = std::fs::metadata(&path).unwrap().len();
    // From two segments to one per top-level value (and blocks smaller
    // than a value, whose boundaries coincide).
    // Odd sizes too, so patterns fall across block ends at every alignment.
    let odd = (0..40).map(|i| 701 + 131 * i);
    for segment_bytes in [size / 2 - 1, size / 5, 16 << 10, 4 << 10, 512].into_iter().chain(odd) {
        assert!(segmented(&path, segment_bytes), "split at {segment_bytes} bytes");
        assert_eq!(summary(&path, segment_bytes), whole, "split at {segment_bytes} bytes");
    }
    // Too small to be worth splitting.
    assert!(!segmented(&path, size));
}

#[test]
fn utf16_splits_too_with_or_without_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "le-bom.xml", OutputEncoding::Utf16LeBom);
    let whole = summary(&path, 0);
    for segment_bytes in (0..20).map(|i| 1001 + 257 * i).chain([4 << 10]) {
        assert!(segmented(&path, segment_bytes), "split at {segment_bytes} bytes");
        assert_eq!(summary(&path, segment_bytes), whole, "split at {segment_bytes} bytes");
    }
    // The same text big-endian, and both without the byte order mark.
    let bytes = std::fs::read(&path).unwrap();
    let units: Vec<u16> =
        bytes[2..].chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    let be: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    for (name, data, label) in [
        ("be-bom.xml", [&[0xFE, 0xFF][..], &be].concat(), "utf-16be-bom"),
        ("le.xml", bytes[2..].to_vec(), "utf-16le"),
        ("be.xml", be.clone(), "utf-16be"),
    ] {
        let other = dir.path().join(name);
        std::fs::write(&other, data).unwrap();
        assert!(segmented(&other, 4 << 10), "{name}");
        let (split, errors) = summary(&other, 4 << 10);
        assert!(split.contains(label), "{name}");
        assert_eq!((split, errors), summary(&other, 0), "{name}");
        let same = |s: String| s.replace(name, "le-bom.xml").replace(label, "utf-16le-bom");
        assert_eq!(same(summary(&other, 4 << 10).0), whole.0, "{name}");
    }
}

/// The bytes of a generated export, changed by `edit`, written to a file.
fn edited(dir: &Path, name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let path = export(dir, name, OutputEncoding::Utf8);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = edit(text.clone());
    assert!(changed != text, "the edit changes the file");
    std::fs::write(&path, changed).unwrap();
    path
}

#[test]
fn a_reference_into_an_earlier_value_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), "xref.xml", |text| {
        // The id of the first failure record, referred to from a report
        // entry without one in the last structured mailbox.
        let rec = text.find("FailureRec</T>").unwrap();
        let obj = text[..rec].rfind("<Obj ").unwrap();
        let id_at = obj + text[obj..].find("RefId=\"").unwrap() + 7;
        let id: u64 = text[id_at..id_at + text[id_at..].find('"').unwrap()].parse().unwrap();
        let entry = text.rfind("<Nil N=\"Failure\" />").unwrap();
        let last = text[..entry].rfind("\n  <Obj ").unwrap();
        assert!(last > rec, "a later mailbox");
        let (head, tail) = text.split_at(last);
        let linked = tail.replacen(
            "<Nil N=\"Failure\" />",
            &format!("<Ref N=\"Failure\" RefId=\"{id}\" />"),
            1,
        );
        format!("{head}{linked}")
    });
    assert!(!segmented(&path, 4 << 10));
    let (split, errors) = summary(&path, 4 << 10);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((split, errors), summary(&path, 0));
}

#[test]
fn a_malformed_file_is_reported_as_when_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = edited(dir.path(), "broken.xml", |text| {
        let at = text.len() * 2 / 3;
        let end = at + text[at..].find("</Props>").unwrap();
        format!("{}</Prop>{}", &text[..end], &text[end + 8..])
    });
    assert!(!segmented(&path, 4 << 10));
    let (split, errors) = summary(&path, 4 << 10);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("line"), "{errors:?}");
    assert_eq!((split, errors), summary(&path, 0));
}

/// A generated export with `comment` put before its third value, and, with
/// `use_fake`, its last `TNRef` pointing at id 9000.
fn with_comment(dir: &Path, name: &str, comment: &str, use_fake: bool) -> PathBuf {
    edited(dir, name, |text| {
        let third = text.match_indices("\n  <Obj ").nth(2).unwrap().0 + 1;
        let mut out = format!("{}{comment}\r\n  {}", &text[..third], &text[third..]);
        if use_fake {
            let last = out.rfind("<TNRef RefId=\"").unwrap();
            let end = last + out[last..].find("/>").unwrap();
            out.replace_range(last..end, "<TNRef RefId=\"9000\" ");
        }
        out
    })
}

#[test]
fn look_alikes_in_comments_do_not_mislead_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = "<!--\r\n  <Obj RefId=\"900000\"><I32>1</I32></Obj>\r\n-->";
    let type_list = "<!-- <TN RefId=\"9000\"><T>Fake</T></TN> -->";
    for (name, comment) in [("boundary.xml", boundary), ("types.xml", type_list)] {
        // Harmless to a whole read; a split there (a boundary inside the
        // comment, or a type list no reader defines) is refused.
        let path = with_comment(dir.path(), name, comment, false);
        assert!(!segmented(&path, 4 << 10), "{name}");
        let (split, errors) = summary(&path, 4 << 10);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert_eq!((split, errors), summary(&path, 0), "{name}");
    }
    // A later value using the commented-out type list's id: only the fake
    // definition would satisfy it, so the file is invalid either way.
    let misled = with_comment(dir.path(), "misled.xml", type_list, true);
    assert!(!segmented(&misled, 4 << 10));
    let (split, errors) = summary(&misled, 4 << 10);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("9000"), "{errors:?}");
    assert_eq!((split, errors), summary(&misled, 0));
}
