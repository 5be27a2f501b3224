//! A finished triage run: the analysis of every input and the next steps
//! worked out from it, once. This is what every output renders.

use crate::analysis::{
    Analysis, InputSummary, MailboxAnalysis, Percentile, PrincipalSummary, RollupError,
};
use crate::remediate::{self, Plan, Suggestion};

/// A finished triage run: the analysis of every input and the next steps
/// worked out from it. This is what every output renders.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// Everything derived from the records.
    pub analysis: Analysis,
    /// The next steps per mailbox and per principal.
    pub plan: Plan,
}

impl Run {
    /// Rolls up analysed mailboxes (`percentile` chooses each group's kept
    /// moves) and works out their next steps.
    pub fn new(
        inputs: Vec<InputSummary>,
        mailboxes: Vec<MailboxAnalysis>,
        percentile: Percentile,
    ) -> Result<Run, RollupError> {
        let analysis = Analysis::new(inputs, mailboxes, percentile)?;
        let plan = remediate::plan(&analysis);
        Ok(Run { analysis, plan })
    }

    /// Every mailbox with its next steps, in input order.
    pub fn mailboxes(&self) -> impl Iterator<Item = (&MailboxAnalysis, &[Suggestion])> {
        self.analysis.mailboxes.iter().zip(self.plan.mailboxes.iter().map(Vec::as_slice))
    }

    /// Every principal of the roll-up with its next steps, most widespread first.
    pub fn principals(&self) -> impl Iterator<Item = (&PrincipalSummary, &[Suggestion])> {
        self.analysis.principals.iter().zip(self.plan.principals.iter().map(Vec::as_slice))
    }
}
