//! Fuzz target: `mrs-triage diff OLD NEW` on arbitrary inputs. The first two
//! bytes say where the rest splits into the old and the new export; each is
//! written to a file and compared as the command compares them
//! (`pipeline::compare`, then the JSON and terminal renderings).
//!
//! Checked besides "no panic":
//! - an export compared with itself is unchanged throughout: no mailbox
//!   added, gone or changed, no bad item, principal or failure new or
//!   resolved, no verdict moved;
//! - comparing NEW with OLD mirrors comparing OLD with NEW: added and gone
//!   swap, new and resolved swap (items and principals), unchanged and
//!   changed stay, mailbox by mailbox;
//! - the diff's totals are the sums of its mailboxes.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mrs_triage::diff::{Change, Diff, MailboxDiff, State};
use mrs_triage::output::diff::DiffJson;
use mrs_triage::output::diff::table::DiffTable;
use mrs_triage::output::table::TableStyle;
use mrs_triage::output::{Exporter, Stream};
use mrs_triage::pipeline::{Compared, Source, TriageOptions, compare};

fn files() -> &'static (PathBuf, PathBuf) {
    static FILES: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    FILES.get_or_init(|| {
        (mrs_triage_fuzz::scratch_file("diff-old"), mrs_triage_fuzz::scratch_file("diff-new"))
    })
}

fn run(old: &Path, new: &Path) -> Compared {
    let (o, n) = ([Source::File(old.into())], [Source::File(new.into())]);
    mrs_triage_fuzz::serial_pool().install(|| compare(&o, &n, &TriageOptions::default()))
}

fn render(c: &Compared) {
    let mut out = Vec::new();
    DiffJson.export(c, &mut Stream(&mut out)).unwrap();
    serde_json::from_slice::<serde_json::Value>(&out).expect("diff JSON must be valid JSON");
    out.clear();
    let style = TableStyle { color: false, ascii: true, width: 100, steps: true };
    DiffTable(style).export(c, &mut Stream(&mut out)).unwrap();
}

fn totals_add_up(d: &Diff) {
    let count = |c: Change| d.mailboxes.iter().filter(|m| m.change == c).count() as u64;
    for c in [Change::Added, Change::Gone, Change::Changed, Change::Unchanged] {
        assert_eq!(d.totals.mailboxes[c.key()], count(c), "{c:?} mailboxes");
    }
    let sum = |f: fn(&MailboxDiff) -> u64| d.mailboxes.iter().map(f).sum::<u64>();
    assert_eq!(d.totals.items_new, sum(|m| m.items_new));
    assert_eq!(d.totals.items_resolved, sum(|m| m.items_resolved));
    assert_eq!(d.totals.items_unchanged, sum(|m| m.items_unchanged));
}

fn unchanged(d: &Diff) {
    for m in &d.mailboxes {
        assert_eq!(m.change, Change::Unchanged, "an export differs from itself: {m:?}");
        assert_eq!((m.items_new, m.items_resolved), (0, 0), "{m:?}");
        assert!(m.items.is_empty(), "{m:?}");
        assert!(m.principals.iter().all(|p| p.state == State::Unchanged), "{m:?}");
        assert!(m.failures.iter().all(|f| f.state == State::Unchanged), "{m:?}");
    }
    assert!(d.totals.verdict_moves.is_empty(), "{:?}", d.totals.verdict_moves);
    assert_eq!(d.totals.principals_new + d.totals.principals_resolved, 0);
}

/// What one mailbox's comparison says, seen from the other direction.
fn mirrored(m: &MailboxDiff) -> (String, Change, u64, u64, u64, usize, usize) {
    let change = match m.change {
        Change::Added => Change::Gone,
        Change::Gone => Change::Added,
        c => c,
    };
    let (new, resolved) = (m.principals_in(State::New), m.principals_in(State::Resolved));
    (m.key.clone(), change, m.items_resolved, m.items_new, m.items_unchanged, resolved, new)
}

fn plain(m: &MailboxDiff) -> (String, Change, u64, u64, u64, usize, usize) {
    let (new, resolved) = (m.principals_in(State::New), m.principals_in(State::Resolved));
    (m.key.clone(), m.change, m.items_new, m.items_resolved, m.items_unchanged, new, resolved)
}

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<2>() else { return };
    let at = usize::from(u16::from_le_bytes(*head)) % (body.len() + 1);
    let (a, b) = body.split_at(at);
    let (old, new) = files();
    std::fs::write(old, a).unwrap();
    std::fs::write(new, b).unwrap();

    let forward = run(old, new);
    totals_add_up(&forward.diff);
    render(&forward);
    let backward = run(new, old);
    totals_add_up(&backward.diff);
    let mut there: Vec<_> = forward.diff.mailboxes.iter().map(mirrored).collect();
    let mut back: Vec<_> = backward.diff.mailboxes.iter().map(plain).collect();
    there.sort();
    back.sort();
    assert_eq!(there, back, "OLD NEW and NEW OLD do not mirror each other");
    assert_eq!(forward.diff.totals.principals_new, backward.diff.totals.principals_resolved);
    assert_eq!(forward.diff.totals.principals_resolved, backward.diff.totals.principals_new);

    for side in [old, new] {
        let same = run(side, side);
        totals_add_up(&same.diff);
        unchanged(&same.diff);
    }
});
