//! The HTML report (`--html FILE`): one self-contained page to attach to a
//! ticket, complete without JavaScript. No external resources, charts as
//! inline SVG ([`charts`]), one small inline script that makes the tables
//! sortable and filterable ([`script`]), and a Content-Security-Policy that
//! forbids everything but inline styles, `data:` images and that script by
//! its SHA-256, so the page stays inert even if escaping were ever missed.
//!
//! When the exports carry durations, a performance section shows each
//! move's figures, where each batch's time went, the batches and servers,
//! and each mailbox's copy progress with its stall episodes.
//!
//! Every piece of text that comes from a report goes through [`esc`]: HTML
//! metacharacters become entities, and control, bidirectional and zero-width
//! characters become visible escapes (they could otherwise reorder or hide
//! what a reader sees). Output is deterministic (no generation time), so it
//! can be snapshot-tested. The page is built in memory: its tables are capped
//! (500 mailboxes, 50 principals, 20 commands per step), so it stays small
//! whatever the run holds.

use std::fmt::Write as _;
use std::io;

use super::Exporter;
use super::target::Destination;
use crate::analysis::{GroupPerformance, MailboxAnalysis, ServerKey};
use crate::pipeline::Run;
use crate::remediate::{self, Severity, Suggestion};
use crate::render::{self, NONE, figure, percent, plural};

mod charts;
mod escape;
pub mod script;

pub(crate) use escape::esc;
pub use script::csp;

/// Most mailboxes listed in tables.
const MAILBOXES_SHOWN: usize = 500;
/// Most principals listed.
const PRINCIPALS_SHOWN: usize = 50;
/// Most commands shown per step (the script has them all).
const COMMANDS_SHOWN: usize = 20;
/// Most copy-progress curves drawn.
const CURVES_SHOWN: usize = 40;

/// The HTML report exporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl Exporter for Html {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        let page = render(run);
        out.stream("report.html", &mut |w| w.write_all(page.as_bytes()))
    }
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg:#1f2328; --bg:#ffffff; --muted:#59636e; --line:#d1d9e0; --card:#f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#9198a1; --line:#3d444d; --card:#151b23; } }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 110px; }
.card b { display: block; font-size: 20px; }
.scroll { overflow-x: auto; margin: 6px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--card); } td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.ft { overflow-wrap: anywhere; }
code, pre { font: 12.5px/1.4 ui-monospace, "Cascadia Mono", Consolas, Menlo, monospace; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; white-space: pre; }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
.sev { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; color: #fff; }
.sev-critical { background: #cf222e; } .sev-warning { background: #9a6700; } .sev-info { background: #0969da; }
.h { font-weight: 600; } .h-healthy { color: #1a7f37; } .h-warning { color: #9a6700; } .h-critical { color: #cf222e; }
.v { font-weight: 600; white-space: nowrap; } .v-clean { color: #1a7f37; } .v-permissions_only { color: #0969da; } .v-large_items { color: #9a6700; } .v-data_loss_risk { color: #cf222e; } .v-failed_other { color: #8250df; }
svg text { fill: currentColor; font: 11px system-ui, sans-serif; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
ol.steps > li { margin: 8px 0; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
th[aria-sort=ascending] button::after { content: " \25B2"; } th[aria-sort=descending] button::after { content: " \25BC"; }
.filter { margin: 8px 0 4px; } .filter span { margin-left: 8px; }
.filter input { font: inherit; padding: 3px 6px; min-width: 260px; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
tr.jump { cursor: pointer; } tr.jump:hover td { background: var(--card); }
@media print { details { break-inside: avoid; } details > * { display: block; } body { max-width: none; } .filter { display: none; } }
"#;

/// Renders the whole page.
pub fn render(run: &Run) -> String {
    let mut h = String::with_capacity(64 * 1024);
    head(&mut h, run);
    totals(&mut h, run);
    h.push_str("<section id=\"charts\">\n<h2>Bad items by class, per mailbox</h2>\n");
    h.push_str(&charts::legend());
    h.push_str(&charts::classes_chart(&run.analysis.mailboxes));
    h.push_str("<h2>Bad items over time</h2>\n");
    h.push_str(&charts::time_chart(&run.analysis.timeline));
    h.push_str("</section>\n");
    mailboxes(&mut h, run);
    performance(&mut h, run);
    steps(&mut h, run);
    principals(&mut h, run);
    failures(&mut h, run);
    inputs(&mut h, run);
    h.push_str(
        "<footer class=\"muted\"><p>Commands are for review: run <code>mrs-triage remediate</code> \
         for a commented PowerShell script with every command. mrs-triage runs nothing itself.</p></footer>\n",
    );
    let _ = write!(h, "<script>{}</script>\n</body>\n</html>\n", script::SCRIPT);
    h
}

fn head(h: &mut String, run: &Run) {
    let a = &run.analysis;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Mailbox move triage – mrs-triage</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        csp = csp(),
    );
    let _ = write!(
        h,
        "<header>\n<h1>Mailbox move triage</h1>\n<p class=\"muted\">{} from {} · mrs-triage {} · \
         generated offline from Export-CliXml move reports</p>\n</header>\n",
        plural(a.totals.mailboxes as u64, "mailbox", "mailboxes"),
        plural(a.inputs.len() as u64, "input", "inputs"),
        env!("CARGO_PKG_VERSION"),
    );
    let failed_inputs = a.failed_inputs();
    if failed_inputs > 0 {
        let _ = writeln!(
            h,
            "<p><strong>{} could not be read completely; the report covers what was read \
             (see Inputs).</strong></p>",
            plural(failed_inputs as u64, "input", "inputs")
        );
    }
}

fn totals(h: &mut String, run: &Run) {
    let t = &run.analysis.totals;
    h.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"cards\">\n");
    let card = |h: &mut String, label: &str, n: u64| {
        let _ = writeln!(h, "<div class=\"card\"><b>{n}</b>{}</div>", esc(label));
    };
    card(h, "mailboxes", t.mailboxes as u64);
    card(h, "bad items", t.counts.total());
    for (c, n) in t.classes.iter() {
        card(h, c.key(), n);
    }
    h.push_str("</div>\n<div class=\"cards\">\n");
    for (v, n) in t.verdicts.iter() {
        let _ =
            writeln!(h, "<div class=\"card\"><b>{n}</b><span class=\"v v-{v}\">{v}</span></div>");
    }
    h.push_str("</div>\n</section>\n");
}

fn mailboxes(h: &mut String, run: &Run) {
    let a = &run.analysis;
    // The input column only tells mailboxes apart when there are several inputs.
    let several = a.inputs.len() > 1;
    h.push_str("<section id=\"mailboxes\">\n<h2>Mailboxes</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>Mailbox</th>");
    if several {
        h.push_str("<th>Input</th>");
    }
    h.push_str("<th>Status</th><th>Failure type</th>");
    // Short headers, as in the terminal table, keep the table within the page.
    h.push_str("<th>Perm</th><th>Corrupt</th><th>Large</th><th>Missing</th><th>Other</th>");
    h.push_str("<th>Verdict</th><th title=\"BadItemLimit\">BIL</th><th title=\"Suggested BadItemLimit\">Suggested BIL</th></tr></thead>\n<tbody>\n");
    for m in a.mailboxes.iter().take(MAILBOXES_SHOWN) {
        let _ = write!(
            h,
            "<tr><td><a href=\"#mbx-{id}\">{label}</a></td>{input}<td>{status}</td><td class=\"ft\">{ft}</td>",
            id = anchor(m),
            label = esc(&m.label()),
            input =
                if several { format!("<td>{}</td>", esc(&m.input_path)) } else { String::new() },
            status = esc(&status_text(m)),
            ft = esc(m.mailbox.failure_type.as_deref().unwrap_or(NONE)),
        );
        for (_, n) in m.classes.iter() {
            let _ = write!(h, "<td class=\"n\">{n}</td>");
        }
        let suggested = match m.limits.suggested_bad_item_limit {
            Some(n) => render::suggested_limit(n, m.limits.requires_accept_large_data_loss),
            None => NONE.into(),
        };
        let _ = writeln!(
            h,
            "<td><span class=\"v v-{v}\">{v}</span></td><td class=\"n\">{bil}</td><td class=\"n\">{suggested}</td></tr>",
            v = m.verdict,
            bil = render::limit(m.mailbox.bad_item_limit),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    more(h, a.mailboxes.len(), MAILBOXES_SHOWN, "mailboxes");
    h.push_str("</section>\n");
}

/// Each move's performance, where each batch's time went, the batches and
/// servers, and the copy-progress curves (only when some move has data).
fn performance(h: &mut String, run: &Run) {
    let a = &run.analysis;
    if !a.has_performance() {
        return;
    }
    h.push_str("<section id=\"performance\">\n<h2>Performance</h2>\n");
    h.push_str(
        "<p class=\"muted\">Shares are of the in-progress time (TotalInProgressDuration). Stalls \
         are waits for resources: migrations yield to users and mail flow, so some are normal.</p>\n",
    );
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Mailbox</th><th>Size</th><th>Rate GB/h</th><th>Efficiency</th><th>Source side</th><th>Destination side</th><th>Stalls</th><th>Source latency</th><th>Health</th><th>Bottleneck</th><th>Stalled now</th></tr></thead>\n<tbody>\n");
    let with: Vec<&MailboxAnalysis> =
        a.mailboxes.iter().filter(|m| m.performance.is_some()).collect();
    for m in with.iter().take(MAILBOXES_SHOWN) {
        let Some(p) = &m.performance else { continue };
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#mbx-{id}\">{label}</a></td><td class=\"n\">{size}</td><td class=\"n\">{rate}</td><td class=\"n\">{eff}</td><td class=\"n\">{src}</td><td class=\"n\">{dst}</td><td class=\"n\">{stalls}</td><td class=\"n\">{lat}</td><td><span class=\"h h-{health}\">{health}</span></td><td>{bottleneck}</td><td>{now}</td></tr>",
            id = anchor(m),
            label = esc(&m.label()),
            size = p.mailbox_bytes.map_or_else(|| NONE.into(), render::size),
            rate = figure(p.transfer_rate_gb_per_hour, 2),
            eff = percent(p.figures.efficiency_percent),
            src = percent(p.figures.source_side_percent),
            dst = percent(p.figures.destination_side_percent),
            stalls = percent(p.figures.stall_percent),
            lat = p.figures.source_latency_ms.map_or_else(|| NONE.into(), |l| format!("{l:.0} ms")),
            health = p.assessment.health,
            bottleneck = p.assessment.bottleneck.map_or(NONE, |b| b.key()),
            now = p
                .stalled_now
                .as_ref()
                .map_or_else(|| NONE.into(), |s| esc(&format!("{} {}", s.side, s.reason))),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    more(h, with.len(), MAILBOXES_SHOWN, "mailboxes");

    let batches: Vec<(String, &GroupPerformance)> =
        a.batches().filter_map(|(g, p)| Some((g.key.clone(), p?))).collect();
    if !batches.is_empty() {
        h.push_str("<h3>Where the time went, per batch</h3>\n");
        h.push_str(&charts::time_legend());
        h.push_str(&charts::time_shares_chart(&batches));
    }
    let mut groups: Vec<(String, &GroupPerformance)> = batches
        .iter()
        .map(|(k, p)| (format!("batch {}", if k.is_empty() { "(none)" } else { k }), *p))
        .collect();
    groups.extend(a.servers.iter().filter_map(|s| {
        let what = match s.by {
            ServerKey::SourceServer => "source server",
            ServerKey::MrsServer => "MRS server",
        };
        Some((format!("{what} {}", s.key), s.performance.as_ref()?))
    }));
    if !groups.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Batches and servers</h3>\n<p class=\"muted\">Rates, shares and latencies are those of the kept moves: the fastest {}% of the moves that ran, so one stuck move does not hide a group's real speed. Throughput is every byte transferred over the wall-clock time from the first start to the last completion (or the last update while moves are unfinished).</p>",
            a.percentile.get()
        );
        h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Group</th><th>Moves</th><th>Kept</th><th>GB transferred</th><th>Complete</th><th>Rate GB/h (min–max)</th><th>Throughput GB/h</th><th>Stalls</th><th>Health</th><th>Bottleneck</th><th>End (UTC)</th></tr></thead>\n<tbody>\n");
        for (name, p) in &groups {
            let range = match (p.min_transfer_rate_gb_per_hour, p.max_transfer_rate_gb_per_hour) {
                (Some(lo), Some(hi)) => format!(" ({lo:.2}–{hi:.2})"),
                _ => String::new(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{name}</td><td class=\"n\">{n}</td><td class=\"n\">{kept}</td><td class=\"n\">{gb}</td><td class=\"n\">{pc}</td><td class=\"n\">{rate}{range}</td><td class=\"n\">{tp}</td><td class=\"n\">{stalls}</td><td><span class=\"h h-{health}\">{health}</span></td><td>{bottleneck}</td><td>{end}</td></tr>",
                name = esc(name),
                n = p.mailboxes,
                kept = p.kept_moves,
                gb = figure(p.total_gb_transferred, 1),
                pc = percent(p.percent_complete),
                rate = figure(p.avg_transfer_rate_gb_per_hour, 2),
                tp = figure(p.throughput_gb_per_hour, 2),
                stalls = percent(p.figures.stall_percent),
                health = p.assessment.health,
                bottleneck = p.assessment.bottleneck.map_or(NONE, |b| b.key()),
                end = p.end.map_or_else(
                    || "not finished".into(),
                    |t| crate::time::utc_text(t.div_euclid(crate::time::TICKS_PER_SECOND))
                ),
            );
        }
        h.push_str("</tbody>\n</table></div>\n");
    }

    let curves: Vec<(String, String)> = with
        .iter()
        .filter_map(|m| {
            let svg = charts::copy_curve(&anchor(m), &m.label(), m.performance.as_ref()?)?;
            Some((m.label(), svg))
        })
        .collect();
    if !curves.is_empty() {
        h.push_str("<h3>Copy progress and stalls, per mailbox</h3>\n<p class=\"muted\">From the report log's \"Copy progress\" lines; shaded: the stall episodes the log tells (from the stall line to the next \"no longer stalled\" or copy-progress line).</p>\n");
        for (label, svg) in curves.iter().take(CURVES_SHOWN) {
            let _ = writeln!(h, "<h4>{}</h4>", esc(label));
            h.push_str(svg);
        }
        more(h, curves.len(), CURVES_SHOWN, "copy-progress curves");
    }
    h.push_str("</section>\n");
}

/// The note under a capped table.
fn more(h: &mut String, total: usize, shown: usize, what: &str) {
    if total > shown {
        let _ = writeln!(
            h,
            "<p class=\"muted\">{} more {what} are in the JSON and CSV output.</p>",
            total - shown
        );
    }
}

fn steps(h: &mut String, run: &Run) {
    h.push_str("<section id=\"steps\">\n<h2>Verdict and next steps per mailbox</h2>\n");
    for (a, steps) in run.mailboxes().take(MAILBOXES_SHOWN) {
        let open =
            if steps.iter().any(|s| s.severity == Severity::Critical) { " open" } else { "" };
        let _ = write!(
            h,
            "<details id=\"mbx-{id}\"{open}>\n<summary>{label} — <span class=\"v v-{v}\">{v}</span> — {n}</summary>\n\
             <p class=\"muted\">{status}{limit}</p>\n",
            id = anchor(a),
            label = esc(&a.label()),
            v = a.verdict,
            n = plural(steps.len() as u64, "step", "steps"),
            status = esc(&status_text(a)),
            limit =
                a.limits.failing_limit.map(|l| format!("; failing limit: {l}")).unwrap_or_default(),
        );
        if steps.is_empty() {
            h.push_str("<p>Nothing to do.</p>\n");
        } else {
            h.push_str(&steps_html(steps));
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
}

fn principals(h: &mut String, run: &Run) {
    let a = &run.analysis;
    h.push_str("<section id=\"principals\">\n<h2>Top principals</h2>\n");
    if a.principals.is_empty() {
        h.push_str("<p>No principal mapping errors.</p>\n</section>\n");
        return;
    }
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Side</th><th>Principal</th><th>SID</th><th>Mailboxes</th><th>Folders</th><th>Items</th><th>Affected</th></tr></thead>\n<tbody>\n");
    for p in a.principals.iter().take(PRINCIPALS_SHOWN) {
        let _ = writeln!(
            h,
            "<tr><td>{side}</td><td>{name}</td><td><code>{sid}</code></td><td class=\"n\">{m}</td><td class=\"n\">{f}</td><td class=\"n\">{o}</td><td>{aff}</td></tr>",
            side = p.side,
            name = esc(p.short_name().unwrap_or(NONE)),
            sid = esc(p.sid.as_deref().unwrap_or(NONE)),
            m = p.mailboxes,
            f = p.folders,
            o = p.occurrences,
            aff = esc(&p.affected.join(", ")),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    more(h, a.principals.len(), PRINCIPALS_SHOWN, "principals");
    h.push_str("<details>\n<summary>Next steps per principal</summary>\n");
    for (p, steps) in run.principals().take(PRINCIPALS_SHOWN) {
        let _ = writeln!(
            h,
            "<h3>{} ({} side)</h3>",
            esc(&render::principal_name(
                p.sid.as_deref(),
                p.alias.as_deref(),
                p.display_name.as_deref()
            )),
            p.side
        );
        h.push_str(&steps_html(steps));
    }
    h.push_str("</details>\n</section>\n");
}

fn failures(h: &mut String, run: &Run) {
    h.push_str("<section id=\"failures\">\n<h2>Failures other than bad items' own</h2>\n");
    let rows = &run.analysis.failures;
    if rows.is_empty() {
        h.push_str("<p>None.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Failure type</th><th>Kind</th><th>Count</th><th>Meaning</th></tr></thead>\n<tbody>\n");
        for r in rows {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&r.failure_type),
                if r.transient { "transient" } else { "permanent" },
                r.occurrences,
                esc(remediate::failure_meaning(&r.failure_type).unwrap_or(NONE)),
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

fn inputs(h: &mut String, run: &Run) {
    h.push_str("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<thead><tr><th>Path</th><th>Encoding</th><th>Objects</th><th>Mailboxes</th><th>Error</th></tr></thead>\n<tbody>\n");
    for i in &run.analysis.inputs {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&i.path),
            esc(i.encoding.unwrap_or(NONE)),
            i.objects,
            i.mailboxes,
            esc(i.error.as_deref().unwrap_or(NONE)),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// A stable, safe fragment id: the mailbox's input and position.
fn anchor(a: &MailboxAnalysis) -> String {
    format!("{}-{}", a.mailbox.input, a.mailbox.index)
}

fn status_text(a: &MailboxAnalysis) -> String {
    let m = &a.mailbox;
    match (&m.status, &m.status_detail) {
        (Some(s), Some(d)) if s != d => format!("{s} ({d})"),
        (Some(s), _) => s.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => NONE.into(),
    }
}

fn steps_html(steps: &[Suggestion]) -> String {
    let mut h = String::from("<ol class=\"steps\">\n");
    for s in steps {
        let _ = write!(
            h,
            "<li><span class=\"sev sev-{sev}\">{sev}</span> <code>{id}</code> {finding}\n<p>{text}</p>\n",
            sev = s.severity,
            id = s.id,
            finding = esc(&s.finding),
            text = esc(&s.text),
        );
        if !s.commands.is_empty() {
            h.push_str("<pre><code>");
            let mut shell = None;
            for c in s.commands.iter().take(COMMANDS_SHOWN) {
                if shell != Some(c.shell) {
                    let _ = writeln!(h, "# {}", esc(c.shell.label()));
                    shell = Some(c.shell);
                }
                let _ = writeln!(h, "{}", esc(&c.line));
            }
            if s.commands.len() > COMMANDS_SHOWN {
                let _ = writeln!(
                    h,
                    "# … and {} more: mrs-triage remediate INPUT... -o fix.ps1",
                    s.commands.len() - COMMANDS_SHOWN
                );
            }
            h.push_str("</code></pre>\n");
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
    h
}
