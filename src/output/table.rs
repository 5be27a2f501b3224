//! The terminal summary: a row per mailbox (counts by class, verdict, limits),
//! then the top principals, the failure types and the next steps. Colour
//! only when asked for (the configuration decides: terminal, `NO_COLOR`,
//! `--color`).

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};

use super::Exporter;
use super::target::Destination;
use crate::analysis::verdict::EXO_SOURCE_PRINCIPAL_LIMIT;
use crate::analysis::{Class, FailingLimit, GroupRow, MailboxAnalysis, Verdict};
use crate::pipeline::Run;
use crate::remediate::{Command, Severity};
use crate::render::{self, NONE, sanitize};

/// Most principals listed (the JSON has them all).
const PRINCIPALS_SHOWN: usize = 15;

/// How to draw tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    /// Use colour and bold.
    pub color: bool,
    /// Use ASCII borders (for pasting into tickets).
    pub ascii: bool,
    /// Width to wrap at.
    pub width: u16,
}

fn new_table(style: TableStyle, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(if style.ascii {
        presets::ASCII_FULL_CONDENSED
    } else {
        presets::UTF8_FULL_CONDENSED
    });
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(style.width);
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(|h| {
        let c = Cell::new(h);
        if style.color { c.add_attribute(Attribute::Bold) } else { c }
    }));
    t
}

fn num(n: u64) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

fn verdict_cell(v: Verdict, color: bool) -> Cell {
    let c = Cell::new(v.key());
    if !color {
        return c;
    }
    c.fg(match v {
        Verdict::Clean => Color::Green,
        Verdict::PermissionsOnly => Color::Cyan,
        Verdict::LargeItems => Color::Yellow,
        Verdict::DataLossRisk => Color::Red,
        Verdict::FailedOther => Color::Magenta,
    })
}

/// Which limit stopped the move, with its configured value.
fn failed_on(a: &MailboxAnalysis) -> String {
    let m = &a.mailbox;
    match a.limits.failing_limit {
        None => NONE.into(),
        Some(FailingLimit::BadItemLimit) => {
            format!("BadItemLimit {}", render::limit(m.bad_item_limit))
        }
        Some(FailingLimit::LargeItemLimit) => {
            format!("LargeItemLimit {}", render::limit(m.large_item_limit))
        }
        Some(FailingLimit::SourcePrincipalLimit) => {
            format!("EXO source principal limit {EXO_SOURCE_PRINCIPAL_LIMIT}")
        }
        Some(FailingLimit::MissingItemThreshold) => "missing items".into(),
        Some(FailingLimit::DataConsistencyScore) => {
            format!("DCS {}", m.data_consistency_score.as_deref().unwrap_or("?"))
        }
    }
}

/// The terminal table exporter.
#[derive(Debug, Clone, Copy)]
pub struct Terminal(pub TableStyle);

impl Exporter for Terminal {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("summary.txt", &mut |w| write(w, run, self.0))
    }
}

/// Writes the summary tables.
pub fn write(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
    let analysis = &run.analysis;
    let mut t = new_table(
        style,
        &[
            "Mailbox",
            "Status",
            "Perm",
            "Corrupt",
            "Large",
            "Missing",
            "Other",
            "Verdict",
            "Failed on",
            "Suggested BIL",
        ],
    );
    for a in &analysis.mailboxes {
        let n = |c: Class| a.classes.get(c);
        let limit = failed_on(a);
        let suggested = match a.limits.suggested_bad_item_limit {
            Some(n) => render::suggested_limit(n, a.limits.requires_accept_large_data_loss),
            None => NONE.into(),
        };
        t.add_row(vec![
            Cell::new(sanitize(&a.label())),
            Cell::new(sanitize(a.mailbox.status.as_deref().unwrap_or(NONE))),
            num(n(Class::Permissions)),
            num(n(Class::Corruption)),
            num(n(Class::Large)),
            num(n(Class::Missing)),
            num(n(Class::Other)),
            verdict_cell(a.verdict, style.color),
            Cell::new(limit),
            Cell::new(suggested),
        ]);
    }
    writeln!(out, "{t}")?;

    let totals = &analysis.totals;
    let verdicts: Vec<String> = totals
        .verdicts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {}", v.key()))
        .collect();
    writeln!(
        out,
        "{}: {}",
        render::plural(totals.mailboxes as u64, "mailbox", "mailboxes"),
        if verdicts.is_empty() { NONE.into() } else { verdicts.join(", ") }
    )?;

    // Roll-ups only say something when there is more than one group.
    if analysis.batches.len() > 1 {
        write_groups(out, style, "Batches", "Batch", &analysis.batches)?;
    }
    if analysis.folders.len() > 1 {
        write_groups(out, style, "Input folders", "Folder", &analysis.folders)?;
    }

    if !analysis.principals.is_empty() {
        writeln!(out)?;
        writeln!(out, "Top principals (by mailboxes affected)")?;
        let mut p =
            new_table(style, &["Side", "Principal", "SID", "Mailboxes", "Folders", "Items"]);
        for s in analysis.principals.iter().take(PRINCIPALS_SHOWN) {
            let name = s.short_name().unwrap_or(if s.sid.is_none() {
                "(not named in the export)"
            } else {
                NONE
            });
            p.add_row(vec![
                Cell::new(s.side.key()),
                Cell::new(sanitize(name)),
                Cell::new(sanitize(s.sid.as_deref().unwrap_or(NONE))),
                num(s.mailboxes as u64),
                num(s.folders as u64),
                num(s.occurrences),
            ]);
        }
        writeln!(out, "{p}")?;
        if analysis.principals.len() > PRINCIPALS_SHOWN {
            writeln!(
                out,
                "… and {} more (see --format json)",
                analysis.principals.len() - PRINCIPALS_SHOWN
            )?;
        }
    }

    if !analysis.failures.is_empty() {
        writeln!(out)?;
        writeln!(out, "Failures (other than bad items' own)")?;
        let mut f = new_table(style, &["FailureType", "Kind", "Count"]);
        for row in &analysis.failures {
            f.add_row(vec![
                Cell::new(sanitize(&row.failure_type)),
                Cell::new(if row.transient { "transient" } else { "permanent" }),
                num(row.occurrences),
            ]);
        }
        writeln!(out, "{f}")?;
    }
    write_next_steps(out, run, style)
}

/// Most commands shown per step; the script (`remediate`) has them all.
const COMMANDS_SHOWN: usize = 3;

fn severity_tag(s: Severity, color: bool) -> String {
    let tag = format!("[{}]", s.key());
    if !color {
        return tag;
    }
    let code = match s {
        Severity::Critical => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    format!("\u{1b}[{code}m{tag}\u{1b}[0m")
}

/// Words of `text` on lines of at most `width` columns, each starting with
/// `indent` (a single word longer than that stays whole).
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

fn write_commands(out: &mut dyn Write, commands: &[Command], indent: &str) -> io::Result<()> {
    for c in commands.iter().take(COMMANDS_SHOWN) {
        writeln!(out, "{indent}> {}", sanitize(&c.line))?;
    }
    if commands.len() > COMMANDS_SHOWN {
        writeln!(
            out,
            "{indent}  … and {} more (all of them: mrs-triage remediate INPUT... -o fix.ps1)",
            commands.len() - COMMANDS_SHOWN
        )?;
    }
    Ok(())
}

/// The ordered next steps per mailbox, then per principal.
fn write_next_steps(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
    let width = usize::from(style.width).max(40);
    let mut header = false;
    for (a, steps) in run.mailboxes() {
        if steps.is_empty() {
            continue;
        }
        if !header {
            writeln!(out)?;
            writeln!(out, "Next steps")?;
            header = true;
        }
        writeln!(out)?;
        writeln!(out, "{} ({})", sanitize(&a.label()), a.verdict.key())?;
        for (i, s) in steps.iter().enumerate() {
            writeln!(
                out,
                "  {}. {} {}: {}",
                i + 1,
                severity_tag(s.severity, style.color),
                s.id,
                sanitize(&s.finding)
            )?;
            writeln!(out, "{}", wrap(&sanitize(&s.text), "     ", width))?;
            write_commands(out, &s.commands, "     ")?;
        }
    }
    let principal_steps: Vec<_> =
        run.principals().take(PRINCIPALS_SHOWN).flat_map(|(_, steps)| steps).collect();
    if !principal_steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "Principals")?;
        for s in &principal_steps {
            writeln!(
                out,
                "  - {} {}: {}",
                severity_tag(s.severity, style.color),
                s.id,
                sanitize(&s.finding)
            )?;
            write_commands(out, &s.commands, "     ")?;
        }
    }
    Ok(())
}

/// A per-batch or per-folder roll-up table.
fn write_groups(
    out: &mut dyn Write,
    style: TableStyle,
    title: &str,
    key: &str,
    rows: &[GroupRow],
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    let mut t = new_table(
        style,
        &[key, "Mailboxes", "Failed", "Perm only", "Large", "Data loss", "Failed other", "Items"],
    );
    for g in rows {
        let v = |v: Verdict| num(g.verdicts.get(v));
        let name = if g.key.is_empty() { "(none)".into() } else { sanitize(&g.key) };
        t.add_row(vec![
            Cell::new(name),
            num(g.mailboxes),
            num(g.failed_moves),
            v(Verdict::PermissionsOnly),
            v(Verdict::LargeItems),
            v(Verdict::DataLossRisk),
            v(Verdict::FailedOther),
            num(g.bad_items),
        ]);
    }
    writeln!(out, "{t}")
}
