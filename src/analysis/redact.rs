//! `--redact`: replaces every personal datum of an analysed mailbox with a
//! keyed token before anything is rolled up, so no output (table, JSON, CSV,
//! Parquet, HTML, script, export) can show one.
//!
//! Tokens keep their kind visible (`mailbox-3f2a…`, `user-9c1d…@contoso.com`,
//! `folder-…`, `subject-…`, `principal-…`, `legdn-…`, `path-…`), are stable
//! within a run (the same text, in any letter case, gives the same token, so
//! principals still group across mailboxes) and unlinkable across runs (a
//! fresh random key each run). SIDs, GUIDs, batch names, enum values and
//! counts stay: support needs them to correlate, and they name nobody.
//! Well-known folder names (Inbox, Sent Items, …) stay too.
//!
//! Free text (failure messages, the move's last message) is kept for its
//! diagnostic value, with every personal value the mailbox's records name
//! replaced by its token, and any e-mail address, legacyExchangeDN or
//! `Alias:`/`DisplayName:` value replaced even where no record names it. The
//! records' raw text forms and DataContexts, which no output shows, are
//! dropped.

use std::collections::BTreeSet;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Captures, Regex};

use super::classify::principal_key;
use super::inputs::InputSummary;
use super::mailbox::MailboxAnalysis;
use crate::exchange::model::PrincipalValues;

/// Folder names Exchange creates in every mailbox, in the languages the
/// reports use most; they say nothing about the owner and stay readable.
const WELL_KNOWN_FOLDERS: &[&str] = &[
    "Top of Information Store",
    "Inbox",
    "Sent Items",
    "Deleted Items",
    "Drafts",
    "Outbox",
    "Junk Email",
    "Calendar",
    "Contacts",
    "Tasks",
    "Notes",
    "Journal",
    "Archive",
    "Conversation History",
    "Sync Issues",
    "Conflicts",
    "Local Failures",
    "Server Failures",
    "Recoverable Items",
    "Deletions",
    "Versions",
    "Purges",
    "DiscoveryHolds",
    "Audits",
    "Calendar Logging",
    "RSS Feeds",
    "Quick Step Settings",
    "Conversation Action Settings",
    "Files",
    "Social Activity Notifications",
    "Yammer Root",
    "Clutter",
    "Scheduled",
];

/// Whether a folder name is one Exchange creates in every mailbox (kept
/// readable by redaction).
pub fn is_well_known_folder(name: &str) -> bool {
    WELL_KNOWN_FOLDERS.iter().any(|w| w.eq_ignore_ascii_case(name))
}

/// A keyed tokeniser for one run.
#[derive(Debug, Default)]
pub struct Redactor {
    key: RandomState,
}

impl Redactor {
    /// A redactor with a fresh random key.
    pub fn new() -> Self {
        Redactor { key: RandomState::new() }
    }

    /// The token for `text` of a kind (`subject`, `folder`, …).
    pub fn token(&self, kind: &str, text: &str) -> String {
        let mut h = self.key.build_hasher();
        kind.hash(&mut h);
        text.to_lowercase().hash(&mut h);
        format!("{kind}-{:016x}", h.finish())
    }

    /// An e-mail address (or UPN) keeps its domain: `user-…@contoso.com`.
    fn address(&self, text: &str) -> String {
        match text.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                format!("{}@{domain}", self.token("user", text))
            }
            _ => self.token("user", text),
        }
    }

    /// A name that may be an address: addresses keep their domain.
    fn name(&self, kind: &str, text: &str) -> String {
        if is_guid(text) {
            text.to_string()
        } else if text.contains('@') && !text.contains(char::is_whitespace) {
            self.address(text)
        } else {
            self.token(kind, text)
        }
    }

    /// A folder path with each component that is not a well-known folder
    /// replaced: `Inbox/folder-…/folder-…`.
    pub fn folder(&self, path: &str) -> String {
        path.split('/')
            .map(|part| {
                if part.is_empty() || is_well_known_folder(part) {
                    part.to_string()
                } else {
                    self.token("folder", part)
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// An input path (a case folder names its files after mailboxes): each
    /// file and folder name becomes a token, extensions and `!` stay.
    pub fn path(&self, path: &str) -> String {
        if path == "-" || path == "." {
            return path.to_string();
        }
        path.split('!')
            .map(|part| {
                let ext = std::path::Path::new(part)
                    .extension()
                    .map(|e| format!(".{}", e.to_string_lossy()))
                    .unwrap_or_default();
                format!("{}{ext}", self.token("path", part))
            })
            .collect::<Vec<_>>()
            .join("!")
    }

    /// Redacts an input's path and folder.
    pub fn input(&self, input: &mut InputSummary) {
        input.path = self.path(&input.path);
        input.folder = self.path(&input.folder);
    }

    /// Redacts one user's line of a batch download (its address, and the
    /// address inside its error message).
    pub fn batch_record(&self, r: &mut crate::exchange::batch_csv::BatchRecord) {
        let mut s = Scrub::new(self);
        r.email = s.value("mailbox", &r.email);
        let s = s.finish();
        if let Some(e) = &mut r.error {
            *e = s.text(e);
        }
    }

    /// Redacts one analysed mailbox in place (after classification, which
    /// needs the real texts, and before the roll-ups).
    pub fn mailbox(&self, a: &mut MailboxAnalysis) {
        let mut s = Scrub::new(self);
        a.input_path = self.path(&a.input_path);
        let m = &mut a.mailbox;
        for v in [&mut m.identity, &mut m.display_name, &mut m.alias].into_iter().flatten() {
            *v = s.value("mailbox", v);
        }
        for b in &mut m.bad_items {
            for (kind, v) in
                [("subject", &mut b.subject), ("user", &mut b.sender), ("user", &mut b.recipient)]
            {
                if let Some(v) = v {
                    *v = s.value(kind, v);
                }
            }
            if let Some(f) = &mut b.folder {
                *f = s.folder(f);
            }
            b.text = None;
        }
        for c in &mut a.classified {
            if let Some(f) = &mut c.folder {
                *f = s.folder(f);
            }
            if let Some(p) = &mut c.principal {
                s.principal(p);
            }
        }
        for p in &mut a.principals {
            s.principal(&mut p.values);
            p.folders = p.folders.iter().map(|f| s.folder(f)).collect();
            p.key = if p.values.sid.is_some() { p.key.clone() } else { principal_key(&p.values) };
        }
        for n in &mut a.facts.largest {
            if let Some(v) = &mut n.subject {
                *v = s.value("subject", v);
            }
            if let Some(f) = &mut n.folder {
                *f = s.folder(f);
            }
        }
        if !a.identities.is_empty() {
            let clear = std::mem::take(&mut a.identities);
            for (mut id, n) in clear {
                id.folder = if id.folder.is_empty() { id.folder } else { s.folder(&id.folder) };
                if let Some(subject) = &id.subject {
                    id.subject = Some(s.value("subject", subject));
                }
                // A SID names nobody; any other key is a name or a LegDN.
                if let Some((_, key)) = &mut id.principal
                    && !key.starts_with("s-1-")
                {
                    *key = s.value("principal", key);
                }
                *a.identities.entry(id).or_insert(0) += n;
            }
        }
        for set in a.facts.folders.values_mut() {
            *set = set.iter().map(|f| s.folder(f)).collect::<BTreeSet<_>>();
        }
        m.unrecognised.clear();
        // Free text last, once every value it may quote is known.
        let s = s.finish();
        if let Some(msg) = &mut m.message {
            *msg = s.text(msg);
        }
        let item_failures = m.bad_items.iter_mut().filter_map(|b| b.failure.as_mut());
        for f in m.failures.iter_mut().chain(item_failures) {
            if let Some(msg) = &mut f.message {
                *msg = s.text(msg);
            }
            f.data_context = None;
        }
    }
}

/// The values of one mailbox seen so far, to replace inside its free text.
struct Scrub<'a> {
    r: &'a Redactor,
    seen: Vec<(String, String)>,
}

impl<'a> Scrub<'a> {
    fn new(r: &'a Redactor) -> Self {
        Scrub { r, seen: Vec::new() }
    }

    fn remember(&mut self, clear: &str, token: &str) {
        // Very short values (an alias `x`) would replace parts of words.
        if clear.chars().count() >= 3 && clear != token {
            self.seen.push((clear.to_string(), token.to_string()));
        }
    }

    fn value(&mut self, kind: &str, clear: &str) -> String {
        let t = self.r.name(kind, clear);
        self.remember(clear, &t);
        t
    }

    fn folder(&mut self, clear: &str) -> String {
        let t = self.r.folder(clear);
        self.remember(clear, &t);
        for part in clear.split('/') {
            if !part.is_empty() {
                let tp = self.r.folder(part);
                self.remember(part, &tp);
            }
        }
        t
    }

    fn principal(&mut self, p: &mut PrincipalValues) {
        for v in [&mut p.alias, &mut p.display_name].into_iter().flatten() {
            *v = self.value("principal", v);
        }
        if let Some(dn) = &mut p.legacy_dn {
            let t = self.r.token("legdn", dn);
            self.remember(dn, &t);
            *dn = t;
        }
        for proxy in &mut p.proxies {
            let redacted = match proxy.split_once(':') {
                Some((kind, v)) if kind.eq_ignore_ascii_case("x500") => {
                    format!("{kind}:{}", self.r.token("legdn", v))
                }
                Some((kind, v)) if v.contains('@') => format!("{kind}:{}", self.r.address(v)),
                Some((kind, v)) => format!("{kind}:{}", self.r.token("principal", v)),
                None => self.r.name("principal", proxy),
            };
            let clear = std::mem::replace(proxy, redacted);
            self.remember(&clear, proxy);
        }
    }

    fn finish(mut self) -> Scrubber<'a> {
        // Longest first, so a folder path is replaced whole before its parts.
        self.seen.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        self.seen.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.seen.iter().map(|(c, _)| c.as_str()))
            .ok();
        Scrubber { r: self.r, seen: self.seen, matcher }
    }
}

/// Replaces personal values inside free text.
struct Scrubber<'a> {
    r: &'a Redactor,
    seen: Vec<(String, String)>,
    matcher: Option<AhoCorasick>,
}

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+").expect("address pattern")
});
static LEGACY_DN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/o=[^\s;,'\x22\]]+").expect("legacyExchangeDN pattern"));
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Alias|DisplayName): ([^;\r\n]+)").expect("principal value pattern")
});

impl Scrubber<'_> {
    fn text(&self, text: &str) -> String {
        let known = match &self.matcher {
            Some(m) => {
                let mut out = String::with_capacity(text.len());
                m.replace_all_with(text, &mut out, |mat, _, dst| {
                    dst.push_str(&self.seen[mat.pattern().as_usize()].1);
                    true
                });
                out
            }
            None => text.to_string(),
        };
        let named = NAMED.replace_all(&known, |c: &Captures| {
            let v = c[2].trim();
            if is_token(v) {
                c[0].to_string()
            } else {
                format!("{}: {}", &c[1], self.r.name("principal", v))
            }
        });
        let dns = LEGACY_DN.replace_all(&named, |c: &Captures| self.r.token("legdn", &c[0]));
        ADDRESS
            .replace_all(&dns, |c: &Captures| {
                if is_token(&c[0]) { c[0].to_string() } else { self.r.address(&c[0]) }
            })
            .into_owned()
    }
}

/// Whether text is already a token (`kind-` and 16 hex digits, perhaps with
/// an address's domain).
fn is_token(s: &str) -> bool {
    let head = s.split('@').next().unwrap_or(s);
    head.rsplit_once('-').is_some_and(|(kind, hex)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_lowercase())
            && hex.len() == 16
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn is_guid(s: &str) -> bool {
    let s = s.trim_matches(['{', '}']);
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Keep, analyse};
    use crate::exchange::model::{BadItem, Failure, Mailbox};

    #[test]
    fn tokens_are_stable_within_a_run_and_keyed() {
        let a = Redactor::new();
        assert_eq!(a.token("folder", "Projects"), a.token("folder", "projects"));
        assert_ne!(a.token("folder", "Projects"), a.token("folder", "Sent"));
        assert_ne!(a.token("folder", "Projects"), a.token("subject", "Projects"));
        assert!(a.token("folder", "Projects").starts_with("folder-"));
        assert!(is_token(&a.token("folder", "Projects")));
        let b = Redactor::new();
        assert_ne!(a.token("folder", "x"), b.token("folder", "x"), "a new key each run");
    }

    #[test]
    fn well_known_folders_stay_and_others_are_tokens() {
        let r = Redactor::new();
        let f = r.folder("/Top of Information Store/Inbox/Project Falcon");
        assert!(f.starts_with("/Top of Information Store/Inbox/folder-"), "{f}");
        assert!(!f.contains("Falcon"));
        assert!(r.address("k.okafor@contoso.com").ends_with("@contoso.com"));
        assert!(!r.address("k.okafor@contoso.com").contains("okafor"));
        assert_eq!(
            r.name("mailbox", "5b5c4a11-0e6f-4b3a-9a2b-000000000001"),
            "5b5c4a11-0e6f-4b3a-9a2b-000000000001"
        );
        let p = r.path("case/k.okafor.xml");
        assert!(p.starts_with("path-") && p.ends_with(".xml") && !p.contains("okafor"), "{p}");
    }

    #[test]
    fn every_personal_value_of_a_mailbox_is_replaced() {
        let item = BadItem {
            kind: Some("CorruptFolderACL".into()),
            category: Some("TargetPrincipalError".into()),
            folder: Some("Inbox/Falcon Plans".into()),
            subject: Some("Salary review Pat".into()),
            sender: Some("pat.doe@contoso.com".into()),
            failure: Some(Failure {
                failure_type: Some("TargetPrincipalMappingException".into()),
                message: Some("Folder 'Inbox/Falcon Plans': Alias: kokafor; DisplayName: Kemi Okafor; SID: S-1-5-21-1-2-3-500; Proxies: [SMTP:k.okafor@contoso.com; X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=kokafor];".into()),
                data_context: Some("Alias: kokafor".into()),
                ..Failure::default()
            }),
            ..BadItem::default()
        };
        let m = Mailbox {
            identity: Some("Pat Doe".into()),
            display_name: Some("Pat Doe".into()),
            alias: Some("pdoe".into()),
            message: Some(
                "Mailbox 'Pat Doe' (pat.doe@contoso.com) failed in /o=Contoso/cn=pdoe".into(),
            ),
            bad_items: vec![item],
            failures: vec![Failure {
                message: Some("Unable to open 'Falcon Plans' for Kemi Okafor".into()),
                ..Failure::default()
            }],
            ..Mailbox::default()
        };
        let mut a = analyse(m, "case/pdoe.xml", Keep { items: true, identities: true });
        Redactor::new().mailbox(&mut a);
        let all = format!("{a:?}");
        for clear in [
            "Pat Doe",
            "pdoe",
            "pat.doe",
            "Falcon",
            "Salary",
            "kokafor",
            "Kemi",
            "Okafor",
            "k.okafor",
            "/o=Contoso",
        ] {
            assert!(!all.contains(clear), "{clear} left in {all}");
        }
        assert!(all.contains("S-1-5-21-1-2-3-500"), "SIDs stay");
        assert!(all.contains("@contoso.com"), "domains stay");
        assert!(all.contains("Inbox/folder-"), "well-known folders stay");
        assert_eq!(a.principals.len(), 1);
    }
}
