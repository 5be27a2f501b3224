//! The terminal summary: a row per mailbox (bad items by class, verdict, the
//! limit that failed, the suggested BadItemLimit), the totals, each move's
//! performance (when the export carries durations), the batch and folder
//! roll-ups, the top principals, the failure types, and each mailbox's most
//! urgent next step (every step with `--steps`). `perf` shows only the
//! performance: per mailbox, per batch and per server, the stalls the
//! reports tell, and the performance next steps.
//!
//! Tables fit the width they are given: words are never split (a cell wraps
//! between words), and a table whose words cannot fit side by side is shown
//! as one block per row instead. Colour only when the configuration says so;
//! `--ascii` means every character is ASCII.

use std::io::{self, Write};

use comfy_table::Color;

use super::Exporter;
pub use super::grid::TableStyle;
use super::grid::{Grid, Text, wrap};
use super::target::Destination;
use crate::analysis::verdict::EXO_SOURCE_PRINCIPAL_LIMIT;
use crate::analysis::{
    Analysis, FailingLimit, GroupPerformance, GroupRow, Health, MailboxAnalysis, ServerKey, Verdict,
};
use crate::pipeline::Run;
use crate::remediate::{Command, Severity, Suggestion};
use crate::render::{self, NONE, figure, percent, plural};

/// Most principals listed (the JSON has them all).
const PRINCIPALS_SHOWN: usize = 15;
/// Most commands shown per step; the script (`remediate`) has them all.
const COMMANDS_SHOWN: usize = 3;

/// The terminal table exporter.
#[derive(Debug, Clone, Copy)]
pub struct Terminal(pub TableStyle);

impl Exporter for Terminal {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("summary.txt", &mut |w| write(w, run, self.0))
    }
}

/// The `perf` exporter: the performance tables only.
#[derive(Debug, Clone, Copy)]
pub struct Perf(pub TableStyle);

impl Exporter for Perf {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("performance.txt", &mut |w| write_performance(w, run, self.0))
    }
}

fn verdict_color(v: Verdict) -> Color {
    match v {
        Verdict::Clean => Color::Green,
        Verdict::PermissionsOnly => Color::Cyan,
        Verdict::LargeItems => Color::Yellow,
        Verdict::DataLossRisk => Color::Red,
        Verdict::FailedOther => Color::Magenta,
    }
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
            format!("Exchange Online source principal limit {EXO_SOURCE_PRINCIPAL_LIMIT}")
        }
        Some(FailingLimit::MissingItemThreshold) => "missing items".into(),
        Some(FailingLimit::DataConsistencyScore) => {
            format!("Data Consistency Score {}", m.data_consistency_score.as_deref().unwrap_or("?"))
        }
    }
}

/// Writes the summary.
pub fn write(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
    let analysis = &run.analysis;
    let mut full = Grid::new(
        &[
            "Mailbox",
            "Status",
            "Permissions",
            "Corruption",
            "Large",
            "Missing",
            "Other",
            "Verdict",
            "Failed on",
            "Suggested BadItemLimit",
        ],
        &[false, false, true, true, true, true, true, false, false, false],
    );
    // Narrower: the counts in one column, in words.
    let mut compact = Grid::new(
        &["Mailbox", "Status", "Bad items", "Verdict", "Failed on", "Suggested BadItemLimit"],
        &[false; 6],
    );
    for a in &analysis.mailboxes {
        let suggested = match a.limits.suggested_bad_item_limit {
            Some(n) => render::suggested_limit(n, a.limits.requires_accept_large_data_loss),
            None => NONE.into(),
        };
        let label = style.text(&a.label()).into_owned();
        let status = style.text(a.mailbox.status.as_deref().unwrap_or(NONE)).into_owned();
        let verdict =
            || Text { text: a.verdict.key().into(), color: Some(verdict_color(a.verdict)) };
        let mut row = vec![Text::plain(label.clone()), Text::plain(status.clone())];
        row.extend(a.classes.iter().map(|(_, n)| Text::plain(n.to_string())));
        row.extend([verdict(), Text::plain(failed_on(a)), Text::plain(suggested.clone())]);
        full.push(row);
        let items: Vec<String> = a
            .classes
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| format!("{n} {}", c.key()))
            .collect();
        let items = if items.is_empty() { "none".to_string() } else { items.join(", ") };
        compact.push(vec![
            Text::plain(label),
            Text::plain(status),
            Text::plain(items),
            verdict(),
            Text::plain(failed_on(a)),
            Text::plain(suggested),
        ]);
    }
    Grid::write_first_fitting(&[full, compact], out, style)?;

    let totals = &analysis.totals;
    let verdicts: Vec<String> = totals
        .verdicts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {}", v.key()))
        .collect();
    let line = format!(
        "{}: {}",
        plural(totals.mailboxes as u64, "mailbox", "mailboxes"),
        if verdicts.is_empty() { NONE.into() } else { verdicts.join(", ") }
    );
    writeln!(out, "{}", wrap(&line, "", usize::from(style.width)))?;

    if analysis.has_performance() {
        writeln!(out)?;
        mailbox_performance(out, analysis, style)?;
    }

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
        let mut p = Grid::new(
            &["Side", "Principal", "SID", "Mailboxes", "Folders", "Items"],
            &[false, false, false, true, true, true],
        );
        for s in analysis.principals.iter().take(PRINCIPALS_SHOWN) {
            let name = s.short_name().unwrap_or(if s.sid.is_none() {
                "(not named in the export)"
            } else {
                NONE
            });
            p.push(vec![
                Text::plain(s.side.key()),
                Text::plain(style.text(name)),
                Text::plain(style.text(s.sid.as_deref().unwrap_or(NONE))),
                Text::plain(s.mailboxes.to_string()),
                Text::plain(s.folders.to_string()),
                Text::plain(s.occurrences.to_string()),
            ]);
        }
        p.write(out, style)?;
        if analysis.principals.len() > PRINCIPALS_SHOWN {
            let more = analysis.principals.len() - PRINCIPALS_SHOWN;
            writeln!(out, "{}", style.own(&format!("… and {more} more (see --format json)")))?;
        }
    }

    let disagreeing: Vec<(&MailboxAnalysis, &String)> = analysis
        .mailboxes
        .iter()
        .flat_map(|a| {
            a.batch_report.iter().flat_map(move |b| b.disagreements.iter().map(move |d| (a, d)))
        })
        .collect();
    if !disagreeing.is_empty() {
        writeln!(out)?;
        writeln!(out, "Where the batch report and the mailbox's own report disagree")?;
        for (a, d) in disagreeing {
            writeln!(
                out,
                "{}",
                wrap(
                    &format!("{}: {}", style.text(&a.label()), style.text(d)),
                    "",
                    usize::from(style.width)
                )
            )?;
        }
    }

    if !analysis.failures.is_empty() {
        writeln!(out)?;
        writeln!(out, "Failures (other than bad items' own)")?;
        let mut f = Grid::new(&["FailureType", "Kind", "Count"], &[false, false, true]);
        for row in &analysis.failures {
            f.push(vec![
                Text::plain(style.text(&row.failure_type)),
                Text::plain(if row.transient { "transient" } else { "permanent" }),
                Text::plain(row.occurrences.to_string()),
            ]);
        }
        f.write(out, style)?;
    }
    if style.steps { write_all_steps(out, run, style) } else { write_next_step(out, run, style) }
}

fn health_color(h: Health) -> Color {
    match h {
        Health::Healthy => Color::Green,
        Health::Warning => Color::Yellow,
        Health::Critical => Color::Red,
    }
}

fn health(h: Health) -> Text {
    Text { text: h.key().into(), color: Some(health_color(h)) }
}

/// Per mailbox with performance data: size, transfer rate, efficiency, the
/// shares of the in-progress time, the grade and the bottleneck.
fn mailbox_performance(
    out: &mut dyn Write,
    analysis: &Analysis,
    style: TableStyle,
) -> io::Result<()> {
    writeln!(out, "Performance (shares of the in-progress time)")?;
    let mut full = Grid::new(
        &[
            "Mailbox",
            "Size",
            "Rate GB/h",
            "Efficiency",
            "Source side",
            "Destination side",
            "Stalls",
            "Health",
            "Bottleneck",
        ],
        &[false, true, true, true, true, true, true, false, false],
    );
    let mut compact = Grid::new(
        &["Mailbox", "Size", "Rate GB/h", "Stalls", "Health", "Bottleneck"],
        &[false, true, true, true, false, false],
    );
    for a in &analysis.mailboxes {
        let Some(p) = &a.performance else { continue };
        let label = style.text(&a.label()).into_owned();
        let size = p.mailbox_bytes.map_or_else(|| NONE.into(), render::size);
        let rate = figure(p.transfer_rate_gb_per_hour, 2);
        let bottleneck = p.assessment.bottleneck.map_or(NONE, |b| b.key());
        full.push(vec![
            Text::plain(label.clone()),
            Text::plain(size.clone()),
            Text::plain(rate.clone()),
            Text::plain(percent(p.figures.efficiency_percent)),
            Text::plain(percent(p.figures.source_side_percent)),
            Text::plain(percent(p.figures.destination_side_percent)),
            Text::plain(percent(p.figures.stall_percent)),
            health(p.assessment.health),
            Text::plain(bottleneck),
        ]);
        compact.push(vec![
            Text::plain(label),
            Text::plain(size),
            Text::plain(rate),
            Text::plain(percent(p.figures.stall_percent)),
            health(p.assessment.health),
            Text::plain(bottleneck),
        ]);
    }
    Grid::write_first_fitting(&[full, compact], out, style)
}

/// Groups of moves (batches, or servers) with their performance.
fn group_performance(
    out: &mut dyn Write,
    style: TableStyle,
    title: &str,
    key: &'static str,
    rows: &[(String, &GroupPerformance)],
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    let mut full = Grid::new(
        &[
            key,
            "Moves",
            "Kept",
            "GB transferred",
            "Complete",
            "Rate GB/h (min-max)",
            "Throughput GB/h",
            "Stalls",
            "Health",
            "Bottleneck",
        ],
        &[false, true, true, true, true, true, true, true, false, false],
    );
    let mut compact = Grid::new(
        &[key, "Moves", "Rate GB/h", "Stalls", "Health", "Bottleneck"],
        &[false, true, true, true, false, false],
    );
    for (name, p) in rows {
        let name = if name.is_empty() { "(none)".into() } else { style.text(name) };
        let rate = figure(p.avg_transfer_rate_gb_per_hour, 2);
        let range = match (p.min_transfer_rate_gb_per_hour, p.max_transfer_rate_gb_per_hour) {
            (Some(lo), Some(hi)) => format!("{rate} ({lo:.2}-{hi:.2})"),
            _ => rate.clone(),
        };
        let bottleneck = p.assessment.bottleneck.map_or(NONE, |b| b.key());
        full.push(vec![
            Text::plain(name.clone()),
            Text::plain(p.mailboxes.to_string()),
            Text::plain(p.kept_moves.to_string()),
            Text::plain(figure(p.total_gb_transferred, 1)),
            Text::plain(percent(p.percent_complete)),
            Text::plain(range),
            Text::plain(figure(p.throughput_gb_per_hour, 2)),
            Text::plain(percent(p.figures.stall_percent)),
            health(p.assessment.health),
            Text::plain(bottleneck),
        ]);
        compact.push(vec![
            Text::plain(name),
            Text::plain(p.mailboxes.to_string()),
            Text::plain(rate),
            Text::plain(percent(p.figures.stall_percent)),
            health(p.assessment.health),
            Text::plain(bottleneck),
        ]);
    }
    Grid::write_first_fitting(&[full, compact], out, style)
}

/// `perf`: every move's performance, then each batch's and server's, the
/// stalls the reports tell, and the performance next steps.
pub fn write_performance(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
    let analysis = &run.analysis;
    let width = usize::from(style.width).max(40);
    if !analysis.has_performance() {
        let note = "No move in the inputs carries durations (OverallDuration, Total…Duration): \
                    there is nothing to measure.";
        return writeln!(out, "{}", wrap(&style.own(note), "", width));
    }
    mailbox_performance(out, analysis, style)?;
    let kept = format!(
        "rates, shares and latencies of the kept moves: the fastest {}% of those that ran",
        analysis.percentile.get()
    );
    let batches: Vec<(String, &GroupPerformance)> =
        analysis.batches().filter_map(|(g, p)| Some((g.key.clone(), p?))).collect();
    if !batches.is_empty() {
        group_performance(out, style, &format!("Batches ({kept})"), "Batch", &batches)?;
    }
    for by in ServerKey::ALL {
        let rows: Vec<(String, &GroupPerformance)> = analysis
            .servers
            .iter()
            .filter(|s| s.by == *by)
            .filter_map(|s| Some((s.key.clone(), s.performance.as_ref()?)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let (title, key) = match by {
            ServerKey::SourceServer => ("Source servers", "SourceServer"),
            ServerKey::MrsServer => ("MRS servers", "MRSServerName"),
        };
        group_performance(out, style, title, key, &rows)?;
    }
    write_stalls(out, analysis, style)?;
    let mut any = false;
    for (a, steps) in run.mailboxes() {
        for s in steps.iter().filter(|s| s.id.is_performance_step()) {
            if !any {
                writeln!(out)?;
                writeln!(out, "Performance next steps")?;
                any = true;
            }
            let line = format!(
                "{}: {} {}: {}",
                style.text(&a.label()),
                severity_tag(s.severity, false),
                s.id,
                style.text(&s.finding)
            );
            writeln!(out, "{}", wrap(&line, "", width))?;
        }
    }
    if any {
        writeln!(out)?;
        let hint = "What each step means and its commands: mrs-triage INPUT... --steps, or the \
                    report page: --html report.html";
        writeln!(out, "{}", wrap(hint, "", width))?;
    }
    Ok(())
}

/// The stalls StatusDetail shows now and those the report logs tell.
fn write_stalls(out: &mut dyn Write, analysis: &Analysis, style: TableStyle) -> io::Result<()> {
    let width = usize::from(style.width).max(40);
    let mut any = false;
    for a in &analysis.mailboxes {
        let Some(p) = &a.performance else { continue };
        if p.stalled_now.is_none() && p.stall_episodes.is_empty() {
            continue;
        }
        if !any {
            writeln!(out)?;
            writeln!(out, "Stalls")?;
            any = true;
        }
        let mut parts = Vec::new();
        if let Some(now) = &p.stalled_now {
            parts.push(format!("stalled now on the {} ({})", now.side, style.text(&now.reason)));
        }
        if !p.stall_episodes.is_empty() {
            let open = p.stall_episodes.iter().filter(|e| e.end.is_none()).count();
            let hours = p.logged_stall_hours().map_or_else(String::new, |h| format!(", {h:.1} h"));
            let open = if open > 0 { format!(", {open} still open") } else { String::new() };
            let reasons: Vec<String> = p
                .stall_episodes
                .iter()
                .map(|e| format!("{} {}", e.side, style.text(&e.reason)))
                .collect();
            parts.push(format!(
                "{} in the log{hours}{open}: {}",
                plural(p.stall_episodes.len() as u64, "stall episode", "stall episodes"),
                render::some_of(reasons.iter().map(String::as_str), 4)
            ));
        }
        let line = format!("{}: {}", style.text(&a.label()), parts.join("; "));
        writeln!(out, "{}", wrap(&line, "", width))?;
    }
    Ok(())
}

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

/// The step to take first: the most severe, the earliest among equals.
fn most_urgent(steps: &[Suggestion]) -> Option<&Suggestion> {
    steps.iter().min_by_key(|s| s.severity)
}

/// Per mailbox, its verdict and most urgent step on one line.
fn write_next_step(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
    let width = usize::from(style.width).max(40);
    let mut any = false;
    for (a, steps) in run.mailboxes() {
        let Some(s) = most_urgent(steps) else { continue };
        if !any {
            writeln!(out)?;
            writeln!(out, "Next step per mailbox")?;
            any = true;
        }
        let more =
            if steps.len() > 1 { format!(" (+{} more)", steps.len() - 1) } else { String::new() };
        let line = format!(
            "{}: {} {}{more}: {}",
            style.text(&a.label()),
            severity_tag(s.severity, false),
            s.id,
            style.text(&s.finding)
        );
        let line = wrap(&line, "", width);
        // Colour the tag after wrapping, so widths are measured without escapes.
        let line = if style.color {
            line.replacen(&severity_tag(s.severity, false), &severity_tag(s.severity, true), 1)
        } else {
            line
        };
        writeln!(out, "{line}")?;
    }
    if any {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            wrap(
                "Every step with its commands: --steps; all of them as a script to review: \
                 mrs-triage remediate INPUT... -o fix.ps1; or the report page: --html report.html",
                "",
                width
            )
        )?;
    }
    Ok(())
}

fn write_commands(
    out: &mut dyn Write,
    commands: &[Command],
    indent: &str,
    style: TableStyle,
) -> io::Result<()> {
    for c in commands.iter().take(COMMANDS_SHOWN) {
        writeln!(out, "{indent}> {}", style.text(&c.line))?;
    }
    if commands.len() > COMMANDS_SHOWN {
        let more = commands.len() - COMMANDS_SHOWN;
        let note = format!(
            "{indent}  … and {more} more (all of them: mrs-triage remediate INPUT... -o fix.ps1)"
        );
        writeln!(out, "{}", style.own(&note))?;
    }
    Ok(())
}

/// Every next step per mailbox, then per principal (`--steps`).
fn write_all_steps(out: &mut dyn Write, run: &Run, style: TableStyle) -> io::Result<()> {
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
        writeln!(out, "{} ({})", style.text(&a.label()), a.verdict.key())?;
        for (i, s) in steps.iter().enumerate() {
            writeln!(out, "{}", step_head(&format!("{}.", i + 1), s, style, width))?;
            writeln!(out, "{}", wrap(&style.text(&s.text), "     ", width))?;
            write_commands(out, &s.commands, "     ", style)?;
        }
    }
    let principal_steps: Vec<_> =
        run.principals().take(PRINCIPALS_SHOWN).flat_map(|(_, steps)| steps).collect();
    if !principal_steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "Principals")?;
        for s in &principal_steps {
            writeln!(out, "{}", step_head("-", s, style, width))?;
            write_commands(out, &s.commands, "     ", style)?;
        }
    }
    Ok(())
}

/// A per-batch or per-folder roll-up table.
fn write_groups(
    out: &mut dyn Write,
    style: TableStyle,
    title: &str,
    key: &'static str,
    rows: &[GroupRow],
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    let mut t = Grid::new(
        &[
            key,
            "Mailboxes",
            "Failed",
            "Permissions only",
            "Large items",
            "Data loss risk",
            "Failed other",
            "Bad items",
        ],
        &[false, true, true, true, true, true, true, true],
    );
    for g in rows {
        let v = |v: Verdict| Text::plain(g.verdicts.get(v).to_string());
        let name = if g.key.is_empty() { "(none)".into() } else { style.text(&g.key) };
        t.push(vec![
            Text::plain(name),
            Text::plain(g.mailboxes.to_string()),
            Text::plain(g.failed_moves.to_string()),
            v(Verdict::PermissionsOnly),
            v(Verdict::LargeItems),
            v(Verdict::DataLossRisk),
            v(Verdict::FailedOther),
            Text::plain(g.bad_items.to_string()),
        ]);
    }
    t.write(out, style)
}

/// A step's first line, `{marker} [SEVERITY] id: finding`, wrapped to the width; the
/// severity tag is coloured after wrapping, so its escape codes never count as width.
fn step_head(marker: &str, s: &Suggestion, style: TableStyle, width: usize) -> String {
    let plain = severity_tag(s.severity, false);
    let head = wrap(&format!("{marker} {plain} {}: {}", s.id, style.text(&s.finding)), "  ", width);
    if style.color { head.replacen(&plain, &severity_tag(s.severity, true), 1) } else { head }
}
