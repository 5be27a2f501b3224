//! Cross-mailbox roll-ups: per batch, per input folder and per principal
//! (polars group-bys over one row per mailbox, or per mailbox and
//! principal), and the run's totals, failure types and timeline.
//!
//! The records are reduced to small rows as each mailbox is analysed (its bad
//! items are gone by then), so the frames hold one row per mailbox, or per
//! mailbox and principal, however large the inputs were. Eager polars only:
//! its lazy engine would bring an HTTP/TLS stack into an offline tool.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use super::classify::{Class, Side};
use super::counts::{CategoryCounts, ClassCounts};
use super::inputs::InputSummary;
use super::mailbox::MailboxAnalysis;
use super::timeline::Timeline;
use super::verdict::{Verdict, VerdictCounts};
use crate::keyed::Keyed;

/// A roll-up that polars could not compute (a bug: the frames are built
/// column by column from the records, so there is nothing to reject).
#[derive(Debug)]
pub struct RollupError {
    /// Which roll-up.
    pub what: &'static str,
    source: PolarsError,
}

impl std::fmt::Display for RollupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the {} roll-up failed", self.what)
    }
}

impl std::error::Error for RollupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn rollup<T>(what: &'static str, r: PolarsResult<T>) -> Result<T, RollupError> {
    r.map_err(|source| RollupError { what, source })
}

/// One group of mailboxes: a batch, or an input folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// The batch name (empty: mailboxes without one) or the folder path.
    pub key: String,
    /// Mailboxes in the group.
    pub mailboxes: u64,
    /// Of those, moves that failed.
    pub failed_moves: u64,
    /// Bad items across the group.
    pub bad_items: u64,
    /// Mailboxes per verdict (every verdict present).
    pub verdicts: VerdictCounts,
    /// Bad items per class (every class present).
    pub classes: ClassCounts,
}

/// The mailbox frame's numeric columns, summed per group.
fn value_columns() -> Vec<String> {
    let mut cols = vec!["mailboxes".to_string(), "failed_moves".into(), "bad_items".into()];
    cols.extend(Verdict::ALL.iter().map(|v| format!("verdict_{}", v.key())));
    cols.extend(Class::ALL.iter().map(|c| format!("class_{}", c.key())));
    cols
}

/// One row per mailbox: its batch, its input's folder, and counts.
fn mailbox_frame(
    mailboxes: &[MailboxAnalysis],
    inputs: &[InputSummary],
) -> PolarsResult<DataFrame> {
    let n = mailboxes.len();
    let batch: Vec<&str> =
        mailboxes.iter().map(|a| a.mailbox.batch.as_deref().unwrap_or("")).collect();
    let folder: Vec<&str> = mailboxes
        .iter()
        .map(|a| inputs.get(a.mailbox.input).map_or("", |i| i.folder.as_str()))
        .collect();
    let mut columns = vec![
        Column::new("batch".into(), batch),
        Column::new("folder".into(), folder),
        Column::new("mailboxes".into(), vec![1u64; n]),
        Column::new(
            "failed_moves".into(),
            mailboxes.iter().map(|a| u64::from(a.failed())).collect::<Vec<_>>(),
        ),
        Column::new(
            "bad_items".into(),
            mailboxes.iter().map(|a| a.counts.total()).collect::<Vec<_>>(),
        ),
    ];
    for &v in Verdict::ALL {
        let col: Vec<u64> = mailboxes.iter().map(|a| u64::from(a.verdict == v)).collect();
        columns.push(Column::new(format!("verdict_{}", v.key()).into(), col));
    }
    for &c in Class::ALL {
        let col: Vec<u64> = mailboxes.iter().map(|a| a.classes.get(c)).collect();
        columns.push(Column::new(format!("class_{}", c.key()).into(), col));
    }
    DataFrame::new_infer_height(columns)
}

/// Sums the mailbox frame per value of `key` (`batch` or `folder`), in the
/// order each value first appears.
fn group_rows(frame: &DataFrame, key: &str) -> PolarsResult<Vec<GroupRow>> {
    let values = value_columns();
    #[allow(deprecated)] // eager sum: the lazy engine is what we leave out
    let sums = frame.group_by_stable([key])?.select(values.iter().map(String::as_str)).sum()?;
    let keys = sums.column(key)?.str()?.clone();
    let col = |name: &str| -> PolarsResult<Vec<u64>> {
        let c = sums.column(&format!("{name}_sum"))?.u64()?.clone();
        Ok(c.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let mailboxes = col("mailboxes")?;
    let failed = col("failed_moves")?;
    let bad = col("bad_items")?;
    let verdicts: Vec<(Verdict, Vec<u64>)> = Verdict::ALL
        .iter()
        .map(|v| Ok((*v, col(&format!("verdict_{}", v.key()))?)))
        .collect::<PolarsResult<_>>()?;
    let classes: Vec<(Class, Vec<u64>)> = Class::ALL
        .iter()
        .map(|c| Ok((*c, col(&format!("class_{}", c.key()))?)))
        .collect::<PolarsResult<_>>()?;
    Ok(keys
        .iter()
        .enumerate()
        .map(|(i, k)| GroupRow {
            key: k.unwrap_or("").to_string(),
            mailboxes: mailboxes[i],
            failed_moves: failed[i],
            bad_items: bad[i],
            verdicts: counts_at(&verdicts, i),
            classes: counts_at(&classes, i),
        })
        .collect())
}

fn counts_at<K: Keyed, const N: usize>(
    columns: &[(K, Vec<u64>)],
    row: usize,
) -> super::counts::Counts<K, N> {
    let mut c = super::counts::Counts::new();
    for (k, col) in columns {
        c.add(*k, col[row]);
    }
    c
}

/// The per-batch and per-folder roll-ups: one row per batch name and per
/// input folder, each in order of first appearance.
pub fn groups(
    mailboxes: &[MailboxAnalysis],
    inputs: &[InputSummary],
) -> Result<(Vec<GroupRow>, Vec<GroupRow>), RollupError> {
    if mailboxes.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let frame = rollup("mailbox", mailbox_frame(mailboxes, inputs))?;
    Ok((
        rollup("batch", group_rows(&frame, "batch"))?,
        rollup("folder", group_rows(&frame, "folder"))?,
    ))
}

/// Rolls up principal errors across mailboxes, most widespread first: one
/// row per (side, principal key) with the mailboxes, folders and bad items it
/// breaks and the list of affected mailboxes.
pub fn principals(mailboxes: &[MailboxAnalysis]) -> Result<Vec<PrincipalSummary>, RollupError> {
    rollup("principal", principal_rows(mailboxes))
}

fn principal_rows(mailboxes: &[MailboxAnalysis]) -> PolarsResult<Vec<PrincipalSummary>> {
    // One row per (mailbox, principal), pointing back at its source record
    // for the descriptive values (SID, alias, ...) merged per group below.
    let mut side = Vec::new();
    let mut key = Vec::new();
    let mut folders = Vec::new();
    let mut occurrences = Vec::new();
    let mut origin: Vec<(usize, usize)> = Vec::new();
    for (mi, a) in mailboxes.iter().enumerate() {
        for (pi, p) in a.principals.iter().enumerate() {
            side.push(p.side.key());
            key.push(p.key.as_str());
            folders.push(p.folders.len() as u64);
            occurrences.push(p.occurrences);
            origin.push((mi, pi));
        }
    }
    if origin.is_empty() {
        return Ok(Vec::new());
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new("side".into(), side),
        Column::new("key".into(), key),
        Column::new("folders".into(), folders),
        Column::new("occurrences".into(), occurrences),
    ])?;
    let grouped = frame.group_by_stable(["side", "key"])?;
    #[allow(deprecated)]
    let sums = grouped.clone().select(["folders", "occurrences"]).sum()?;
    let members = grouped.get_groups();
    let folders = sums.column("folders_sum")?.u64()?.clone();
    let occurrences = sums.column("occurrences_sum")?.u64()?.clone();
    let mut out = Vec::with_capacity(members.len());
    for (g, group) in members.iter().enumerate() {
        let rows: Vec<usize> = match group {
            GroupsIndicator::Idx((_, idx)) => idx.iter().map(|&i| i as usize).collect(),
            GroupsIndicator::Slice([first, len]) => {
                (first as usize..(first + len) as usize).collect()
            }
        };
        let (mi, pi) = origin[rows[0]];
        let first = &mailboxes[mi].principals[pi];
        let mut values = first.values.clone();
        // A mailbox lists each principal once, so rows are distinct mailboxes.
        let mut affected = Vec::with_capacity(rows.len());
        for &r in &rows {
            let (mi, pi) = origin[r];
            values.fill_from(mailboxes[mi].principals[pi].values.clone());
            affected.push(mailboxes[mi].label());
        }
        out.push(PrincipalSummary {
            side: first.side,
            sid: values.sid,
            alias: values.alias,
            display_name: values.display_name,
            legacy_dn: values.legacy_dn,
            proxies: values.proxies,
            mailboxes: rows.len(),
            folders: folders.get(g).unwrap_or(0) as usize,
            occurrences: occurrences.get(g).unwrap_or(0),
            affected,
            key: first.key.clone(),
        });
    }
    // Stable: ties keep the order in which principals first appear.
    out.sort_by(|a, b| {
        b.mailboxes
            .cmp(&a.mailboxes)
            .then(b.occurrences.cmp(&a.occurrences))
            .then(a.side.cmp(&b.side))
    });
    Ok(out)
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
    /// The affected mailboxes, by their labels.
    pub affected: Vec<String>,
    /// How mailboxes' principals are matched to this one (not serialised).
    #[serde(skip)]
    pub key: String,
}

impl PrincipalSummary {
    /// How tables name the principal: alias, else display name or LegDN.
    pub fn short_name(&self) -> Option<&str> {
        self.alias.as_deref().or(self.display_name.as_deref()).or(self.legacy_dn.as_deref())
    }
}

/// Totals over all mailboxes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Mailboxes.
    pub mailboxes: usize,
    /// Bad items by category.
    pub counts: CategoryCounts,
    /// Bad items by class.
    pub classes: ClassCounts,
    /// Mailboxes by verdict.
    pub verdicts: VerdictCounts,
}

/// Totals over analysed mailboxes.
pub fn totals(mailboxes: &[MailboxAnalysis]) -> Totals {
    let mut t = Totals { mailboxes: mailboxes.len(), ..Totals::default() };
    for a in mailboxes {
        t.counts += &a.counts;
        t.verdicts.add(a.verdict, 1);
    }
    t.classes = t.counts.classes();
    t
}

/// One failure type across the run (report failures other than bad items'
/// own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureRow {
    /// The FailureType (`(unknown)` when the export gives none).
    pub failure_type: String,
    /// How often it occurred.
    pub occurrences: u64,
    /// Whether every occurrence was transient.
    pub transient: bool,
}

/// The run's failure types, most frequent first (ties by name).
pub fn failures(mailboxes: &[MailboxAnalysis]) -> Vec<FailureRow> {
    let mut by_type: BTreeMap<&str, (u64, bool)> = BTreeMap::new();
    for f in mailboxes.iter().flat_map(|a| &a.mailbox.failures) {
        let e = by_type.entry(f.type_name()).or_insert((0, true));
        e.0 += 1;
        e.1 &= f.is_transient();
    }
    let mut rows: Vec<FailureRow> = by_type
        .into_iter()
        .map(|(t, (n, transient))| FailureRow {
            failure_type: t.to_string(),
            occurrences: n,
            transient,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.occurrences.cmp(&a.occurrences).then(a.failure_type.cmp(&b.failure_type))
    });
    rows
}

/// Every mailbox's timeline merged into one.
pub fn timeline(mailboxes: &[MailboxAnalysis]) -> Timeline {
    let mut t = Timeline::default();
    for a in mailboxes {
        t.merge(&a.facts.timeline);
    }
    t
}
