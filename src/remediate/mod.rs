//! Remediation: what to do about a mailbox's findings and about each
//! principal, as ordered next steps with a stable id, a severity, the finding
//! it answers, the reason, and the exact PowerShell commands. Built once per
//! run from its analysis ([`plan`]); nothing here connects to Exchange or
//! runs anything.
//!
//! The advice follows the move-report reference (failure types, the
//! classification guide and the limits): permission errors lose no mail, so
//! a permissions-only move is unblocked by accepting them (a higher
//! BadItemLimit, or skipped-item approval where Exchange Online uses it),
//! then resumed; orphaned source entries are removed on the source;
//! principals missing in the target are fixed there and their rights granted
//! again after the move; corruption is repaired on the source or its loss
//! accepted knowingly.
//!
//! How fast a move went calls for its own steps (`perf-…`: wait for target
//! stalls, check the MRSProxy path, raise the export buffer, free source
//! resources, spread batches, concurrency), after the others ([`performance`]).
//!
//! The step rules are in [`mailbox`], [`performance`] and [`principal`], the commands they
//! build in [`command`], what each FailureType means in [`knowledge`]. Every
//! value from a report reaches a command through [`powershell::quote`].
//! Commands whose value the report cannot know (the access rights to grant
//! again) carry a `<placeholder>`, which PowerShell refuses to parse until a
//! person fills it in.

use crate::analysis::Analysis;

pub mod command;
pub mod knowledge;
pub mod mailbox;
pub mod performance;
pub(crate) mod powershell;
pub mod principal;
pub mod step;

pub use command::{Command, Shell};
pub use knowledge::failure_meaning;
pub use mailbox::for_mailbox;
pub use principal::for_principal;
pub use step::{Severity, StepId, Suggestion};

/// The next steps of a run: per mailbox and per principal, in the order of
/// the analysis' mailboxes and principals.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `mailboxes[i]`: the steps of the analysis' mailbox `i`.
    pub mailboxes: Vec<Vec<Suggestion>>,
    /// `principals[j]`: the steps of the analysis' principal `j`.
    pub principals: Vec<Vec<Suggestion>>,
}

/// Works out every next step of a run, once: each mailbox's (its
/// performance steps last), each principal's.
pub fn plan(analysis: &Analysis) -> Plan {
    let slow = performance::slow_source_servers(analysis);
    Plan {
        mailboxes: analysis
            .mailboxes
            .iter()
            .map(|a| {
                let mut steps = for_mailbox(a);
                steps.extend(performance::for_mailbox(a, &slow));
                steps
            })
            .collect(),
        principals: analysis.principals.iter().map(for_principal).collect(),
    }
}
