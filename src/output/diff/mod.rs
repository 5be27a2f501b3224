//! The outputs of `mrs-triage diff`: the terminal table ([`table`]), one
//! `mrs-triage.diff.v1` JSON document, and Excel-safe CSV tables (a row per
//! mailbox, per new or resolved bad item, per principal and per failure
//! type), written with the summary's CSV conventions. They render the
//! [`Compared`] exports as the comparison holds them.

use std::io;

use serde::Serialize;

use super::Exporter;
use super::csv::{CsvOptions, write_table};
use super::tabular::{Cell, Table, count, text};
use super::target::Destination;
use crate::analysis::InputSummary;
use crate::diff::{DiffTotals, MailboxDiff, SideView, State};
use crate::pipeline::Compared;

pub mod table;

/// The schema name of the diff JSON.
pub const SCHEMA: &str = "mrs-triage.diff.v1";

/// The diff as one JSON document.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffJson;

#[derive(Serialize)]
struct Side<'a> {
    inputs: &'a [InputSummary],
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool_version: &'static str,
    old: Side<'a>,
    new: Side<'a>,
    mailboxes: &'a [MailboxDiff],
    totals: &'a DiffTotals,
}

impl Exporter<Compared> for DiffJson {
    fn export(&self, c: &Compared, out: &mut dyn Destination) -> io::Result<()> {
        let doc = Document {
            schema: SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION"),
            old: Side { inputs: &c.old.inputs },
            new: Side { inputs: &c.new.inputs },
            mailboxes: &c.diff.mailboxes,
            totals: &c.diff.totals,
        };
        out.stream("diff.json", &mut |w| {
            serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::from)?;
            w.write_all(b"\n")
        })
    }
}

/// The diff as CSV tables in a folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffCsv(pub CsvOptions);

impl Exporter<Compared> for DiffCsv {
    fn export(&self, c: &Compared, out: &mut dyn Destination) -> io::Result<()> {
        for table in tables() {
            out.stream(&format!("{}.csv", table.name), &mut |w| write_table(w, c, &table, self.0))?;
        }
        Ok(())
    }
}

/// The files [`DiffCsv`] writes.
pub const CSV_FILES: [&str; 4] =
    ["diff_mailboxes.csv", "diff_bad_items.csv", "diff_principals.csv", "diff_failures.csv"];

/// Every table of the diff, in order.
pub fn tables() -> Vec<Table<Compared>> {
    vec![mailboxes(), bad_items(), principals(), failures()]
}

fn side<'a, T>(s: &'a Option<SideView>, f: impl Fn(&'a SideView) -> T) -> Option<T> {
    s.as_ref().map(f)
}

fn text_of(v: Option<&Option<String>>) -> Cell<'_> {
    v.and_then(|v| v.as_deref()).into()
}

fn mailboxes() -> Table<Compared> {
    let columns = vec![
        text("Mailbox"),
        text("Key"),
        text("ExchangeGuid"),
        text("Alias"),
        text("Change"),
        text("OldInput"),
        text("NewInput"),
        text("OldStatus"),
        text("NewStatus"),
        text("OldStatusDetail"),
        text("NewStatusDetail"),
        text("OldVerdict"),
        text("NewVerdict"),
        text("OldFailingLimit"),
        text("NewFailingLimit"),
        count("OldBadItems"),
        count("NewBadItems"),
        count("ItemsNew"),
        count("ItemsResolved"),
        count("ItemsUnchanged"),
        count("PrincipalsNew"),
        count("PrincipalsResolved"),
        count("PrincipalsUnchanged"),
        count("FailureTypesNew"),
        count("FailureTypesResolved"),
    ];
    Table::new("diff_mailboxes", "mailbox", columns, |c, sink| {
        for m in &c.diff.mailboxes {
            let (o, n) = (&m.old, &m.new);
            let row = [
                m.mailbox.as_str().into(),
                m.key.as_str().into(),
                m.exchange_guid.as_deref().into(),
                m.alias.as_deref().into(),
                m.change.key().into(),
                side(o, |s| s.input.as_str()).into(),
                side(n, |s| s.input.as_str()).into(),
                text_of(side(o, |s| &s.status)),
                text_of(side(n, |s| &s.status)),
                text_of(side(o, |s| &s.status_detail)),
                text_of(side(n, |s| &s.status_detail)),
                side(o, |s| s.verdict.key()).into(),
                side(n, |s| s.verdict.key()).into(),
                side(o, |s| s.failing_limit.map(|l| l.key())).flatten().into(),
                side(n, |s| s.failing_limit.map(|l| l.key())).flatten().into(),
                side(o, |s| s.bad_items).into(),
                side(n, |s| s.bad_items).into(),
                m.items_new.into(),
                m.items_resolved.into(),
                m.items_unchanged.into(),
                (m.principals_in(State::New) as u64).into(),
                (m.principals_in(State::Resolved) as u64).into(),
                (m.principals_in(State::Unchanged) as u64).into(),
                (m.failures_in(State::New) as u64).into(),
                (m.failures_in(State::Resolved) as u64).into(),
            ];
            sink(&row)?;
        }
        Ok(())
    })
}

fn bad_items() -> Table<Compared> {
    let columns = vec![
        text("Mailbox"),
        text("Key"),
        text("State"),
        count("Count"),
        text("Category"),
        text("Kind"),
        text("Folder"),
        text("EntryId"),
        text("Subject"),
        text("PrincipalSide"),
        text("Principal"),
    ];
    Table::new("diff_bad_items", "bad_item", columns, |c, sink| {
        for m in &c.diff.mailboxes {
            for i in &m.items {
                sink(&[
                    m.mailbox.as_str().into(),
                    m.key.as_str().into(),
                    i.state.key().into(),
                    i.count.into(),
                    i.category.key().into(),
                    i.kind.as_str().into(),
                    Some(i.folder.as_str()).filter(|f| !f.is_empty()).into(),
                    i.entry_id.as_deref().into(),
                    i.subject.as_deref().into(),
                    i.principal_side.map(|s| s.key()).into(),
                    i.principal.as_deref().into(),
                ])?;
            }
        }
        Ok(())
    })
}

fn principals() -> Table<Compared> {
    let columns = vec![
        text("Mailbox"),
        text("Key"),
        text("State"),
        text("Side"),
        text("Sid"),
        text("Alias"),
        text("DisplayName"),
        text("PrincipalKey"),
        count("OldCount"),
        count("NewCount"),
    ];
    Table::new("diff_principals", "principal", columns, |c, sink| {
        for m in &c.diff.mailboxes {
            for p in &m.principals {
                sink(&[
                    m.mailbox.as_str().into(),
                    m.key.as_str().into(),
                    p.state.key().into(),
                    p.side.key().into(),
                    p.sid.as_deref().into(),
                    p.alias.as_deref().into(),
                    p.display_name.as_deref().into(),
                    p.key.as_str().into(),
                    p.old_count.into(),
                    p.new_count.into(),
                ])?;
            }
        }
        Ok(())
    })
}

fn failures() -> Table<Compared> {
    let columns = vec![
        text("Mailbox"),
        text("Key"),
        text("State"),
        text("FailureType"),
        count("OldCount"),
        count("NewCount"),
    ];
    Table::new("diff_failures", "failure", columns, |c, sink| {
        for m in &c.diff.mailboxes {
            for f in &m.failures {
                sink(&[
                    m.mailbox.as_str().into(),
                    m.key.as_str().into(),
                    f.state.key().into(),
                    f.failure_type.as_str().into(),
                    f.old_count.into(),
                    f.new_count.into(),
                ])?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_files_are_the_tables() {
        let names: Vec<String> = tables().iter().map(|t| format!("{}.csv", t.name)).collect();
        assert_eq!(names, CSV_FILES);
        for t in tables() {
            let mut seen = std::collections::BTreeSet::new();
            for c in &t.columns {
                assert!(seen.insert(c.name.to_lowercase()), "{}: {} twice", t.name, c.name);
            }
        }
    }
}
