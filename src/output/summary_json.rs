//! The `--format json` output: one `mrs-triage.summary.v1` document (the
//! contract in the README), serialised from the run as it is written.
//! Performance figures are written with 3 decimals (their types' own
//! serialisation).

use std::collections::BTreeMap;
use std::io;

use serde::{Serialize, Serializer};

use super::Exporter;
use super::target::Destination;
use crate::analysis::{
    CategoryCounts, ClassCounts, FailingLimit, GroupPerformance, GroupRow, InputSummary,
    MailboxAnalysis, Performance, PrincipalSummary, ServerRow, Totals, Verdict,
};
use crate::exchange::batch_csv::BatchReport;
use crate::exchange::model::Limit;
use crate::pipeline::Run;
use crate::remediate::Suggestion;

/// The schema name of the JSON summary.
pub const SCHEMA: &str = "mrs-triage.summary.v1";

/// The summary JSON exporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryJson;

impl Exporter for SummaryJson {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("summary.json", &mut |w| {
            serde_json::to_writer_pretty(&mut *w, &Document::new(run)).map_err(io::Error::from)?;
            w.write_all(b"\n")
        })
    }
}

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool_version: &'static str,
    inputs: &'a [InputSummary],
    mailboxes: Mailboxes<'a>,
    principals: Principals<'a>,
    batches: Batches<'a>,
    folders: &'a [GroupRow],
    servers: &'a [ServerRow],
    totals: &'a Totals,
}

impl<'a> Document<'a> {
    fn new(run: &'a Run) -> Self {
        let a = &run.analysis;
        Document {
            schema: SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION"),
            inputs: &a.inputs,
            mailboxes: Mailboxes(run),
            principals: Principals(run),
            batches: Batches(run),
            folders: &a.folders,
            servers: &a.servers,
            totals: &a.totals,
        }
    }
}

/// The mailboxes, each shaped only as it is written.
struct Mailboxes<'a>(&'a Run);

impl Serialize for Mailboxes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.mailboxes().map(|(a, steps)| MailboxJson::new(a, steps)))
    }
}

/// The batches, each with its performance.
struct Batches<'a>(&'a Run);

impl Serialize for Batches<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.analysis.batches().map(|(row, p)| BatchJson { row, performance: p }))
    }
}

/// One batch: the roll-up plus its performance.
#[derive(Serialize)]
struct BatchJson<'a> {
    #[serde(flatten)]
    row: &'a GroupRow,
    performance: Option<&'a GroupPerformance>,
}

/// The principals with their next steps.
struct Principals<'a>(&'a Run);

impl Serialize for Principals<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .principals()
                .map(|(principal, suggestions)| PrincipalJson { principal, suggestions }),
        )
    }
}

/// One principal: the roll-up plus its next steps.
#[derive(Serialize)]
struct PrincipalJson<'a> {
    #[serde(flatten)]
    principal: &'a PrincipalSummary,
    suggestions: &'a [Suggestion],
}

/// One mailbox (the keys are the README's contract).
#[derive(Serialize)]
struct MailboxJson<'a> {
    input: &'a str,
    index: usize,
    source_type: Option<&'static str>,
    identity: Option<&'a str>,
    display_name: Option<&'a str>,
    alias: Option<&'a str>,
    exchange_guid: Option<&'a str>,
    batch: Option<&'a str>,
    status: Option<&'a str>,
    status_detail: Option<&'a str>,
    failure_type: Option<&'a str>,
    bad_item_limit: Limit,
    large_item_limit: Limit,
    bad_items_encountered: Option<u64>,
    large_items_encountered: Option<u64>,
    missing_items_encountered: Option<u64>,
    data_consistency_score: Option<&'a str>,
    counts: &'a CategoryCounts,
    classes: &'a ClassCounts,
    failure_types: &'a BTreeMap<String, u64>,
    transient_failures: u64,
    permanent_failures: u64,
    verdict: Verdict,
    failing_limit: Option<FailingLimit>,
    suggested_bad_item_limit: Option<u64>,
    suggested_large_item_limit: Option<u64>,
    requires_accept_large_data_loss: bool,
    unapproved_skipped_items: Option<bool>,
    to_exchange_online: bool,
    stage: Option<&'a str>,
    stage_percent_complete: Option<u8>,
    batch_report: Option<&'a BatchReport>,
    performance: Option<&'a Performance>,
    suggestions: &'a [Suggestion],
}

impl<'a> MailboxJson<'a> {
    fn new(a: &'a MailboxAnalysis, suggestions: &'a [Suggestion]) -> Self {
        let m = &a.mailbox;
        MailboxJson {
            input: &a.input_path,
            index: m.index,
            source_type: m.source_type.map(|s| s.key()),
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
            classes: &a.classes,
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
            stage: m.stage.as_ref().map(|(s, _)| s.as_str()),
            stage_percent_complete: m.stage.as_ref().and_then(|(_, p)| *p),
            batch_report: a.batch_report.as_ref(),
            performance: a.performance.as_ref(),
            suggestions,
        }
    }
}
