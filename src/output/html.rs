//! The HTML report (`--html FILE`): one self-contained, inert page to attach
//! to a ticket. No scripts, no external resources, charts as inline SVG, and
//! a Content-Security-Policy that forbids everything but inline styles and
//! `data:` images, so the page stays inert even if escaping were ever missed.
//!
//! Every piece of text that comes from a report goes through [`esc`]: HTML
//! metacharacters become entities, and control, bidirectional and zero-width
//! characters become visible escapes (they could otherwise reorder or hide
//! what a reader sees). Output is deterministic (no generation time), so it
//! can be snapshot-tested.

use std::fmt::Write as _;

use crate::classify::{Class, Side};
use crate::exchange::access::Limit;
use crate::powershell::comment_text;
use crate::remediate::{self, Suggestion};
use crate::summary::{Analysed, Run, mailbox_label, totals};
use crate::timeline::{Timeline, class_index};
use crate::verdict::Verdict;

/// The policy in the page's `<meta http-equiv>`.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                       base-uri 'none'; form-action 'none'";

/// Most mailboxes drawn in the per-mailbox chart and listed in tables.
const MAILBOXES_SHOWN: usize = 500;
/// Most mailboxes drawn in the chart of classes per mailbox.
const MAILBOXES_CHARTED: usize = 40;
/// Most principals listed.
const PRINCIPALS_SHOWN: usize = 50;
/// Most commands shown per step (the script has them all).
const COMMANDS_SHOWN: usize = 20;
/// Most columns in the time chart.
const TIME_SLOTS: usize = 120;

/// Fill colours per class, in [`Class::ALL`] order (colour-blind-safe
/// Tableau 10 hues).
const COLORS: [&str; 5] = ["#4e79a7", "#e15759", "#f28e2b", "#b07aa1", "#9c9c9c"];

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let visible = comment_text(s);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn class_label(c: Class) -> &'static str {
    match c {
        Class::Permissions => "permissions",
        Class::Corruption => "corruption",
        Class::Large => "large",
        Class::Missing => "missing",
        Class::Other => "other",
    }
}

fn verdict_label(v: Verdict) -> &'static str {
    v.key()
}

fn limit_text(l: Limit) -> String {
    match l {
        Limit::Absent => "–".into(),
        Limit::Unlimited => "unlimited".into(),
        Limit::Count(n) => n.to_string(),
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
.v { font-weight: 600; white-space: nowrap; } .v-clean { color: #1a7f37; } .v-permissions_only { color: #0969da; } .v-large_items { color: #9a6700; } .v-data_loss_risk { color: #cf222e; } .v-failed_other { color: #8250df; }
svg text { fill: currentColor; font: 11px system-ui, sans-serif; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
ol.steps > li { margin: 8px 0; }
@media print { details { break-inside: avoid; } details > * { display: block; } body { max-width: none; } }
"#;

/// Renders the whole page.
pub fn render(run: &Run) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let t = totals(&run.mailboxes);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Mailbox move triage – mrs-triage</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = write!(
        h,
        "<header>\n<h1>Mailbox move triage</h1>\n<p class=\"muted\">{} from {} · mrs-triage {} · \
         generated offline from Export-CliXml move reports</p>\n</header>\n",
        plural(t.mailboxes as u64, "mailbox", "mailboxes"),
        plural(run.inputs.len() as u64, "input", "inputs"),
        env!("CARGO_PKG_VERSION"),
    );
    let failed_inputs = run.inputs.iter().filter(|i| i.error.is_some()).count();
    if failed_inputs > 0 {
        let _ = writeln!(
            h,
            "<p><strong>{} could not be read completely; the report covers what was read \
             (see Inputs).</strong></p>",
            plural(failed_inputs as u64, "input", "inputs")
        );
    }

    // Totals.
    h.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"cards\">\n");
    let card = |h: &mut String, label: &str, n: u64| {
        let _ = writeln!(h, "<div class=\"card\"><b>{n}</b>{}</div>", esc(label));
    };
    card(&mut h, "mailboxes", t.mailboxes as u64);
    card(&mut h, "bad items", t.counts.total());
    for c in Class::ALL {
        card(&mut h, class_label(c), t.classes.0.get(&c).copied().unwrap_or(0));
    }
    h.push_str("</div>\n<div class=\"cards\">\n");
    for v in Verdict::ALL {
        let n = t.verdicts.0.get(&v).copied().unwrap_or(0);
        let _ = writeln!(
            h,
            "<div class=\"card\"><b>{n}</b><span class=\"v v-{k}\">{k}</span></div>",
            k = verdict_label(v)
        );
    }
    h.push_str("</div>\n</section>\n");

    // Charts.
    h.push_str("<section id=\"charts\">\n<h2>Bad items by class, per mailbox</h2>\n");
    h.push_str(&legend());
    h.push_str(&classes_chart(&run.mailboxes));
    h.push_str("<h2>Bad items over time</h2>\n");
    let mut timeline = Timeline::default();
    for a in &run.mailboxes {
        timeline.merge(&a.facts.timeline);
    }
    h.push_str(&time_chart(&timeline));
    h.push_str("</section>\n");

    // Mailboxes table.
    // The input column only tells mailboxes apart when there are several inputs.
    let several = run.inputs.len() > 1;
    h.push_str("<section id=\"mailboxes\">\n<h2>Mailboxes</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>Mailbox</th>");
    if several {
        h.push_str("<th>Input</th>");
    }
    h.push_str("<th>Status</th><th>Failure type</th>");
    // Short headers, as in the terminal table, keep the table within the page.
    h.push_str("<th>Perm</th><th>Corrupt</th><th>Large</th><th>Missing</th><th>Other</th>");
    h.push_str("<th>Verdict</th><th title=\"BadItemLimit\">BIL</th><th title=\"Suggested BadItemLimit\">Suggested BIL</th></tr></thead>\n<tbody>\n");
    for a in run.mailboxes.iter().take(MAILBOXES_SHOWN) {
        let m = &a.mailbox;
        let classes = a.counts.classes();
        let _ = write!(
            h,
            "<tr><td><a href=\"#mbx-{id}\">{label}</a></td>{input}<td>{status}</td><td class=\"ft\">{ft}</td>",
            id = anchor(a),
            label = esc(&mailbox_label(m)),
            input =
                if several { format!("<td>{}</td>", esc(&a.input_path)) } else { String::new() },
            status = esc(&status_text(a)),
            ft = esc(m.failure_type.as_deref().unwrap_or("–")),
        );
        for c in Class::ALL {
            let _ = write!(h, "<td class=\"n\">{}</td>", classes.get(&c).copied().unwrap_or(0));
        }
        let suggested = match a.limits.suggested_bad_item_limit {
            Some(n) if a.limits.requires_accept_large_data_loss => {
                format!("{n} + AcceptLargeDataLoss")
            }
            Some(n) => n.to_string(),
            None => "–".into(),
        };
        let _ = writeln!(
            h,
            "<td><span class=\"v v-{v}\">{v}</span></td><td class=\"n\">{bil}</td><td class=\"n\">{suggested}</td></tr>",
            v = verdict_label(a.verdict),
            bil = limit_text(m.bad_item_limit),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if run.mailboxes.len() > MAILBOXES_SHOWN {
        let _ = writeln!(
            h,
            "<p class=\"muted\">{} more mailboxes are in the JSON and CSV output.</p>",
            run.mailboxes.len() - MAILBOXES_SHOWN
        );
    }
    h.push_str("</section>\n");

    // Next steps per mailbox.
    h.push_str("<section id=\"steps\">\n<h2>Verdict and next steps per mailbox</h2>\n");
    for a in run.mailboxes.iter().take(MAILBOXES_SHOWN) {
        let steps = remediate::for_mailbox(a);
        let open = if steps.iter().any(|s| s.severity == remediate::Severity::Critical) {
            " open"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<details id=\"mbx-{id}\"{open}>\n<summary>{label} — <span class=\"v v-{v}\">{v}</span> — {n}</summary>\n\
             <p class=\"muted\">{status}{limit}</p>\n",
            id = anchor(a),
            label = esc(&mailbox_label(&a.mailbox)),
            v = verdict_label(a.verdict),
            n = plural(steps.len() as u64, "step", "steps"),
            status = esc(&status_text(a)),
            limit = a
                .limits
                .failing_limit
                .map(|l| format!("; failing limit: {}", l.key()))
                .unwrap_or_default(),
        );
        if steps.is_empty() {
            h.push_str("<p>Nothing to do.</p>\n");
        } else {
            h.push_str(&steps_html(&steps));
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");

    // Principals.
    h.push_str("<section id=\"principals\">\n<h2>Top principals</h2>\n");
    if run.principals.is_empty() {
        h.push_str("<p>No principal mapping errors.</p>\n");
    } else {
        h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Side</th><th>Principal</th><th>SID</th><th>Mailboxes</th><th>Folders</th><th>Items</th><th>Affected</th></tr></thead>\n<tbody>\n");
        for p in run.principals.iter().take(PRINCIPALS_SHOWN) {
            let name = p
                .alias
                .as_deref()
                .or(p.display_name.as_deref())
                .or(p.legacy_dn.as_deref())
                .unwrap_or("–");
            let _ = writeln!(
                h,
                "<tr><td>{side}</td><td>{name}</td><td><code>{sid}</code></td><td class=\"n\">{m}</td><td class=\"n\">{f}</td><td class=\"n\">{o}</td><td>{aff}</td></tr>",
                side = side_label(p.side),
                name = esc(name),
                sid = esc(p.sid.as_deref().unwrap_or("–")),
                m = p.mailboxes,
                f = p.folders,
                o = p.occurrences,
                aff = esc(&p.affected.join(", ")),
            );
        }
        h.push_str("</tbody>\n</table></div>\n");
        if run.principals.len() > PRINCIPALS_SHOWN {
            let _ = writeln!(
                h,
                "<p class=\"muted\">{} more principals are in the JSON and CSV output.</p>",
                run.principals.len() - PRINCIPALS_SHOWN
            );
        }
        h.push_str("<details>\n<summary>Next steps per principal</summary>\n");
        for p in run.principals.iter().take(PRINCIPALS_SHOWN) {
            let steps = remediate::for_principal(p);
            let _ = writeln!(
                h,
                "<h3>{} ({} side)</h3>",
                esc(&remediate::principal_name(
                    p.sid.as_deref(),
                    p.alias.as_deref(),
                    p.display_name.as_deref()
                )),
                side_label(p.side)
            );
            h.push_str(&steps_html(&steps));
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");

    // Failure types.
    h.push_str("<section id=\"failures\">\n<h2>Failures other than bad items' own</h2>\n");
    let mut failures: std::collections::BTreeMap<&str, (u64, bool)> = Default::default();
    for a in &run.mailboxes {
        for f in &a.mailbox.failures {
            let e = failures
                .entry(f.failure_type.as_deref().unwrap_or("(unknown)"))
                .or_insert((0, true));
            e.0 += 1;
            e.1 &= f.is_transient();
        }
    }
    if failures.is_empty() {
        h.push_str("<p>None.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Failure type</th><th>Kind</th><th>Count</th><th>Meaning</th></tr></thead>\n<tbody>\n");
        let mut rows: Vec<_> = failures.into_iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (ty, (n, transient)) in rows {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{n}</td><td>{}</td></tr>",
                esc(ty),
                if transient { "transient" } else { "permanent" },
                esc(remediate::failure_meaning(ty).unwrap_or("–")),
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");

    // Inputs.
    h.push_str("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<thead><tr><th>Path</th><th>Encoding</th><th>Objects</th><th>Mailboxes</th><th>Error</th></tr></thead>\n<tbody>\n");
    for i in &run.inputs {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&i.path),
            esc(i.encoding.unwrap_or("–")),
            i.objects,
            i.mailboxes,
            esc(i.error.as_deref().unwrap_or("–")),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    h.push_str(
        "<footer class=\"muted\"><p>Commands are for review: run <code>mrs-triage remediate</code> \
         for a commented PowerShell script with every command. mrs-triage runs nothing itself.</p></footer>\n\
         </body>\n</html>\n",
    );
    h
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn side_label(s: Side) -> &'static str {
    match s {
        Side::Source => "source",
        Side::Target => "target",
    }
}

/// A stable, safe fragment id: the mailbox's input and position.
fn anchor(a: &Analysed) -> String {
    format!("{}-{}", a.mailbox.input, a.mailbox.index)
}

fn status_text(a: &Analysed) -> String {
    let m = &a.mailbox;
    match (&m.status, &m.status_detail) {
        (Some(s), Some(d)) if s != d => format!("{s} ({d})"),
        (Some(s), _) => s.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => "–".into(),
    }
}

fn steps_html(steps: &[Suggestion]) -> String {
    let mut h = String::from("<ol class=\"steps\">\n");
    for s in steps {
        let _ = write!(
            h,
            "<li><span class=\"sev sev-{sev}\">{sev}</span> <code>{id}</code> {finding}\n<p>{text}</p>\n",
            sev = s.severity.key(),
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

fn legend() -> String {
    let mut h = String::from("<p class=\"legend\">");
    for c in Class::ALL {
        let _ = write!(
            h,
            "<span><i style=\"background:{}\"></i>{}</span>",
            COLORS[class_index(c)],
            class_label(c)
        );
    }
    h.push_str("</p>\n");
    h
}

/// Horizontal stacked bars: one row per mailbox, one segment per class.
fn classes_chart(mailboxes: &[Analysed]) -> String {
    let shown: Vec<&Analysed> = mailboxes.iter().take(MAILBOXES_CHARTED).collect();
    if shown.is_empty() {
        return "<p>No mailboxes.</p>\n".into();
    }
    let (label_w, bar_w, row_h, top) = (190.0, 620.0, 22.0, 6.0);
    let width = label_w + bar_w + 70.0;
    let height = top * 2.0 + row_h * shown.len() as f64;
    let max = shown.iter().map(|a| a.counts.total()).max().unwrap_or(0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-classes\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-classes-title\">\n\
         <title id=\"chart-classes-title\">Bad items by class for each mailbox</title>\n"
    );
    for (i, a) in shown.iter().enumerate() {
        let y = top + row_h * i as f64;
        let label = mailbox_label(&a.mailbox);
        let short: String = label.chars().take(28).collect();
        let short = if short.len() < label.len() { format!("{short}…") } else { short };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&short)
        );
        let classes = a.counts.classes();
        let mut x = label_w;
        for c in Class::ALL {
            let n = classes.get(&c).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let w = (n as f64 / max * bar_w).max(2.0);
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                COLORS[class_index(c)],
                esc(&label),
                class_label(c)
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 6.0,
            y + 15.0,
            a.counts.total()
        );
    }
    s.push_str("</svg>\n");
    if mailboxes.len() > MAILBOXES_CHARTED {
        let _ = writeln!(
            s,
            "<p class=\"muted\">The first {MAILBOXES_CHARTED} of {} mailboxes are drawn.</p>",
            mailboxes.len()
        );
    }
    s
}

/// Stacked columns over time, one per bucket of the merged timeline.
fn time_chart(timeline: &Timeline) -> String {
    let t = timeline.for_display(TIME_SLOTS);
    let (Some(&first), Some(&last)) = (t.buckets.keys().next(), t.buckets.keys().last()) else {
        return "<p>The reports give no timestamps for their bad items.</p>\n".into();
    };
    let slots = ((last - first) / t.width + 1) as f64;
    let (left, plot_w, plot_h, top, bottom) = (50.0, 760.0, 180.0, 10.0, 34.0);
    let width = left + plot_w + 20.0;
    let height = top + plot_h + bottom;
    let max = t.buckets.values().map(|c| c.iter().sum::<u64>()).max().unwrap_or(1).max(1) as f64;
    let col_w = plot_w / slots;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-time\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-time-title\">\n\
         <title id=\"chart-time-title\">Bad items over time (UTC), {} per column</title>\n",
        duration_text(t.width)
    );
    // Axes and the maximum.
    let base = top + plot_h;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>\n\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n<text x=\"{:.1}\" y=\"{base}\" text-anchor=\"end\">0</text>\n",
        left + plot_w,
        left - 6.0,
        top + 9.0,
        max as u64,
        left - 6.0,
    );
    for (&start, counts) in &t.buckets {
        let x = left + (start - first) as f64 / t.width as f64 * col_w;
        let mut y = base;
        let total: u64 = counts.iter().sum();
        let detail: Vec<String> = Class::ALL
            .iter()
            .filter(|&&c| counts[class_index(c)] > 0)
            .map(|&c| format!("{} {}", counts[class_index(c)], class_label(c)))
            .collect();
        let _ = writeln!(
            s,
            "<g><title>{} UTC: {total} ({})</title>",
            crate::time::utc_text(start),
            detail.join(", ")
        );
        for c in Class::ALL {
            let n = counts[class_index(c)];
            if n == 0 {
                continue;
            }
            let hgt = (n as f64 / max * plot_h).max(1.0);
            y -= hgt;
            let _ = writeln!(
                s,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{hgt:.1}\" fill=\"{}\"/>",
                x + col_w * 0.1,
                (col_w * 0.8).max(1.0),
                COLORS[class_index(c)]
            );
        }
        s.push_str("</g>\n");
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
        base + 16.0,
        crate::time::utc_text(first),
        left + plot_w,
        base + 16.0,
        crate::time::utc_text(last + t.width),
    );
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">UTC, {} per column</text>\n</svg>\n",
        left + plot_w / 2.0,
        base + 30.0,
        duration_text(t.width)
    );
    if t.undated > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{} without a timestamp are not drawn.</p>",
            plural(t.undated, "bad item", "bad items")
        );
    }
    s
}

fn duration_text(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 => plural((s / 86_400) as u64, "day", "days"),
        s if s % 3600 == 0 => plural((s / 3600) as u64, "hour", "hours"),
        s if s % 60 == 0 => plural((s / 60) as u64, "minute", "minutes"),
        s => plural(s as u64, "second", "seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_hidden_characters() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_text(60), "1 minute");
        assert_eq!(duration_text(7680), "128 minutes");
        assert_eq!(duration_text(86_400 * 2), "2 days");
    }
}
