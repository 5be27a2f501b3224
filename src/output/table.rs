//! The terminal summary: a row per mailbox (counts by class, verdict, limits),
//! then the top principals and the failure types. Colour only when asked for
//! (the caller decides: terminal, `NO_COLOR`, `--color`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};

use crate::aggregate::GroupRow;
use crate::classify::{Class, Side};
use crate::exchange::access::Limit;
use crate::remediate::{self, Command, Severity};
use crate::summary::{Run, mailbox_label};
use crate::verdict::Verdict;

/// Most principals listed (the JSON has them all).
const PRINCIPALS_SHOWN: usize = 15;

/// How to draw tables.
#[derive(Debug, Clone, Copy)]
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
fn failed_on(a: &crate::summary::Analysed) -> String {
    use crate::verdict::{EXO_SOURCE_PRINCIPAL_LIMIT, FailingLimit};
    let m = &a.mailbox;
    match a.limits.failing_limit {
        None => "-".into(),
        Some(FailingLimit::BadItemLimit) => {
            format!("BadItemLimit {}", limit_text(m.bad_item_limit))
        }
        Some(FailingLimit::LargeItemLimit) => {
            format!("LargeItemLimit {}", limit_text(m.large_item_limit))
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

fn limit_text(l: Limit) -> String {
    match l {
        Limit::Absent => "-".into(),
        Limit::Unlimited => "unlimited".into(),
        Limit::Count(n) => n.to_string(),
    }
}

/// Makes untrusted text safe to print on a terminal: control, bidi and
/// zero-width characters become visible escapes.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}' => {
                format!("\\u{{{:x}}}", c as u32)
            }
            c if c.is_control() => format!("\\x{:02x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Writes the summary tables.
pub fn write<W: Write>(out: &mut W, run: &Run, style: TableStyle) -> io::Result<()> {
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
    for a in &run.mailboxes {
        let classes = a.counts.classes();
        let n = |c: Class| classes.get(&c).copied().unwrap_or(0);
        let status = a.mailbox.status.clone().unwrap_or_else(|| "-".into());
        let limit = failed_on(a);
        let suggested = match a.limits.suggested_bad_item_limit {
            Some(n) if a.limits.requires_accept_large_data_loss => {
                format!("{n} +AcceptLargeDataLoss")
            }
            Some(n) => n.to_string(),
            None => "-".into(),
        };
        t.add_row(vec![
            Cell::new(sanitize(&mailbox_label(&a.mailbox))),
            Cell::new(sanitize(&status)),
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

    let totals = crate::summary::totals(&run.mailboxes);
    let verdicts: Vec<String> = Verdict::ALL
        .iter()
        .filter_map(|v| totals.verdicts.0.get(v).map(|n| format!("{n} {}", v.key())))
        .collect();
    let noun = if totals.mailboxes == 1 { "mailbox" } else { "mailboxes" };
    writeln!(
        out,
        "{} {noun}: {}",
        totals.mailboxes,
        if verdicts.is_empty() { "-".into() } else { verdicts.join(", ") }
    )?;

    // Roll-ups only say something when there is more than one group.
    if run.batches.len() > 1 {
        write_groups(out, style, "Batches", "Batch", &run.batches)?;
    }
    if run.folders.len() > 1 {
        write_groups(out, style, "Input folders", "Folder", &run.folders)?;
    }

    if !run.principals.is_empty() {
        writeln!(out)?;
        writeln!(out, "Top principals (by mailboxes affected)")?;
        let mut p =
            new_table(style, &["Side", "Principal", "SID", "Mailboxes", "Folders", "Items"]);
        for s in run.principals.iter().take(PRINCIPALS_SHOWN) {
            let name = s
                .alias
                .clone()
                .or_else(|| s.display_name.clone())
                .or_else(|| s.legacy_dn.clone())
                .unwrap_or_else(|| {
                    if s.sid.is_none() { "(not named in the export)".into() } else { "-".into() }
                });
            p.add_row(vec![
                Cell::new(match s.side {
                    Side::Source => "source",
                    Side::Target => "target",
                }),
                Cell::new(sanitize(&name)),
                Cell::new(sanitize(s.sid.as_deref().unwrap_or("-"))),
                num(s.mailboxes as u64),
                num(s.folders as u64),
                num(s.occurrences),
            ]);
        }
        writeln!(out, "{p}")?;
        if run.principals.len() > PRINCIPALS_SHOWN {
            writeln!(
                out,
                "… and {} more (see --format json)",
                run.principals.len() - PRINCIPALS_SHOWN
            )?;
        }
    }

    let mut failures: BTreeMap<&str, (u64, bool)> = BTreeMap::new();
    for a in &run.mailboxes {
        for f in &a.mailbox.failures {
            let e = failures
                .entry(f.failure_type.as_deref().unwrap_or("(unknown)"))
                .or_insert((0, true));
            e.0 += 1;
            e.1 &= f.is_transient();
        }
    }
    if !failures.is_empty() {
        writeln!(out)?;
        writeln!(out, "Failures (other than bad items' own)")?;
        let mut f = new_table(style, &["FailureType", "Kind", "Count"]);
        let mut rows: Vec<_> = failures.into_iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (ty, (n, transient)) in rows {
            f.add_row(vec![
                Cell::new(sanitize(ty)),
                Cell::new(if transient { "transient" } else { "permanent" }),
                num(n),
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

fn write_commands<W: Write>(out: &mut W, commands: &[Command], indent: &str) -> io::Result<()> {
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
fn write_next_steps<W: Write>(out: &mut W, run: &Run, style: TableStyle) -> io::Result<()> {
    let width = usize::from(style.width).max(40);
    let mut header = false;
    for a in &run.mailboxes {
        let steps = remediate::for_mailbox(a);
        if steps.is_empty() {
            continue;
        }
        if !header {
            writeln!(out)?;
            writeln!(out, "Next steps")?;
            header = true;
        }
        writeln!(out)?;
        writeln!(out, "{} ({})", sanitize(&mailbox_label(&a.mailbox)), a.verdict.key())?;
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
        run.principals.iter().take(PRINCIPALS_SHOWN).flat_map(remediate::for_principal).collect();
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
fn write_groups<W: Write>(
    out: &mut W,
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
        let v = |v: Verdict| num(g.verdicts.0.get(&v).copied().unwrap_or(0));
        let name = if g.key.is_empty() { "(none)".to_string() } else { sanitize(&g.key) };
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
