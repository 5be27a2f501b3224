//! The performance next steps of one mailbox (`move-performance.md` §9):
//! what its bottleneck, its stalls and its throttling call for, and whether
//! its source server is far slower than the others. Microsoft's framing
//! runs through the text: migrations have a lower priority than client
//! access and mail flow, so "stalled" is typical and usually not a fault.

use super::command::{Command, Ids, Shell};
use super::step::{Severity, StepId, Suggestion};
use crate::analysis::{
    Analysis, Bottleneck, MailboxAnalysis, Performance, ServerKey, Side, Stalls,
};
use crate::exchange::model::{SourceType, StallBucket};
use crate::render::some_of;

/// A source server whose kept moves average less than this share of the
/// other source servers' median rate is "far slower than the others".
const FAR_SLOWER: f64 = 0.5;

/// The source servers far slower than the others, with their rate and the
/// others' median (only when at least two source servers have a rate).
pub fn slow_source_servers(analysis: &Analysis) -> Vec<(String, f64, f64)> {
    let rates: Vec<(&str, f64)> = analysis
        .servers
        .iter()
        .filter(|s| s.by == ServerKey::SourceServer)
        .filter_map(|s| {
            Some((s.key.as_str(), s.performance.as_ref()?.avg_transfer_rate_gb_per_hour?))
        })
        .collect();
    if rates.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, (name, rate)) in rates.iter().enumerate() {
        let mut others: Vec<f64> =
            rates.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, (_, r))| *r).collect();
        others.sort_by(f64::total_cmp);
        let n = others.len();
        let median =
            if n % 2 == 1 { others[n / 2] } else { (others[n / 2 - 1] + others[n / 2]) / 2.0 };
        if *rate < FAR_SLOWER * median {
            out.push((name.to_string(), *rate, median));
        }
    }
    out
}

/// The performance steps of one mailbox, in [`StepId`] order (none without
/// performance data). `slow` is [`slow_source_servers`] of its run.
pub fn for_mailbox(a: &MailboxAnalysis, slow: &[(String, f64, f64)]) -> Vec<Suggestion> {
    let Some(p) = &a.performance else { return Vec::new() };
    let m = &a.mailbox;
    let ids = Ids::of(m);
    let mut out = Vec::new();
    let largest = p.figures.stalls.as_ref().and_then(Stalls::largest);
    let stall_on = |side: Side| p.figures.stalls.as_ref().map(|s| s.side(side));
    let mostly_target = match (stall_on(Side::Target), stall_on(Side::Source)) {
        (Some(t), Some(s)) => t > s,
        // Migration-user statistics have one stall duration, no sides: in
        // Exchange Online the stalls of an onboarding are the target's.
        _ => {
            p.figures.stalls.is_none() && m.source_type == Some(SourceType::MigrationUserStatistics)
        }
    };
    let stalled_on_target = p.stalled_now.as_ref().is_some_and(|s| s.side == Side::Target);
    let bottleneck = p.assessment.bottleneck;
    if m.to_exchange_online
        && ((bottleneck == Some(Bottleneck::Stalls) && mostly_target) || stalled_on_target)
    {
        out.push(wait_step(p, &ids));
    }
    if bottleneck == Some(Bottleneck::TransientFailures)
        || largest == Some(StallBucket::MailboxLocked)
    {
        out.push(mrsproxy_step(a, p, &ids));
    }
    let latency_high = p.figures.source_latency_ms.is_some_and(|l| l > 100.0);
    if bottleneck == Some(Bottleneck::Source) && latency_high {
        out.push(export_buffer_step(p));
    }
    if (bottleneck == Some(Bottleneck::Source) && !latency_high)
        || matches!(largest, Some(StallBucket::SourceCpu | StallBucket::SourceUnknown))
    {
        out.push(source_resources_step(a, p, largest));
    }
    if bottleneck == Some(Bottleneck::Destination) {
        out.push(spread_step(a, p));
    }
    let server = m.stats.source_server.as_deref();
    let slow_server = server.and_then(|s| slow.iter().find(|(name, _, _)| name == s));
    if p.assessment.throttled || slow_server.is_some() {
        out.push(concurrency_step(a, p, &ids, slow_server));
    }
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "an unknown share".into(), |v| format!("{v:.1}%"))
}

/// The stall buckets above zero, largest first: `content indexing 12.0%, …`.
fn buckets(stalls: Option<&Stalls>) -> String {
    let Some(s) = stalls else { return String::new() };
    let mut parts: Vec<(StallBucket, f64)> =
        s.iter().filter_map(|(b, v)| Some((b, v?))).filter(|(_, v)| *v > 0.0).collect();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    let named: Vec<String> = parts.iter().map(|(b, v)| format!("{} {v:.1}%", b.title())).collect();
    some_of(named.iter().map(String::as_str), 4)
}

/// The statistics to watch, with the stall durations.
fn watch_command(ids: &Ids) -> Option<Command> {
    if ids.history {
        return None;
    }
    let line = if ids.migration_user {
        format!(
            "Get-MigrationUserStatistics -Identity {} | Format-List Status,PercentageComplete,TotalInProgressDuration,TotalStalledDuration",
            ids.request
        )
    } else {
        format!(
            "Get-MoveRequestStatistics -Identity {} | Format-List StatusDetail,PercentComplete,BytesTransferred,TotalInProgressDuration,TotalStalledDueTo*",
            ids.request
        )
    };
    Some(Command::read(ids.shell, line).with_placeholder(ids.placeholder))
}

fn wait_step(p: &Performance, ids: &Ids) -> Suggestion {
    let mut finding =
        format!("Stalls took {} of the in-progress time", pct(p.figures.stall_percent));
    let detail = buckets(p.figures.stalls.as_ref());
    if !detail.is_empty() {
        finding.push_str(&format!(", mostly on the target ({detail})"));
    }
    if let Some(now) = &p.stalled_now {
        finding.push_str(&format!(
            "; StatusDetail says it is stalled now on the {} ({})",
            now.side, now.reason
        ));
    }
    finding.push('.');
    let mut text = String::from(
        "Expected in Exchange Online: migrations have a lower priority than client access and \
         mail flow, and resource health throttles them while the target's databases catch up \
         (content indexing, replication to the database copies, CPU, disk latency). Stalls are \
         normal and the move continues by itself: wait. For the next waves, spread the batches \
         over time and lower their concurrency rather than starting more at once. Open a \
         Microsoft case only when target CPU or content-indexing stalls go on for days.",
    );
    if p.stalled_now.as_ref().is_some_and(|s| s.reason == "Processor") {
        text.push_str(
            " A long StalledDueToTarget_Processor with MapiFxProxyTransientException timeouts \
             is KB 3162761.",
        );
    }
    if p.figures.stalls.is_none() {
        text.push_str(
            " Migration-user statistics give one stall duration and do not say which side it \
             waited for.",
        );
    }
    Suggestion {
        id: StepId::PerfWaitTargetStalls,
        severity: Severity::Info,
        finding,
        text,
        commands: watch_command(ids).into_iter().collect(),
    }
}

fn mrsproxy_step(a: &MailboxAnalysis, p: &Performance, ids: &Ids) -> Suggestion {
    let locked = p.figures.stalls.as_ref().and_then(|s| s.get(StallBucket::MailboxLocked));
    let finding = if p.assessment.bottleneck == Some(Bottleneck::TransientFailures) {
        format!(
            "Transient failures took {} of the in-progress time.",
            pct(p.figures.transient_failure_percent)
        )
    } else {
        format!(
            "Waiting for the locked mailbox is the largest stall ({} of the in-progress time).",
            pct(locked)
        )
    };
    let mut commands = Vec::new();
    if !ids.history && !ids.migration_user {
        commands.push(
            Command::read(
                ids.shell,
                format!(
                    "(Get-MoveRequestStatistics -Identity {} -IncludeReport).Report.Failures | Group-Object FailureType | Sort-Object Count -Descending | Format-Table Count,Name",
                    ids.request
                ),
            )
            .with_placeholder(ids.placeholder),
        );
    }
    if a.mailbox.to_exchange_online && !ids.history {
        commands.push(Command::read(
            Shell::ExchangeOnline,
            "Get-MigrationEndpoint | Format-List Identity,RemoteServer,MaxConcurrentMigrations"
                .into(),
        ));
    }
    Suggestion {
        id: StepId::PerfCheckMrsproxyPath,
        severity: Severity::Warning,
        finding,
        text: "Look at the transient failures in Report.Failures (CommunicationErrorTransientException, \
               timeouts of the MRSProxy endpoint): a locked mailbox usually follows dropped \
               connections. Check the path to MRSProxy: load-balancer affinity or persistence, \
               idle timeouts, proxies and other network devices that cut long calls; then \
               resume the move if it stopped."
            .into(),
        commands,
    }
}

fn export_buffer_step(p: &Performance) -> Suggestion {
    Suggestion {
        id: StepId::PerfRaiseExportBuffer,
        severity: Severity::Warning,
        finding: format!(
            "The source side took {} of the in-progress time, at a source latency of {:.0} ms \
             (about 100 ms is desirable).",
            pct(p.figures.source_side_percent),
            p.figures.source_latency_ms.unwrap_or(0.0)
        ),
        text: "Each round trip to the source pays the latency: raise ExportBufferSizeOverrideKB \
               (for example to 7500) in the MRSProxy configuration of the on-premises servers \
               (the MRSProxy section of the EWS web.config), so fewer, larger round trips carry \
               the same data. Also look at what adds latency on the way (WAN, proxies, \
               inspection)."
            .into(),
        commands: Vec::new(),
    }
}

fn source_resources_step(
    a: &MailboxAnalysis,
    p: &Performance,
    largest: Option<StallBucket>,
) -> Suggestion {
    let finding = match largest {
        Some(b @ (StallBucket::SourceCpu | StallBucket::SourceUnknown))
            if p.assessment.bottleneck != Some(Bottleneck::Source) =>
        {
            format!(
                "Stalls on {} are the largest stall ({} of the in-progress time).",
                b.title(),
                pct(p.figures.stalls.as_ref().and_then(|s| s.get(b)))
            )
        }
        _ => format!(
            "The source side took {} of the in-progress time (healthy: up to 80%){}.",
            pct(p.figures.source_side_percent),
            p.figures
                .source_latency_ms
                .map(|l| format!(", at a source latency of {l:.0} ms"))
                .unwrap_or_default()
        ),
    };
    let server =
        a.mailbox.stats.source_server.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
    Suggestion {
        id: StepId::PerfSourceResources,
        severity: Severity::Warning,
        finding,
        text: format!(
            "The source server{server} cannot hand out the data faster: free its CPU, memory \
             and disk (other load, antivirus scanning of the databases), avoid its backup and \
             maintenance windows, and spread the users of a batch over several source servers."
        ),
        commands: Vec::new(),
    }
}

fn spread_step(a: &MailboxAnalysis, p: &Performance) -> Suggestion {
    let text = if a.mailbox.to_exchange_online {
        "The destination side takes a large share: pressure on the target. Spread the requests \
         over time, or remove and re-insert slow ones, and use smaller batches."
    } else {
        "The destination side takes a large share: pressure on the target. Spread the requests \
         over time and use smaller batches; on an on-premises target, check its databases \
         (disk latency, the copy and replay queues of their copies) and its CPU."
    };
    Suggestion {
        id: StepId::PerfSpreadBatches,
        severity: Severity::Warning,
        finding: format!(
            "The destination side took {} of the in-progress time (healthy: up to 40%).",
            pct(p.figures.destination_side_percent)
        ),
        text: text.into(),
        commands: Vec::new(),
    }
}

fn concurrency_step(
    a: &MailboxAnalysis,
    p: &Performance,
    ids: &Ids,
    slow: Option<&(String, f64, f64)>,
) -> Suggestion {
    let mut why = Vec::new();
    if let Some((server, rate, median)) = slow {
        why.push(format!(
            "its source server {server} averages {rate:.2} GB/h, under half the other source \
             servers' {median:.2} GB/h"
        ));
    }
    if p.assessment.throttled {
        let throttle = p.figures.stalls.as_ref().and_then(Stalls::throttle).filter(|t| *t > 5.0);
        if let Some(t) = throttle {
            why.push(format!("throttle stalls took {t:.1}% of the in-progress time"));
        }
        if p.figures.transient_failure_percent.is_some_and(|t| t > 10.0) {
            why.push(format!(
                "transient failures took {}",
                pct(p.figures.transient_failure_percent)
            ));
        }
        if p.transfer_rate_gb_per_hour.is_some_and(|r| r < 0.3) {
            why.push(format!(
                "it transferred {:.2} GB/h (below 0.3)",
                p.transfer_rate_gb_per_hour.unwrap_or(0.0)
            ));
        }
    }
    let mut commands = Vec::new();
    let text = if a.mailbox.to_exchange_online {
        if !ids.history {
            commands.push(Command::read(
                Shell::ExchangeOnline,
                "Get-MigrationEndpoint | Format-List Identity,MaxConcurrentMigrations".into(),
            ));
            commands.push(
                Command::change(
                    Shell::ExchangeOnline,
                    "Set-MigrationEndpoint -Identity <endpoint> -MaxConcurrentMigrations <N>"
                        .into(),
                    "",
                )
                .with_placeholder(true),
            );
        }
        "Check how many moves run at once. For Exchange Online migrations, the endpoint's \
         MaxConcurrentMigrations sets it (default 20, up to 100; Microsoft's page also says \
         10): raise it only while the source has headroom; when Exchange Online throttles, \
         more moves at once do not help: spread them. On-premises Exchange 2019 allows 10 \
         concurrent moves per source and target by default; New-SettingOverride raises that to \
         25, then in steps of 10, never above 100 (the MRS settings MaxActiveMovesPer…)."
    } else {
        "Check how many moves run at once: on-premises Exchange 2019 allows 10 concurrent \
         moves per source and target by default; New-SettingOverride raises that to 25, then \
         in steps of 10, never above 100 (the MRS settings MaxActiveMovesPer…). Raise it only \
         while the servers have headroom."
    };
    Suggestion {
        id: StepId::PerfConcurrency,
        severity: Severity::Warning,
        finding: format!("The move is slowed down: {}.", why.join("; ")),
        text: text.into(),
        commands,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::performance::{Assessment, Figures};
    use crate::analysis::{GroupPerformance, Health, ServerRow};

    fn server(by: ServerKey, key: &str, rate: f64) -> ServerRow {
        ServerRow {
            by,
            key: key.into(),
            performance: Some(GroupPerformance {
                mailboxes: 3,
                kept_moves: 3,
                start: None,
                end: None,
                total_gb_transferred: None,
                percent_complete: None,
                min_transfer_rate_gb_per_hour: None,
                max_transfer_rate_gb_per_hour: None,
                avg_transfer_rate_gb_per_hour: Some(rate),
                figures: Figures::default(),
                throughput_gb_per_hour: None,
                assessment: Assessment {
                    health: Health::Healthy,
                    bottleneck: None,
                    throttled: false,
                },
            }),
        }
    }

    #[test]
    fn a_source_server_under_half_the_others_median_is_far_slower() {
        let run = |servers: Vec<ServerRow>| {
            let a = Analysis { servers, ..Analysis::default() };
            slow_source_servers(&a).into_iter().map(|(k, _, _)| k).collect::<Vec<_>>()
        };
        let s = ServerKey::SourceServer;
        assert_eq!(
            run(vec![server(s, "A", 1.0), server(s, "B", 0.9), server(s, "C", 0.42)]),
            ["C"]
        );
        assert!(
            run(vec![server(s, "A", 1.0), server(s, "B", 0.9), server(s, "C", 0.5)]).is_empty()
        );
        // One source server has nobody to be slower than; MRS servers are not compared.
        assert!(run(vec![server(s, "A", 0.1)]).is_empty());
        let m = ServerKey::MrsServer;
        assert!(run(vec![server(s, "A", 1.0), server(m, "X", 0.1)]).is_empty());
    }
}
