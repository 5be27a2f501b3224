//! The analysis layer: everything derived from the records, decided once.
//! Each bad item is classified ([`classify`]), each mailbox gets its counts,
//! verdict and limits ([`mailbox`], [`verdict`], [`counts`]), personal data is
//! replaced before anything is rolled up when asked ([`redact`]), and the
//! mailboxes of a run are rolled up per principal, batch and folder with
//! totals, failure types and a timeline ([`rollup`], [`timeline`]). Each
//! move's performance is worked out with it ([`performance`]) and rolled up
//! per batch and per server. Outputs and remediation read these facts; none
//! of them recomputes one.

pub mod batch_report;
pub mod classify;
pub mod counts;
pub mod identity;
pub mod inputs;
pub mod mailbox;
pub mod performance;
pub mod redact;
pub mod rollup;
pub mod timeline;
pub mod verdict;

pub use classify::{Category, Class, Classified, Side};
pub use counts::{CategoryCounts, ClassCounts, Counts};
pub use identity::{Identities, ItemIdentity};
pub use inputs::InputSummary;
pub use mailbox::{Keep, MailboxAnalysis, MailboxPrincipal, analyse};
pub use performance::{
    Bottleneck, GroupPerformance, Health, Percentile, Performance, ServerKey, ServerRow, Stalls,
};
pub use rollup::{FailureRow, GroupRow, PrincipalSummary, RollupError, Totals};
pub use timeline::Timeline;
pub use verdict::{FailingLimit, Limits, Verdict, VerdictCounts};

/// The analysis of a whole run: its inputs, every mailbox in input order,
/// and the roll-ups over them.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Per-input outcome, in the order given.
    pub inputs: Vec<InputSummary>,
    /// Every mailbox, in input order.
    pub mailboxes: Vec<MailboxAnalysis>,
    /// Principals across mailboxes, most widespread first.
    pub principals: Vec<PrincipalSummary>,
    /// Mailboxes per batch name (`""`: without one), in order of appearance.
    pub batches: Vec<GroupRow>,
    /// `batch_performance[i]`: the performance of batch `i` (`None` when
    /// none of its moves has any).
    pub batch_performance: Vec<Option<GroupPerformance>>,
    /// The performance per source server, then per MRS server.
    pub servers: Vec<ServerRow>,
    /// The kept-moves percentile the group figures were made with.
    pub percentile: Percentile,
    /// Mailboxes per input folder, in order of appearance.
    pub folders: Vec<GroupRow>,
    /// Totals over all mailboxes.
    pub totals: Totals,
    /// Report failures other than bad items' own, by type.
    pub failures: Vec<FailureRow>,
    /// Bad items over time, all mailboxes merged.
    pub timeline: Timeline,
}

impl Analysis {
    /// Rolls up analysed mailboxes (already redacted, when the run redacts);
    /// `percentile` chooses each group's kept moves.
    pub fn new(
        inputs: Vec<InputSummary>,
        mailboxes: Vec<MailboxAnalysis>,
        percentile: Percentile,
    ) -> Result<Analysis, RollupError> {
        let principals = rollup::principals(&mailboxes)?;
        let (batches, folders) = rollup::groups(&mailboxes, &inputs)?;
        let (mut by_batch, servers) = rollup::performance(&mailboxes, percentile)?;
        // Both roll-ups list batches in order of first appearance; matched by key.
        let batch_performance = batches
            .iter()
            .map(|b| {
                let i = by_batch.iter().position(|(k, _)| *k == b.key)?;
                by_batch[i].1.take()
            })
            .collect();
        Ok(Analysis {
            totals: rollup::totals(&mailboxes),
            failures: rollup::failures(&mailboxes),
            timeline: rollup::timeline(&mailboxes),
            inputs,
            mailboxes,
            principals,
            batches,
            batch_performance,
            servers,
            percentile,
            folders,
        })
    }

    /// Every batch with its performance, in order of first appearance.
    pub fn batches(&self) -> impl Iterator<Item = (&GroupRow, Option<&GroupPerformance>)> {
        self.batches
            .iter()
            .zip(self.batch_performance.iter().map(Option::as_ref).chain(std::iter::repeat(None)))
    }

    /// Whether any mailbox has performance data.
    pub fn has_performance(&self) -> bool {
        self.mailboxes.iter().any(|m| m.performance.is_some())
    }

    /// Inputs that could not be read completely.
    pub fn failed_inputs(&self) -> usize {
        self.inputs.iter().filter(|i| i.error.is_some()).count()
    }
}
