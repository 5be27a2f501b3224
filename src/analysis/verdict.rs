//! The verdict per mailbox and the limit arithmetic: which limit made the move
//! fail, and the smallest BadItemLimit that lets it pass once the permission
//! errors are accepted.

use serde::Serialize;

use super::classify::{Category, Class};
use super::counts::{CategoryCounts, ClassCounts, Counts};
use crate::exchange::model::Mailbox;
use crate::keyed::keyed_enum;

/// Exchange Online's built-in limit for source principal mapping errors: they
/// fail a move only past this many (Exchange Team blog, 2017).
pub const EXO_SOURCE_PRINCIPAL_LIMIT: u64 = 1000;

/// BadItemLimit / LargeItemLimit values from which New-/Set-MoveRequest demand
/// `-AcceptLargeDataLoss`.
pub const ACCEPT_LARGE_DATA_LOSS_FROM: u64 = 51;

keyed_enum! {
    /// What a mailbox's bad items amount to.
    pub enum Verdict {
        /// No bad items and not failed.
        Clean = "clean",
        /// Every bad item is a permission problem: no mail is lost.
        PermissionsOnly = "permissions_only",
        /// Large items (and perhaps permission problems).
        LargeItems = "large_items",
        /// Corruption, missing or unrecognised items: mail may be lost.
        DataLossRisk = "data_loss_risk",
        /// Failed for a reason that is not bad items.
        FailedOther = "failed_other",
    }
}

keyed_enum! {
    /// The limit that made a move fail.
    pub enum FailingLimit {
        /// BadItemLimit.
        BadItemLimit = "bad_item_limit",
        /// LargeItemLimit.
        LargeItemLimit = "large_item_limit",
        /// Exchange Online's 1000 source-principal-error limit.
        SourcePrincipalLimit = "source_principal_limit",
        /// Missing items past the verification threshold.
        MissingItemThreshold = "missing_item_threshold",
        /// The Data Consistency Score (skipped items await approval).
        DataConsistencyScore = "data_consistency_score",
    }
}

/// Mailboxes per verdict.
pub type VerdictCounts = Counts<Verdict, 5>;

/// The limits part of a mailbox's analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Limits {
    /// Which limit made the move fail (null when it did not fail on a limit).
    pub failing_limit: Option<FailingLimit>,
    /// Smallest BadItemLimit that passes with the permission errors accepted.
    pub suggested_bad_item_limit: Option<u64>,
    /// Smallest LargeItemLimit that passes.
    pub suggested_large_item_limit: Option<u64>,
    /// Whether the suggested limits need `-AcceptLargeDataLoss`.
    pub requires_accept_large_data_loss: bool,
    /// Items counted against BadItemLimit.
    pub counted_bad_items: u64,
}

/// Whether the move has failed (Status Failed or a Failed* StatusDetail).
pub fn is_failed(m: &Mailbox) -> bool {
    let status = m.status.as_deref().unwrap_or("");
    let detail = m.status_detail.as_deref().unwrap_or("");
    status.eq_ignore_ascii_case("Failed") || detail.starts_with("Failed")
}

fn failed_on_items(m: &Mailbox) -> bool {
    let ty = m.failure_type.as_deref().unwrap_or("");
    let msg = m.message.as_deref().unwrap_or("");
    matches!(
        ty,
        "TooManyBadItemsPermanentException"
            | "TooManyLargeItemsPermanentException"
            | "TooManyMissingItemsPermanentException"
    ) || m.status_detail.as_deref() == Some("FailedBadItemLimit")
        || is_dcs_failure(m)
        || msg.contains("exceeded the maximum number of")
}

fn is_dcs_failure(m: &Mailbox) -> bool {
    let text = format!(
        "{} {}",
        m.failure_type.as_deref().unwrap_or(""),
        m.message.as_deref().unwrap_or("")
    );
    text.to_ascii_lowercase().contains("data consistency score")
}

/// The verdict from the failure state and the class counts.
pub fn verdict(m: &Mailbox, classes: &ClassCounts) -> Verdict {
    let n = |c: Class| classes.get(c);
    let total = classes.total();
    let failed = is_failed(m);
    if failed && !failed_on_items(m) {
        return Verdict::FailedOther;
    }
    if total == 0 {
        return if failed { Verdict::FailedOther } else { Verdict::Clean };
    }
    if n(Class::Corruption) > 0 || n(Class::Missing) > 0 || n(Class::Other) > 0 {
        Verdict::DataLossRisk
    } else if n(Class::Large) > 0 {
        Verdict::LargeItems
    } else {
        Verdict::PermissionsOnly
    }
}

/// Limit arithmetic for one mailbox.
pub fn limits(m: &Mailbox, counts: &CategoryCounts) -> Limits {
    let source = counts.get(Category::SourcePrincipal);
    let large = counts.get(Category::LargeItem);
    let listed_bad = counts.total() - large;
    // In Exchange Online source principal errors have their own limit of 1000
    // and do not count against BadItemLimit until they exceed it.
    let exo_source_exempt = m.to_exchange_online && source <= EXO_SOURCE_PRINCIPAL_LIMIT;
    let counted_listed = if exo_source_exempt { listed_bad - source } else { listed_bad };
    // The server's own count can exceed what the report lists.
    let counted = match m.bad_items_encountered {
        Some(enc) if !exo_source_exempt => enc.max(counted_listed),
        Some(enc) => enc.saturating_sub(source).max(counted_listed),
        None => counted_listed,
    };
    let large_counted = m.large_items_encountered.unwrap_or(0).max(large);

    let dcs_blocks = m.unapproved_skipped_items == Some(true)
        && matches!(m.data_consistency_score.as_deref(), Some("Investigate" | "Poor"));
    let failing_limit = if !is_failed(m) && m.failure_type.is_none() {
        // Not failed, but completion waits for skipped items to be approved.
        dcs_blocks.then_some(FailingLimit::DataConsistencyScore)
    } else {
        match m.failure_type.as_deref().unwrap_or("") {
            "TooManyLargeItemsPermanentException" => Some(FailingLimit::LargeItemLimit),
            "TooManyMissingItemsPermanentException" => Some(FailingLimit::MissingItemThreshold),
            "TooManyBadItemsPermanentException" => {
                if m.to_exchange_online
                    && source > EXO_SOURCE_PRINCIPAL_LIMIT
                    && !m.bad_item_limit.exceeded_by(listed_bad - source)
                {
                    Some(FailingLimit::SourcePrincipalLimit)
                } else {
                    Some(FailingLimit::BadItemLimit)
                }
            }
            _ if is_dcs_failure(m) => Some(FailingLimit::DataConsistencyScore),
            _ if m.status_detail.as_deref() == Some("FailedBadItemLimit") => {
                Some(FailingLimit::BadItemLimit)
            }
            _ => None,
        }
    };
    let suggested_bad = (counted > 0).then_some(counted);
    let suggested_large = (large_counted > 0).then_some(large_counted);
    let requires = suggested_bad.is_some_and(|v| v >= ACCEPT_LARGE_DATA_LOSS_FROM)
        || suggested_large.is_some_and(|v| v >= ACCEPT_LARGE_DATA_LOSS_FROM);
    Limits {
        failing_limit,
        suggested_bad_item_limit: suggested_bad,
        suggested_large_item_limit: suggested_large,
        requires_accept_large_data_loss: requires,
        counted_bad_items: counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::model::Limit;

    fn mailbox(status: &str, failure: Option<&str>) -> Mailbox {
        Mailbox {
            status: Some(status.into()),
            failure_type: failure.map(str::to_string),
            ..Mailbox::default()
        }
    }

    fn classes(pairs: &[(Class, u64)]) -> ClassCounts {
        let mut c = ClassCounts::new();
        pairs.iter().for_each(|&(k, n)| c.add(k, n));
        c
    }

    fn categories(pairs: &[(Category, u64)]) -> CategoryCounts {
        let mut c = CategoryCounts::new();
        pairs.iter().for_each(|&(k, n)| c.add(k, n));
        c
    }

    #[test]
    fn verdicts() {
        let ok = mailbox("Completed", None);
        assert_eq!(verdict(&ok, &classes(&[])), Verdict::Clean);
        let bad = mailbox("Failed", Some("TooManyBadItemsPermanentException"));
        assert_eq!(verdict(&bad, &classes(&[(Class::Permissions, 5)])), Verdict::PermissionsOnly);
        assert_eq!(
            verdict(&bad, &classes(&[(Class::Permissions, 5), (Class::Large, 1)])),
            Verdict::LargeItems
        );
        assert_eq!(
            verdict(&bad, &classes(&[(Class::Permissions, 5), (Class::Missing, 1)])),
            Verdict::DataLossRisk
        );
        let net = mailbox("Failed", Some("CommunicationErrorTransientException"));
        assert_eq!(verdict(&net, &classes(&[(Class::Permissions, 5)])), Verdict::FailedOther);
        assert_eq!(verdict(&bad, &classes(&[])), Verdict::FailedOther);
    }

    #[test]
    fn source_principal_errors_have_their_own_limit_in_exo() {
        let mut m = mailbox("Failed", Some("TooManyBadItemsPermanentException"));
        m.to_exchange_online = true;
        m.bad_item_limit = Limit::Count(10);
        let counts =
            categories(&[(Category::SourcePrincipal, 1500), (Category::TargetPrincipal, 3)]);
        let l = limits(&m, &counts);
        assert_eq!(l.failing_limit, Some(FailingLimit::SourcePrincipalLimit));
        assert_eq!(l.suggested_bad_item_limit, Some(1503));
        assert!(l.requires_accept_large_data_loss);

        let counts =
            categories(&[(Category::SourcePrincipal, 900), (Category::TargetPrincipal, 30)]);
        let l = limits(&m, &counts);
        assert_eq!(l.failing_limit, Some(FailingLimit::BadItemLimit));
        assert_eq!(l.suggested_bad_item_limit, Some(30));
        assert!(!l.requires_accept_large_data_loss);
    }

    #[test]
    fn on_premises_counts_everything() {
        let mut m = mailbox("Failed", Some("TooManyBadItemsPermanentException"));
        m.bad_item_limit = Limit::Count(0);
        m.bad_items_encountered = Some(60);
        let counts = categories(&[(Category::SourcePrincipal, 40)]);
        let l = limits(&m, &counts);
        assert_eq!(l.failing_limit, Some(FailingLimit::BadItemLimit));
        assert_eq!(l.suggested_bad_item_limit, Some(60));
        assert!(l.requires_accept_large_data_loss);
    }
}
