//! Move performance: per mailbox, how long the move ran and where the time
//! went, how fast it copied, how the figures grade and what the bottleneck
//! is (`move-performance.md` §3–§6), decided once here from the record's
//! [`MoveStats`]; and the record of a group of moves (a batch, a source or
//! MRS server), which the roll-up fills in ([`super::rollup`]) and which is
//! graded by the same rules.
//!
//! Hours are seconds / 3600 and GB are bytes / 2^30. A value whose inputs
//! are absent is `None`, a present zero is 0; every percentage is of the
//! in-progress time and `None` when there is none. Figures are kept
//! unrounded: grades are decided on them. They serialise (the summary
//! JSON's contract) and export with 3 decimals ([`round3`]).
//!
//! Where the peer scripts go wrong (§8), this does not: throttle stalls
//! count in the stall figure, the archive size counts when only the archive
//! moves, and every figure is per move before it is summed per group.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::exchange::model::{
    LogEvent, Mailbox, MoveEvent, SessionStats, Side, SourceType, StallBucket,
};
use crate::exchange::text::stall_state;
use crate::keyed::{Keyed, keyed_enum};
use crate::time::TICKS_PER_SECOND;

/// A figure with 3 decimals, as the JSON and the exported tables write it
/// (never `-0`).
pub fn round3(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// An optional figure with 3 decimals (`#[serde(serialize_with)]`).
fn decimals<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round3(*v)),
        None => s.serialize_none(),
    }
}

/// Bytes in a GB as Exchange counts them (2^30).
pub const GIB: f64 = 1_073_741_824.0;

/// Ticks (100 ns) in an hour.
const TICKS_PER_HOUR: f64 = 3600.0 * TICKS_PER_SECOND as f64;

/// `MoveOnlyPrimaryMailbox` in RequestFlags.
const MOVE_ONLY_PRIMARY: u64 = 1024;
/// `MoveOnlyArchiveMailbox` in RequestFlags.
const MOVE_ONLY_ARCHIVE: u64 = 2048;

keyed_enum! {
    /// How a move (or a group of moves) grades: the worst of its graded
    /// figures (`move-performance.md` §4).
    pub enum Health {
        /// Every graded figure within the healthy range.
        Healthy = "healthy",
        /// At least one figure past healthy, none past the warning ceiling.
        Warning = "warning",
        /// At least one figure past the warning ceiling.
        Critical = "critical",
    }
}

keyed_enum! {
    /// What holds a move back most, by the first rule that holds.
    pub enum Bottleneck {
        /// Source provider calls take most of the time.
        Source = "source",
        /// Destination provider calls take too large a share.
        Destination = "destination",
        /// Stalls (waiting for resources) take too large a share.
        Stalls = "stalls",
        /// Transient failures take too large a share.
        TransientFailures = "transient_failures",
    }
}

/// The percentile of the kept-moves rule: of a group's moves that ran, the
/// fastest `P` percent (rounded up) make its rates, shares and latencies, so
/// one stuck move does not hide the group's real speed. 90 unless asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentile(u8);

impl Percentile {
    /// AnalyzeMoveRequestStats' 90.
    pub const DEFAULT: Percentile = Percentile(90);

    /// `P` from 1 to 100.
    pub fn new(p: u8) -> Option<Percentile> {
        (1..=100).contains(&p).then_some(Percentile(p))
    }

    /// `P`.
    pub fn get(self) -> u8 {
        self.0
    }

    /// How many of `n` moves are kept: ceil(n × P / 100).
    pub fn kept(self, n: usize) -> usize {
        (n * usize::from(self.0)).div_ceil(100)
    }
}

impl Default for Percentile {
    fn default() -> Self {
        Percentile::DEFAULT
    }
}

/// A share of the in-progress time per stall bucket, in percent; `None`
/// for a bucket the export does not carry. Serialised as one object with
/// every bucket's key.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stalls(pub [Option<f64>; 9]);

impl Stalls {
    /// One bucket.
    pub fn get(&self, b: StallBucket) -> Option<f64> {
        self.0[b.index()]
    }

    /// Every bucket with its share, in output order.
    pub fn iter(&self) -> impl Iterator<Item = (StallBucket, Option<f64>)> + '_ {
        StallBucket::ALL.iter().map(|&b| (b, self.get(b)))
    }

    /// The sum of the buckets present, throttle stalls included (the peer
    /// script leaves them out); `None` when none is.
    pub fn total(&self) -> Option<f64> {
        sum(self.0.iter().copied())
    }

    /// Source plus target throttling; `None` when neither is present.
    pub fn throttle(&self) -> Option<f64> {
        sum([self.get(StallBucket::SourceThrottle), self.get(StallBucket::TargetThrottle)])
    }

    /// The sum of the buckets on one side.
    pub fn side(&self, side: Side) -> f64 {
        self.iter().filter(|(b, _)| b.side() == side).filter_map(|(_, v)| v).sum()
    }

    /// The largest bucket, when one is above zero.
    pub fn largest(&self) -> Option<StallBucket> {
        self.iter()
            .filter_map(|(b, v)| Some((b, v?)))
            .filter(|(_, v)| *v > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(b, _)| b)
    }
}

impl Serialize for Stalls {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(StallBucket::ALL.len()))?;
        for (b, v) in self.iter() {
            map.serialize_entry(b.key(), &v.map(round3))?;
        }
        map.end()
    }
}

/// The sum of the values present; `None` when none is.
fn sum(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    values.into_iter().flatten().fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

/// The stall StatusDetail shows now, normalised (`move-performance.md` §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StalledNow {
    /// Whose resources the move waits for.
    pub side: Side,
    /// The reason, verbatim (`DiskLatency`, `MdbReplication`, `CI`, …).
    pub reason: String,
}

/// One stall as the report log tells it: from the line that opens it to
/// the next "no longer stalled" or copy-progress line (§6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StallEpisode {
    /// When it started (ticks since the epoch, UTC; ISO 8601 in JSON).
    #[serde(serialize_with = "iso_time")]
    pub start: Option<i64>,
    /// When it ended; `None` while still open at the last entry.
    #[serde(serialize_with = "iso_time")]
    pub end: Option<i64>,
    /// Whose resources it waited for.
    pub side: Side,
    /// The agent or the throttling state's reason, verbatim.
    pub reason: String,
    /// end − start, in hours.
    #[serde(serialize_with = "decimals")]
    pub hours: Option<f64>,
}

/// One "Copy progress" line: how far the copy had got, and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopyPoint {
    /// When it was logged (ticks since the epoch, UTC; ISO 8601 in JSON).
    #[serde(serialize_with = "iso_time")]
    pub time: Option<i64>,
    /// Messages copied.
    pub messages: u64,
    /// Bytes copied, when the line says.
    pub bytes: Option<u64>,
}

fn iso_time<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&crate::time::iso_utc_ticks(*t)),
        None => s.serialize_none(),
    }
}

/// The figures a move and a group of moves share: shares of the
/// in-progress time (a group's: of its kept moves'), the efficiency and the
/// latencies. Flattened into both records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    /// moved / transferred × 100.
    #[serde(serialize_with = "decimals")]
    pub efficiency_percent: Option<f64>,
    /// Source provider calls (of both sessions).
    #[serde(serialize_with = "decimals")]
    pub source_side_percent: Option<f64>,
    /// Destination provider calls (of both sessions).
    #[serde(serialize_with = "decimals")]
    pub destination_side_percent: Option<f64>,
    /// Content-indexing word breaking (primary session).
    #[serde(serialize_with = "decimals")]
    pub word_breaking_percent: Option<f64>,
    /// TotalTransientFailureDuration.
    #[serde(serialize_with = "decimals")]
    pub transient_failure_percent: Option<f64>,
    /// TotalIdleDuration.
    #[serde(serialize_with = "decimals")]
    pub idle_percent: Option<f64>,
    /// Each TotalStalledDueTo… bucket; `None` when the export has none.
    pub stalls: Option<Stalls>,
    /// The nine buckets together (migration users: TotalStalledDuration).
    #[serde(serialize_with = "decimals")]
    pub stall_percent: Option<f64>,
    /// SourceLatencyInfo.Average of the primary session, with samples (a
    /// group's: the mean over its kept moves with one).
    #[serde(serialize_with = "decimals")]
    pub source_latency_ms: Option<f64>,
    /// DestinationLatencyInfo.Average, likewise.
    #[serde(serialize_with = "decimals")]
    pub destination_latency_ms: Option<f64>,
}

/// A mailbox's performance (`mailboxes[].performance` in the summary JSON;
/// the keys are the contract of `move-performance.md` §3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Performance {
    /// TotalInProgressDuration: the time the job ran (the denominator of
    /// every percentage).
    #[serde(serialize_with = "decimals")]
    pub in_progress_hours: Option<f64>,
    /// OverallDuration.
    #[serde(serialize_with = "decimals")]
    pub overall_hours: Option<f64>,
    /// TotalQueuedDuration.
    #[serde(serialize_with = "decimals")]
    pub queued_hours: Option<f64>,
    /// TotalSuspendedDuration.
    #[serde(serialize_with = "decimals")]
    pub suspended_hours: Option<f64>,
    /// TotalFailedDuration.
    #[serde(serialize_with = "decimals")]
    pub failed_hours: Option<f64>,
    /// Overall − (in progress + queued + failed + suspended), never below 0.
    #[serde(serialize_with = "decimals")]
    pub relinquished_hours: Option<f64>,
    /// The size that moves: primary plus archive, or only the one the
    /// Flags move (migration users: EstimatedTotalTransferSize).
    pub mailbox_bytes: Option<u64>,
    /// mailbox_bytes × PercentComplete / 100.
    pub moved_bytes: Option<u64>,
    /// BytesTransferred (retries included).
    pub bytes_transferred: Option<u64>,
    /// moved GB per in-progress hour.
    #[serde(serialize_with = "decimals")]
    pub rate_gb_per_hour: Option<f64>,
    /// transferred GB per in-progress hour.
    #[serde(serialize_with = "decimals")]
    pub transfer_rate_gb_per_hour: Option<f64>,
    /// Efficiency, the shares of the in-progress time, the latencies.
    #[serde(flatten)]
    pub figures: Figures,
    /// The grade, the bottleneck, throttling.
    #[serde(flatten)]
    pub assessment: Assessment,
    /// The stall StatusDetail shows now.
    pub stalled_now: Option<StalledNow>,
    /// The stalls the report log tells, in order.
    pub stall_episodes: Vec<StallEpisode>,
    /// The copy-progress lines, in order.
    pub copy_progress: Vec<CopyPoint>,
}

/// What grading decides (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The worst grade of the graded figures.
    pub health: Health,
    /// What holds the move back most: the first bottleneck rule that holds.
    pub bottleneck: Option<Bottleneck>,
    /// Throttling: throttle stalls over 5 %, transient failures over 10 %,
    /// or under 0.3 GB/h from 1 GiB.
    pub throttled: bool,
}

/// A ceiling or a floor of the grading table: the healthy limit, then the
/// warning limit.
#[derive(Debug, Clone, Copy)]
enum Limit {
    AtLeast(f64, f64),
    AtMost(f64, f64),
}

fn grade(value: f64, limit: Limit) -> Health {
    let (healthy, warning) = match limit {
        Limit::AtLeast(h, w) => (value >= h, value >= w),
        Limit::AtMost(h, w) => (value <= h, value <= w),
    };
    if healthy {
        Health::Healthy
    } else if warning {
        Health::Warning
    } else {
        Health::Critical
    }
}

/// Whether a test on a figure holds (a null figure never does).
fn above(v: Option<f64>, limit: f64) -> bool {
    v.is_some_and(|v| v > limit)
}

/// Grades figures by the table of `move-performance.md` §4, with the
/// transfer rate and the size the rate and efficiency floor applies to
/// (they are graded only from 1 GiB), and finds the bottleneck and
/// throttling.
pub fn assess(f: &Figures, transfer_rate: Option<f64>, mailbox_bytes: Option<f64>) -> Assessment {
    let large = mailbox_bytes.is_some_and(|b| b >= GIB);
    let sized = |v: Option<f64>| v.filter(|_| large);
    let graded = [
        (sized(transfer_rate), Limit::AtLeast(0.5, 0.3)),
        (sized(f.efficiency_percent), Limit::AtLeast(75.0, 60.0)),
        (f.source_side_percent, Limit::AtMost(80.0, 90.0)),
        (f.destination_side_percent, Limit::AtMost(40.0, 55.0)),
        (f.word_breaking_percent, Limit::AtMost(15.0, 20.0)),
        (f.transient_failure_percent, Limit::AtMost(5.0, 10.0)),
        (f.stall_percent, Limit::AtMost(15.0, 20.0)),
        (f.source_latency_ms, Limit::AtMost(100.0, 150.0)),
    ];
    let health = graded
        .iter()
        .filter_map(|(v, limit)| v.map(|v| grade(v, *limit)))
        .max()
        .unwrap_or(Health::Healthy);
    let bottleneck = if above(f.stall_percent, 15.0) {
        Some(Bottleneck::Stalls)
    } else if above(f.transient_failure_percent, 5.0) {
        Some(Bottleneck::TransientFailures)
    } else if above(f.source_side_percent, 80.0) {
        Some(Bottleneck::Source)
    } else if above(f.destination_side_percent, 40.0) {
        Some(Bottleneck::Destination)
    } else {
        None
    };
    let slow = large && transfer_rate.is_some_and(|r| r < 0.3);
    let throttle = f.stalls.as_ref().and_then(Stalls::throttle);
    let throttled = above(throttle, 5.0) || above(f.transient_failure_percent, 10.0) || slow;
    Assessment { health, bottleneck, throttled }
}

/// Whether RequestFlags (its text, or its number) has a flag.
fn has_flag(flags: Option<&str>, name: &str, bit: u64) -> bool {
    let Some(f) = flags else { return false };
    match f.trim().parse::<u64>() {
        Ok(n) => n & bit != 0,
        Err(_) => f.split(',').any(|p| p.trim() == name),
    }
}

/// The size that moves: primary plus archive (primary alone without an
/// archive); only the archive with `MoveOnlyArchiveMailbox` (AnalyzeMove-
/// RequestStats drops it exactly then); only the primary with
/// `MoveOnlyPrimaryMailbox`. Migration users: EstimatedTotalTransferSize.
fn mailbox_bytes(m: &Mailbox) -> Option<u64> {
    let s = &m.stats;
    if m.source_type == Some(SourceType::MigrationUserStatistics) {
        return s.estimated_transfer_size;
    }
    let flags = m.flags.as_deref();
    if has_flag(flags, "MoveOnlyArchiveMailbox", MOVE_ONLY_ARCHIVE) {
        return s.archive_size;
    }
    if has_flag(flags, "MoveOnlyPrimaryMailbox", MOVE_ONLY_PRIMARY) {
        return m.total_mailbox_size;
    }
    m.total_mailbox_size.map(|p| p + s.archive_size.unwrap_or(0))
}

/// A move's performance; `None` when the export carries none of the
/// duration fields.
pub fn analyse(m: &Mailbox) -> Option<Performance> {
    let s = &m.stats;
    let d = &s.durations;
    if !d.any() {
        return None;
    }
    let hours = |secs: Option<f64>| secs.map(|v| v / 3600.0);
    let in_progress = d.in_progress;
    let share = |secs: Option<f64>| match (secs, in_progress) {
        (Some(v), Some(ip)) if ip > 0.0 => Some(v * 100.0 / ip),
        _ => None,
    };
    let per_hour = |bytes: Option<u64>| match (bytes, in_progress) {
        (Some(b), Some(ip)) if ip > 0.0 => Some(b as f64 / GIB / (ip / 3600.0)),
        _ => None,
    };
    let relinquished = match (d.overall, in_progress) {
        (Some(overall), Some(ip)) => {
            let accounted =
                ip + d.queued.unwrap_or(0.0) + d.failed.unwrap_or(0.0) + d.suspended.unwrap_or(0.0);
            Some((overall - accounted).max(0.0) / 3600.0)
        }
        _ => None,
    };
    let mailbox = mailbox_bytes(m);
    let moved = match (mailbox, s.percent_complete) {
        (Some(b), Some(p)) => Some((u128::from(b) * u128::from(p) / 100) as u64),
        _ => None,
    };
    let efficiency = match (moved, s.bytes_transferred) {
        (Some(m), Some(t)) if t > 0 => Some(m as f64 * 100.0 / t as f64),
        _ => None,
    };
    // Provider time of both sessions (each one present); word breaking and
    // latency of the primary session only, as AnalyzeMoveRequestStats does.
    let sessions = [s.primary_session.as_ref(), s.archive_session.as_ref()];
    let provider =
        |f: fn(&SessionStats) -> Option<f64>| sum(sessions.iter().flatten().map(|x| f(x)));
    let primary = s.primary_session.as_ref();
    let latency = |f: fn(&SessionStats) -> crate::exchange::model::Latency| {
        primary.map(f).filter(|l| l.samples != Some(0)).and_then(|l| l.average_ms)
    };
    let stalls = d.stalls.iter().any(Option::is_some).then(|| Stalls(d.stalls.map(share)));
    let stall_percent = match &stalls {
        Some(st) => st.total(),
        None => share(d.stalled),
    };
    let figures = Figures {
        efficiency_percent: efficiency,
        source_side_percent: share(provider(|x| x.source_provider)),
        destination_side_percent: share(provider(|x| x.destination_provider)),
        word_breaking_percent: share(primary.and_then(|x| x.word_breaking)),
        transient_failure_percent: share(d.transient_failure),
        idle_percent: share(d.idle),
        stalls,
        stall_percent,
        source_latency_ms: latency(|x| x.source_latency),
        destination_latency_ms: latency(|x| x.destination_latency),
    };
    let transfer_rate = per_hour(s.bytes_transferred);
    Some(Performance {
        in_progress_hours: hours(in_progress),
        overall_hours: hours(d.overall),
        queued_hours: hours(d.queued),
        suspended_hours: hours(d.suspended),
        failed_hours: hours(d.failed),
        relinquished_hours: relinquished,
        mailbox_bytes: mailbox,
        moved_bytes: moved,
        bytes_transferred: s.bytes_transferred,
        rate_gb_per_hour: per_hour(moved),
        transfer_rate_gb_per_hour: transfer_rate,
        figures,
        assessment: assess(&figures, transfer_rate, mailbox.map(|b| b as f64)),
        stalled_now: m
            .status_detail
            .as_deref()
            .and_then(stall_state)
            .map(|(side, reason)| StalledNow { side, reason }),
        stall_episodes: episodes(&s.events),
        copy_progress: copy_progress(&s.events),
    })
}

impl Performance {
    /// The closed episodes' hours together.
    pub fn logged_stall_hours(&self) -> Option<f64> {
        sum(self.stall_episodes.iter().map(|e| e.hours))
    }
}

/// Stall episodes from the log's progress lines (§6): a stall line opens
/// one (closing an open one at its own time), the next "no longer stalled"
/// or copy-progress line closes it; nothing else does.
fn episodes(events: &[MoveEvent]) -> Vec<StallEpisode> {
    let mut out: Vec<StallEpisode> = Vec::new();
    let mut open: Option<usize> = None;
    let close = |e: &mut StallEpisode, at: Option<i64>| {
        e.end = at;
        e.hours = match (e.start, at) {
            (Some(s), Some(t)) => Some((t - s) as f64 / TICKS_PER_HOUR),
            _ => None,
        };
    };
    for ev in events {
        match &ev.event {
            LogEvent::Stalled { side, reason } => {
                if let Some(i) = open {
                    close(&mut out[i], ev.time);
                }
                out.push(StallEpisode {
                    start: ev.time,
                    end: None,
                    side: *side,
                    reason: reason.clone(),
                    hours: None,
                });
                open = Some(out.len() - 1);
            }
            LogEvent::Unstalled | LogEvent::Copied { .. } => {
                if let Some(i) = open.take() {
                    close(&mut out[i], ev.time);
                }
            }
        }
    }
    out
}

fn copy_progress(events: &[MoveEvent]) -> Vec<CopyPoint> {
    events
        .iter()
        .filter_map(|ev| match ev.event {
            LogEvent::Copied { messages, bytes } => {
                Some(CopyPoint { time: ev.time, messages, bytes })
            }
            _ => None,
        })
        .collect()
}

/// The performance of a group of moves (`batches[].performance`,
/// `servers[].performance`; the keys of `move-performance.md` §7). Counts
/// and totals are over every move of the group; rates, shares and
/// latencies over its kept moves ([`Percentile`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPerformance {
    /// Moves in the group.
    pub mailboxes: u64,
    /// Of those, the kept moves (extra key).
    pub kept_moves: u64,
    /// The earliest StartTimestamp (ticks; ISO 8601 in JSON).
    #[serde(serialize_with = "iso_time")]
    pub start: Option<i64>,
    /// The latest CompletionTimestamp; `None` while any move has none.
    #[serde(serialize_with = "iso_time")]
    pub end: Option<i64>,
    /// Σ bytes transferred / 2^30.
    #[serde(serialize_with = "decimals")]
    pub total_gb_transferred: Option<f64>,
    /// Σ moved / Σ mailbox bytes × 100.
    #[serde(serialize_with = "decimals")]
    pub percent_complete: Option<f64>,
    /// The slowest kept move's transfer rate.
    #[serde(serialize_with = "decimals")]
    pub min_transfer_rate_gb_per_hour: Option<f64>,
    /// The fastest kept move's transfer rate.
    #[serde(serialize_with = "decimals")]
    pub max_transfer_rate_gb_per_hour: Option<f64>,
    /// The kept moves' mean transfer rate.
    #[serde(serialize_with = "decimals")]
    pub avg_transfer_rate_gb_per_hour: Option<f64>,
    /// Efficiency (Σ moved / Σ transferred), the shares (Σ time / Σ
    /// in-progress time of the kept moves that have it) and the mean
    /// latencies, over the kept moves.
    #[serde(flatten)]
    pub figures: Figures,
    /// Σ GB transferred per wall-clock hour from start to end (or to the
    /// latest LastUpdateTimestamp while the end is open).
    #[serde(serialize_with = "decimals")]
    pub throughput_gb_per_hour: Option<f64>,
    /// Graded as a move is, the mean rate standing for the transfer rate
    /// and the kept moves' size for the 1 GiB floor.
    #[serde(flatten)]
    pub assessment: Assessment,
}

keyed_enum! {
    /// What a `servers[]` entry groups by.
    pub enum ServerKey {
        /// `SourceServer`.
        SourceServer = "source_server",
        /// `MRSServerName`.
        MrsServer = "mrs_server",
    }
}

/// One server's moves (`servers[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerRow {
    /// Which server property.
    pub by: ServerKey,
    /// The server's name.
    pub key: String,
    /// Its moves' performance (`None` when none of them has any).
    pub performance: Option<GroupPerformance>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::model::{Latency, MoveDurations, MoveStats};

    const HOUR: f64 = 3600.0;

    /// A move that ran 10 hours and copied a 10 GiB mailbox over 12.5 GiB.
    fn mailbox() -> Mailbox {
        let mut d = MoveDurations {
            overall: Some(13.0 * HOUR),
            in_progress: Some(10.0 * HOUR),
            queued: Some(0.5 * HOUR),
            suspended: Some(0.0),
            failed: None,
            transient_failure: Some(0.2 * HOUR),
            idle: Some(0.1 * HOUR),
            ..MoveDurations::default()
        };
        d.stalls[StallBucket::ContentIndexing.index()] = Some(0.5 * HOUR);
        d.stalls[StallBucket::TargetThrottle.index()] = Some(0.3 * HOUR);
        d.stalls[StallBucket::SourceThrottle.index()] = Some(0.0);
        let primary = SessionStats {
            source_provider: Some(6.0 * HOUR),
            destination_provider: Some(2.0 * HOUR),
            word_breaking: Some(0.6 * HOUR),
            source_latency: Latency { average_ms: Some(61.0), samples: Some(88) },
            destination_latency: Latency { average_ms: Some(0.0), samples: Some(0) },
        };
        let archive = SessionStats {
            source_provider: Some(1.0 * HOUR),
            destination_provider: Some(0.5 * HOUR),
            word_breaking: Some(5.0 * HOUR),
            source_latency: Latency { average_ms: Some(900.0), samples: Some(3) },
            ..SessionStats::default()
        };
        Mailbox {
            source_type: Some(SourceType::MoveRequestStatistics),
            total_mailbox_size: Some(8 << 30),
            status_detail: Some("StalledDueTo_TargetDiskLatency".into()),
            flags: Some("CrossOrg, Pull".into()),
            stats: MoveStats {
                durations: d,
                archive_size: Some(2 << 30),
                bytes_transferred: Some(25 << 29),
                percent_complete: Some(100),
                primary_session: Some(primary),
                archive_session: Some(archive),
                ..MoveStats::default()
            },
            ..Mailbox::default()
        }
    }

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn the_formulas() {
        let p = analyse(&mailbox()).unwrap();
        close(p.in_progress_hours, 10.0);
        close(p.overall_hours, 13.0);
        // 13 − (10 + 0.5 + 0 + 0), an absent failed duration counting 0.
        close(p.relinquished_hours, 2.5);
        assert_eq!(p.failed_hours, None);
        assert_eq!(p.mailbox_bytes, Some(10 << 30), "primary plus archive");
        assert_eq!(p.moved_bytes, Some(10 << 30));
        close(p.rate_gb_per_hour, 1.0);
        close(p.transfer_rate_gb_per_hour, 1.25);
        close(p.figures.efficiency_percent, 80.0);
        // Both sessions' provider time; the archive's word breaking and
        // latency do not count (primary only).
        close(p.figures.source_side_percent, 70.0);
        close(p.figures.destination_side_percent, 25.0);
        close(p.figures.word_breaking_percent, 6.0);
        close(p.figures.transient_failure_percent, 2.0);
        close(p.figures.idle_percent, 1.0);
        let stalls = p.figures.stalls.unwrap();
        close(stalls.get(StallBucket::ContentIndexing), 5.0);
        close(stalls.get(StallBucket::TargetThrottle), 3.0);
        assert_eq!(stalls.get(StallBucket::MailboxLocked), None);
        // Throttle stalls count (AnalyzeMoveRequestStats forgets them).
        close(p.figures.stall_percent, 8.0);
        close(p.figures.source_latency_ms, 61.0);
        assert_eq!(p.figures.destination_latency_ms, None, "no samples, no latency");
        assert_eq!(p.assessment.health, Health::Healthy);
        assert_eq!(p.assessment.bottleneck, None);
        assert!(!p.assessment.throttled);
        assert_eq!(
            p.stalled_now,
            Some(StalledNow { side: Side::Target, reason: "DiskLatency".into() })
        );
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["stalls"].as_object().unwrap().len(), 9);
        assert_eq!(json["stalls"]["mailbox_locked"], serde_json::Value::Null);
        assert_eq!(json["transfer_rate_gb_per_hour"], 1.25);
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.starts_with("{\"in_progress_hours\":10.0,\"overall_hours\":13.0,"), "{text}");
        assert_eq!(round3(0.80649), 0.806);
        assert_eq!(round3(-0.0001).to_string(), "0");
    }

    #[test]
    fn no_duration_field_means_no_record() {
        let mut m = mailbox();
        m.stats.durations = MoveDurations::default();
        assert_eq!(analyse(&m), None);
        // A present zero is a zero; a zero in-progress time leaves shares null.
        m.stats.durations.in_progress = Some(0.0);
        let p = analyse(&m).unwrap();
        assert_eq!(p.in_progress_hours, Some(0.0));
        assert_eq!((p.rate_gb_per_hour, p.figures.source_side_percent), (None, None));
        assert_eq!(p.relinquished_hours, None, "no overall duration");
    }

    #[test]
    fn sizes_follow_the_flags_and_the_archive_is_not_dropped() {
        let mut m = mailbox();
        m.flags = Some("CrossOrg, Pull, MoveOnlyArchiveMailbox".into());
        assert_eq!(analyse(&m).unwrap().mailbox_bytes, Some(2 << 30), "the archive alone");
        m.flags = Some("MoveOnlyPrimaryMailbox, Pull".into());
        assert_eq!(analyse(&m).unwrap().mailbox_bytes, Some(8 << 30));
        m.flags = Some((2048 + 8).to_string());
        assert_eq!(analyse(&m).unwrap().mailbox_bytes, Some(2 << 30), "flags as a number");
        m.flags = None;
        m.stats.archive_size = None;
        assert_eq!(analyse(&m).unwrap().mailbox_bytes, Some(8 << 30), "no archive: primary");
        m.stats.percent_complete = Some(50);
        assert_eq!(analyse(&m).unwrap().moved_bytes, Some(4 << 30));
        m.stats.bytes_transferred = Some(0);
        assert_eq!(analyse(&m).unwrap().figures.efficiency_percent, None, "nothing transferred");
    }

    #[test]
    fn migration_users_have_coarse_fields() {
        let m = Mailbox {
            source_type: Some(SourceType::MigrationUserStatistics),
            stats: MoveStats {
                durations: MoveDurations {
                    in_progress: Some(4.0 * HOUR),
                    queued: Some(0.25 * HOUR),
                    stalled: Some(HOUR),
                    ..MoveDurations::default()
                },
                estimated_transfer_size: Some(4 << 30),
                bytes_transferred: Some(3 << 30),
                percent_complete: Some(75),
                ..MoveStats::default()
            },
            ..Mailbox::default()
        };
        let p = analyse(&m).unwrap();
        assert_eq!(p.mailbox_bytes, Some(4 << 30));
        assert_eq!(p.moved_bytes, Some(3 << 30));
        close(p.transfer_rate_gb_per_hour, 0.75);
        close(p.figures.stall_percent, 25.0);
        assert_eq!(p.figures.stalls, None);
        assert_eq!(
            (p.overall_hours, p.relinquished_hours, p.figures.source_side_percent),
            (None, None, None)
        );
        assert_eq!(p.assessment.bottleneck, Some(Bottleneck::Stalls));
        assert_eq!(p.assessment.health, Health::Critical);
        assert_eq!(p.stalled_now, None);
    }

    #[test]
    fn grading_table_edges() {
        let g = |f: fn(&mut Figures, &mut Option<f64>)| {
            let (mut figures, mut rate) = (Figures::default(), None);
            f(&mut figures, &mut rate);
            assess(&figures, rate, Some(GIB))
        };
        let throttle = |v: f64| {
            let mut stalls = [None; 9];
            stalls[StallBucket::SourceThrottle.index()] = Some(v / 2.0);
            stalls[StallBucket::TargetThrottle.index()] = Some(v / 2.0);
            Some(Stalls(stalls))
        };
        assert_eq!(g(|_, _| {}).health, Health::Healthy, "nothing graded");
        assert_eq!(g(|_, r| *r = Some(0.5)).health, Health::Healthy);
        assert_eq!(g(|_, r| *r = Some(0.3)).health, Health::Warning);
        assert_eq!(g(|_, r| *r = Some(0.29)).health, Health::Critical);
        assert_eq!(g(|f, _| f.efficiency_percent = Some(74.9)).health, Health::Warning);
        assert_eq!(g(|f, _| f.efficiency_percent = Some(59.9)).health, Health::Critical);
        assert_eq!(g(|f, _| f.source_side_percent = Some(80.0)).health, Health::Healthy);
        assert_eq!(g(|f, _| f.source_side_percent = Some(90.0)).health, Health::Warning);
        assert_eq!(g(|f, _| f.destination_side_percent = Some(55.1)).health, Health::Critical);
        assert_eq!(g(|f, _| f.word_breaking_percent = Some(15.5)).health, Health::Warning);
        assert_eq!(g(|f, _| f.transient_failure_percent = Some(10.5)).health, Health::Critical);
        assert_eq!(g(|f, _| f.stall_percent = Some(20.0)).health, Health::Warning);
        assert_eq!(g(|f, _| f.source_latency_ms = Some(150.1)).health, Health::Critical);
        // Idle time and the destination latency are not graded.
        assert_eq!(g(|f, _| f.idle_percent = Some(90.0)).health, Health::Healthy);
        assert_eq!(g(|f, _| f.destination_latency_ms = Some(900.0)).health, Health::Healthy);
        // Rate and efficiency are not graded below 1 GiB (nor when unknown).
        let small = Figures { efficiency_percent: Some(10.0), ..Figures::default() };
        let a = assess(&small, Some(0.01), Some(GIB - 1.0));
        assert_eq!((a.health, a.throttled), (Health::Healthy, false));
        assert_eq!(assess(&small, Some(0.01), None).health, Health::Healthy);
        // The worst grade wins; the first bottleneck rule that holds.
        let a = g(|f, _| {
            f.stall_percent = Some(16.0);
            f.transient_failure_percent = Some(6.0);
            f.source_side_percent = Some(95.0);
        });
        assert_eq!((a.health, a.bottleneck), (Health::Critical, Some(Bottleneck::Stalls)));
        let b = |f: fn(&mut Figures, &mut Option<f64>)| g(f).bottleneck;
        assert_eq!(
            b(|f, _| f.transient_failure_percent = Some(5.5)),
            Some(Bottleneck::TransientFailures)
        );
        assert_eq!(b(|f, _| f.source_side_percent = Some(80.5)), Some(Bottleneck::Source));
        assert_eq!(
            b(|f, _| f.destination_side_percent = Some(40.5)),
            Some(Bottleneck::Destination)
        );
        assert_eq!(b(|f, _| f.destination_side_percent = Some(40.0)), None);
        // Throttling: source plus target throttle stalls over 5 %.
        let with_throttle = |v| Figures { stalls: throttle(v), ..Figures::default() };
        assert!(assess(&with_throttle(5.1), None, None).throttled);
        assert!(!assess(&with_throttle(5.0), None, None).throttled);
        assert!(g(|f, _| f.transient_failure_percent = Some(10.1)).throttled);
        assert!(g(|_, r| *r = Some(0.29)).throttled);
    }

    #[test]
    fn stall_episodes_from_the_log() {
        let t = |h: f64| Some((h * TICKS_PER_HOUR) as i64);
        let stalled = |h, reason: &str| MoveEvent {
            time: t(h),
            event: LogEvent::Stalled { side: Side::Target, reason: reason.into() },
        };
        let copied =
            |h| MoveEvent { time: t(h), event: LogEvent::Copied { messages: 1, bytes: None } };
        let events = vec![
            copied(0.0),
            stalled(1.0, "ContentIndexing"),
            MoveEvent { time: t(1.5), event: LogEvent::Unstalled },
            // A second "no longer stalled" closes nothing.
            MoveEvent { time: t(1.6), event: LogEvent::Unstalled },
            stalled(2.0, "MailboxDatabaseReplication"),
            // An opening line closes the open episode at its own time.
            stalled(2.25, "DiskLatency"),
            copied(3.0),
            stalled(4.0, "Processor"),
        ];
        let e = episodes(&events);
        let got: Vec<(&str, Option<f64>)> =
            e.iter().map(|e| (e.reason.as_str(), e.hours)).collect();
        assert_eq!(
            got,
            [
                ("ContentIndexing", Some(0.5)),
                ("MailboxDatabaseReplication", Some(0.25)),
                ("DiskLatency", Some(0.75)),
                ("Processor", None),
            ]
        );
        assert_eq!(e[3].end, None, "still open at the last entry");
        assert_eq!(copy_progress(&events).len(), 2);
        let json = serde_json::to_value(&e[0]).unwrap();
        assert_eq!(json["start"], "1970-01-01T01:00:00Z");
        assert_eq!(json["side"], "target");
    }

    #[test]
    fn kept_moves() {
        let p = Percentile::DEFAULT;
        assert_eq!((p.kept(20), p.kept(10), p.kept(6), p.kept(1), p.kept(0)), (18, 9, 6, 1, 0));
        assert_eq!(Percentile::new(50).unwrap().kept(5), 3);
        assert_eq!(Percentile::new(0), None);
        assert_eq!(Percentile::new(101), None);
    }
}
