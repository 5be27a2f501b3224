//! The argument list as clap should see it. `summary` is the default command
//! (`mrs-triage x.xml`), and options may come before the command
//! (`mrs-triage -q export …`): both are arranged here, before clap parses,
//! by finding the first argument that is not an option or an option's value.
//! A first argument that is no file and is close to a command's name is a
//! usage error with a suggestion, never a summary of whatever follows.

use std::ffi::OsString;
use std::path::Path;

use clap::CommandFactory;

use super::args::Cli;

/// A first argument that looks like a misspelt command.
#[derive(Debug, PartialEq, Eq)]
pub struct Misspelt {
    /// What was given.
    pub given: String,
    /// The command it is closest to.
    pub suggestion: String,
}

impl std::fmt::Display for Misspelt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unrecognized command or input '{}': no such file; did you mean `{}`? (an input named like a command is given as ./{} or after --)",
            self.given, self.suggestion, self.given
        )
    }
}

/// The names of every option that takes a value, in any command (`-j`,
/// `--output`, …): the argument after one is its value, not the command.
fn value_options() -> Vec<String> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    for sub in cmd.get_subcommands() {
        for arg in sub.get_arguments() {
            if arg.is_positional() || !arg.get_action().takes_values() {
                continue;
            }
            out.extend(arg.get_long().map(|l| format!("--{l}")));
            out.extend(arg.get_short().map(|s| format!("-{s}")));
        }
    }
    out
}

fn commands() -> Vec<String> {
    let cmd = Cli::command();
    let mut names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    names.push("help".into());
    names
}

/// Whether `given` is a plausible misspelling of `name`.
fn close(given: &str, name: &str) -> bool {
    let d = strsim::damerau_levenshtein(given, name);
    d > 0 && d <= if name.len() > 4 { 2 } else { 1 }
}

/// Puts the command first (inserting `summary` where none is named) and the
/// options that came before it right after it.
pub fn arrange(args: Vec<OsString>) -> Result<Vec<OsString>, Misspelt> {
    let mut it = args.into_iter();
    let Some(program) = it.next() else { return Ok(Vec::new()) };
    let rest: Vec<OsString> = it.collect();
    let takes_value = value_options();
    let names = commands();
    let mut leading = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i].to_string_lossy();
        if a == "--" {
            // Everything after `--` is an input.
            return Ok(assemble(program, "summary".into(), leading, rest[i..].to_vec()));
        }
        if a.starts_with('-') && a.len() > 1 {
            leading.push(rest[i].clone());
            if !a.contains('=') && takes_value.iter().any(|o| *o == a) && i + 1 < rest.len() {
                leading.push(rest[i + 1].clone());
                i += 1;
            }
            i += 1;
            continue;
        }
        let first = a.into_owned();
        if names.contains(&first) {
            return Ok(assemble(program, rest[i].clone(), leading, rest[i + 1..].to_vec()));
        }
        // Only a bare word can be a misspelt command: a path (`./export`,
        // `x.xml`) is an input.
        let bare = first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if bare
            && !Path::new(&first).exists()
            && let Some(n) = names.iter().find(|n| close(&first, n))
        {
            return Err(Misspelt { given: first, suggestion: n.clone() });
        }
        return Ok(assemble(program, "summary".into(), leading, rest[i..].to_vec()));
    }
    // Options only: `--help` and `--version` are the root's; other options
    // go to the default command, which then asks for its inputs.
    if leading.iter().any(is_root_flag) {
        return Ok(root_flags(program, leading));
    }
    if leading.is_empty() {
        return Ok(vec![program]);
    }
    Ok(assemble(program, "summary".into(), leading, Vec::new()))
}

fn is_root_flag(a: &OsString) -> bool {
    matches!(a.to_str(), Some("-h" | "--help" | "-V" | "--version"))
}

/// The root's own flags, without the options meant for a command.
fn root_flags(program: OsString, leading: Vec<OsString>) -> Vec<OsString> {
    std::iter::once(program).chain(leading.into_iter().filter(is_root_flag)).collect()
}

fn assemble(
    program: OsString,
    command: OsString,
    leading: Vec<OsString>,
    rest: Vec<OsString>,
) -> Vec<OsString> {
    // `--help` and `--version` before a command are the root's own.
    if leading.iter().any(is_root_flag) {
        return root_flags(program, leading);
    }
    let mut out = vec![program, command];
    out.extend(leading);
    out.extend(rest);
    out
}

/// `arrange` over string slices, for tests.
#[cfg(test)]
fn arranged(args: &[&str]) -> Result<Vec<String>, Misspelt> {
    let v: Vec<OsString> =
        std::iter::once("mrs-triage").chain(args.iter().copied()).map(OsString::from).collect();
    arrange(v).map(|v| v.iter().skip(1).map(|a| a.to_string_lossy().into_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_default_and_options_move_behind_the_command() {
        assert_eq!(arranged(&["x.xml"]).unwrap(), ["summary", "x.xml"]);
        assert_eq!(
            arranged(&["-q", "x.xml", "-j", "2"]).unwrap(),
            ["summary", "-q", "x.xml", "-j", "2"]
        );
        assert_eq!(
            arranged(&["-q", "export", "-f", "ndjson", "-o", "rows.ndjson", "x.xml"]).unwrap(),
            ["export", "-q", "-f", "ndjson", "-o", "rows.ndjson", "x.xml"]
        );
        assert_eq!(
            arranged(&["--no-progress", "remediate", "x.xml"]).unwrap(),
            ["remediate", "--no-progress", "x.xml"]
        );
        // An option's value is not the command, in either spelling.
        assert_eq!(
            arranged(&["-o", "export", "x.xml"]).unwrap(),
            ["summary", "-o", "export", "x.xml"]
        );
        assert_eq!(
            arranged(&["--color=never", "dump", "x"]).unwrap(),
            ["dump", "--color=never", "x"]
        );
        // After `--`, everything is an input.
        assert_eq!(arranged(&["--", "export"]).unwrap(), ["summary", "--", "export"]);
        assert_eq!(arranged(&["./export"]).unwrap(), ["summary", "./export"]);
        assert_eq!(arranged(&["--help"]).unwrap(), ["--help"]);
        assert_eq!(arranged(&["--color", "never", "--help"]).unwrap(), ["--help"]);
        assert_eq!(arranged(&["-q", "--version"]).unwrap(), ["--version"]);
        assert_eq!(arranged(&["-q"]).unwrap(), ["summary", "-q"]);
        // A command's own --help is the command's.
        assert_eq!(arranged(&["export", "--help"]).unwrap(), ["export", "--help"]);
        assert!(arranged(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_misspelt_command_is_an_error_with_a_suggestion() {
        let e = arranged(&["exprot", "-o", "x.json", "a.xml"]).unwrap_err();
        assert_eq!(e.suggestion, "export");
        assert!(e.to_string().contains("did you mean `export`?"));
        assert_eq!(arranged(&["remediat", "a.xml"]).unwrap_err().suggestion, "remediate");
        assert_eq!(arranged(&["dupm", "a.xml"]).unwrap_err().suggestion, "dump");
        // Far from every command: an input.
        assert_eq!(arranged(&["wave3.xml"]).unwrap(), ["summary", "wave3.xml"]);
    }
}
