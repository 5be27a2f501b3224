//! The report's charts as inline SVG: bad items by class per mailbox
//! (stacked bars) and over time (stacked columns of the merged timeline).
//! Labels are escaped; tooltips are `<title>` elements; colours come from a
//! fixed palette, so the output is deterministic.

use std::fmt::Write as _;

use super::escape::esc;
use crate::analysis::{Class, MailboxAnalysis, Timeline};
use crate::keyed::Keyed;
use crate::render::plural;

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
        let short: String = label.chars().take(28).collect();
        let short = if short.len() < label.len() { format!("{short}…") } else { short };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&short)
        );
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
