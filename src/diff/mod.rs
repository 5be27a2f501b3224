//! What changed between two exports of the same moves (an earlier and a
//! later one, while a batch is being fixed): per mailbox, which bad items,
//! principals and failures are new, resolved or unchanged, and how its
//! status and verdict moved; mailboxes found on one side only are added or
//! gone. Mailboxes are matched by ExchangeGuid, else by alias (or identity);
//! bad items by their [`ItemIdentity`], counted as multisets, so an item
//! listed twice before and three times now is two unchanged and one new.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::analysis::{
    Category, FailingLimit, Identities, ItemIdentity, MailboxAnalysis, MailboxPrincipal, Side,
    Verdict,
};
use crate::keyed::keyed_enum;

keyed_enum! {
    /// How a mailbox changed between the two sides.
    pub enum Change {
        /// Only in the new export.
        Added = "added",
        /// Only in the old export.
        Gone = "gone",
        /// In both, with something new, resolved or moved.
        Changed = "changed",
        /// In both, the same.
        Unchanged = "unchanged",
    }
}

keyed_enum! {
    /// Whether a bad item, principal or failure is new, resolved or unchanged.
    pub enum State {
        /// Only in the new export (or more often than before).
        New = "new",
        /// Only in the old export (or less often than before).
        Resolved = "resolved",
        /// In both.
        Unchanged = "unchanged",
    }
}

/// One side of a mailbox: where it was read and what it amounted to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideView {
    /// The input it was read from.
    pub input: String,
    /// Its position in that input.
    pub index: usize,
    /// Status.
    pub status: Option<String>,
    /// StatusDetail.
    pub status_detail: Option<String>,
    /// FailureType of the move.
    pub failure_type: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// The limit that failed the move.
    pub failing_limit: Option<FailingLimit>,
    /// Bad items listed.
    pub bad_items: u64,
}

impl SideView {
    fn of(a: &MailboxAnalysis) -> SideView {
        SideView {
            input: a.input_path.clone(),
            index: a.mailbox.index,
            status: a.mailbox.status.clone(),
            status_detail: a.mailbox.status_detail.clone(),
            failure_type: a.mailbox.failure_type.clone(),
            verdict: a.verdict,
            failing_limit: a.limits.failing_limit,
            bad_items: a.counts.total(),
        }
    }
}

/// A bad item that is new or resolved, with how many of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// New or resolved.
    pub state: State,
    /// Its category.
    pub category: Category,
    /// Its BadItemKind.
    pub kind: String,
    /// Its folder (`""`: the mailbox itself, or not given).
    pub folder: String,
    /// Its entry id, when the export gives one.
    pub entry_id: Option<String>,
    /// Its subject, when that is what identifies it.
    pub subject: Option<String>,
    /// The principal's side, for principal errors.
    pub principal_side: Option<Side>,
    /// The principal's key (SID, else LegDN, alias or display name, lower-cased).
    pub principal: Option<String>,
    /// How many more (new) or fewer (resolved) times it is listed.
    pub count: u64,
}

impl ItemChange {
    fn new(state: State, id: &ItemIdentity, count: u64) -> ItemChange {
        ItemChange {
            state,
            category: id.category,
            kind: id.kind.clone(),
            folder: id.folder.clone(),
            entry_id: id.entry_id.clone(),
            subject: id.subject.clone(),
            principal_side: id.principal.as_ref().map(|p| p.0),
            principal: id.principal.as_ref().map(|p| p.1.clone()),
            count,
        }
    }
}

/// A principal of a mailbox's bad items: new, resolved or unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalChange {
    /// New, resolved or unchanged.
    pub state: State,
    /// Source or target.
    pub side: Side,
    /// The key it is matched on.
    pub key: String,
    /// Its SID, when known.
    pub sid: Option<String>,
    /// Its alias, when known.
    pub alias: Option<String>,
    /// Its display name, when known.
    pub display_name: Option<String>,
    /// Bad items naming it in the old export.
    pub old_count: u64,
    /// Bad items naming it in the new export.
    pub new_count: u64,
}

/// A FailureType of a mailbox's report: how often before and now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureChange {
    /// New (more often, or for the first time), resolved (less often, or
    /// gone) or unchanged.
    pub state: State,
    /// The FailureType.
    pub failure_type: String,
    /// How often in the old export's report.
    pub old_count: u64,
    /// How often in the new export's report.
    pub new_count: u64,
}

/// One mailbox compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailboxDiff {
    /// What it was matched on: `guid:…` or `name:…` (lower-cased).
    pub key: String,
    /// How it is named (the newer side's label when it has one).
    pub mailbox: String,
    /// ExchangeGuid, when either side has it.
    pub exchange_guid: Option<String>,
    /// Alias, when either side has it.
    pub alias: Option<String>,
    /// Added, gone, changed or unchanged.
    pub change: Change,
    /// The old side (null when added).
    pub old: Option<SideView>,
    /// The new side (null when gone).
    pub new: Option<SideView>,
    /// Bad items new in this export.
    pub items_new: u64,
    /// Bad items no longer listed.
    pub items_resolved: u64,
    /// Bad items in both.
    pub items_unchanged: u64,
    /// Each new or resolved bad item (mailboxes in both exports only).
    pub items: Vec<ItemChange>,
    /// Each principal of either side's bad items (mailboxes in both only).
    pub principals: Vec<PrincipalChange>,
    /// Each FailureType of either side's report (mailboxes in both only).
    pub failures: Vec<FailureChange>,
}

impl MailboxDiff {
    /// Whether something is new: a bad item, a principal or a failure, or
    /// the whole mailbox with bad items.
    pub fn has_new(&self) -> bool {
        self.items_new > 0
            || self.principals_in(State::New) > 0
            || self.failures_in(State::New) > 0
            || (self.change == Change::Added && self.new.as_ref().is_some_and(|n| n.bad_items > 0))
    }

    /// Principals in this state.
    pub fn principals_in(&self, state: State) -> usize {
        self.principals.iter().filter(|p| p.state == state).count()
    }

    /// Failure types in this state.
    pub fn failures_in(&self, state: State) -> usize {
        self.failures.iter().filter(|f| f.state == state).count()
    }
}

/// How many mailboxes moved from one verdict to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictMove {
    /// The old verdict.
    pub from: Verdict,
    /// The new verdict.
    pub to: Verdict,
    /// Mailboxes that moved so.
    pub mailboxes: u64,
}

/// Totals over every mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffTotals {
    /// Mailboxes per change (every change present, zeros included).
    pub mailboxes: BTreeMap<&'static str, u64>,
    /// Bad items new, summed over mailboxes in both.
    pub items_new: u64,
    /// Bad items resolved.
    pub items_resolved: u64,
    /// Bad items unchanged.
    pub items_unchanged: u64,
    /// Principals new to a mailbox, summed over mailboxes.
    pub principals_new: u64,
    /// Principals no longer in a mailbox.
    pub principals_resolved: u64,
    /// Mailbox verdicts that changed, from → to (mailboxes in both only).
    pub verdict_moves: Vec<VerdictMove>,
}

/// The comparison of two sets of analysed mailboxes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every mailbox: those of the new side in its order, then the gone ones
    /// in the old side's order.
    pub mailboxes: Vec<MailboxDiff>,
    /// Totals.
    pub totals: DiffTotals,
}

fn lower(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase)
}

/// What a mailbox is matched on when its GUID does not match: its alias,
/// else its identity, else how it is labelled.
fn name_key(a: &MailboxAnalysis) -> String {
    lower(&a.mailbox.alias).or_else(|| lower(&a.mailbox.identity)).unwrap_or_else(|| a.label())
}

/// Pairs the mailboxes of two sides: by ExchangeGuid first, then what is
/// left by name; the n-th occurrence of a key on one side with the n-th on
/// the other. Returns `(old, new)` index pairs; unmatched ones have `None`.
fn pair(old: &[MailboxAnalysis], new: &[MailboxAnalysis]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut old_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    type KeyFn = fn(&MailboxAnalysis) -> Option<String>;
    let passes: [KeyFn; 2] = [|a| lower(&a.mailbox.exchange_guid), |a| Some(name_key(a))];
    for key in passes {
        let mut waiting: HashMap<String, std::collections::VecDeque<usize>> = HashMap::new();
        for (i, a) in old.iter().enumerate() {
            if !taken[i]
                && let Some(k) = key(a)
            {
                waiting.entry(k).or_default().push_back(i);
            }
        }
        for (j, a) in new.iter().enumerate() {
            if old_of_new[j].is_some() {
                continue;
            }
            if let Some(i) = key(a).and_then(|k| waiting.get_mut(&k)).and_then(|q| q.pop_front()) {
                old_of_new[j] = Some(i);
                taken[i] = true;
            }
        }
    }
    let mut out: Vec<(Option<usize>, Option<usize>)> =
        old_of_new.iter().enumerate().map(|(j, i)| (*i, Some(j))).collect();
    out.extend(taken.iter().enumerate().filter(|(_, t)| !**t).map(|(i, _)| (Some(i), None)));
    out
}

fn principal_changes(old: &[MailboxPrincipal], new: &[MailboxPrincipal]) -> Vec<PrincipalChange> {
    type Sides<'a> = (Option<&'a MailboxPrincipal>, Option<&'a MailboxPrincipal>);
    let mut by_key: BTreeMap<(Side, &str), Sides<'_>> = BTreeMap::new();
    for p in old {
        by_key.entry((p.side, &p.key)).or_default().0 = Some(p);
    }
    for p in new {
        by_key.entry((p.side, &p.key)).or_default().1 = Some(p);
    }
    let mut out: Vec<PrincipalChange> = by_key
        .into_iter()
        .map(|((side, key), (o, n))| {
            let state = match (o, n) {
                (Some(_), Some(_)) => State::Unchanged,
                (None, _) => State::New,
                (_, None) => State::Resolved,
            };
            let p = n.or(o).expect("one side at least");
            PrincipalChange {
                state,
                side,
                key: key.to_string(),
                sid: p.values.sid.clone(),
                alias: p.values.alias.clone(),
                display_name: p.values.display_name.clone(),
                old_count: o.map_or(0, |p| p.occurrences),
                new_count: n.map_or(0, |p| p.occurrences),
            }
        })
        .collect();
    // New first, then resolved, then unchanged; most items first within each.
    out.sort_by(|a, b| {
        (a.state, std::cmp::Reverse(a.new_count.max(a.old_count)), &a.key).cmp(&(
            b.state,
            std::cmp::Reverse(b.new_count.max(b.old_count)),
            &b.key,
        ))
    });
    out
}

fn failure_changes(old: &BTreeMap<String, u64>, new: &BTreeMap<String, u64>) -> Vec<FailureChange> {
    let mut types: Vec<&String> = old.keys().chain(new.keys()).collect();
    types.sort();
    types.dedup();
    types
        .into_iter()
        .map(|t| {
            let (o, n) = (old.get(t).copied().unwrap_or(0), new.get(t).copied().unwrap_or(0));
            let state = match o.cmp(&n) {
                std::cmp::Ordering::Less => State::New,
                std::cmp::Ordering::Greater => State::Resolved,
                std::cmp::Ordering::Equal => State::Unchanged,
            };
            FailureChange { state, failure_type: t.clone(), old_count: o, new_count: n }
        })
        .collect()
}

/// What two items must share to be the same item.
type ItemKey<'a> = (Category, &'a str, &'a str, Option<&'a str>, Option<&'a (Side, String)>);

/// What an item is matched on: its entry id (else its subject) and its
/// principal; or, against a text report, its subject alone (the log names
/// no entry id, and often not the principal the XML's DataContext holds).
fn item_key(i: &ItemIdentity, by_entry: bool) -> ItemKey<'_> {
    if by_entry {
        let which = i.entry_id.as_deref().or(i.subject.as_deref());
        (i.category, &i.kind, &i.folder, which, i.principal.as_ref())
    } else {
        (i.category, &i.kind, &i.folder, i.subject.as_deref(), None)
    }
}

/// A mailbox's identities by [`item_key`], each with its count and the
/// first identity that gave it (what is shown).
fn project(ids: &Identities, by_entry: bool) -> BTreeMap<ItemKey<'_>, (u64, &ItemIdentity)> {
    let mut out = BTreeMap::new();
    for (id, &n) in ids {
        out.entry(item_key(id, by_entry)).or_insert((0, id)).0 += n;
    }
    out
}

/// The item changes of a mailbox in both exports, and the unchanged count.
/// Items are matched by entry id where both exports give entry ids, else
/// (a text report on either side) by subject.
fn item_changes(old: &MailboxAnalysis, new: &MailboxAnalysis) -> (Vec<ItemChange>, u64) {
    let has_ids = |a: &MailboxAnalysis| a.identities.keys().any(|i| i.entry_id.is_some());
    let by_entry = has_ids(old) && has_ids(new);
    let (before, after) = (project(&old.identities, by_entry), project(&new.identities, by_entry));
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for (k, &(n, id)) in &after {
        let o = before.get(k).map_or(0, |e| e.0);
        unchanged += o.min(n);
        if n > o {
            changes.push(ItemChange::new(State::New, id, n - o));
        }
    }
    for (k, &(o, id)) in &before {
        let n = after.get(k).map_or(0, |e| e.0);
        if o > n {
            changes.push(ItemChange::new(State::Resolved, id, o - n));
        }
    }
    changes.sort_by_key(|c| (c.state, c.category));
    (changes, unchanged)
}

fn mailbox_diff(old: Option<&MailboxAnalysis>, new: Option<&MailboxAnalysis>) -> MailboxDiff {
    let either = new.or(old).expect("one side at least");
    let pick =
        |f: fn(&MailboxAnalysis) -> Option<String>| new.and_then(f).or_else(|| old.and_then(f));
    let exchange_guid = pick(|a| a.mailbox.exchange_guid.clone());
    // The key names what the sides were matched on: their GUID only when
    // each side has that same one (two GUIDs matched by name are keyed by
    // name, the same whichever side is the newer).
    let same_guid = |a: Option<&MailboxAnalysis>| {
        a.is_none_or(|a| lower(&a.mailbox.exchange_guid) == lower(&exchange_guid))
    };
    let key = match lower(&exchange_guid) {
        Some(g) if same_guid(old) && same_guid(new) => {
            format!("guid:{g}")
        }
        _ => format!("name:{}", name_key(either)),
    };
    // A mailbox on one side only has nothing to compare: its side says
    // what it holds.
    let (items, items_unchanged, principals, failures, change) = match (old, new) {
        (Some(o), Some(n)) => {
            let (items, unchanged) = item_changes(o, n);
            let principals = principal_changes(&o.principals, &n.principals);
            let failures = failure_changes(&o.failure_types, &n.failure_types);
            let (ov, nv) = (SideView::of(o), SideView::of(n));
            // A value one side does not give (a text report has no
            // StatusDetail) is not a change.
            fn differ<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
                a.is_some() && b.is_some() && a != b
            }
            let moved = differ(&ov.status, &nv.status)
                || differ(&ov.status_detail, &nv.status_detail)
                || ov.verdict != nv.verdict
                || differ(&ov.failing_limit, &nv.failing_limit);
            let changed = moved
                || !items.is_empty()
                || principals.iter().any(|p| p.state != State::Unchanged)
                || failures.iter().any(|f| f.state != State::Unchanged);
            let change = if changed { Change::Changed } else { Change::Unchanged };
            (items, unchanged, principals, failures, change)
        }
        (None, _) => (Vec::new(), 0, Vec::new(), Vec::new(), Change::Added),
        (_, None) => (Vec::new(), 0, Vec::new(), Vec::new(), Change::Gone),
    };
    let sum = |state: State| items.iter().filter(|i| i.state == state).map(|i| i.count).sum();
    MailboxDiff {
        key,
        mailbox: either.label(),
        exchange_guid,
        alias: pick(|a| a.mailbox.alias.clone()),
        change,
        old: old.map(SideView::of),
        new: new.map(SideView::of),
        items_new: sum(State::New),
        items_resolved: sum(State::Resolved),
        items_unchanged,
        items,
        principals,
        failures,
    }
}

/// Compares the mailboxes of an old and a new run (each analysed with item
/// identities kept).
pub fn diff(old: &[MailboxAnalysis], new: &[MailboxAnalysis]) -> Diff {
    let mailboxes: Vec<MailboxDiff> = pair(old, new)
        .into_iter()
        .map(|(o, n)| mailbox_diff(o.map(|i| &old[i]), n.map(|j| &new[j])))
        .collect();
    let mut totals = DiffTotals {
        mailboxes: Change::ALL.iter().map(|c| (c.key(), 0)).collect(),
        ..DiffTotals::default()
    };
    let mut moves: BTreeMap<(Verdict, Verdict), u64> = BTreeMap::new();
    for m in &mailboxes {
        *totals.mailboxes.entry(m.change.key()).or_insert(0) += 1;
        totals.items_new += m.items_new;
        totals.items_resolved += m.items_resolved;
        totals.items_unchanged += m.items_unchanged;
        if let (Some(o), Some(n)) = (&m.old, &m.new) {
            totals.principals_new += m.principals_in(State::New) as u64;
            totals.principals_resolved += m.principals_in(State::Resolved) as u64;
            if o.verdict != n.verdict {
                *moves.entry((o.verdict, n.verdict)).or_insert(0) += 1;
            }
        }
    }
    totals.verdict_moves = moves
        .into_iter()
        .map(|((from, to), mailboxes)| VerdictMove { from, to, mailboxes })
        .collect();
    Diff { mailboxes, totals }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Keep, analyse};
    use crate::exchange::model::{BadItem, Failure, Mailbox};

    fn item(kind: &str, folder: &str, entry: &str) -> BadItem {
        BadItem {
            kind: Some(kind.into()),
            folder: Some(folder.into()),
            entry_id: Some(entry.into()),
            ..BadItem::default()
        }
    }

    fn principal_item(folder: &str, sid: &str) -> BadItem {
        BadItem {
            kind: Some("CorruptFolderACL".into()),
            category: Some("SourcePrincipalError".into()),
            folder: Some(folder.into()),
            text: Some(format!("Failed to find a principal from the source forest. SID: {sid};")),
            ..BadItem::default()
        }
    }

    fn mailbox(alias: &str, guid: Option<&str>, status: &str, items: Vec<BadItem>) -> Mailbox {
        Mailbox {
            alias: Some(alias.into()),
            identity: Some(alias.into()),
            exchange_guid: guid.map(str::to_string),
            status: Some(status.into()),
            failure_type: (status == "Failed")
                .then(|| "TooManyBadItemsPermanentException".to_string()),
            bad_items: items,
            has_report: true,
            ..Mailbox::default()
        }
    }

    fn analysed(m: Mailbox) -> MailboxAnalysis {
        analyse(m, "x.xml", Keep { items: false, identities: true })
    }

    #[test]
    fn mailboxes_matched_by_name_are_keyed_by_name() {
        // Found by fuzzing (fuzz target diff, NEW OLD must mirror OLD NEW):
        // two GUIDs matched by alias were keyed by the newer side's GUID,
        // so the key changed with the order of the exports.
        let a = || vec![analysed(mailbox("pat", Some("AAAA-1"), "Failed", vec![]))];
        let b = || vec![analysed(mailbox("pat", Some("BBBB-2"), "Completed", vec![]))];
        for d in [diff(&a(), &b()), diff(&b(), &a())] {
            assert_eq!(d.mailboxes.len(), 1);
            assert_eq!(d.mailboxes[0].key, "name:pat");
        }
        let d = diff(&a(), &a());
        assert_eq!(d.mailboxes[0].key, "guid:aaaa-1");
    }

    #[test]
    fn items_principals_and_verdicts_are_compared_per_mailbox() {
        let old = vec![analysed(mailbox(
            "pat",
            Some("AAAA-1"),
            "Failed",
            vec![
                item("CorruptItem", "Inbox", "01"),
                item("CorruptItem", "Inbox", "01"),
                item("LargeItem", "Sent Items", "02"),
                principal_item("Calendar", "S-1-5-21-1-2-3-1108"),
            ],
        ))];
        let new = vec![analysed(mailbox(
            "pat (renamed)",
            Some("aaaa-1"),
            "Completed",
            vec![
                item("CorruptItem", "Inbox", "01"),
                item("CorruptItem", "Inbox", "01"),
                item("CorruptItem", "Inbox", "01"),
                principal_item("Contacts", "S-1-5-21-1-2-3-2017"),
            ],
        ))];
        let d = diff(&old, &new);
        assert_eq!(d.mailboxes.len(), 1);
        let m = &d.mailboxes[0];
        assert_eq!(m.key, "guid:aaaa-1", "matched by GUID, in any case");
        assert_eq!(m.change, Change::Changed);
        assert_eq!((m.items_new, m.items_resolved, m.items_unchanged), (2, 2, 2));
        let kinds: Vec<(State, &str, u64)> =
            m.items.iter().map(|i| (i.state, i.kind.as_str(), i.count)).collect();
        assert_eq!(
            kinds,
            [
                (State::New, "CorruptFolderACL", 1),
                (State::New, "CorruptItem", 1),
                (State::Resolved, "CorruptFolderACL", 1),
                (State::Resolved, "LargeItem", 1),
            ]
        );
        let states: Vec<(State, &str)> =
            m.principals.iter().map(|p| (p.state, p.key.as_str())).collect();
        assert_eq!(
            states,
            [(State::New, "s-1-5-21-1-2-3-2017"), (State::Resolved, "s-1-5-21-1-2-3-1108")]
        );
        assert_eq!(m.old.as_ref().unwrap().status.as_deref(), Some("Failed"));
        assert_eq!(m.new.as_ref().unwrap().status.as_deref(), Some("Completed"));
        // Corrupt items on both sides: the verdict stays data_loss_risk.
        assert!(d.totals.verdict_moves.is_empty());
        assert_eq!(d.totals.principals_new, 1);
        assert_eq!(d.totals.principals_resolved, 1);
    }

    #[test]
    fn verdict_moves_are_counted() {
        let a = |status: &str, items| analysed(mailbox("kim", None, status, items));
        let old = [a("Failed", vec![principal_item("Inbox", "S-1-5-21-1-2-3-4")])];
        let d = diff(&old, &[a("Completed", vec![])]);
        assert_eq!(
            d.totals.verdict_moves,
            [VerdictMove { from: Verdict::PermissionsOnly, to: Verdict::Clean, mailboxes: 1 }]
        );
        assert_eq!(d.mailboxes[0].principals_in(State::Resolved), 1);
    }

    #[test]
    fn added_gone_and_unchanged_mailboxes() {
        let same = || analysed(mailbox("kim", None, "Failed", vec![item("CorruptItem", "A", "1")]));
        let old = vec![same(), analysed(mailbox("lee", Some("G-2"), "Failed", vec![]))];
        let new = vec![analysed(mailbox("ana", None, "Completed", vec![])), same()];
        let d = diff(&old, &new);
        let changes: Vec<(&str, Change)> =
            d.mailboxes.iter().map(|m| (m.mailbox.as_str(), m.change)).collect();
        assert_eq!(
            changes,
            [("ana", Change::Added), ("kim", Change::Unchanged), ("lee", Change::Gone)]
        );
        let kim = &d.mailboxes[1];
        assert_eq!((kim.items_unchanged, kim.items_new), (1, 0));
        assert_eq!(kim.key, "name:kim");
        assert_eq!(d.totals.mailboxes["added"], 1);
        assert_eq!(d.totals.mailboxes["gone"], 1);
        assert_eq!(d.totals.mailboxes["unchanged"], 1);
        assert_eq!(d.totals.mailboxes["changed"], 0);
    }

    #[test]
    fn failures_are_compared_by_type_and_count() {
        let with = |n: usize| {
            let mut m = mailbox("kim", None, "InProgress", vec![]);
            m.failures = (0..n)
                .map(|_| Failure {
                    failure_type: Some("CommunicationErrorTransientException".into()),
                    ..Failure::default()
                })
                .collect();
            analysed(m)
        };
        let d = diff(&[with(1)], &[with(3)]);
        let f = &d.mailboxes[0].failures;
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].state, f[0].old_count, f[0].new_count), (State::New, 1, 3));
        let d = diff(&[with(2)], &[with(0)]);
        assert_eq!(d.mailboxes[0].failures[0].state, State::Resolved);
        assert_eq!(d.mailboxes[0].change, Change::Changed);
    }

    #[test]
    fn repeated_keys_pair_in_order() {
        let a = |s: &str| analysed(mailbox("kim", None, s, vec![]));
        let d = diff(&[a("Failed"), a("Completed")], &[a("Failed")]);
        let changes: Vec<Change> = d.mailboxes.iter().map(|m| m.change).collect();
        assert_eq!(changes, [Change::Unchanged, Change::Gone]);
    }
}
