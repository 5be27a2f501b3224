//! `mrs-triage remediate`: one PowerShell script for a person to review,
//! grouped by mailbox and then by principal, each step with the finding it
//! answers. The script is inert as written: every line is a `#` comment, and
//! commands that change something also carry `-WhatIf`, so uncommenting a line
//! first gives a dry run. The tool never runs it.
//!
//! Every line goes through [`crate::render::sanitize`], so no value from a
//! report can end a comment line and start live code; commands were built
//! with [`crate::remediate::powershell::quote`], so uncommenting one cannot
//! run anything a value smuggled in.
//!
//! Written as UTF-8 with a BOM and CRLF line ends: Windows PowerShell 5.1
//! reads a script without a BOM in the ANSI code page, which would garble
//! non-ASCII folder and display names inside the commands.

use std::io::{self, Write};

use super::Exporter;
use super::target::Destination;
use crate::pipeline::Run;
use crate::remediate::{Shell, Suggestion};
use crate::render::{principal_name, sanitize};

/// The remediation script exporter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Script;

impl Exporter for Script {
    fn export(&self, run: &Run, out: &mut dyn Destination) -> io::Result<()> {
        out.stream("fix.ps1", &mut |w| write(w, run))
    }
}

/// Width that comment text is wrapped at.
const WIDTH: usize = 100;

struct Lines<W: Write> {
    out: W,
}

impl<W: Write> Lines<W> {
    /// One comment line; the text is made inert first.
    fn line(&mut self, text: &str) -> io::Result<()> {
        let t = sanitize(text);
        if t.is_empty() { self.out.write_all(b"#\r\n") } else { write!(self.out, "# {t}\r\n") }
    }

    /// Text wrapped over comment lines, each starting with `prefix` (the
    /// first) or as many spaces (the rest).
    fn wrapped(&mut self, prefix: &str, text: &str) -> io::Result<()> {
        let t = sanitize(text);
        let indent = " ".repeat(prefix.chars().count());
        let mut line = String::from(prefix);
        let mut empty = true;
        for word in t.split_whitespace() {
            if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH - 2 {
                self.line(&line)?;
                line = indent.clone();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        self.line(&line)
    }

    fn rule(&mut self) -> io::Result<()> {
        self.line(&"=".repeat(WIDTH - 2))
    }

    fn steps(&mut self, steps: &[Suggestion]) -> io::Result<()> {
        for (i, s) in steps.iter().enumerate() {
            self.line("")?;
            self.line(&format!("Step {} [{}] {}", i + 1, s.severity.key(), s.id))?;
            self.wrapped("Finding: ", &s.finding)?;
            self.wrapped("What to do: ", &s.text)?;
            let mut shell: Option<Shell> = None;
            for c in &s.commands {
                if shell != Some(c.shell) {
                    self.line(&format!("Run in: {}", c.shell.label()))?;
                    shell = Some(c.shell);
                }
                self.line(&c.dry_run())?;
            }
        }
        Ok(())
    }
}

const PREAMBLE: &[&str] = &[
    "NOTHING IN THIS FILE RUNS AS IT IS: every line is a comment.",
    "",
    "Read each step, then uncomment the commands you decide to run, in the shell the step",
    "names. Commands that change something carry -WhatIf: run them once as they are to see",
    "what they would do, then remove -WhatIf to apply them. A command with a <placeholder>",
    "does not parse until you replace it (the report cannot know that value).",
    "Steps are in the order to take them; values from the reports are quoted so that",
    "uncommenting a command never runs anything a folder or display name contains.",
];

/// Writes the script for a finished run.
pub fn write<W: Write>(out: W, run: &Run) -> io::Result<()> {
    let mut s = Lines { out };
    s.out.write_all("\u{feff}".as_bytes())?;
    s.line(&format!(
        "mrs-triage {}: remediation steps for review, generated from move reports.",
        env!("CARGO_PKG_VERSION")
    ))?;
    for i in &run.analysis.inputs {
        s.line(&format!("Input: {}", i.path))?;
    }
    s.line("")?;
    for p in PREAMBLE {
        s.line(p)?;
    }
    let total = run.analysis.mailboxes.len();
    let mut nothing = Vec::new();
    for (n, (a, steps)) in run.mailboxes().enumerate() {
        let label = a.label();
        if steps.is_empty() {
            nothing.push(format!("{label} ({})", a.verdict.key()));
            continue;
        }
        let m = &a.mailbox;
        s.line("")?;
        s.rule()?;
        s.line(&format!("Mailbox {} of {total}: {label}", n + 1))?;
        s.line(&format!("  input {}, object {}", a.input_path, m.index))?;
        let mut state = vec![format!("verdict {}", a.verdict.key())];
        if let Some(st) = &m.status {
            state.push(match &m.status_detail {
                Some(d) if d != st => format!("status {st} ({d})"),
                _ => format!("status {st}"),
            });
        }
        if let Some(ft) = &m.failure_type {
            state.push(format!("FailureType {ft}"));
        }
        s.line(&format!("  {}", state.join("; ")))?;
        s.rule()?;
        s.steps(steps)?;
    }
    let with_steps: Vec<_> = run.principals().filter(|(_, st)| !st.is_empty()).collect();
    for (n, (p, steps)) in with_steps.iter().enumerate() {
        s.line("")?;
        s.rule()?;
        s.line(&format!(
            "Principal {} of {} ({} side): {}",
            n + 1,
            with_steps.len(),
            p.side,
            principal_name(p.sid.as_deref(), p.alias.as_deref(), p.display_name.as_deref())
        ))?;
        s.rule()?;
        s.steps(steps)?;
    }
    if !nothing.is_empty() {
        s.line("")?;
        s.rule()?;
        s.wrapped("Nothing to do for: ", &nothing.join(", "))?;
    }
    s.line("")?;
    s.line("End of script.")?;
    s.out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Keep, analyse};
    use crate::exchange::model::{BadItem, Failure, Limit, Mailbox};

    fn hostile_run() -> Run {
        let evil = "Inbox'\r\nRemove-Mailbox -Identity ceo -Confirm:$false\n# \u{2019}; Stop-Computer \u{2028}x\u{85}y\u{202e}";
        let item = |category: &str, folder: &str| BadItem {
            kind: Some("CorruptFolderACL".into()),
            category: Some(category.into()),
            folder: Some(folder.into()),
            failure: Some(Failure {
                failure_type: Some(
                    format!("{category}MappingException").replace("ErrorMapping", "Mapping"),
                ),
                data_context: Some(format!(
                    "Alias: x'\n$(evil); DisplayName: {evil}; SID: S-1-5-21-1-2-3-4;"
                )),
                ..Failure::default()
            }),
            ..BadItem::default()
        };
        let m = Mailbox {
            identity: Some(format!("user\u{2018}\n{evil}")),
            alias: Some(format!("al\n{evil}")),
            status: Some("Failed".into()),
            status_detail: Some("FailedBadItemLimit\r\nInvoke-Expression x".into()),
            failure_type: Some("TooManyBadItemsPermanentException".into()),
            bad_item_limit: Limit::Count(0),
            to_exchange_online: true,
            bad_items: vec![
                item("SourcePrincipalError", evil),
                item("TargetPrincipalError", evil),
                BadItem {
                    kind: Some("LargeItem".into()),
                    subject: Some(evil.into()),
                    folder: Some(evil.into()),
                    size: Some(200 << 20),
                    ..BadItem::default()
                },
                BadItem {
                    kind: Some("CorruptItem".into()),
                    folder: Some(evil.into()),
                    ..BadItem::default()
                },
            ],
            ..Mailbox::default()
        };
        let a = analyse(m, "in\nput.xml", Keep::default());
        Run::new(Vec::new(), vec![a], Default::default()).unwrap()
    }

    #[test]
    fn hostile_values_stay_inside_comments() {
        let run = hostile_run();
        let mut buf = Vec::new();
        write(&mut buf, &run).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("BOM");
        assert!(text.ends_with("\r\n"));
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.starts_with('#'), "live line: {line:?}");
            assert!(
                !line.chars().any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}'),
                "raw control or separator in {line:?}"
            );
        }
        // The steps were all there (the hostile values did not suppress them).
        for id in [
            "raise-bad-item-limit",
            "remove-orphaned-source-acl",
            "regrant-target-permissions",
            "handle-large-items",
            "repair-source-mailbox",
        ] {
            assert!(text.contains(id), "{id}");
        }
        // Changing commands are dry runs.
        assert!(text.contains("-BadItemLimit 2 -WhatIf"), "{text}");
    }
}
