//! The next steps of one principal of the roll-up: what the report tells
//! about it and where to fix it (the per-folder commands live in each
//! affected mailbox's steps, which know the folders).

use super::command::{Command, Shell, is_sid};
use super::powershell::quote;
use super::step::{Severity, StepId, Suggestion};
use crate::analysis::{PrincipalSummary, Side};
use crate::render::{plural, principal_name, some_of};

/// The next steps for one principal of the roll-up (the per-folder commands
/// live in each affected mailbox's steps, which know the folders).
pub fn for_principal(p: &PrincipalSummary) -> Vec<Suggestion> {
    let name = principal_name(p.sid.as_deref(), p.alias.as_deref(), p.display_name.as_deref());
    let where_ = format!(
        "{} on {} in {} ({})",
        plural(p.occurrences, "entry", "entries"),
        plural(p.folders as u64, "folder", "folders"),
        plural(p.mailboxes as u64, "mailbox", "mailboxes"),
        some_of(p.affected.iter().map(String::as_str), 5)
    );
    let sid_filter = p
        .sid
        .as_deref()
        .filter(|s| is_sid(s))
        // A validated SID holds only digits, `S` and `-`: safe inside the
        // filter's inner quotes, and the whole filter is quoted again.
        .map(|s| quote(&format!("objectSid -eq '{s}'")));
    match p.side {
        Side::Source => {
            let mut commands = Vec::new();
            if let Some(f) = &sid_filter {
                commands.push(Command::read(
                    Shell::ActiveDirectory,
                    format!("Get-ADObject -IncludeDeletedObjects -Filter {f} -Properties isDeleted,lastKnownParent"),
                ));
            }
            vec![Suggestion {
                id: StepId::RemoveOrphanedPrincipal,
                severity: if p.mailboxes > 1 { Severity::Warning } else { Severity::Info },
                finding: format!("{name} does not resolve in the source forest: {where_}."),
                text:
                    "A deleted user or group, or a SID from a forest without a trust: its entries \
                       could never grant access. Check whether it is a deleted object you mean to \
                       restore; otherwise remove its entries (each mailbox's \
                       remove-orphaned-source-acl step has the commands)."
                        .into(),
                commands,
            }]
        }
        Side::Target => {
            let mut commands = Vec::new();
            if p.alias.is_none() && p.legacy_dn.is_none() {
                if let Some(f) = &sid_filter {
                    commands.push(Command::read(
                        Shell::ActiveDirectory,
                        format!("Get-ADObject -Filter {f} -Properties objectClass,groupType,mail,proxyAddresses"),
                    ));
                }
                let (identity, ph) = match p.display_name.as_deref().or(p.sid.as_deref()) {
                    Some(v) => (quote(v), false),
                    None => ("<group>".to_string(), true),
                };
                commands.push(
                    Command::change(
                        Shell::OnPremises,
                        format!("Enable-DistributionGroup -Identity {identity}"),
                        "",
                    )
                    .with_placeholder(ph),
                );
                vec![Suggestion {
                    id: StepId::MailEnablePrincipal,
                    severity: Severity::Warning,
                    finding: format!("{name} has no counterpart in Exchange Online: {where_}."),
                    text: "The report gives no alias or legacyExchangeDN: typically a security \
                           group that is not mail-enabled (or a user without a mailbox). Exchange \
                           Online holds permissions only for mail-enabled principals. Mail-enable \
                           it on-premises (a group must be universal) and keep it in the Entra \
                           Connect sync scope; after the next sync, grant the rights again \
                           (regrant-target-permissions)."
                        .into(),
                    commands,
                }]
            } else {
                if let Some(id) = p.alias.as_deref().or(p.display_name.as_deref()) {
                    commands.push(Command::read(
                        Shell::ExchangeOnline,
                        format!("Get-Recipient -Identity {}", quote(id)),
                    ));
                }
                let x500 = p.legacy_dn.as_deref().map(|dn| format!("X500:{dn}"));
                if let Some(x) = &x500 {
                    let (identity, ph) = match p.alias.as_deref().or(p.display_name.as_deref()) {
                        Some(v) => (quote(v), false),
                        None => ("<recipient>".to_string(), true),
                    };
                    commands.push(
                        Command::change(
                            Shell::ExchangeOnline,
                            format!(
                                "Set-MailUser -Identity {identity} -EmailAddresses @{{Add={}}}",
                                quote(x)
                            ),
                            "",
                        )
                        .with_placeholder(ph),
                    );
                }
                let x500_text = match &x500 {
                    Some(x) => format!(" The X500 address to add: {x}."),
                    None => String::new(),
                };
                vec![Suggestion {
                    id: StepId::SyncOrAddX500,
                    severity: Severity::Warning,
                    finding: format!("{name} has no counterpart in Exchange Online: {where_}."),
                    text: format!(
                        "It is mail-enabled on-premises but Exchange Online has no recipient that \
                         matches: it is outside the Entra Connect sync scope, or its cloud object \
                         lacks the X500 proxy built from its legacyExchangeDN. Check in Exchange \
                         Online; bring it into the sync scope, or add the X500 address (in \
                         Exchange Online for a cloud object: Set-MailUser, Set-Mailbox or \
                         Set-DistributionGroup by its kind; on-premises for an object synced from \
                         there). Then grant the rights again (regrant-target-permissions).{x500_text}"
                    ),
                    commands,
                }]
            }
        }
    }
}
