//! One mailbox, analysed: its bad items classified and counted, its failures
//! grouped, its verdict and limits, the principals its items name, the
//! bounded facts about its items that remain once the items are dropped, and
//! its performance.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::classify::{self, Category, Classified, Side, principal_key};
use super::counts::{CategoryCounts, ClassCounts};
use super::identity::{self, Identities};
use super::performance::{self, Performance};
use super::timeline::Timeline;
use super::verdict::{self, Limits, Verdict};
use crate::exchange::batch_csv::BatchReport;
use crate::exchange::model::{BadItem, Failure, Mailbox, PrincipalValues};
use crate::time::xsd_epoch_seconds;

/// One mailbox, analysed: the model record plus everything derived from it.
#[derive(Debug, Clone)]
pub struct MailboxAnalysis {
    /// The record as read (its bad items are dropped after analysis unless
    /// the run keeps items).
    pub mailbox: Mailbox,
    /// Path of its input.
    pub input_path: String,
    /// Each bad item's classification, in the order of `mailbox.bad_items`.
    pub classified: Vec<Classified>,
    /// Bad items per category.
    pub counts: CategoryCounts,
    /// Bad items per class.
    pub classes: ClassCounts,
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
    /// What the batch's report downloads say about this user, when a run
    /// read them.
    pub batch_report: Option<BatchReport>,
    /// Its bad items as identities (empty unless the run keeps them: a
    /// comparison of exports).
    pub identities: Identities,
    /// How fast the move went and why (`None`: the export has no durations).
    pub performance: Option<Performance>,
}

/// What a mailbox keeps of its items once they are analysed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keep {
    /// Every bad item and its classification (item-level exports).
    pub items: bool,
    /// Each item's identity (comparisons of exports).
    pub identities: bool,
}

impl MailboxAnalysis {
    /// How tables and lists name the mailbox: identity, else display name,
    /// alias or GUID, else its position in its input.
    pub fn label(&self) -> String {
        let m = &self.mailbox;
        m.identity
            .clone()
            .or_else(|| m.display_name.clone())
            .or_else(|| m.alias.clone())
            .or_else(|| m.exchange_guid.clone())
            .unwrap_or_else(|| format!("#{}", m.index))
    }

    /// Whether the move has failed (Status Failed or a Failed* StatusDetail).
    pub fn failed(&self) -> bool {
        verdict::is_failed(&self.mailbox)
    }
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
        let Some(side) = c.category.side() else { continue };
        let p = c.principal.clone().unwrap_or_default();
        let key = principal_key(&p);
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
        mp.values.fill_from(p);
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
/// `keep.items`, the items themselves are dropped afterwards: the counts and
/// principals are all a summary needs, and memory then stays flat however
/// many bad items an export holds (`keep.identities` keeps what a
/// comparison needs of each: its identity).
pub fn analyse(mut mailbox: Mailbox, input_path: &str, keep: Keep) -> MailboxAnalysis {
    let mut classified = classify::classify_all(&mailbox.bad_items);
    let counts: CategoryCounts = classified.iter().map(|c| c.category).collect();
    let classes = counts.classes();
    let (failure_types, transient, permanent) = group_failures(&mailbox.failures);
    let verdict = verdict::verdict(&mailbox, &classes);
    let limits = verdict::limits(&mailbox, &counts);
    let principals = mailbox_principals(&classified);
    let facts = item_facts(&mailbox.bad_items, &classified);
    let identities = if keep.identities {
        identity::identities(&mailbox.bad_items, &classified)
    } else {
        Identities::new()
    };
    let performance = performance::analyse(&mailbox);
    if !keep.items {
        mailbox.bad_items = Vec::new();
        classified = Vec::new();
    }
    MailboxAnalysis {
        mailbox,
        input_path: input_path.to_string(),
        classified,
        counts,
        classes,
        failure_types,
        transient_failures: transient,
        permanent_failures: permanent,
        verdict,
        limits,
        principals,
        facts,
        batch_report: None,
        identities,
        performance,
    }
}

fn group_failures(failures: &[Failure]) -> (BTreeMap<String, u64>, u64, u64) {
    let mut by_type = BTreeMap::new();
    let (mut transient, mut permanent) = (0, 0);
    for f in failures {
        *by_type.entry(f.type_name().to_string()).or_insert(0) += 1;
        if f.is_transient() {
            transient += 1;
        } else {
            permanent += 1;
        }
    }
    (by_type, transient, permanent)
}
