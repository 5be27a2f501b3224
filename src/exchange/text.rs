//! Parsers for the text forms of report records, used when an export
//! flattened them to strings: `FailureRec` (`Type: message`), `BadMessageRec`
//! (its kind-specific phrases), report entry lines (`{time} [{server}] …`),
//! and the principal values and folder inside principal-mapping messages.

use super::model::{BadItem, Failure, ItemSource, PrincipalValues};

/// Parses `"{FailureType}: {Message}"`. A text with no type-like prefix is a
/// message without a type.
pub fn failure(text: &str) -> Failure {
    let t = text.trim();
    let (ty, msg) = match t.split_once(": ") {
        Some((ty, msg)) if is_type_name(ty) => (Some(ty.to_string()), msg.to_string()),
        _ => (None, t.to_string()),
    };
    Failure { failure_type: ty, message: Some(msg), ..Failure::default() }
}

fn is_type_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 200
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// What a report log line says about a bad item.
pub const CORRUPT_PREFIX: &str = "A corrupted item was encountered: ";
/// Large-item log lines.
pub const LARGE_PREFIX: &str = "A large item was encountered: ";
/// Missing-item log lines.
pub const MISSING_PREFIX: &str = "A missing item was encountered: ";

/// Parses a `BadMessageRec` text (its ToString, or the part of a log line
/// after "A corrupted item was encountered: "). Returns `None` for text that is
/// none of the known shapes.
pub fn bad_item(text: &str) -> Option<BadItem> {
    let t = text.trim().trim_end_matches(['\r', '\n']);
    let mut item = BadItem { text: Some(t.to_string()), ..BadItem::default() };
    if let Some(rest) = t.strip_prefix("Unable to translate principals") {
        // Folder ACL (source side) or mailbox security descriptor (target side).
        if let Some(folder) = principal_folder(rest) {
            item.folder = Some(folder);
            item.kind = Some("CorruptFolderACL".into());
        } else {
            item.kind = Some("CorruptMailboxSecurityDescriptor".into());
        }
        return Some(item);
    }
    let quoted = |prefix: &str| -> Option<String> {
        let rest = t.strip_prefix(prefix)?.strip_prefix('"')?;
        Some(rest.strip_suffix('"').unwrap_or(rest).to_string())
    };
    for (prefix, kind) in [
        ("Folder ACL ", "CorruptFolderACL"),
        ("Folder rule ", "CorruptFolderRule"),
        ("Search folder ", "CorruptSearchFolderCriteria"),
        ("Missing folder ", "MissingFolder"),
        ("Misplaced folder ", "MisplacedFolder"),
        ("Folder property ", "CorruptFolderProperty"),
        ("Corrupt mailbox setting ", "CorruptMailboxSetting"),
    ] {
        if let Some(folder) = quoted(prefix) {
            item.kind = Some(kind.into());
            item.folder = Some(folder);
            return Some(item);
        }
    }
    if let Some(rest) = t.strip_prefix("The following property error occurred for folder \"") {
        item.kind = Some("FolderPropertyMismatch".into());
        item.folder = rest.rsplit_once("\": \"").map(|(f, _)| f.to_string());
        return Some(item);
    }
    let (missing, rest) = match t.strip_prefix("Missing Item (") {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix("Item (")?),
    };
    let (class, rest) = rest.split_once(") Subject:\"")?;
    item.message_class = Some(class.to_string()).filter(|c| !c.is_empty());
    // Subjects and folders may hold quotes: anchor on the last `", Folder:"`.
    let (before_folder, folder) = rest.rsplit_once(", Folder:\"")?;
    item.folder = Some(folder.strip_suffix('"').unwrap_or(folder).to_string());
    if let Some((subject, size)) = before_folder.rsplit_once("\", Size: ") {
        item.subject = Some(subject.to_string());
        item.size = super::access::byte_count(size);
        item.kind = Some("LargeItem".into());
    } else {
        item.subject = Some(before_folder.strip_suffix('"').unwrap_or(before_folder).to_string());
        item.kind = Some(if missing { "MissingItem" } else { "CorruptItem" }.into());
    }
    Some(item)
}

/// The folder of a source-side principal message:
/// `… for folder "X"/"FolderNTSD": …` (typographic quotes accepted too).
pub fn principal_folder(text: &str) -> Option<String> {
    for (open, close) in
        [("for folder \"", "\"/\"FolderNTSD\""), ("for folder “", "”/”FolderNTSD”")]
    {
        if let Some(start) = text.find(open) {
            let rest = &text[start + open.len()..];
            if let Some(end) = rest.rfind(close) {
                return Some(rest[..end].to_string());
            }
            return rest.split_once('"').map(|(f, _)| f.to_string());
        }
    }
    None
}

/// The folder named in a FailureRec DataContext: `Folder: '{path}', entryId [`.
pub fn data_context_folder(text: &str) -> Option<String> {
    let start = text.find("Folder: '")? + "Folder: '".len();
    let rest = &text[start..];
    let end = rest.rfind("', entryId [").or_else(|| rest.find("',"))?;
    Some(rest[..end].to_string())
}

const KEYS: [&str; 7] =
    ["Alias", "DisplayName", "MailboxGuid", "SID", "ObjectGuid", "LegDN", "Proxies"];

/// Parses `Key: value;` principal values. Any key may be absent; values may
/// contain `;` (a display name), so a value runs to the next `; <Key>: `.
pub fn principal_values(text: &str) -> PrincipalValues {
    // Find every `Key: ` at a boundary (start, or after `; `, `: `, newline).
    // One pass over the `: ` separators (this runs on every bad item's text):
    // a mark wherever a key ends right before one.
    let mut marks: Vec<(usize, &str)> = Vec::new();
    let bytes = text.as_bytes();
    for colon in memchr::memchr_iter(b':', bytes) {
        if bytes.get(colon + 1) != Some(&b' ') {
            continue;
        }
        let head = &text[..colon];
        let Some(key) = KEYS.iter().find(|k| head.ends_with(**k)) else {
            continue;
        };
        // Keys are ASCII, so this is a character boundary.
        let at = colon - key.len();
        let before = text[..at].trim_end_matches(' ');
        let boundary = before.is_empty()
            || before.ends_with([';', ':', '\n', ','])
            || before.ends_with("values");
        if boundary {
            marks.push((at, key));
        }
    }
    let mut out = PrincipalValues::default();
    for (n, &(at, key)) in marks.iter().enumerate() {
        let start = at + key.len() + 2;
        let end = marks.get(n + 1).map_or(text.len(), |m| m.0);
        let raw = text[start..end].trim_end();
        let value = if key == "Proxies" {
            raw.trim_end_matches(['.', ';', ' ']).to_string()
        } else {
            // Up to the `;` that ends this pair (the last one before the next key).
            let v = raw.rsplit_once(';').map_or(raw, |(v, _)| v);
            v.trim().to_string()
        };
        if value.is_empty() {
            continue;
        }
        match key {
            "Alias" => out.alias = Some(value),
            "DisplayName" => out.display_name = Some(value),
            "MailboxGuid" => out.mailbox_guid = Some(value),
            "SID" => out.sid = Some(value),
            "ObjectGuid" => out.object_guid = Some(value),
            "LegDN" => out.legacy_dn = Some(value),
            _ => {
                let inner = value.trim_start_matches('[').trim_end_matches([']', ';', ' ']);
                out.proxies = inner
                    .split(';')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
            }
        }
    }
    if out.sid.is_none() {
        out.sid = find_sid(text);
    }
    out
}

/// The first SID-shaped token (`S-1-` followed by dash-separated numbers).
pub fn find_sid(text: &str) -> Option<String> {
    for at in memchr::memmem::find_iter(text.as_bytes(), b"S-1-") {
        let tail: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == 'S')
            .collect();
        let tail = tail.trim_end_matches('-');
        if tail.len() > 6 && tail[2..].bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Some(tail.to_string());
        }
    }
    None
}

/// One line of a report's entry log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The timestamp text as printed (culture-dependent).
    pub time: String,
    /// The MRS server.
    pub server: String,
    /// The message (continuation lines joined with `\n`).
    pub message: String,
}

/// Splits a report's text (`Report.ToString()`, the portal download) into
/// entries: a new entry starts where a line is `{time} [{server}] {message}`.
pub fn log_entries(text: &str) -> Vec<LogEntry> {
    let mut out: Vec<LogEntry> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        match entry_line(line) {
            Some(e) => out.push(e),
            None => {
                if let Some(last) = out.last_mut() {
                    last.message.push('\n');
                    last.message.push_str(line);
                }
            }
        }
    }
    out
}

pub(crate) fn entry_line(line: &str) -> Option<LogEntry> {
    let open = line.find(" [")?;
    let time = &line[..open];
    // A timestamp holds digits and date/time separators only (plus AM/PM).
    let ok_time = time.len() >= 8
        && time.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && time.bytes().filter(u8::is_ascii_digit).count() >= 6
        && time
            .chars()
            .all(|c| c.is_ascii_digit() || " /.:-APMapm".contains(c) || c.is_alphabetic());
    if !ok_time {
        return None;
    }
    let rest = &line[open + 2..];
    let close = rest.find("] ")?;
    let server = &rest[..close];
    if server.is_empty() || server.contains(' ') && !server.contains("MRS") {
        return None;
    }
    Some(LogEntry {
        time: time.to_string(),
        server: server.to_string(),
        message: rest[close + 2..].to_string(),
    })
}

/// The bad item a log entry reports, if it reports one.
pub fn bad_item_from_log(entry: &LogEntry) -> Option<BadItem> {
    let msg = entry.message.as_str();
    let (rest, large, missing) = if let Some(r) = msg.strip_prefix(CORRUPT_PREFIX) {
        (r, false, false)
    } else if let Some(r) = msg.strip_prefix(LARGE_PREFIX) {
        (r, true, false)
    } else if let Some(r) = msg.strip_prefix(MISSING_PREFIX) {
        (r, false, true)
    } else {
        return None;
    };
    let mut item = bad_item(rest)
        .unwrap_or_else(|| BadItem { text: Some(rest.trim().to_string()), ..BadItem::default() });
    if large {
        item.kind = Some("LargeItem".into());
    } else if missing && item.kind.as_deref() != Some("MissingFolder") {
        item.kind = Some("MissingItem".into());
    }
    item.source = Some(ItemSource::EntryLog);
    item.timestamp = Some(entry.time.clone());
    Some(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_text() {
        let f = failure("SourcePrincipalMappingException: Failed to find a principal: x");
        assert_eq!(f.failure_type.as_deref(), Some("SourcePrincipalMappingException"));
        assert_eq!(f.message.as_deref(), Some("Failed to find a principal: x"));
        let f = failure("Something went wrong: badly");
        assert_eq!(f.failure_type, None);
    }

    #[test]
    fn bad_item_shapes() {
        let b = bad_item(r#"Item (IPM.Note) Subject:"Re: "quoted", here", Folder:"Inbox/a"b""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("CorruptItem"));
        assert_eq!(b.subject.as_deref(), Some(r#"Re: "quoted", here"#));
        assert_eq!(b.folder.as_deref(), Some(r#"Inbox/a"b"#));
        assert_eq!(b.message_class.as_deref(), Some("IPM.Note"));

        let b = bad_item(r#"Item (IPM.Note) Subject:"Big", Size: 40.2 MB (42,151,234 bytes), Folder:"Sent Items""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("LargeItem"));
        assert_eq!(b.size, Some(42_151_234));

        let b = bad_item(r#"Missing Item (IPM.Appointment) Subject:"Lunch", Folder:"Calendar""#)
            .unwrap();
        assert_eq!(b.kind.as_deref(), Some("MissingItem"));
        assert_eq!(
            bad_item(r#"Folder ACL "Inbox""#).unwrap().kind.as_deref(),
            Some("CorruptFolderACL")
        );
        assert_eq!(bad_item(r#"Folder rule "Inbox""#).unwrap().folder.as_deref(), Some("Inbox"));
        assert_eq!(
            bad_item(r#"Search folder "Unread""#).unwrap().kind.as_deref(),
            Some("CorruptSearchFolderCriteria")
        );
        assert_eq!(
            bad_item(r#"The following property error occurred for folder "Top": "Property '0x1' has mismatching values""#)
                .unwrap()
                .folder
                .as_deref(),
            Some("Top")
        );
        assert!(bad_item("something else").is_none());
    }

    #[test]
    fn principal_messages() {
        let src = r#"Unable to translate principals for folder "Projects; "Q3" 'plan'"/"FolderNTSD": Failed to find a principal from the source forest."#;
        let b = bad_item(src).unwrap();
        assert_eq!(b.folder.as_deref(), Some(r#"Projects; "Q3" 'plan'"#));
        assert_eq!(b.kind.as_deref(), Some("CorruptFolderACL"));

        let tgt = "Unable to translate principals to the target mailbox: Failed to find a principal in the target forest that corresponds to the following source forest principal values: Alias: jdoe; DisplayName: Doe; John (Sales); MailboxGuid: 0b1c; SID: S-1-5-21-1-2-3-1104; ObjectGuid: 9f8e; LegDN: /o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe; Proxies: [X500:/o=Contoso/cn=jdoe; SMTP:jdoe@contoso.com;];.";
        let p = principal_values(tgt);
        assert_eq!(p.alias.as_deref(), Some("jdoe"));
        assert_eq!(p.display_name.as_deref(), Some("Doe; John (Sales)"));
        assert_eq!(p.sid.as_deref(), Some("S-1-5-21-1-2-3-1104"));
        assert_eq!(p.legacy_dn.as_deref(), Some("/o=Contoso/ou=Exchange/cn=Recipients/cn=jdoe"));
        assert_eq!(p.proxies, ["X500:/o=Contoso/cn=jdoe", "SMTP:jdoe@contoso.com"]);

        let sid_only =
            principal_values("principal values: SID: S-1-5-21-9-9-9-500; ObjectGuid: abc;.");
        assert_eq!(sid_only.sid.as_deref(), Some("S-1-5-21-9-9-9-500"));
        assert_eq!(sid_only.alias, None);
        assert_eq!(sid_only.object_guid.as_deref(), Some("abc"));
    }

    #[test]
    fn data_context_folder_names() {
        let dc = "--------\r\nOperation: IFolder.SetSecurityDescriptor\r\nFolder: 'Top/It's; \"odd\"', entryId [len=46, data=00], parentId [len=46, data=01]\r\nSID: S-1-5-21-1-2-3-4;";
        assert_eq!(data_context_folder(dc).as_deref(), Some("Top/It's; \"odd\""));
    }

    #[test]
    fn log_lines() {
        let text = "11/12/2016 8:44:43 AM [AM6PR04MB5191] A corrupted item was encountered: Folder ACL \"Inbox\"\r\n\
                    10/09/2018 19:04:56 [DB4PR04MB459] Stage: LoadingMessages. Percent complete: 20.\r\n\
                    continuation line\r\n";
        let entries = log_entries(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].server, "AM6PR04MB5191");
        assert_eq!(
            entries[1].message,
            "Stage: LoadingMessages. Percent complete: 20.\ncontinuation line"
        );
        let b = bad_item_from_log(&entries[0]).unwrap();
        assert_eq!(b.kind.as_deref(), Some("CorruptFolderACL"));
        assert_eq!(b.folder.as_deref(), Some("Inbox"));
        assert!(bad_item_from_log(&entries[1]).is_none());
    }
}
