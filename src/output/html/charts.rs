//! The report's charts as inline SVG: bad items by class per mailbox
//! (stacked bars) and over time (stacked columns of the merged timeline);
//! where each batch's time went (stacked shares of the in-progress time) and
//! each mailbox's copy progress over time with its stall episodes shaded.
//! Labels are escaped; tooltips are `<title>` elements; colours come from a
//! fixed palette, so the output is deterministic.

use std::fmt::Write as _;

use super::escape::esc;
use crate::analysis::{Class, GroupPerformance, MailboxAnalysis, Performance, Timeline};
use crate::keyed::Keyed;
use crate::render::plural;
use crate::time::TICKS_PER_SECOND;

/// Most mailboxes drawn in the chart of classes per mailbox.
const MAILBOXES_CHARTED: usize = 40;
/// Most columns in the time chart.
const TIME_SLOTS: usize = 120;

/// Fill colours per class, in [`Class::ALL`] order (colour-blind-safe
/// Tableau 10 hues).
const COLORS: [&str; 5] = ["#4e79a7", "#e15759", "#f28e2b", "#b07aa1", "#9c9c9c"];

pub(super) fn legend() -> String {
    let mut h = String::from("<p class=\"legend\">");
    for &c in Class::ALL {
        let _ =
            write!(h, "<span><i style=\"background:{}\"></i>{}</span>", COLORS[c.index()], c.key());
    }
    h.push_str("</p>\n");
    h
}

/// Horizontal stacked bars: one row per mailbox, one segment per class.
pub(super) fn classes_chart(mailboxes: &[MailboxAnalysis]) -> String {
    let shown: Vec<&MailboxAnalysis> = mailboxes.iter().take(MAILBOXES_CHARTED).collect();
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
        let label = a.label();
        row_label(&mut s, &label, label_w - 8.0, y + 15.0);
        let mut x = label_w;
        for (c, n) in a.classes.iter() {
            if n == 0 {
                continue;
            }
            let w = (n as f64 / max * bar_w).max(2.0);
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                COLORS[c.index()],
                esc(&label),
                c.key()
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

/// A bar's label, right-aligned before it and cut at 28 characters.
fn row_label(s: &mut String, label: &str, x: f64, y: f64) {
    let short: String = label.chars().take(28).collect();
    let short = if short.len() < label.len() { format!("{short}…") } else { short };
    let _ =
        writeln!(s, "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{}</text>", esc(&short));
}

/// A plot's two axes, its maximum's label at the top and 0 at the bottom;
/// `(left, top, width, base)` place the plot.
fn axes(s: &mut String, (left, top, plot_w, base): (f64, f64, f64, f64), max: &str) {
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>\n\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{max}</text>\n<text x=\"{:.1}\" y=\"{base}\" text-anchor=\"end\">0</text>\n",
        left + plot_w,
        left - 6.0,
        top + 9.0,
        left - 6.0,
    );
}

/// Stacked columns over time, one per bucket of the merged timeline.
pub(super) fn time_chart(timeline: &Timeline) -> String {
    let t = timeline.for_display(TIME_SLOTS);
    let (Some(&first), Some(&last)) = (t.buckets.keys().next(), t.buckets.keys().last()) else {
        return "<p>The reports give no timestamps for their bad items.</p>\n".into();
    };
    let slots = ((last - first) / t.width + 1) as f64;
    let (left, plot_w, plot_h, top, bottom) = (50.0, 760.0, 180.0, 10.0, 34.0);
    let width = left + plot_w + 20.0;
    let height = top + plot_h + bottom;
    let max = t.buckets.values().map(|c| c.total()).max().unwrap_or(1).max(1) as f64;
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
    axes(&mut s, (left, top, plot_w, base), &(max as u64).to_string());
    for (&start, counts) in &t.buckets {
        let x = left + (start - first) as f64 / t.width as f64 * col_w;
        let mut y = base;
        let total = counts.total();
        let detail: Vec<String> = counts
            .iter()
            .filter(|&(_, n)| n > 0)
            .map(|(c, n)| format!("{n} {}", c.key()))
            .collect();
        let _ = writeln!(
            s,
            "<g><title>{} UTC: {total} ({})</title>",
            crate::time::utc_text(start),
            detail.join(", ")
        );
        for (c, n) in counts.iter() {
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
                COLORS[c.index()]
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

/// The parts of a group's in-progress time the time chart stacks: the
/// source and destination sides, each stall bucket, transient failures.
/// Colours are Tableau 20 hues, one per part.
const TIME_PARTS: [(&str, &str); 12] = [
    ("source side", "#4e79a7"),
    ("destination side", "#59a14f"),
    ("stalled: content indexing", "#f28e2b"),
    ("stalled: MDB replication", "#e15759"),
    ("stalled: mailbox locked", "#76b7b2"),
    ("stalled: source CPU", "#edc948"),
    ("stalled: target CPU", "#b07aa1"),
    ("stalled: source unknown", "#ff9da7"),
    ("stalled: target unknown", "#9c755f"),
    ("stalled: source throttle", "#bab0ac"),
    ("stalled: target throttle", "#d37295"),
    ("transient failures", "#499894"),
];

/// A group's shares in [`TIME_PARTS`] order (absent ones as 0).
fn time_parts(p: &GroupPerformance) -> [f64; 12] {
    let mut parts = [0.0; 12];
    parts[0] = p.figures.source_side_percent.unwrap_or(0.0);
    parts[1] = p.figures.destination_side_percent.unwrap_or(0.0);
    if let Some(stalls) = &p.figures.stalls {
        for (b, v) in stalls.iter() {
            parts[2 + b.index()] = v.unwrap_or(0.0);
        }
    }
    parts[11] = p.figures.transient_failure_percent.unwrap_or(0.0);
    parts
}

pub(super) fn time_legend() -> String {
    let mut h = String::from("<p class=\"legend\">");
    for (name, color) in TIME_PARTS {
        let _ = write!(h, "<span><i style=\"background:{color}\"></i>{name}</span>");
    }
    h.push_str("</p>\n");
    h
}

/// Where each group's in-progress time went: one stacked bar per group, a
/// segment per part (the sides overlap the stalls in Exchange's counting,
/// so a bar may pass 100 %, which a line marks).
pub(super) fn time_shares_chart(groups: &[(String, &GroupPerformance)]) -> String {
    let shown: Vec<&(String, &GroupPerformance)> = groups.iter().take(MAILBOXES_CHARTED).collect();
    if shown.is_empty() {
        return "<p>No batch has performance data.</p>\n".into();
    }
    let (label_w, bar_w, row_h, top) = (190.0, 620.0, 22.0, 18.0);
    let width = label_w + bar_w + 70.0;
    let height = top + 6.0 + row_h * shown.len() as f64;
    let scale = shown.iter().map(|(_, p)| time_parts(p).iter().sum::<f64>()).fold(100.0, f64::max);
    let x_of = |pct: f64| label_w + pct / scale * bar_w;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"chart-time-shares\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-time-shares-title\">\n\
         <title id=\"chart-time-shares-title\">Where the in-progress time went, per batch</title>\n"
    );
    let hundred = x_of(100.0);
    let _ = writeln!(
        s,
        "<line x1=\"{hundred:.1}\" y1=\"{:.1}\" x2=\"{hundred:.1}\" y2=\"{height:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.4\" stroke-dasharray=\"3 3\"/>\n\
         <text x=\"{hundred:.1}\" y=\"11\" text-anchor=\"middle\">100% of the in-progress time</text>",
        top - 4.0
    );
    for (i, (name, p)) in shown.iter().enumerate() {
        let y = top + row_h * i as f64;
        let label = if name.is_empty() { "(no batch)".to_string() } else { name.clone() };
        row_label(&mut s, &label, label_w - 8.0, y + 15.0);
        let mut at = 0.0;
        for (part, value) in TIME_PARTS.iter().zip(time_parts(p)) {
            if value <= 0.0 {
                continue;
            }
            let (x, w) = (x_of(at), (value / scale * bar_w).max(1.0));
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {} {value:.1}%</title></rect>",
                y + 3.0,
                row_h - 6.0,
                part.1,
                esc(&label),
                part.0
            );
            at += value;
        }
        let _ =
            writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\">{at:.0}%</text>", x_of(at) + 6.0, y + 15.0);
    }
    s.push_str("</svg>\n");
    s
}

/// A mailbox's copy progress: bytes (or messages, when the lines give no
/// bytes) over time, the stall episodes shaded from start to end (an open
/// one to the last point). `None` when the report logs no progress to draw
/// (fewer than two points and no stall).
pub(super) fn copy_curve(id: &str, label: &str, p: &Performance) -> Option<String> {
    let use_bytes = p.copy_progress.iter().all(|c| c.bytes.is_some());
    let points: Vec<(i64, f64)> = p
        .copy_progress
        .iter()
        .filter_map(|c| {
            let y = if use_bytes { c.bytes? as f64 } else { c.messages as f64 };
            Some((c.time?, y))
        })
        .collect();
    let times = points
        .iter()
        .map(|(t, _)| *t)
        .chain(p.stall_episodes.iter().flat_map(|e| [e.start, e.end]).flatten());
    let (first, last) = times.fold(None, |acc: Option<(i64, i64)>, t| {
        Some(acc.map_or((t, t), |(a, b)| (a.min(t), b.max(t))))
    })?;
    // One point (the log's final line alone) is no curve.
    if points.is_empty() || points.len() < 2 && p.stall_episodes.is_empty() {
        return None;
    }
    let (left, plot_w, plot_h, top, bottom) = (70.0, 740.0, 150.0, 10.0, 34.0);
    let width = left + plot_w + 20.0;
    let height = top + plot_h + bottom;
    let span = (last - first).max(1) as f64;
    let max_y = points.iter().map(|(_, y)| *y).fold(1.0, f64::max);
    let x_of = |t: i64| left + (t - first) as f64 / span * plot_w;
    let y_of = |v: f64| top + plot_h - v / max_y * plot_h;
    let base = top + plot_h;
    let unit = |v: f64| {
        if use_bytes {
            crate::render::size(v as u64)
        } else {
            plural(v as u64, "message", "messages")
        }
    };
    let utc = |t: i64| crate::time::utc_text(t.div_euclid(TICKS_PER_SECOND));
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-copy\" id=\"chart-copy-{id}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"chart-copy-{id}-title\">\n\
         <title id=\"chart-copy-{id}-title\">Copy progress of {} ({}), stall episodes shaded</title>\n",
        esc(label),
        if use_bytes { "bytes" } else { "messages" }
    );
    for e in &p.stall_episodes {
        let Some(start) = e.start else { continue };
        let end = e.end.unwrap_or(last);
        let how_long = e.hours.map_or_else(|| "still open".to_string(), |h| format!("{h:.2} h"));
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{top}\" width=\"{:.1}\" height=\"{plot_h}\" fill=\"#e15759\" fill-opacity=\"0.18\"><title>stalled on the {} ({}), {} UTC, {how_long}</title></rect>",
            x_of(start),
            (x_of(end) - x_of(start)).max(1.0),
            e.side,
            esc(&e.reason),
            utc(start),
        );
    }
    axes(&mut s, (left, top, plot_w, base), &esc(&unit(max_y)));
    let line: Vec<String> =
        points.iter().map(|(t, y)| format!("{:.1},{:.1}", x_of(*t), y_of(*y))).collect();
    let _ = writeln!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>",
        line.join(" ")
    );
    for (t, y) in &points {
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#4e79a7\"><title>{} UTC: {}</title></circle>",
            x_of(*t),
            y_of(*y),
            utc(*t),
            esc(&unit(*y))
        );
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">UTC</text>\n</svg>\n",
        base + 16.0,
        utc(first),
        left + plot_w,
        base + 16.0,
        utc(last),
        left + plot_w / 2.0,
        base + 30.0,
    );
    Some(s)
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
    fn durations() {
        assert_eq!(duration_text(60), "1 minute");
        assert_eq!(duration_text(7680), "128 minutes");
        assert_eq!(duration_text(86_400 * 2), "2 days");
    }
}
