//! The diff in the terminal: one line of totals, a row per mailbox (how it
//! changed, its status and verdict before and now, its bad items new,
//! resolved and unchanged, its principals), then what is new and what is
//! resolved per mailbox, in words, and the verdicts that moved. Drawn with
//! the summary's grid, so it fits the width the same way.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::super::Exporter;
use super::super::grid::{Grid, TableStyle, Text, wrap};
use super::super::target::Destination;
use crate::diff::{Change, ItemChange, MailboxDiff, State};
use crate::pipeline::Compared;
use crate::render::{NONE, plural, principal_name, some_of};

/// Most folders named per category in a line.
const FOLDERS_NAMED: usize = 3;

/// The diff table exporter.
#[derive(Debug, Clone, Copy)]
pub struct DiffTable(pub TableStyle);

impl Exporter<Compared> for DiffTable {
    fn export(&self, c: &Compared, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("diff.txt", &mut |w| write(w, c, self.0))
    }
}

/// `Failed → Completed`, or the one value when it did not move.
fn moved(style: TableStyle, old: Option<&str>, new: Option<&str>) -> String {
    match (old, new) {
        (Some(o), Some(n)) if o == n => style.text(o).into_owned(),
        (o, n) => format!(
            "{} {} {}",
            style.text(o.unwrap_or(NONE)),
            style.own("→"),
            style.text(n.unwrap_or(NONE))
        ),
    }
}

fn principals_cell(m: &MailboxDiff) -> String {
    let (new, resolved, same) = (
        m.principals_in(State::New),
        m.principals_in(State::Resolved),
        m.principals_in(State::Unchanged),
    );
    if new + resolved + same == 0 {
        return NONE.into();
    }
    let mut parts = Vec::new();
    if new > 0 {
        parts.push(format!("{new} new"));
    }
    if resolved > 0 {
        parts.push(format!("{resolved} resolved"));
    }
    if same > 0 {
        parts.push(format!("{same} unchanged"));
    }
    parts.join(", ")
}

/// Writes the diff.
pub fn write(out: &mut dyn Write, c: &Compared, style: TableStyle) -> io::Result<()> {
    let d = &c.diff;
    let t = &d.totals;
    let n = |k: Change| t.mailboxes.get(k.key()).copied().unwrap_or(0);
    writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "{}: {} changed, {} unchanged, {} added, {} gone. Bad items: {} new, {} resolved, {} unchanged. Principals: {} new, {} resolved.",
                plural(d.mailboxes.len() as u64, "mailbox", "mailboxes"),
                n(Change::Changed),
                n(Change::Unchanged),
                n(Change::Added),
                n(Change::Gone),
                t.items_new,
                t.items_resolved,
                t.items_unchanged,
                t.principals_new,
                t.principals_resolved,
            ),
            "",
            usize::from(style.width)
        )
    )?;
    if d.mailboxes.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let mut grid = Grid::new(
        &[
            "Mailbox",
            "Change",
            "Status",
            "Verdict",
            "New items",
            "Resolved",
            "Unchanged",
            "Principals",
        ],
        &[false, false, false, false, true, true, true, false],
    );
    for m in &d.mailboxes {
        let status = |s: &Option<crate::diff::SideView>| s.as_ref().and_then(|s| s.status.clone());
        let verdict = |s: &Option<crate::diff::SideView>| s.as_ref().map(|s| s.verdict.key());
        let count =
            |v: u64| if m.old.is_some() && m.new.is_some() { v.to_string() } else { NONE.into() };
        grid.push(vec![
            Text::plain(style.text(&m.mailbox)),
            Text::plain(m.change.key()),
            Text::plain(moved(style, status(&m.old).as_deref(), status(&m.new).as_deref())),
            Text::plain(moved(style, verdict(&m.old), verdict(&m.new))),
            Text::plain(count(m.items_new)),
            Text::plain(count(m.items_resolved)),
            Text::plain(count(m.items_unchanged)),
            Text::plain(principals_cell(m)),
        ]);
    }
    grid.write(out, style)?;

    for (state, title) in [(State::New, "New"), (State::Resolved, "Resolved")] {
        let lines: Vec<String> =
            d.mailboxes.iter().filter_map(|m| change_line(m, state, style)).collect();
        if !lines.is_empty() {
            writeln!(out, "\n{title} since the old export")?;
            for l in lines {
                writeln!(out, "{}", wrap(&l, "", usize::from(style.width)))?;
            }
        }
    }
    let one_sided: Vec<String> = d
        .mailboxes
        .iter()
        .filter_map(|m| {
            let (word, s) = match (&m.old, &m.new) {
                (None, Some(s)) => ("only in the new export", s),
                (Some(s), None) => ("only in the old export", s),
                _ => return None,
            };
            Some(format!(
                "{}: {word} ({}, {}, {})",
                style.text(&m.mailbox),
                style.text(s.status.as_deref().unwrap_or(NONE)),
                s.verdict,
                plural(s.bad_items, "bad item", "bad items")
            ))
        })
        .collect();
    if !one_sided.is_empty() {
        writeln!(out, "\nAdded and gone")?;
        for l in one_sided {
            writeln!(out, "{}", wrap(&l, "", usize::from(style.width)))?;
        }
    }
    if !t.verdict_moves.is_empty() {
        writeln!(out, "\nVerdicts that moved")?;
        for v in &t.verdict_moves {
            writeln!(
                out,
                "{} {} {}: {}",
                v.from,
                style.own("→"),
                v.to,
                plural(v.mailboxes, "mailbox", "mailboxes")
            )?;
        }
    }
    Ok(())
}

/// `lynner: 2 target_principal (Inbox, Calendar); principal SG-Finance-RW;
/// CommunicationErrorTransientException 1 → 3`: what is new (or resolved)
/// in one mailbox, or nothing.
fn change_line(m: &MailboxDiff, state: State, style: TableStyle) -> Option<String> {
    let mut parts = Vec::new();
    // Per category: how many items, in which folders.
    let mut by_category: BTreeMap<_, (u64, Vec<&str>)> = BTreeMap::new();
    for i in m.items.iter().filter(|i| i.state == state) {
        let e = by_category.entry(i.category).or_insert((0, Vec::new()));
        e.0 += i.count;
        let folder = folder_of(i);
        if !e.1.contains(&folder) {
            e.1.push(folder);
        }
    }
    for (category, (n, folders)) in by_category {
        let named: Vec<String> = folders.iter().map(|f| style.text(f).into_owned()).collect();
        parts.push(format!(
            "{n} {category} ({})",
            some_of(named.iter().map(String::as_str), FOLDERS_NAMED)
        ));
    }
    let principals: Vec<String> = m
        .principals
        .iter()
        .filter(|p| p.state == state)
        .map(|p| {
            let name =
                principal_name(p.sid.as_deref(), p.alias.as_deref(), p.display_name.as_deref());
            format!("{} principal {}", p.side, style.text(&name))
        })
        .collect();
    parts.extend(principals);
    for f in m.failures.iter().filter(|f| f.state == state) {
        parts.push(format!(
            "{} {} {} {}",
            style.text(&f.failure_type),
            f.old_count,
            style.own("→"),
            f.new_count
        ));
    }
    (!parts.is_empty()).then(|| format!("{}: {}", style.text(&m.mailbox), parts.join("; ")))
}

fn folder_of(i: &ItemChange) -> &str {
    if i.folder.is_empty() { "the mailbox" } else { &i.folder }
}
