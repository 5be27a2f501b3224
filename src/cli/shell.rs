//! The shell conventions generated from clap's own definition of the
//! command line, at run time (no build script, so nothing is compiled
//! twice): completion scripts for bash, zsh, fish, PowerShell and elvish,
//! and the man pages (roff). Both are built in memory and written by the
//! caller, so a closed pipe is an ordinary write error rather than the
//! generators' panic.

use clap::CommandFactory;

use super::args::Cli;

/// The name the scripts and pages use for the program.
const BIN: &str = "mrs-triage";

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    out
}

/// The man page of the tool (`None`), or of one of its commands
/// (`mrs-triage-export(1)`); `None` for an unknown command.
pub fn man_page(command: Option<&str>) -> Option<Vec<u8>> {
    let cli = Cli::command();
    let page = match command {
        None => cli,
        Some(name) => {
            let sub = cli.find_subcommand(name)?.clone();
            sub.display_name(format!("{BIN}-{name}"))
                .bin_name(format!("{BIN} {name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    // Rendering into memory cannot fail.
    let source = format!("{BIN} {}", env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(page).source(source).render(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_and_every_command_a_page() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
            clap_complete::Shell::Elvish,
        ] {
            let script = String::from_utf8(completions(shell)).unwrap();
            assert!(script.contains("mrs-triage") && script.contains("export"), "{shell}");
        }
        for sub in Cli::command().get_subcommands() {
            let page = String::from_utf8(man_page(Some(sub.get_name())).unwrap()).unwrap();
            assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", sub.get_name());
            assert!(
                page.contains(&format!("mrs\\-triage\\-{}", sub.get_name().replace('-', "\\-")))
            );
        }
        assert!(man_page(Some("nope")).is_none());
    }
}
