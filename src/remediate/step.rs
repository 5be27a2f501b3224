//! What a next step is: its stable id, its severity, the finding it
//! answers, what to do and why, and its commands.

use serde::Serialize;

use super::command::Command;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// How urgent a step is.
    pub enum Severity {
        /// The move does not complete, or mail is lost, unless someone acts.
        Critical = "critical",
        /// Something is lost or left behind (permissions, large items) that
        /// someone should decide about.
        Warning = "warning",
        /// Context, clean-up and reminders.
        Info = "info",
    }
}

keyed_enum! {
    /// The stable step ids: mailbox steps in the order they are given, then
    /// the principal steps.
    pub enum StepId {
        /// The move failed for a reason that is not bad items.
        InvestigateFailure = "investigate-failure",
        /// The move gave up on a transient failure: check the cause, resume.
        ResumeAfterTransientFailure = "resume-after-transient-failure",
        /// Corrupt items, rules, folders or unrecognised items: repair or accept.
        RepairSourceMailbox = "repair-source-mailbox",
        /// Missing items at verification.
        ReviewMissingItems = "review-missing-items",
        /// Items above the target's size limit.
        HandleLargeItems = "handle-large-items",
        /// Raise BadItemLimit to the computed value.
        RaiseBadItemLimit = "raise-bad-item-limit",
        /// Raise LargeItemLimit to the computed value.
        RaiseLargeItemLimit = "raise-large-item-limit",
        /// Approve skipped items (Exchange Online, Data Consistency Score).
        ApproveSkippedItems = "approve-skipped-items",
        /// Resume the failed move.
        ResumeMove = "resume-move",
        /// Grant permissions again for principals missing in the target.
        RegrantTargetPermissions = "regrant-target-permissions",
        /// Remove orphaned (unresolvable) source entries from folders/mailbox.
        RemoveOrphanedSourceAcl = "remove-orphaned-source-acl",
        /// Corrupt ACLs that name no principal.
        ResetCorruptAcl = "reset-corrupt-acl",
        /// Permission fixes do not reach a request already past that stage.
        NewRequestForPermissionFixes = "new-request-for-permission-fixes",
        /// Transient failures that MRS retried.
        TransientFailures = "transient-failures",
        /// Performance: target stalls in Exchange Online are expected; wait, spread batches.
        PerfWaitTargetStalls = "perf-wait-target-stalls",
        /// Performance: transient failures or locked mailboxes; check the MRSProxy path.
        PerfCheckMrsproxyPath = "perf-check-mrsproxy-path",
        /// Performance: the source side with high latency; raise ExportBufferSizeOverrideKB.
        PerfRaiseExportBuffer = "perf-raise-export-buffer",
        /// Performance: the source side is slow; free source resources.
        PerfSourceResources = "perf-source-resources",
        /// Performance: destination-side pressure; spread the batches.
        PerfSpreadBatches = "perf-spread-batches",
        /// Performance: throttled, or one source server far slower; concurrency.
        PerfConcurrency = "perf-concurrency",
        /// Per principal: an orphaned source SID.
        RemoveOrphanedPrincipal = "remove-orphaned-principal",
        /// Per principal: mail-enable and sync a principal without mail attributes.
        MailEnablePrincipal = "mail-enable-principal",
        /// Per principal: sync it or add its X500 proxy.
        SyncOrAddX500 = "sync-or-add-x500",
    }
}

impl StepId {
    /// Whether the step is about the move's speed (the `perf-…` steps).
    pub fn is_performance_step(self) -> bool {
        matches!(
            self,
            StepId::PerfWaitTargetStalls
                | StepId::PerfCheckMrsproxyPath
                | StepId::PerfRaiseExportBuffer
                | StepId::PerfSourceResources
                | StepId::PerfSpreadBatches
                | StepId::PerfConcurrency
        )
    }

    /// Whether the step is one of a principal's rather than a mailbox's.
    pub fn is_principal_step(self) -> bool {
        matches!(
            self,
            StepId::RemoveOrphanedPrincipal | StepId::MailEnablePrincipal | StepId::SyncOrAddX500
        )
    }
}

/// One next step.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Stable identifier.
    pub id: StepId,
    /// How urgent.
    pub severity: Severity,
    /// What was found (the finding this step answers).
    pub finding: String,
    /// What to do and why.
    pub text: String,
    /// The commands, in order (in JSON: the command lines).
    pub commands: Vec<Command>,
}
