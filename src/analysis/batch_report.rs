//! A migration batch's report downloads joined to the mailboxes of the run:
//! each user's `MigrationStatistics.csv` and `MigrationErrors.csv` lines
//! become one `BatchReport`, put on the mailbox with the same e-mail
//! address (its identity, or an alias that is the address's local part) or,
//! for a user no report names, on a mailbox of its own. Where the batch's
//! figures and the report disagree, the disagreement is recorded, not
//! smoothed over.

use std::collections::BTreeMap;

use super::mailbox::{Keep, MailboxAnalysis, analyse};
use crate::exchange::batch_csv::{BatchRecord, BatchReport};
use crate::exchange::model::{Mailbox, SourceType};
use crate::render::plural;

/// A user of the batch downloads: the first input naming it, its address as
/// written, and what the downloads say.
struct User {
    input: usize,
    path: String,
    email: String,
    report: BatchReport,
}

/// One user's lines, merged across the downloads, by lower-cased address.
fn by_user(records: Vec<(usize, String, BatchRecord)>) -> BTreeMap<String, User> {
    let mut users: BTreeMap<String, User> = BTreeMap::new();
    for (input, path, r) in records {
        let key = r.email.to_lowercase();
        let user = users.entry(key).or_insert_with(|| User {
            input,
            path,
            email: r.email.clone(),
            report: BatchReport::default(),
        });
        user.report.add(r);
    }
    users
}

/// Whether a mailbox is the user with this (lower-cased) address.
fn is_user(a: &MailboxAnalysis, address: &str) -> bool {
    let m = &a.mailbox;
    let same = |v: &Option<String>| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(address));
    same(&m.identity)
        || same(&m.display_name)
        || address.split_once('@').is_some_and(|(local, _)| {
            m.alias.as_deref().is_some_and(|al| al.eq_ignore_ascii_case(local))
        })
}

fn failed(status: Option<&str>) -> Option<bool> {
    status.map(|s| s.eq_ignore_ascii_case("Failed") || s.starts_with("Failed"))
}

/// What a batch report and a mailbox's own report disagree on.
fn disagreements(a: &MailboxAnalysis, b: &BatchReport) -> Vec<String> {
    let mut out = Vec::new();
    let listed = a.counts.total();
    if let Some(skipped) = b.items_skipped
        && a.mailbox.has_report
        && skipped != listed
    {
        out.push(format!(
            "the batch report counts {}; the mailbox's report lists {}",
            plural(skipped, "skipped item", "skipped items"),
            plural(listed, "bad item", "bad items")
        ));
    }
    if let (Some(batch), Some(report)) =
        (failed(b.status.as_deref()), failed(a.mailbox.status.as_deref()))
        && batch != report
    {
        out.push(format!(
            "the batch report says {}; the mailbox's report says {}",
            b.status.as_deref().unwrap_or("?"),
            a.mailbox.status.as_deref().unwrap_or("?")
        ));
    }
    if let (Some(batch), Some(report)) =
        (b.error_type.as_deref(), a.mailbox.failure_type.as_deref())
        && batch != report
    {
        out.push(format!(
            "the batch report's error is {batch}; the mailbox's report failed with {report}"
        ));
    }
    out
}

/// Puts each user's batch figures on its mailbox, and makes a mailbox of
/// each user no report names (appended, in address order).
/// `records`: each line with the index and path of its input.
pub fn join(
    mailboxes: &mut Vec<MailboxAnalysis>,
    records: Vec<(usize, String, BatchRecord)>,
    keep: Keep,
) {
    // Positions of the mailboxes made here, per input.
    let mut own = vec![0usize; records.iter().map(|r| r.0 + 1).max().unwrap_or(0)];
    for (address, user) in by_user(records) {
        let User { input, path, email, mut report } = user;
        let matches: Vec<usize> =
            (0..mailboxes.len()).filter(|&i| is_user(&mailboxes[i], &address)).collect();
        if matches.is_empty() {
            // A user in MigrationErrors.csv failed, whatever else is known.
            let status = report
                .status
                .clone()
                .or_else(|| report.error.is_some().then(|| "Failed".to_string()));
            let m = Mailbox {
                source_type: Some(SourceType::BatchReport),
                identity: Some(email),
                status,
                failure_type: report.error_type.clone(),
                message: report.error.clone(),
                to_exchange_online: true,
                ..Mailbox::default()
            };
            let mut a = analyse(m, &path, keep);
            a.mailbox.input = input;
            a.mailbox.index = own[input];
            own[input] += 1;
            a.batch_report = Some(report);
            mailboxes.push(a);
            continue;
        }
        for i in matches {
            let a = &mut mailboxes[i];
            report.disagreements = disagreements(a, &report);
            a.batch_report = Some(report.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::model::BadItem;

    fn record(email: &str) -> BatchRecord {
        BatchRecord { email: email.into(), ..BatchRecord::default() }
    }

    #[test]
    fn users_join_their_mailbox_or_get_one() {
        let m = Mailbox {
            identity: Some("DiegoS@contoso.com".into()),
            status: Some("Synced".into()),
            has_report: true,
            bad_items: vec![BadItem { kind: Some("CorruptItem".into()), ..BadItem::default() }; 3],
            ..Mailbox::default()
        };
        let mut mailboxes = vec![analyse(m, "user.xml", Keep::default())];
        let stats = BatchRecord {
            status: Some("Failed".into()),
            items_skipped: Some(12),
            items_migrated: Some(1204),
            ..record("diegos@contoso.com")
        };
        let errors = BatchRecord {
            error: Some("TooManyBadItemsPermanentException: This mailbox exceeded the maximum number of corrupted items".into()),
            ..record("diegos@contoso.com")
        };
        let other = BatchRecord {
            status: Some("Completed".into()),
            items_skipped: Some(0),
            ..record("pradeepg@contoso.com")
        };
        join(
            &mut mailboxes,
            vec![
                (1, "s.csv".into(), stats),
                (2, "e.csv".into(), errors),
                (1, "s.csv".into(), other),
            ],
            Keep::default(),
        );
        assert_eq!(mailboxes.len(), 2, "the user no report names is a mailbox of its own");
        let b = mailboxes[0].batch_report.as_ref().unwrap();
        assert_eq!(b.items_migrated, Some(1204));
        assert_eq!(b.error_type.as_deref(), Some("TooManyBadItemsPermanentException"));
        assert_eq!(b.disagreements.len(), 2, "{:?}", b.disagreements);
        assert!(
            b.disagreements[0].contains("12 skipped items")
                && b.disagreements[0].contains("3 bad items")
        );
        let own = &mailboxes[1];
        assert_eq!(own.mailbox.source_type, Some(SourceType::BatchReport));
        assert_eq!(own.mailbox.identity.as_deref(), Some("pradeepg@contoso.com"));
        assert!(own.batch_report.as_ref().unwrap().disagreements.is_empty());
    }
}
