//! Performance data for generated moves: a [`Plan`] of shares (of the
//! in-progress time) and rates becomes the durations, sizes, sessions and
//! servers a statistics object carries ([`PerfSpec`]), and the report log's
//! stall and copy-progress lines are written as Exchange writes them.

use super::spec::{LatencySpec, PerfSpec, SessionSpec, size_text, stamp};

/// Seconds in an hour.
pub const HOUR: f64 = 3600.0;

/// Stall buckets by index (`StallBucket` order).
pub const CI: usize = 0;
/// MDB replication.
pub const MDB: usize = 1;
/// Mailbox locked.
pub const LOCKED: usize = 2;
/// Target CPU.
pub const TARGET_CPU: usize = 4;
/// Source unknown.
pub const SOURCE_UNKNOWN: usize = 5;
/// Target throttle.
pub const TARGET_THROTTLE: usize = 8;

/// Exchange Online MRS servers.
pub const MRS_A: &str = "AM6PR04MB5191.eurprd04.prod.outlook.com";
/// Another one.
pub const MRS_B: &str = "DB9PR04MB8412.eurprd04.prod.outlook.com";

/// How a move went: hours in progress and where they went (percentages
/// of the in-progress time), its efficiency and progress.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Hours in progress.
    pub hours: f64,
    /// Hours queued.
    pub queued: f64,
    /// Hours failed.
    pub failed: f64,
    /// Hours relinquished (overall minus everything else).
    pub relinquished: f64,
    /// Source provider calls, percent.
    pub source: f64,
    /// Destination provider calls, percent.
    pub destination: f64,
    /// Word breaking, percent.
    pub word_breaking: f64,
    /// Transient failures, percent.
    pub transient: f64,
    /// Stalls by bucket, percent.
    pub stalls: [f64; 9],
    /// Moved over transferred, percent.
    pub efficiency: f64,
    /// PercentComplete.
    pub percent: u32,
    /// Source latency (ms, samples); `None`: no MRSProxy (a local move).
    pub latency: LatencySpec,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            hours: 3.0,
            queued: 0.15,
            failed: 0.0,
            relinquished: 0.1,
            source: 68.0,
            destination: 24.0,
            word_breaking: 5.0,
            transient: 0.4,
            stalls: [1.5, 0.8, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0],
            efficiency: 92.0,
            percent: 100,
            latency: Some((45, 88)),
        }
    }
}

/// The performance data of a move of `size` bytes that went as `plan`
/// says, from `source_server` through `mrs_server`. The primary session
/// carries the provider time; the archive session is empty.
pub fn perf(plan: Plan, size: u64, source_server: &str, mrs_server: &str) -> PerfSpec {
    let ip = plan.hours * HOUR;
    let share = |pct: f64| ip * pct / 100.0;
    let moved = size as f64 * f64::from(plan.percent) / 100.0;
    let session = SessionSpec {
        source: vec![
            ("IMailbox.Connect", share(plan.source) * 0.01),
            ("ISourceMailbox.EnumerateMessages", share(plan.source) * 0.04),
            ("ISourceMailbox.ExportMessages", share(plan.source) * 0.95),
        ],
        destination: vec![
            ("IMailbox.Connect", share(plan.destination) * 0.02),
            ("IDestinationMailbox.CreateFolder", share(plan.destination) * 0.03),
            ("IDestinationMailbox.ImportMessages", share(plan.destination) * 0.95),
        ],
        word_breaking: share(plan.word_breaking),
        messages: (moved / 180_000.0) as u64,
        source_latency: plan.latency,
        destination_latency: plan.latency.map(|(_, n)| (9, n / 2)),
    };
    PerfSpec {
        overall: ip + (plan.queued + plan.failed + plan.relinquished) * HOUR,
        in_progress: ip,
        queued: plan.queued * HOUR,
        failed: plan.failed * HOUR,
        transient: share(plan.transient),
        idle: share(0.5),
        synced: 0.0,
        stalls: plan.stalls.map(share),
        bytes_transferred: (moved * 100.0 / plan.efficiency) as u64,
        percent_complete: plan.percent,
        source_server: Some(source_server.into()),
        mrs_server: Some(mrs_server.into()),
        primary: Some(session),
        archive: Some(SessionSpec::default()),
        ..PerfSpec::default()
    }
}

/// `Copy progress: N/M messages, X/Y.`
pub fn copy_line(messages: u64, total: u64, bytes: u64, total_bytes: u64) -> String {
    format!(
        "Copy progress: {messages}/{total} messages, {}/{}.",
        size_text(bytes),
        size_text(total_bytes)
    )
}

/// The replication-constraint stall line of `agent`, waiting 30 minutes
/// from `secs` after `start`.
pub fn constraint_line(
    start: (i64, u32, u32, u32, u32, u32),
    secs: u64,
    mailbox: &str,
    agent: &str,
) -> String {
    let (_, until) = stamp(start, secs + 1800);
    let reason = match agent {
        "ContentIndexing" => "Content indexing of the database copies is behind.",
        _ => "The copy queue of the database copies is too long.",
    };
    format!(
        "Move for mailbox '{mailbox}' is stalled because DataMoveReplicationConstraint is not satisfied for the database 'EURPR04DG123-db045' (agent {agent}). Failure Reason: {reason} Will wait until {until}."
    )
}

/// The relinquish line of a throttling state (`StalledDueToTarget_DiskLatency`).
pub fn relinquish_line(state: &str) -> String {
    format!(
        "Relinquishing job because of large delays due to unfavorable server health or budget limitations with a request throttling state '{state}'."
    )
}

/// The line that ends a stall.
pub const UNSTALLED: &str = "Request is no longer stalled and will continue.";

/// Copy-progress lines at the given fractions of the in-progress time, a
/// replication stall and its end between the first two: the log of a move
/// that stalled once and carried on.
pub fn steady_log(
    p: &PerfSpec,
    start: (i64, u32, u32, u32, u32, u32),
    mailbox: &str,
    size: u64,
    messages: u64,
) -> Vec<(u64, String)> {
    let at = |f: f64| 60 + (p.in_progress * f) as u64;
    let point =
        |f: f64| copy_line((messages as f64 * f) as u64, messages, (size as f64 * f) as u64, size);
    vec![
        (at(0.3), point(0.3)),
        (at(0.4), constraint_line(start, at(0.4), mailbox, "ContentIndexing")),
        (at(0.45), UNSTALLED.to_string()),
        (at(0.7), point(0.7)),
    ]
}
