//! Cross-mailbox roll-ups: per batch, per input folder and per principal
//! (polars group-bys over one row per mailbox, or per mailbox and
//! principal), the performance of each batch and server (group-bys over one
//! row per move, after each group's kept moves are chosen), and the run's
//! totals, failure types and timeline.
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
use super::performance::{
    Figures, GIB, GroupPerformance, Percentile, Performance, ServerKey, ServerRow, Stalls, assess,
};
use super::timeline::Timeline;
use super::verdict::{Verdict, VerdictCounts};
use crate::exchange::model::StallBucket;
use crate::keyed::Keyed;
use crate::time::{TICKS_PER_SECOND, xsd_epoch_ticks};

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

/// Groups' performance by key, in order of first appearance.
pub type KeyedPerformance = Vec<(String, Option<GroupPerformance>)>;

/// A per-move share the group figures sum over their kept moves.
type Share = fn(&Figures) -> Option<f64>;

/// The performance of every batch (by key, in order of first appearance,
/// `""` for moves without one) and of every source server and MRS server
/// (`servers[]`: the source servers first). Moves without a server name are
/// in no server's group.
pub fn performance(
    mailboxes: &[MailboxAnalysis],
    percentile: Percentile,
) -> Result<(KeyedPerformance, Vec<ServerRow>), RollupError> {
    let moves: Vec<Move<'_>> = mailboxes.iter().map(Move::of).collect();
    let batches =
        rollup("batch performance", group_performance(&moves, Move::batch_key, percentile))?;
    let mut servers = Vec::new();
    for by in ServerKey::ALL {
        let key = match by {
            ServerKey::SourceServer => Move::source_key,
            ServerKey::MrsServer => Move::mrs_key,
        };
        let rows = rollup("server performance", group_performance(&moves, key, percentile))?;
        servers.extend(rows.into_iter().map(|(key, performance)| ServerRow {
            by: *by,
            key,
            performance,
        }));
    }
    Ok((batches, servers))
}

/// What the performance roll-up reads of one move.
struct Move<'a> {
    batch: &'a str,
    source_server: Option<&'a str>,
    mrs_server: Option<&'a str>,
    perf: Option<&'a Performance>,
    start: Option<i64>,
    completion: Option<i64>,
    last_update: Option<i64>,
}

impl<'a> Move<'a> {
    fn of(a: &'a MailboxAnalysis) -> Move<'a> {
        let s = &a.mailbox.stats;
        let ticks = |t: &Option<String>| t.as_deref().and_then(xsd_epoch_ticks);
        Move {
            batch: a.mailbox.batch.as_deref().unwrap_or(""),
            source_server: s.source_server.as_deref(),
            mrs_server: s.mrs_server.as_deref(),
            perf: a.performance.as_ref(),
            start: ticks(&s.start),
            completion: ticks(&s.completion),
            last_update: ticks(&s.last_update),
        }
    }

    fn batch_key(&self) -> Option<&'a str> {
        Some(self.batch)
    }

    fn source_key(&self) -> Option<&'a str> {
        self.source_server
    }

    fn mrs_key(&self) -> Option<&'a str> {
        self.mrs_server
    }

    fn in_progress(&self) -> Option<f64> {
        self.perf.and_then(|p| p.in_progress_hours).filter(|h| *h > 0.0)
    }

    fn rate(&self) -> Option<f64> {
        self.perf.and_then(|p| p.transfer_rate_gb_per_hour)
    }
}

/// The shares a group sums over its kept moves: the key prefix of its
/// frame columns and the per-move percentage.
fn shares() -> Vec<(String, Share)> {
    let mut out: Vec<(String, Share)> = vec![
        ("source_side".into(), |f| f.source_side_percent),
        ("destination_side".into(), |f| f.destination_side_percent),
        ("word_breaking".into(), |f| f.word_breaking_percent),
        ("transient_failure".into(), |f| f.transient_failure_percent),
        ("idle".into(), |f| f.idle_percent),
        ("stall".into(), |f| f.stall_percent),
    ];
    let bucket: [Share; 9] = [
        |f| f.stalls?.get(StallBucket::ContentIndexing),
        |f| f.stalls?.get(StallBucket::MdbReplication),
        |f| f.stalls?.get(StallBucket::MailboxLocked),
        |f| f.stalls?.get(StallBucket::SourceCpu),
        |f| f.stalls?.get(StallBucket::TargetCpu),
        |f| f.stalls?.get(StallBucket::SourceUnknown),
        |f| f.stalls?.get(StallBucket::TargetUnknown),
        |f| f.stalls?.get(StallBucket::SourceThrottle),
        |f| f.stalls?.get(StallBucket::TargetThrottle),
    ];
    out.extend(StallBucket::ALL.iter().map(|b| format!("stall_{}", b.key())).zip(bucket));
    out
}

/// Every group's kept moves: of its moves that ran, the fastest
/// ceil(n × P / 100) by transfer rate (a move without a rate last).
fn kept_rows(groups: &GroupPositions, moves: &[&Move<'_>], p: Percentile) -> Vec<bool> {
    let mut kept = vec![false; moves.len()];
    for group in groups.iter() {
        let mut ran: Vec<usize> = match group {
            GroupsIndicator::Idx((_, idx)) => idx.iter().map(|&i| i as usize).collect(),
            GroupsIndicator::Slice([first, len]) => {
                (first as usize..(first + len) as usize).collect()
            }
        };
        ran.retain(|&i| moves[i].in_progress().is_some());
        // Stable: equal rates keep the input order.
        ran.sort_by(|&a, &b| match (moves[a].rate(), moves[b].rate()) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        for &i in ran.iter().take(p.kept(ran.len())) {
            kept[i] = true;
        }
    }
    kept
}

/// The performance of the groups of moves that have a key, in order of
/// first appearance: one polars group-by finds the groups (and so each
/// one's kept moves), a second sums, bounds and averages the frame of one
/// row per move, with the kept-only columns masked.
fn group_performance<'a>(
    all: &[Move<'a>],
    key: fn(&Move<'a>) -> Option<&'a str>,
    percentile: Percentile,
) -> PolarsResult<KeyedPerformance> {
    let moves: Vec<&Move<'a>> = all.iter().filter(|m| key(m).is_some()).collect();
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<&str> = moves.iter().map(|m| key(m).unwrap_or("")).collect();
    let mut frame = DataFrame::new_infer_height(vec![Column::new("key".into(), keys)])?;
    let kept = kept_rows(frame.group_by_stable(["key"])?.get_groups(), &moves, percentile);
    let perf = |i: usize| moves[i].perf;
    let kept_perf = |i: usize| moves[i].perf.filter(|_| kept[i]);
    let n = moves.len();
    let f64s = |f: &dyn Fn(usize) -> Option<f64>| (0..n).map(f).collect::<Vec<Option<f64>>>();
    let u64s = |f: &dyn Fn(usize) -> bool| (0..n).map(|i| u64::from(f(i))).collect::<Vec<u64>>();
    let mut columns = vec![
        Column::new("mailboxes".into(), vec![1u64; n]),
        Column::new("has_perf".into(), u64s(&|i| perf(i).is_some())),
        Column::new("completed".into(), u64s(&|i| moves[i].completion.is_some())),
        Column::new("start".into(), (0..n).map(|i| moves[i].start).collect::<Vec<_>>()),
        Column::new("completion".into(), (0..n).map(|i| moves[i].completion).collect::<Vec<_>>()),
        Column::new("last_update".into(), (0..n).map(|i| moves[i].last_update).collect::<Vec<_>>()),
        Column::new("transferred".into(), f64s(&|i| perf(i)?.bytes_transferred.map(|b| b as f64))),
        Column::new(
            "has_transferred".into(),
            u64s(&|i| perf(i).is_some_and(|p| p.bytes_transferred.is_some())),
        ),
        Column::new("pc_moved".into(), f64s(&|i| perf(i)?.moved_bytes.map(|b| b as f64))),
        Column::new(
            "pc_mailbox".into(),
            f64s(&|i| perf(i).filter(|p| p.moved_bytes.is_some())?.mailbox_bytes.map(|b| b as f64)),
        ),
        Column::new("kept".into(), u64s(&|i| kept[i])),
        Column::new("rate".into(), f64s(&|i| kept_perf(i)?.transfer_rate_gb_per_hour)),
        Column::new(
            "eff_moved".into(),
            f64s(&|i| {
                let p = kept_perf(i)?;
                p.bytes_transferred?;
                p.moved_bytes.map(|b| b as f64)
            }),
        ),
        Column::new(
            "eff_transferred".into(),
            f64s(&|i| {
                let p = kept_perf(i)?;
                p.moved_bytes?;
                p.bytes_transferred.map(|b| b as f64)
            }),
        ),
        Column::new("kept_bytes".into(), f64s(&|i| kept_perf(i)?.mailbox_bytes.map(|b| b as f64))),
        Column::new("src_latency".into(), f64s(&|i| kept_perf(i)?.figures.source_latency_ms)),
        Column::new("dst_latency".into(), f64s(&|i| kept_perf(i)?.figures.destination_latency_ms)),
    ];
    let shares = shares();
    for (name, share) in &shares {
        // The kept moves that have the figure: its time, and their in-progress time.
        let with = |i: usize| {
            let p = kept_perf(i)?;
            Some((share(&p.figures)?, p.in_progress_hours?))
        };
        columns.push(Column::new(
            format!("{name}_time").into(),
            f64s(&|i| with(i).map(|(pct, ip)| pct * ip / 100.0)),
        ));
        columns
            .push(Column::new(format!("{name}_ip").into(), f64s(&|i| with(i).map(|(_, ip)| ip))));
    }
    for c in columns {
        frame.with_column(c)?;
    }
    let grouped = frame.group_by_stable(["key"])?;
    let mut summed: Vec<String> = [
        "mailboxes",
        "has_perf",
        "completed",
        "transferred",
        "has_transferred",
        "pc_moved",
        "pc_mailbox",
        "kept",
        "eff_moved",
        "eff_transferred",
        "kept_bytes",
    ]
    .map(String::from)
    .to_vec();
    for (name, _) in &shares {
        summed.push(format!("{name}_time"));
        summed.push(format!("{name}_ip"));
    }
    #[allow(deprecated)] // eager aggregations: the lazy engine is what we leave out
    let (sums, mins, maxs, means) = (
        grouped.clone().select(summed.iter().map(String::as_str)).sum()?,
        grouped.clone().select(["start", "rate"]).min()?,
        grouped.clone().select(["completion", "last_update", "rate"]).max()?,
        grouped.select(["rate", "src_latency", "dst_latency"]).mean()?,
    );
    let names = sums.column("key")?.str()?.clone();
    let f = |df: &DataFrame, name: &str| -> PolarsResult<Vec<Option<f64>>> {
        Ok(df.column(name)?.f64()?.iter().collect())
    };
    let u = |name: &str| -> PolarsResult<Vec<u64>> {
        Ok(sums.column(&format!("{name}_sum"))?.u64()?.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let t = |df: &DataFrame, name: &str| -> PolarsResult<Vec<Option<i64>>> {
        Ok(df.column(name)?.i64()?.iter().collect())
    };
    let sum = |name: &str| f(&sums, &format!("{name}_sum"));
    let (mailboxes, has_perf, completed, n_kept, has_transferred) =
        (u("mailboxes")?, u("has_perf")?, u("completed")?, u("kept")?, u("has_transferred")?);
    let (transferred, pc_moved, pc_mailbox) =
        (sum("transferred")?, sum("pc_moved")?, sum("pc_mailbox")?);
    let (eff_moved, eff_transferred, kept_bytes) =
        (sum("eff_moved")?, sum("eff_transferred")?, sum("kept_bytes")?);
    type Sums = Vec<Option<f64>>;
    let share_sums: Vec<(Sums, Sums)> = shares
        .iter()
        .map(|(name, _)| Ok((sum(&format!("{name}_time"))?, sum(&format!("{name}_ip"))?)))
        .collect::<PolarsResult<_>>()?;
    let (start, min_rate) = (t(&mins, "start_min")?, f(&mins, "rate_min")?);
    let (end, last_update, max_rate) =
        (t(&maxs, "completion_max")?, t(&maxs, "last_update_max")?, f(&maxs, "rate_max")?);
    let (avg_rate, src_latency, dst_latency) =
        (f(&means, "rate_mean")?, f(&means, "src_latency_mean")?, f(&means, "dst_latency_mean")?);
    let ratio = |num: Option<f64>, den: Option<f64>| match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => Some(n * 100.0 / d),
        _ => None,
    };
    let mut out = Vec::with_capacity(names.len());
    for (g, name) in names.iter().enumerate() {
        let name = name.unwrap_or("").to_string();
        if has_perf[g] == 0 {
            out.push((name, None));
            continue;
        }
        let share = |k: usize| ratio(share_sums[k].0[g], share_sums[k].1[g]);
        let buckets: [Option<f64>; 9] = std::array::from_fn(|b| share(6 + b));
        let end = end[g].filter(|_| completed[g] == mailboxes[g]);
        let total_gb = (has_transferred[g] > 0).then(|| transferred[g].unwrap_or(0.0) / GIB);
        let window_end = end.or(last_update[g]);
        let throughput = match (total_gb, start[g], window_end) {
            (Some(gb), Some(from), Some(to)) if to > from => {
                Some(gb / ((to - from) as f64 / (3600.0 * TICKS_PER_SECOND as f64)))
            }
            _ => None,
        };
        let figures = Figures {
            efficiency_percent: ratio(eff_moved[g], eff_transferred[g]),
            source_side_percent: share(0),
            destination_side_percent: share(1),
            word_breaking_percent: share(2),
            transient_failure_percent: share(3),
            idle_percent: share(4),
            stall_percent: share(5),
            stalls: buckets.iter().any(Option::is_some).then_some(Stalls(buckets)),
            source_latency_ms: src_latency[g],
            destination_latency_ms: dst_latency[g],
        };
        let kept_size = (n_kept[g] > 0).then_some(kept_bytes[g]).flatten();
        let p = GroupPerformance {
            mailboxes: mailboxes[g],
            kept_moves: n_kept[g],
            start: start[g],
            end,
            total_gb_transferred: total_gb,
            percent_complete: ratio(pc_moved[g], pc_mailbox[g]),
            min_transfer_rate_gb_per_hour: min_rate[g],
            max_transfer_rate_gb_per_hour: max_rate[g],
            avg_transfer_rate_gb_per_hour: avg_rate[g],
            figures,
            throughput_gb_per_hour: throughput,
            assessment: assess(&figures, avg_rate[g], kept_size),
        };
        out.push((name, Some(p)));
    }
    Ok(out)
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
