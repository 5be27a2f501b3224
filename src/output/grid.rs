//! Tables drawn for a terminal: a header and rows of cells that fit the
//! width they are given. Words are never split (a cell wraps between
//! words); a table whose words cannot fit side by side is written as one
//! block per row instead. Colour only when the style says so; `--ascii`
//! means every character is ASCII.

use std::borrow::Cow;
use std::io::{self, Write};

use comfy_table::{
    Attribute, Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width,
    presets,
};
use unicode_width::UnicodeWidthStr;

use crate::render::{self, sanitize};

/// How to draw tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    /// Use colour and bold.
    pub color: bool,
    /// ASCII only: borders, symbols and report text.
    pub ascii: bool,
    /// Width to fit in.
    pub width: u16,
    /// Show every next step with its commands (else the most urgent one).
    pub steps: bool,
}

/// One table to draw: a header and rows of cells, the numeric columns right-aligned.
pub(crate) struct Grid {
    header: Vec<&'static str>,
    rows: Vec<Vec<Text>>,
    numeric: Vec<bool>,
}

/// A cell's text, with the colour it may be drawn in.
pub(crate) struct Text {
    pub text: String,
    pub color: Option<Color>,
}

impl Text {
    pub(crate) fn plain(text: impl Into<String>) -> Text {
        Text { text: text.into(), color: None }
    }
}

impl TableStyle {
    /// Untrusted text made visible and inert, ASCII-only under `--ascii`.
    pub(crate) fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let s = sanitize(s);
        if self.ascii { Cow::Owned(render::ascii(&s)) } else { s }
    }

    /// Text the tool writes itself (ellipses, quotes, symbols).
    pub(crate) fn own<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.ascii { Cow::Owned(render::ascii(s)) } else { Cow::Borrowed(s) }
    }
}

/// The widest word of a text (what a column must hold without splitting it).
fn widest_word(s: &str) -> u16 {
    s.split_whitespace().map(UnicodeWidthStr::width).max().unwrap_or(0) as u16
}

impl Grid {
    pub(crate) fn new(header: &[&'static str], numeric: &[bool]) -> Grid {
        Grid { header: header.to_vec(), rows: Vec::new(), numeric: numeric.to_vec() }
    }

    pub(crate) fn push(&mut self, row: Vec<Text>) {
        self.rows.push(row);
    }

    /// The comfy table, each column at least as wide as its widest word.
    fn table(&self, style: TableStyle) -> Table {
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
        t.set_header(self.header.iter().map(|h| {
            let c = Cell::new(h);
            if style.color { c.add_attribute(Attribute::Bold) } else { c }
        }));
        for row in &self.rows {
            t.add_row(row.iter().zip(&self.numeric).map(|(c, &num)| {
                let mut cell = Cell::new(&c.text);
                if num {
                    cell = cell.set_alignment(CellAlignment::Right);
                }
                match c.color {
                    Some(color) if style.color => cell.fg(color),
                    _ => cell,
                }
            }));
        }
        for (i, h) in self.header.iter().enumerate() {
            let widest = self
                .rows
                .iter()
                .map(|r| widest_word(&r[i].text))
                .chain([widest_word(h)])
                .max()
                .unwrap_or(1);
            if let Some(col) = t.column_mut(i) {
                // The bound counts the cell padding (one space either side).
                col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                    widest.max(1) + 2,
                )));
            }
        }
        t
    }

    /// Whether every column can hold its widest word (header included) side
    /// by side within `width`: cell padding and borders counted.
    fn fits(&self, width: u16) -> bool {
        let columns: usize = (0..self.header.len())
            .map(|i| {
                let widest = self
                    .rows
                    .iter()
                    .map(|r| widest_word(&r[i].text))
                    .chain([widest_word(self.header[i])]);
                usize::from(widest.max().unwrap_or(1)) + 2
            })
            .sum();
        columns + self.header.len() < usize::from(width)
    }

    /// The table, or, when its words cannot fit side by side in the width,
    /// one block per row (`header: value` lines, wrapped between words).
    pub(crate) fn write(&self, out: &mut dyn Write, style: TableStyle) -> io::Result<()> {
        if self.fits(style.width) {
            let drawn = self.table(style).to_string();
            let width = usize::from(style.width);
            if drawn.lines().all(|l| strip_ansi(l).width() <= width) {
                return writeln!(out, "{drawn}");
            }
        }
        self.write_blocks(out, style)
    }

    /// The first of `grids` that fits as a table, else the last as blocks.
    pub(crate) fn write_first_fitting(
        grids: &[Grid],
        out: &mut dyn Write,
        style: TableStyle,
    ) -> io::Result<()> {
        match grids.iter().find(|g| g.fits(style.width)) {
            Some(g) => g.write(out, style),
            None => grids.last().map_or(Ok(()), |g| g.write_blocks(out, style)),
        }
    }

    pub(crate) fn write_blocks(&self, out: &mut dyn Write, style: TableStyle) -> io::Result<()> {
        let width = usize::from(style.width);
        for row in &self.rows {
            let mut cells = self.header.iter().zip(row);
            if let Some((_, first)) = cells.next() {
                writeln!(out, "{}", wrap(&first.text, "", width))?;
            }
            for (h, c) in cells {
                writeln!(out, "{}", wrap(&format!("{h}: {}", c.text), "    ", width))?;
            }
        }
        Ok(())
    }
}

/// A line without its colour escapes, as wide as it shows.
pub(crate) fn strip_ansi(line: &str) -> Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Words of `text` on lines of at most `width` columns, each starting with
/// `indent` (a single word longer than that stays whole).
pub(crate) fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.width() + 1 + word.width() > width {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_whole_and_lines_stay_within_the_width() {
        let w =
            wrap("a permissions_only verdict for user@contoso.com and more words here", "  ", 20);
        for line in w.lines() {
            assert!(line.width() <= 20 || !line.trim().contains(' '), "{line:?}");
        }
        assert!(w.contains("permissions_only") && w.contains("user@contoso.com"));
        assert_eq!(strip_ansi("\u{1b}[31m[critical]\u{1b}[0m x"), "[critical] x");
    }
}
