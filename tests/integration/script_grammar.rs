//! The remediation script read by a real PowerShell grammar
//! (tree-sitter-powershell), not by our own idea of PowerShell: for the
//! script of every bundled sample and of two hostile exports,
//! - the script as written parses to comments only: no statement (the
//!   grammar wants one, so a sentinel `$null` is added after it and must be
//!   the only one);
//! - every command line, once uncommented, parses without an error or a
//!   missing token;
//! - report text (identities, aliases, display names, folder names,
//!   subjects, SIDs, legacyExchangeDNs) only ever sits inside single-quoted
//!   literals (the one double-quoted string is the tool's own `"$($_.User)"`),
//!   and no bare word is report text;
//! - every command that changes something carries `-WhatIf`, and every
//!   command is one whose verb this test knows to change something or not.
//!
//! Placeholders: the script leaves values the reports cannot know as
//! `<Name>`, which PowerShell refuses to parse on purpose (a person must
//! fill them in). Before a line is parsed each placeholder outside a quoted
//! literal becomes a bare word of the same length (`<N>` → `PPP`), standing
//! for the one argument a person types there; byte offsets stay those of the
//! line as written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tree_sitter::{Node, Parser, Tree};

use crate::util::{bin, sample, samples};

/// Verbs of commands that change something (they must carry `-WhatIf`).
const CHANGING: &[&str] = &[
    "Add",
    "Approve",
    "Clear",
    "Complete",
    "Disable",
    "Enable",
    "Grant",
    "Import",
    "Install",
    "Invoke",
    "Move",
    "New",
    "Register",
    "Remove",
    "Rename",
    "Repair",
    "Reset",
    "Restart",
    "Restore",
    "Resume",
    "Revoke",
    "Set",
    "Start",
    "Stop",
    "Suspend",
    "Sync",
    "Uninstall",
    "Unregister",
    "Update",
];

/// Verbs of commands that only read or shape what they are given.
const READING: &[&str] = &["Get", "Where", "ForEach", "Format", "Group", "Select", "Sort", "Test"];

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).unwrap();
    parser.parse(text, None).unwrap()
}

/// Every node of a tree, depth first.
fn nodes(tree: &Tree) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out
}

/// The command lines of a script: after a `# Run in:` line, each comment
/// line until the blank comment that ends the step, without its `# `.
fn command_lines(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_commands = false;
    for line in script.split("\r\n") {
        if line.starts_with("# Run in: ") {
            in_commands = true;
        } else if line == "#" || line.is_empty() {
            in_commands = false;
        } else if in_commands {
            out.push(line.strip_prefix("# ").expect("a command comment").to_string());
        }
    }
    out
}

/// `line` with each `<placeholder>` outside single quotes replaced by a
/// bare word of the same length.
fn fill_placeholders(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quoted = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if !quoted && c == '<' {
            let end = rest.find('>').filter(|&e| {
                rest[1..e].chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
            });
            if let Some(e) = end {
                out.push_str(&"P".repeat(e + 1));
                rest = &rest[e + 1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The report values of an input whose occurrences in a command must be
/// quoted: from its export JSON, every text of at least four characters
/// with a letter in it (shorter ones also occur in the tool's own words).
fn report_values(input: &Path) -> BTreeSet<String> {
    let out = bin().args(["export", "-q", "-f", "json", "-o", "-"]).arg(input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut values = BTreeSet::new();
    let fields: &[(&str, &[&str])] = &[
        ("mailboxes", &["identity", "display_name", "alias", "batch"]),
        (
            "bad_items",
            &[
                "subject",
                "folder",
                "principal_sid",
                "principal_alias",
                "principal_display_name",
                "principal_legacy_dn",
            ],
        ),
        ("principals", &["sid", "alias", "display_name", "legacy_dn"]),
    ];
    for (table, keys) in fields {
        for row in doc["tables"][table].as_array().unwrap() {
            for k in *keys {
                assert!(row.get(k).is_some(), "{table} rows have no {k}: {row}");
                let Some(v) = row[k].as_str() else { continue };
                // Folder paths are quoted one name at a time, after a
                // mailbox's `alias:\`.
                let parts: Vec<&str> =
                    if *k == "folder" { v.split('/').collect() } else { vec![v] };
                for p in parts {
                    // A value with hidden characters is written as quoted
                    // pieces joined by `[char]` casts: each piece counts.
                    for piece in p.split(crate::output_safety::hidden) {
                        if piece.chars().count() >= 4 && piece.chars().any(char::is_alphabetic) {
                            values.insert(piece.to_string());
                        }
                    }
                }
            }
        }
    }
    values
}

/// Checks one script; returns the number of command lines parsed.
#[track_caller]
fn check_script(name: &str, script: &str, values: &BTreeSet<String>) -> usize {
    // As written: comments only. The grammar wants at least one statement in
    // a file, so a sentinel `$null` is added after the script; it must be the
    // only thing in the tree that is not a comment.
    let sentinel = script.len();
    let text = format!("{script}\r\n$null\r\n");
    let tree = parse(&text);
    assert!(!tree.root_node().has_error(), "{name}: the script does not parse as written");
    for n in nodes(&tree) {
        if n.child_count() == 0 && n.kind() != "comment" {
            assert!(
                n.start_byte() >= sentinel,
                "{name}: a {} as written: {:?}",
                n.kind(),
                n.utf8_text(text.as_bytes()).unwrap()
            );
        }
    }
    assert!(nodes(&tree).iter().filter(|n| n.kind() == "comment").count() > 10, "{name}");
    let lines = command_lines(script);
    for line in &lines {
        let filled = fill_placeholders(line);
        let tree = parse(&filled);
        let all = nodes(&tree);
        let bad: Vec<String> = all
            .iter()
            .filter(|n| n.is_error() || n.is_missing())
            .map(|n| format!("{} at {}", n.kind(), n.start_byte()))
            .collect();
        assert!(bad.is_empty(), "{name}: {line:?} does not parse: {bad:?}");
        let literals: Vec<std::ops::Range<usize>> = all
            .iter()
            .filter(|n| n.kind() == "verbatim_string_characters")
            .map(Node::byte_range)
            .collect();
        for n in &all {
            let text = n.utf8_text(filled.as_bytes()).unwrap();
            // The only expanding string the tool writes is its own
            // `"$($_.User)"` (a permission's user as text); report text is
            // never in one.
            if matches!(n.kind(), "expandable_string_literal" | "expandable_here_string_literal") {
                assert_eq!(text, "\"$($_.User)\"", "{name}: an expanding string in {line:?}");
            }
            if n.kind() == "generic_token" {
                assert!(!values.contains(text), "{name}: report text as a bare word in {line:?}");
            }
            if n.kind() == "command" {
                check_command(name, line, &filled, *n);
            }
        }
        for v in values {
            let quoted: String = v
                .chars()
                .flat_map(|c| {
                    let twice =
                        matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}');
                    std::iter::repeat_n(c, if twice { 2 } else { 1 })
                })
                .collect();
            for (at, _) in line.match_indices(&quoted) {
                let inside = literals.iter().any(|r| r.start < at && at + quoted.len() < r.end);
                assert!(inside, "{name}: {v:?} outside a single-quoted literal in {line:?}");
            }
        }
    }
    lines.len()
}

/// A command's verb is known, and a changing one carries `-WhatIf`.
#[track_caller]
fn check_command(name: &str, line: &str, text: &str, cmd: Node<'_>) {
    let Some(cmd_name) = cmd.child_by_field_name("command_name") else { return };
    let cmd_name = cmd_name.utf8_text(text.as_bytes()).unwrap();
    let verb = cmd_name.split('-').next().unwrap();
    let mut params = Vec::new();
    let mut stack = vec![cmd];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        for child in n.children(&mut c) {
            // Parameters of a nested command (inside `{ … }`) are its own.
            if child.kind() == "command_parameter" {
                params.push(child.utf8_text(text.as_bytes()).unwrap().to_string());
            } else if child.kind() == "command_elements" {
                stack.push(child);
            }
        }
    }
    if CHANGING.contains(&verb) {
        assert!(
            params.iter().any(|p| p.eq_ignore_ascii_case("-WhatIf")),
            "{name}: {cmd_name} without -WhatIf in {line:?} (parameters {params:?})"
        );
    } else {
        assert!(READING.contains(&verb), "{name}: {cmd_name}: a verb this test does not know");
    }
}

fn script_of(input: &Path) -> String {
    let out = bin().args(["remediate", "-q"]).arg(input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_sample_script_parses_as_powershell() {
    let mut commands = 0;
    let all = samples();
    assert!(all.len() >= 7);
    for input in &all {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let script = script_of(input);
        commands += check_script(&name, &script, &report_values(input));
    }
    // Every step kind of the samples is there (an orphaned SID's removal is one
    // `foreach` over its folders, so source-principals' 1,020 entries are a few lines).
    assert!(commands > 200, "{commands} command lines");
}

/// A folder name and a principal alias that try every way out of a
/// PowerShell string: each kind of single quote, `$(…)`, a backtick, double
/// quotes, `;`, a pipe, a comment, a placeholder-like `<N>`, CR LF, an escape
/// sequence and a line separator.
fn hostile_principals(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(sample("target-principals.xml")).unwrap();
    let folder = "O'Brien \u{2019}files\u{2018} $(Stop-Computer) `whoami` \"x\"; Remove-Mailbox ceo | Out-Null # &lt;N&gt;_x000D__x000A_Remove-Mailbox boss_x001B_[31m\u{2028}end";
    let alias = "k.o'kafor$(Stop-Computer)`";
    assert!(text.contains("O'Brien files") && text.contains("k.okafor"));
    let text = text.replace("O'Brien files", folder).replace("k.okafor", alias);
    let path = dir.join("hostile-principals.xml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn hostile_values_stay_inside_single_quoted_literals() {
    let dir = tempfile::tempdir().unwrap();
    let input = hostile_principals(dir.path());
    let script = script_of(&input);
    let values = report_values(&input);
    for v in [
        "O'Brien \u{2019}files\u{2018} $(Stop-Computer) `whoami` \"x\"; Remove-Mailbox ceo | Out-Null # <N>",
        "k.o'kafor$(Stop-Computer)`",
    ] {
        assert!(values.contains(v), "{v:?} is one of the values checked: {values:?}");
    }
    let commands = check_script("hostile-principals.xml", &script, &values);
    assert!(commands > 0);
    // The folder reached a command, quoted: every quote doubled, the line
    // break and the escape as [char] casts.
    assert!(
        script.contains("'leeg:\\Archive\\O''Brien \u{2019}\u{2019}files\u{2018}\u{2018} $(Stop-Computer) `whoami` \"x\"; Remove-Mailbox ceo | Out-Null # <N>' + [char]0x000D + [char]0x000A + 'Remove-Mailbox boss' + [char]0x001B + '[31m' + [char]0x2028 + 'end'"),
        "{script}"
    );

    let corrupt = crate::output_safety::hostile_export(dir.path());
    let script = script_of(&corrupt);
    check_script("hostile.xml", &script, &report_values(&corrupt));
}
