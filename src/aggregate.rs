//! Cross-mailbox roll-ups (per batch, per input folder, per principal),
//! computed with polars group-bys over one row per classified record.
//!
//! The records are reduced to small rows as each mailbox is analysed (its bad
//! items are gone by then), so the frames hold one row per mailbox, or per
//! mailbox and principal, however large the inputs were. Eager polars only:
//! its lazy engine would bring an HTTP/TLS stack into an offline tool.

use polars::prelude::*;
use serde::Serialize;

use crate::classify::{Class, Side};
use crate::summary::{
    Analysed, ClassCounts, InputSummary, PrincipalSummary, VerdictCounts, mailbox_label,
};
use crate::verdict::{self, Verdict};

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
pub fn mailbox_frame(mailboxes: &[Analysed], inputs: &[InputSummary]) -> PolarsResult<DataFrame> {
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
            mailboxes.iter().map(|a| u64::from(verdict::is_failed(&a.mailbox))).collect::<Vec<_>>(),
        ),
        Column::new(
            "bad_items".into(),
            mailboxes.iter().map(|a| a.counts.total()).collect::<Vec<_>>(),
        ),
    ];
    for v in Verdict::ALL {
        let col: Vec<u64> = mailboxes.iter().map(|a| u64::from(a.verdict == v)).collect();
        columns.push(Column::new(format!("verdict_{}", v.key()).into(), col));
    }
    for c in Class::ALL {
        let col: Vec<u64> =
            mailboxes.iter().map(|a| a.counts.classes().get(&c).copied().unwrap_or(0)).collect();
        columns.push(Column::new(format!("class_{}", c.key()).into(), col));
    }
    DataFrame::new_infer_height(columns)
}

/// Sums the mailbox frame per value of `key` (`batch` or `folder`), in the
/// order each value first appears.
pub fn group_rows(frame: &DataFrame, key: &str) -> PolarsResult<Vec<GroupRow>> {
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
            verdicts: VerdictCounts(verdicts.iter().map(|(v, c)| (*v, c[i])).collect()),
            classes: ClassCounts(classes.iter().map(|(k, c)| (*k, c[i])).collect()),
        })
        .collect())
}

/// The per-batch and per-folder roll-ups of a run.
#[derive(Debug, Clone, Default)]
pub struct RollUps {
    /// One row per batch name, in order of first appearance.
    pub batches: Vec<GroupRow>,
    /// One row per input folder, in order of first appearance.
    pub folders: Vec<GroupRow>,
}

/// Computes both group roll-ups.
pub fn roll_ups(mailboxes: &[Analysed], inputs: &[InputSummary]) -> PolarsResult<RollUps> {
    if mailboxes.is_empty() {
        return Ok(RollUps::default());
    }
    let frame = mailbox_frame(mailboxes, inputs)?;
    Ok(RollUps { batches: group_rows(&frame, "batch")?, folders: group_rows(&frame, "folder")? })
}

fn side_key(side: Side) -> &'static str {
    match side {
        Side::Source => "source",
        Side::Target => "target",
    }
}

/// Rolls up principal errors across mailboxes, most widespread first: one
/// row per (side, principal key) with the mailboxes, folders and bad items it
/// breaks and the list of affected mailboxes.
pub fn principals(mailboxes: &[Analysed]) -> PolarsResult<Vec<PrincipalSummary>> {
    // One row per (mailbox, principal), pointing back at its source record
    // for the descriptive values (SID, alias, ...) merged per group below.
    let mut side = Vec::new();
    let mut key = Vec::new();
    let mut folders = Vec::new();
    let mut occurrences = Vec::new();
    let mut origin: Vec<(usize, usize)> = Vec::new();
    for (mi, a) in mailboxes.iter().enumerate() {
        for (pi, p) in a.principals.iter().enumerate() {
            side.push(side_key(p.side));
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
            crate::summary::merge_values(&mut values, mailboxes[mi].principals[pi].values.clone());
            affected.push(mailbox_label(&mailboxes[mi].mailbox));
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
