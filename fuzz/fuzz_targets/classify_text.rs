//! Fuzz target: the classifier's text parsers (`exchange::text`: failures,
//! bad-item texts such as "A corrupted item was encountered: …", principal
//! values, SIDs, folders, report log lines) and the classification over
//! them (`analysis::classify`).
//!
//! The first byte picks a check; the rest is its input:
//! - any text: every field a parser returns is a piece of that text (a
//!   parser may cut, never invent), a failure's type and message rebuild
//!   the text, a SID is SID-shaped, classification is deterministic and
//!   names a principal exactly for principal errors;
//! - round trips: a bad-item text and a principal-values text built from
//!   arbitrary subjects, folders, message classes and values parse back to
//!   exactly those values, alone and inside a report log line.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mrs_triage::analysis::Category;
use mrs_triage::analysis::classify::{categorize, classify};
use mrs_triage::exchange::model::{BadItem, Failure, ItemSource, PrincipalValues};
use mrs_triage::exchange::text;

/// Asserts that every piece a parser returned occurs in the text it read.
fn inside(text: &str, piece: Option<&str>, what: &str) {
    if let Some(p) = piece {
        assert!(text.contains(p), "{what} {p:?} is not in {text:?}");
    }
}

fn any_text(s: &str) {
    let f = text::failure(s);
    match &f.failure_type {
        Some(ty) => assert_eq!(format!("{ty}: {}", f.message.as_deref().unwrap()), s.trim()),
        None => assert_eq!(f.message.as_deref(), Some(s.trim())),
    }

    if let Some(b) = text::bad_item(s) {
        assert_eq!(b.text.as_deref(), Some(s.trim()));
        inside(s, b.folder.as_deref(), "folder");
        inside(s, b.subject.as_deref(), "subject");
        inside(s, b.message_class.as_deref(), "message class");
    }
    inside(s, text::principal_folder(s).as_deref(), "principal folder");
    inside(s, text::data_context_folder(s).as_deref(), "DataContext folder");

    if let Some(sid) = text::find_sid(s) {
        assert!(s.contains(&sid), "SID {sid:?} not in the text");
        assert!(sid.starts_with("S-1-") && !sid.ends_with('-'), "{sid:?}");
        assert!(sid[1..].bytes().all(|b| b.is_ascii_digit() || b == b'-'), "{sid:?}");
    }
    let p = text::principal_values(s);
    for v in [&p.alias, &p.display_name, &p.mailbox_guid, &p.object_guid, &p.legacy_dn, &p.sid] {
        if let Some(v) = v {
            assert!(!v.is_empty(), "an empty principal value");
            inside(s, Some(v.as_str()), "principal value");
        }
    }
    for proxy in &p.proxies {
        assert!(!proxy.is_empty());
        inside(s, Some(proxy.as_str()), "proxy");
    }

    let lines = s.lines().count();
    let entries = text::log_entries(s);
    assert!(entries.len() <= lines, "{} entries from {lines} lines", entries.len());
    for e in &entries {
        assert!(!e.server.is_empty());
        inside(s, Some(e.time.as_str()), "entry time");
        inside(s, Some(e.server.as_str()), "entry server");
        if let Some(b) = text::bad_item_from_log(e) {
            assert_eq!(b.timestamp.as_deref(), Some(e.time.as_str()));
            assert_eq!(b.source, Some(ItemSource::EntryLog));
        }
    }

    // The text as an item's own text, and as its failure's message.
    let failure = Failure { message: Some(s.to_string()), ..Failure::default() };
    for item in [
        BadItem { text: Some(s.to_string()), ..BadItem::default() },
        BadItem { failure: Some(failure), ..text::bad_item(s).unwrap_or_default() },
    ] {
        let c = classify(&item);
        assert_eq!(c.category, categorize(&item));
        assert_eq!(c, classify(&item), "classification is not deterministic");
        let principal = matches!(c.category, Category::SourcePrincipal | Category::TargetPrincipal);
        assert_eq!(c.principal.is_some(), principal, "{c:?}");
        if !principal {
            assert_eq!(c.folder, item.folder, "only principal errors look for a folder");
        }
    }
}

/// A piece of text without line breaks (a log line holds one entry).
fn field(u: &mut Unstructured<'_>) -> Result<String> {
    let s: String = u.arbitrary()?;
    Ok(s.replace(['\r', '\n'], " "))
}

/// `Item (class) Subject:"…", [Size: …, ]Folder:"…"` built and parsed back.
fn bad_item_round_trip(u: &mut Unstructured<'_>) -> Result<()> {
    let (class, subject, folder) = (field(u)?, field(u)?, field(u)?);
    let missing: bool = u.arbitrary()?;
    let size: Option<u64> = if missing { None } else { u.arbitrary()? };
    // What the format cannot carry: the separators it is split at.
    if class.contains(") Subject:\"")
        || subject.contains("\", Size: ")
        // (the folder's closing quote included: one ending in `, Folder:`
        // ends the text with the separator itself)
        || format!("{folder}\"").contains(", Folder:\"")
    {
        return Ok(());
    }
    let prefix = if missing { "Missing Item" } else { "Item" };
    let size_text =
        size.map_or(String::new(), |n| format!("\", Size: {} KB ({} bytes)", n / 1024, grouped(n)));
    let closing = if size.is_some() { "" } else { "\"" };
    let t =
        format!("{prefix} ({class}) Subject:\"{subject}{size_text}{closing}, Folder:\"{folder}\"");
    let want = |b: &BadItem| {
        assert_eq!(
            b.message_class.as_deref(),
            Some(class.as_str()).filter(|c| !c.is_empty()),
            "{t:?}"
        );
        assert_eq!(b.subject.as_deref(), Some(subject.as_str()), "{t:?}");
        assert_eq!(b.folder.as_deref(), Some(folder.as_str()), "{t:?}");
        assert_eq!(b.size, size, "{t:?}");
    };
    let b = text::bad_item(&t).expect("a bad-item text");
    want(&b);
    let kind = match (missing, size) {
        (true, _) => "MissingItem",
        (false, Some(_)) => "LargeItem",
        (false, None) => "CorruptItem",
    };
    assert_eq!(b.kind.as_deref(), Some(kind));
    // The same text as a report log line says.
    let line = format!(
        "5/19/2016 6:33:50 PM [EX1] {}{t}",
        match (missing, size) {
            (true, _) => text::MISSING_PREFIX,
            (false, Some(_)) => text::LARGE_PREFIX,
            (false, None) => text::CORRUPT_PREFIX,
        }
    );
    let entries = text::log_entries(&line);
    assert_eq!(entries.len(), 1, "{line:?}");
    let b = text::bad_item_from_log(&entries[0]).expect("a logged bad item");
    want(&b);
    assert_eq!(b.kind.as_deref(), Some(kind));
    Ok(())
}

/// `1234567` → `1,234,567`, as ByteQuantifiedSize prints it in en-US.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `Alias: …; DisplayName: …; …;.` built from arbitrary values and parsed back.
fn principal_round_trip(u: &mut Unstructured<'_>) -> Result<()> {
    let mut want = PrincipalValues::default();
    let mut pairs = Vec::new();
    for key in ["Alias", "DisplayName", "MailboxGuid", "SID", "ObjectGuid", "LegDN"] {
        if !u.arbitrary::<bool>()? {
            continue;
        }
        let v = field(u)?;
        // A value with a ':' could hold a key; one with space around it is trimmed.
        if v.is_empty() || v.contains(':') || v.trim() != v || v.ends_with(';') {
            return Ok(());
        }
        pairs.push(format!("{key}: {v}"));
        let slot = match key {
            "Alias" => &mut want.alias,
            "DisplayName" => &mut want.display_name,
            "MailboxGuid" => &mut want.mailbox_guid,
            "SID" => &mut want.sid,
            "ObjectGuid" => &mut want.object_guid,
            _ => &mut want.legacy_dn,
        };
        *slot = Some(v);
    }
    let t = format!(
        "Failed to find a principal in the target forest that corresponds to the following \
         source forest principal values: {};.",
        pairs.join("; ")
    );
    let mut got = text::principal_values(&t);
    if want.sid.is_none() {
        // Without the key, the first SID-shaped token anywhere is taken.
        assert_eq!(got.sid, text::find_sid(&t));
        got.sid = None;
    }
    assert_eq!(got, want, "{t:?}");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let mut u = Unstructured::new(rest);
    match mode % 4 {
        0 => {
            let _ = bad_item_round_trip(&mut u);
        }
        1 => {
            let _ = principal_round_trip(&mut u);
        }
        _ => any_text(&String::from_utf8_lossy(rest)),
    }
});
