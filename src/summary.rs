//! Aggregation: per-mailbox analysis (counts by category and class, failure
//! types, verdict, limits), the principal roll-up across mailboxes, totals,
//! and the `mrs-triage.summary.v1` JSON document built from them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::aggregate::GroupRow;
use crate::classify::{self, Category, Class, Classified, Side};
use crate::exchange::access::Limit;
use crate::exchange::model::{BadItem, Failure, Mailbox};
use crate::exchange::text::PrincipalValues;
use crate::remediate::{self, Suggestion};
use crate::time::xsd_epoch_seconds;
use crate::timeline::Timeline;
use crate::verdict::{self, Limits, Verdict};

/// The schema name of the JSON summary.
pub const SCHEMA: &str = "mrs-triage.summary.v1";

/// Counts keyed by category; serialises every category, zeros included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CategoryCounts(pub BTreeMap<Category, u64>);

impl CategoryCounts {
    /// The count of one category.
    pub fn get(&self, c: Category) -> u64 {
        self.0.get(&c).copied().unwrap_or(0)
    }
    /// Counts by class.
    pub fn classes(&self) -> BTreeMap<Class, u64> {
        let mut out = BTreeMap::new();
        for (c, n) in &self.0 {
            *out.entry(c.class()).or_insert(0) += n;
        }
        out
    }
    /// Total items.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
    fn add(&mut self, other: &CategoryCounts) {
        for (c, n) in &other.0 {
            *self.0.entry(*c).or_insert(0) += n;
        }
    }
}

impl Serialize for CategoryCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Category::ALL.len()))?;
        for c in Category::ALL {
            map.serialize_entry(c.key(), &self.get(c))?;
        }
        map.end()
    }
}

/// Counts keyed by class; serialises every class.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassCounts(pub BTreeMap<Class, u64>);

impl Serialize for ClassCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Class::ALL.len()))?;
        for c in Class::ALL {
            map.serialize_entry(c.key(), &self.0.get(&c).copied().unwrap_or(0))?;
        }
        map.end()
    }
}

/// One mailbox, analysed: the model record plus everything derived from it.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// The record as read.
    pub mailbox: Mailbox,
    /// Path of its input.
    pub input_path: String,
    /// Each bad item's classification, in the order of `mailbox.bad_items`.
    pub classified: Vec<Classified>,
    /// Counts by category.
    pub counts: CategoryCounts,
    /// Report failures (not a bad item's own) by FailureType.
    pub failure_types: BTreeMap<String, u64>,
    /// How many of those failures were transient.
    pub transient_failures: u64,
    /// How many were permanent.
    pub permanent_failures: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// Limit arithmetic.
    pub limits: Limits,
    /// The principals its bad items name, each once, with its folders.
    pub principals: Vec<MailboxPrincipal>,
    /// Bounded facts about the items, kept when the items are dropped.
    pub facts: ItemFacts,
}

/// Most large items a mailbox remembers (the largest).
pub const LARGEST_KEPT: usize = 10;
/// Most folders a mailbox remembers per category.
pub const FOLDERS_KEPT: usize = 50;

/// What remediation and the HTML report need from the items themselves,
/// bounded so memory stays flat however many bad items an export holds.
#[derive(Debug, Clone, Default)]
pub struct ItemFacts {
    /// The largest large items, biggest first (at most [`LARGEST_KEPT`]).
    pub largest: Vec<LargeItemNote>,
    /// Folders named by items of each non-principal category (at most
    /// [`FOLDERS_KEPT`] per category, the first in name order).
    pub folders: BTreeMap<Category, BTreeSet<String>>,
    /// Bad items over time, by class.
    pub timeline: Timeline,
}

/// One large item, as remediation describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LargeItemNote {
    /// Size in bytes, when the export gives it.
    pub size: Option<u64>,
    /// Subject.
    pub subject: Option<String>,
    /// Folder.
    pub folder: Option<String>,
}

fn item_facts(items: &[BadItem], classified: &[Classified]) -> ItemFacts {
    let mut facts = ItemFacts::default();
    for (item, c) in items.iter().zip(classified) {
        facts
            .timeline
            .add(item.timestamp.as_deref().and_then(xsd_epoch_seconds), c.category.class());
        match c.category {
            Category::SourcePrincipal | Category::TargetPrincipal => {}
            Category::LargeItem => facts.largest.push(LargeItemNote {
                size: item.size,
                subject: item.subject.clone(),
                folder: item.folder.clone(),
            }),
            other => {
                if let Some(f) = &c.folder {
                    let set = facts.folders.entry(other).or_default();
                    set.insert(f.clone());
                    if set.len() > FOLDERS_KEPT {
                        set.pop_last();
                    }
                }
            }
        }
        if facts.largest.len() > 4 * LARGEST_KEPT {
            trim_largest(&mut facts.largest);
        }
    }
    trim_largest(&mut facts.largest);
    facts
}

fn trim_largest(v: &mut Vec<LargeItemNote>) {
    // Biggest first; unknown sizes last; ties in subject order for stable output.
    v.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.subject.cmp(&b.subject)));
    v.truncate(LARGEST_KEPT);
}

/// One principal as one mailbox sees it.
#[derive(Debug, Clone)]
pub struct MailboxPrincipal {
    /// Source or target.
    pub side: Side,
    /// SID, else LegDN, alias or display name, lower-cased: how it is matched.
    pub key: String,
    /// What the messages say about it.
    pub values: PrincipalValues,
    /// Folders it breaks in this mailbox.
    pub folders: BTreeSet<String>,
    /// Bad items naming it.
    pub occurrences: u64,
    /// Of those, items that name no folder (the mailbox's own permissions).
    pub mailbox_level: u64,
}

fn mailbox_principals(classified: &[Classified]) -> Vec<MailboxPrincipal> {
    let mut out: Vec<MailboxPrincipal> = Vec::new();
    let mut index: HashMap<(Side, String), usize> = HashMap::new();
    for c in classified {
        let side = match c.category {
            Category::SourcePrincipal => Side::Source,
            Category::TargetPrincipal => Side::Target,
            _ => continue,
        };
        let p = c.principal.clone().unwrap_or_default();
        let key = p
            .sid
            .clone()
            .or_else(|| p.legacy_dn.clone())
            .or_else(|| p.alias.clone())
            .or_else(|| p.display_name.clone())
            .unwrap_or_else(|| "(unidentified)".into())
            .to_ascii_lowercase();
        let i = *index.entry((side, key.clone())).or_insert_with(|| {
            out.push(MailboxPrincipal {
                side,
                key,
                values: PrincipalValues::default(),
                folders: BTreeSet::new(),
                occurrences: 0,
                mailbox_level: 0,
            });
            out.len() - 1
        });
        let mp = &mut out[i];
        merge_values(&mut mp.values, p);
        match &c.folder {
            Some(f) => {
                mp.folders.insert(f.clone());
            }
            None => mp.mailbox_level += 1,
        }
        mp.occurrences += 1;
    }
    out
}

/// Classifies a mailbox's items and derives its verdict and limits. Unless
/// `keep_items`, the items themselves are dropped afterwards: the counts and
/// principals are all a summary needs, and memory then stays flat however
/// many bad items an export holds.
pub fn analyse(mut mailbox: Mailbox, input_path: &str, keep_items: bool) -> Analysed {
    let mut classified = classify::classify_all(&mailbox.bad_items);
    let mut counts = CategoryCounts::default();
    for c in &classified {
        *counts.0.entry(c.category).or_insert(0) += 1;
    }
    let (failure_types, transient, permanent) = group_failures(&mailbox.failures);
    let verdict = verdict::verdict(&mailbox, &counts.classes());
    let limits = verdict::limits(&mailbox, &counts.0);
    let principals = mailbox_principals(&classified);
    let facts = item_facts(&mailbox.bad_items, &classified);
    if !keep_items {
        mailbox.bad_items = Vec::new();
        classified = Vec::new();
    }
    Analysed {
        mailbox,
        input_path: input_path.to_string(),
        classified,
        counts,
        failure_types,
        transient_failures: transient,
        permanent_failures: permanent,
        verdict,
        limits,
        principals,
        facts,
    }
}

fn group_failures(failures: &[Failure]) -> (BTreeMap<String, u64>, u64, u64) {
    let mut by_type = BTreeMap::new();
    let (mut transient, mut permanent) = (0, 0);
    for f in failures {
        let ty = f.failure_type.clone().unwrap_or_else(|| "(unknown)".into());
        *by_type.entry(ty).or_insert(0) += 1;
        if f.is_transient() {
            transient += 1;
        } else {
            permanent += 1;
        }
    }
    (by_type, transient, permanent)
}

/// One input file's outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputSummary {
    /// The path as given (`-` for standard input, `archive.zip!entry` for
    /// an archive's entry).
    pub path: String,
    /// The folder it is in (for the per-folder roll-up).
    pub folder: String,
    /// The detected encoding label, when the file could be opened.
    pub encoding: Option<&'static str>,
    /// Top-level objects read.
    pub objects: u64,
    /// Mailbox records found.
    pub mailboxes: usize,
    /// Top-level objects that were not move reports, by type.
    pub other_objects: BTreeMap<String, u64>,
    /// The error that stopped reading, if any (records before it are kept).
    pub error: Option<String>,
}

/// A principal across all mailboxes.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalSummary {
    /// Source (on-premises SID unresolved) or target (not in Exchange Online).
    pub side: Side,
    /// SID.
    pub sid: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// legacyExchangeDN.
    pub legacy_dn: Option<String>,
    /// Proxy addresses.
    pub proxies: Vec<String>,
    /// Mailboxes it breaks.
    pub mailboxes: usize,
    /// Distinct folders (per mailbox) it breaks.
    pub folders: usize,
    /// Bad items naming it.
    pub occurrences: u64,
    /// The affected mailboxes (identity, else display name or alias).
    pub affected: Vec<String>,
    /// How mailboxes' principals are matched to this one (not serialised).
    #[serde(skip)]
    pub key: String,
}

/// Fills what `into` lacks from `from` (first value seen wins).
pub(crate) fn merge_values(into: &mut PrincipalValues, from: PrincipalValues) {
    into.sid = into.sid.take().or(from.sid);
    into.alias = into.alias.take().or(from.alias);
    into.display_name = into.display_name.take().or(from.display_name);
    into.mailbox_guid = into.mailbox_guid.take().or(from.mailbox_guid);
    into.object_guid = into.object_guid.take().or(from.object_guid);
    into.legacy_dn = into.legacy_dn.take().or(from.legacy_dn);
    if into.proxies.is_empty() {
        into.proxies = from.proxies;
    }
}

/// How tables and lists name a mailbox.
pub fn mailbox_label(m: &Mailbox) -> String {
    m.identity
        .clone()
        .or_else(|| m.display_name.clone())
        .or_else(|| m.alias.clone())
        .or_else(|| m.exchange_guid.clone())
        .unwrap_or_else(|| format!("#{}", m.index))
}

/// The JSON shape of one mailbox (the contract in the README).
#[derive(Debug, Serialize)]
pub struct MailboxJson<'a> {
    /// Input path.
    pub input: &'a str,
    /// Position within the input.
    pub index: usize,
    /// Export type.
    pub source_type: Option<&'static str>,
    /// Identity.
    pub identity: Option<&'a str>,
    /// DisplayName.
    pub display_name: Option<&'a str>,
    /// Alias.
    pub alias: Option<&'a str>,
    /// ExchangeGuid (MailboxGuid for migration users).
    pub exchange_guid: Option<&'a str>,
    /// BatchName.
    pub batch: Option<&'a str>,
    /// Status.
    pub status: Option<&'a str>,
    /// StatusDetail.
    pub status_detail: Option<&'a str>,
    /// FailureType.
    pub failure_type: Option<&'a str>,
    /// BadItemLimit: number, "unlimited" or null.
    pub bad_item_limit: Limit,
    /// LargeItemLimit.
    pub large_item_limit: Limit,
    /// BadItemsEncountered.
    pub bad_items_encountered: Option<u64>,
    /// LargeItemsEncountered.
    pub large_items_encountered: Option<u64>,
    /// MissingItemsEncountered.
    pub missing_items_encountered: Option<u64>,
    /// DataConsistencyScore.
    pub data_consistency_score: Option<&'a str>,
    /// Bad items by category.
    pub counts: &'a CategoryCounts,
    /// Bad items by class (extra).
    pub classes: ClassCounts,
    /// Other report failures by FailureType.
    pub failure_types: &'a BTreeMap<String, u64>,
    /// Of those, transient (extra).
    pub transient_failures: u64,
    /// Of those, permanent (extra).
    pub permanent_failures: u64,
    /// Verdict.
    pub verdict: Verdict,
    /// The limit that made the move fail.
    pub failing_limit: Option<verdict::FailingLimit>,
    /// Smallest BadItemLimit that passes with permission errors accepted.
    pub suggested_bad_item_limit: Option<u64>,
    /// Smallest LargeItemLimit that passes (extra).
    pub suggested_large_item_limit: Option<u64>,
    /// Whether those limits need -AcceptLargeDataLoss (extra).
    pub requires_accept_large_data_loss: bool,
    /// Whether skipped items await approval (extra).
    pub unapproved_skipped_items: Option<bool>,
    /// Whether Exchange Online rules were applied (extra).
    pub to_exchange_online: bool,
    /// The ordered next steps.
    pub suggestions: Vec<Suggestion>,
}

impl<'a> MailboxJson<'a> {
    /// The JSON view of an analysed mailbox.
    pub fn new(a: &'a Analysed) -> Self {
        let m = &a.mailbox;
        MailboxJson {
            input: &a.input_path,
            index: m.index,
            source_type: m.source_type.map(|s| s.label()),
            identity: m.identity.as_deref(),
            display_name: m.display_name.as_deref(),
            alias: m.alias.as_deref(),
            exchange_guid: m.exchange_guid.as_deref(),
            batch: m.batch.as_deref(),
            status: m.status.as_deref(),
            status_detail: m.status_detail.as_deref(),
            failure_type: m.failure_type.as_deref(),
            bad_item_limit: m.bad_item_limit,
            large_item_limit: m.large_item_limit,
            bad_items_encountered: m.bad_items_encountered,
            large_items_encountered: m.large_items_encountered,
            missing_items_encountered: m.missing_items_encountered,
            data_consistency_score: m.data_consistency_score.as_deref(),
            counts: &a.counts,
            classes: ClassCounts(a.counts.classes()),
            failure_types: &a.failure_types,
            transient_failures: a.transient_failures,
            permanent_failures: a.permanent_failures,
            verdict: a.verdict,
            failing_limit: a.limits.failing_limit,
            suggested_bad_item_limit: a.limits.suggested_bad_item_limit,
            suggested_large_item_limit: a.limits.suggested_large_item_limit,
            requires_accept_large_data_loss: a.limits.requires_accept_large_data_loss,
            unapproved_skipped_items: m.unapproved_skipped_items,
            to_exchange_online: m.to_exchange_online,
            suggestions: remediate::for_mailbox(a),
        }
    }
}

/// Totals over all mailboxes.
#[derive(Debug, Serialize)]
pub struct Totals {
    /// Mailboxes.
    pub mailboxes: usize,
    /// Bad items by category.
    pub counts: CategoryCounts,
    /// Bad items by class (extra).
    pub classes: ClassCounts,
    /// Mailboxes by verdict (every verdict present).
    pub verdicts: VerdictCounts,
}

/// Mailboxes per verdict; serialises every verdict.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct VerdictCounts(pub BTreeMap<Verdict, u64>);

impl Serialize for VerdictCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(Verdict::ALL.len()))?;
        for v in Verdict::ALL {
            map.serialize_entry(v.key(), &self.0.get(&v).copied().unwrap_or(0))?;
        }
        map.end()
    }
}

/// Totals over analysed mailboxes.
pub fn totals(mailboxes: &[Analysed]) -> Totals {
    let mut counts = CategoryCounts::default();
    let mut verdicts = VerdictCounts::default();
    for a in mailboxes {
        counts.add(&a.counts);
        *verdicts.0.entry(a.verdict).or_insert(0) += 1;
    }
    let classes = ClassCounts(counts.classes());
    Totals { mailboxes: mailboxes.len(), counts, classes, verdicts }
}

/// The whole `mrs-triage.summary.v1` document.
#[derive(Debug, Serialize)]
pub struct SummaryJson<'a> {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The tool version (extra).
    pub tool_version: &'static str,
    /// Inputs in the order given.
    pub inputs: &'a [InputSummary],
    /// Mailboxes in input order.
    pub mailboxes: MailboxesJson<'a>,
    /// Principals, most widespread first, each with its next steps.
    pub principals: PrincipalsJson<'a>,
    /// Per batch name (`""`: mailboxes without one), in order of appearance.
    pub batches: &'a [GroupRow],
    /// Per input folder, in order of appearance.
    pub folders: &'a [GroupRow],
    /// Totals.
    pub totals: Totals,
}

/// The mailboxes of the JSON document, each shaped (and its next steps
/// worked out) only as it is written: a batch's suggestions can be far larger
/// than the records they come from, and need not all be in memory at once.
#[derive(Debug)]
pub struct MailboxesJson<'a>(pub &'a [Analysed]);

impl Serialize for MailboxesJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(MailboxJson::new))
    }
}

/// The principals of the JSON document, shaped as they are written.
#[derive(Debug)]
pub struct PrincipalsJson<'a>(pub &'a [PrincipalSummary]);

impl Serialize for PrincipalsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|p| PrincipalJson { principal: p, suggestions: remediate::for_principal(p) }),
        )
    }
}

/// The JSON shape of one principal: the roll-up plus its next steps.
#[derive(Debug, Serialize)]
pub struct PrincipalJson<'a> {
    /// The roll-up.
    #[serde(flatten)]
    pub principal: &'a PrincipalSummary,
    /// The next steps (extra).
    pub suggestions: Vec<Suggestion>,
}

/// A finished triage run: inputs, analysed mailboxes, and the principal roll-up.
#[derive(Debug)]
pub struct Run {
    /// Per-input outcome.
    pub inputs: Vec<InputSummary>,
    /// Every mailbox, in input order.
    pub mailboxes: Vec<Analysed>,
    /// Principals across mailboxes.
    pub principals: Vec<PrincipalSummary>,
    /// Mailboxes per batch name.
    pub batches: Vec<GroupRow>,
    /// Mailboxes per input folder.
    pub folders: Vec<GroupRow>,
}

impl Run {
    /// Builds the JSON document.
    pub fn json(&self) -> SummaryJson<'_> {
        SummaryJson {
            schema: SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION"),
            inputs: &self.inputs,
            mailboxes: MailboxesJson(&self.mailboxes),
            principals: PrincipalsJson(&self.principals),
            batches: &self.batches,
            folders: &self.folders,
            totals: totals(&self.mailboxes),
        }
    }
}
