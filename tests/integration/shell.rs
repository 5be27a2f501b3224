//! The shell conventions: the PowerShell completion names every command and
//! flag clap knows (the list comes from clap's own definition, so a new
//! flag is checked without touching this test), every shell gets a script,
//! and a snapshot of the man page shows documentation drift in review.

use clap::CommandFactory;
use mrs_triage::cli::Cli;

use crate::util::bin;

fn stdout(args: &[&str]) -> String {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every visible command, as the `;`-joined path PowerShell's script keys
/// its blocks by, with the command.
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.to_string(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        commands(sub, &format!("{path};{}", sub.get_name()), out);
    }
}

/// The block of the script that completes one command.
fn block<'a>(script: &'a str, path: &str) -> &'a str {
    let start = script
        .find(&format!("        '{path}' {{"))
        .unwrap_or_else(|| panic!("no completion block for {path}"));
    let rest = &script[start..];
    let end = rest.find("\n            break\n").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn the_powershell_completion_names_every_command_and_flag() {
    let script = stdout(&["completions", "powershell"]);
    assert!(script.contains("Register-ArgumentCompleter -Native -CommandName 'mrs-triage'"));
    let mut cli = Cli::command();
    cli.build();
    let mut all = Vec::new();
    commands(&cli, "mrs-triage", &mut all);
    let mut flags = 0;
    for (path, cmd) in &all {
        let here = block(&script, path);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = sub.get_name();
            assert!(here.contains(&format!("::new('{name}', ")), "{path}: command {name}");
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
            for long in arg.get_long_and_visible_aliases().into_iter().flatten() {
                assert!(here.contains(&format!("::new('--{long}', ")), "{path}: --{long}");
                flags += 1;
            }
            for short in arg.get_short_and_visible_aliases().into_iter().flatten() {
                assert!(here.contains(&format!("::new('-{short}', ")), "{path}: -{short}");
                flags += 1;
            }
        }
    }
    // The commands (summary, export, …, completions, man, help) and their flags.
    assert!(all.len() >= 9, "{} commands", all.len());
    assert!(flags > 60, "{flags} flags checked");
}

#[test]
fn every_shell_gets_a_script() {
    for (shell, marker) in [
        ("bash", "complete -F _mrs__triage"),
        ("zsh", "#compdef mrs-triage"),
        ("fish", "complete -c mrs-triage"),
        ("elvish", "edit:completion:arg-completer[mrs-triage]"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}");
        assert!(script.contains("remediate"), "{shell}");
    }
    // An unknown shell is a usage error.
    let out = bin().args(["completions", "cmd"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_snapshot() {
    insta::assert_snapshot!("man_page", stdout(&["man"]));
    let export = stdout(&["man", "export"]);
    assert!(export.contains(".TH mrs-triage-export 1"));
    assert!(export.contains("\\fB\\-\\-output\\fR"));
    let out = bin().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the pages are: summary, export"));
}

/// `completions … | head` stops reading early: not an error.
#[test]
fn a_closed_pipe_is_no_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(crate::util::BIN)
        .args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
