//! The PowerShell commands of the next steps: where each runs, its dry run,
//! and the identities of a mailbox and its folders as cmdlets take them.
//! Every value from a report goes in through [`quote`].

use serde::{Serialize, Serializer};

use super::powershell::quote;
use crate::exchange::model::{Mailbox, SourceType};
use crate::keyed::keyed_enum;

keyed_enum! {
    /// Where a command runs.
    pub enum Shell {
        /// Exchange Online PowerShell (`Connect-ExchangeOnline`).
        ExchangeOnline = "exchange_online",
        /// The on-premises Exchange Management Shell.
        OnPremises = "on_premises",
        /// Windows PowerShell with the ActiveDirectory module, on-premises.
        ActiveDirectory = "active_directory",
    }
}

impl Shell {
    /// How the script and the report name it.
    pub fn label(self) -> &'static str {
        match self {
            Shell::ExchangeOnline => "Exchange Online PowerShell",
            Shell::OnPremises => "Exchange Management Shell (on-premises)",
            Shell::ActiveDirectory => "Active Directory module (on-premises)",
        }
    }
}

/// One PowerShell command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command as it would be run.
    pub line: String,
    /// Where ` -WhatIf` goes in `line` (a byte offset), for commands that
    /// change something; `None` for commands that only read. An offset, not
    /// a second copy: a run keeps every mailbox's commands.
    whatif_at: Option<usize>,
    /// Where to run it.
    pub shell: Shell,
    /// Whether it holds a `<placeholder>` a person must replace.
    pub placeholder: bool,
}

impl Command {
    /// A command that only reads.
    pub(crate) fn read(shell: Shell, line: String) -> Command {
        Command { line, whatif_at: None, shell, placeholder: false }
    }

    /// A command that changes something: `-WhatIf` goes between `head` and
    /// `tail` (a pipeline's closing brace must stay last).
    pub(crate) fn change(shell: Shell, head: String, tail: &str) -> Command {
        Command { whatif_at: Some(head.len()), line: head + tail, shell, placeholder: false }
    }

    pub(crate) fn with_placeholder(mut self, yes: bool) -> Command {
        self.placeholder = yes;
        self
    }

    /// Whether running it changes something.
    pub fn changes(&self) -> bool {
        self.whatif_at.is_some()
    }

    /// The command as the script writes it: with `-WhatIf` where it belongs
    /// when it changes something, else as it would be run.
    pub fn dry_run(&self) -> std::borrow::Cow<'_, str> {
        match self.whatif_at {
            Some(at) => format!("{} -WhatIf{}", &self.line[..at], &self.line[at..]).into(),
            None => self.line.as_str().into(),
        }
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.line)
    }
}

/// Identities of a mailbox as the commands need them.
pub(crate) struct Ids {
    /// Where the move request lives (the target side of an onboarding).
    pub shell: Shell,
    /// Quoted identity for *-MoveRequest and *-MigrationUser.
    pub request: String,
    /// Unquoted mailbox identity for folder ids, New-MailboxRepairRequest.
    pub mailbox: Option<String>,
    /// Whether the identity had to be a placeholder.
    pub placeholder: bool,
    pub migration_user: bool,
    pub history: bool,
    pub batch: Option<String>,
}

impl Ids {
    pub fn of(m: &Mailbox) -> Ids {
        // Readable and unique enough for folder ids: the alias, else an
        // identity that is an address (migration users), else the GUID.
        let mailbox = m
            .alias
            .clone()
            .or_else(|| m.identity.clone().filter(|i| i.contains('@')))
            .or_else(|| m.exchange_guid.clone())
            .or_else(|| m.identity.clone())
            .or_else(|| m.display_name.clone());
        let request = m.identity.clone().or_else(|| mailbox.clone());
        Ids {
            shell: if m.to_exchange_online { Shell::ExchangeOnline } else { Shell::OnPremises },
            placeholder: request.is_none(),
            request: request.as_deref().map_or_else(|| "<mailbox>".to_string(), quote),
            mailbox,
            migration_user: m.source_type == Some(SourceType::MigrationUserStatistics),
            history: m.source_type == Some(SourceType::MoveHistory),
            // Move requests made by a migration batch carry "MigrationService:<batch>".
            batch: m
                .batch
                .as_deref()
                .map(|b| b.strip_prefix("MigrationService:").unwrap_or(b).to_string())
                .filter(|b| !b.is_empty()),
        }
    }

    /// Quoted `mailbox:\Folder\Sub` identity of a folder.
    pub fn folder(&self, folder: &str) -> Option<String> {
        Some(quote(&format!("{}:\\{}", self.mailbox.as_deref()?, folder_path(folder))))
    }

    pub fn mailbox_quoted(&self) -> Option<String> {
        self.mailbox.as_deref().map(quote)
    }

    /// `Get-MoveRequestStatistics` of the request.
    pub fn stats_command(&self) -> Command {
        Command::read(
            self.shell,
            format!(
                "Get-MoveRequestStatistics -Identity {} | Format-List Status,StatusDetail,FailureType,FailureSide,Message",
                self.request
            ),
        )
        .with_placeholder(self.placeholder)
    }

    /// Resumes the request (`Start-MigrationUser` for migration users).
    pub fn resume_command(&self) -> Command {
        let head = if self.migration_user {
            format!("Start-MigrationUser -Identity {}", self.request)
        } else {
            format!("Resume-MoveRequest -Identity {}", self.request)
        };
        Command::change(self.shell, head, "").with_placeholder(self.placeholder)
    }

    /// The removal command of one orphaned SID on its folders, or on the
    /// mailbox when `folders` is empty. Orphaned entries show as `NT
    /// User:S-1-…` (folders) or the bare SID (mailbox permissions), so the
    /// entry is found by its SID and removed through its own `User` value
    /// rather than by a spelling of it. Several folders are one `foreach`
    /// over their identities: one line per SID to review, and a mailbox
    /// with thousands of such entries keeps a folder list, not thousands of
    /// copies of the pipeline.
    pub fn remove_orphan(&self, sid: &str, folders: &[&str]) -> Option<Command> {
        let sid_q = quote(sid);
        let pipeline = |fid: &str| {
            format!(
                "Get-MailboxFolderPermission -Identity {fid} | Where-Object {{ (\"$($_.User)\" -split ':')[-1] -eq {sid_q} }} | \
                 ForEach-Object {{ Remove-MailboxFolderPermission -Identity {fid} -User $_.User -Confirm:$false"
            )
        };
        Some(match folders {
            [f] => Command::change(Shell::OnPremises, pipeline(&self.folder(f)?), " }"),
            [_, _, ..] => {
                let ids: Option<Vec<String>> = folders.iter().map(|f| self.folder(f)).collect();
                Command::change(
                    Shell::OnPremises,
                    format!("foreach ($f in {}) {{ {}", ids?.join(", "), pipeline("$f")),
                    " } }",
                )
            }
            [] => {
                let mbx = self.mailbox_quoted()?;
                Command::change(
                    Shell::OnPremises,
                    format!(
                        "Get-MailboxPermission -Identity {mbx} | Where-Object {{ \"$($_.User)\" -eq {sid_q} }} | \
                         ForEach-Object {{ Remove-MailboxPermission -Identity {mbx} -User $_.User -AccessRights $_.AccessRights -Confirm:$false"
                    ),
                    " }",
                )
            }
        })
    }
}

/// A report's folder path (`Inbox/Projects`, `/Top of Information Store/…`)
/// in the form folder cmdlets take (`Inbox\Projects`). Exchange writes a `/`
/// inside a folder name as U+F8FF in folder paths; it becomes `/` again.
pub(crate) fn folder_path(folder: &str) -> String {
    let f = folder.trim_start_matches('/');
    let f = f.strip_prefix("Top of Information Store").unwrap_or(f).trim_start_matches('/');
    f.replace('/', "\\").replace('\u{f8ff}', "/")
}

/// A SID as the reference describes it (`S-1-` and digit groups); only such
/// values go into AD filter strings.
pub(crate) fn is_sid(s: &str) -> bool {
    s.strip_prefix("S-1-").is_some_and(|r| {
        !r.is_empty()
            && r.split('-').all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_use_backslashes_and_keep_slashes_in_names() {
        assert_eq!(folder_path("Inbox/Projects"), "Inbox\\Projects");
        assert_eq!(folder_path("/Top of Information Store/Inbox"), "Inbox");
        assert_eq!(folder_path("Inbox/A\u{f8ff}B"), "Inbox\\A/B");
    }

    #[test]
    fn sids_are_validated_before_going_into_filters() {
        assert!(is_sid("S-1-5-21-1004336348-1177238915-682003330-1108"));
        assert!(!is_sid("S-1-5-21-1'; Remove-ADObject x"));
        assert!(!is_sid("S-1-"));
        assert!(!is_sid("S-1-5--1"));
    }

    #[test]
    fn dry_runs_put_whatif_before_a_closing_brace() {
        let c = Command::change(
            Shell::OnPremises,
            "x | ForEach-Object { Remove-X -Confirm:$false".into(),
            " }",
        );
        assert_eq!(c.dry_run(), "x | ForEach-Object { Remove-X -Confirm:$false -WhatIf }");
        assert_eq!(c.line, "x | ForEach-Object { Remove-X -Confirm:$false }");
        assert!(c.changes());
        let read = Command::read(Shell::OnPremises, "Get-X".into());
        assert_eq!((read.dry_run().as_ref(), read.changes()), ("Get-X", false));
    }

    fn ids(alias: &str) -> Ids {
        Ids::of(&Mailbox { alias: Some(alias.into()), ..Mailbox::default() })
    }

    #[test]
    fn one_orphan_removal_per_sid_whatever_its_folders() {
        let sid = "S-1-5-21-1004336348-1177238915-682003330-1108";
        let one = ids("meganb").remove_orphan(sid, &["Inbox"]).unwrap();
        assert_eq!(
            one.dry_run(),
            "Get-MailboxFolderPermission -Identity 'meganb:\\Inbox' | Where-Object { (\"$($_.User)\" -split ':')[-1] -eq 'S-1-5-21-1004336348-1177238915-682003330-1108' } | ForEach-Object { Remove-MailboxFolderPermission -Identity 'meganb:\\Inbox' -User $_.User -Confirm:$false -WhatIf }"
        );
        let two = ids("meganb").remove_orphan(sid, &["Inbox", "O'Brien/Q1"]).unwrap();
        assert_eq!(
            two.dry_run(),
            "foreach ($f in 'meganb:\\Inbox', 'meganb:\\O''Brien\\Q1') { Get-MailboxFolderPermission -Identity $f | Where-Object { (\"$($_.User)\" -split ':')[-1] -eq 'S-1-5-21-1004336348-1177238915-682003330-1108' } | ForEach-Object { Remove-MailboxFolderPermission -Identity $f -User $_.User -Confirm:$false -WhatIf } }"
        );
        let mailbox = ids("meganb").remove_orphan(sid, &[]).unwrap();
        assert!(mailbox.line.starts_with("Get-MailboxPermission -Identity 'meganb'"));
        // Without a mailbox identity there is no folder identity, so no command.
        let none = Ids::of(&Mailbox::default()).remove_orphan(sid, &["Inbox", "Sent Items"]);
        assert!(none.is_none());
    }
}
