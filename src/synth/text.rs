//! The same mailboxes as the XML samples, as the text forms reports also
//! arrive in: the admin center's download (a byte order mark, a run of
//! padding, a header naming the user, the entry log), `Format-List` output
//! of the statistics (fields, then `Report :` wrapped at the console's
//! width, as Windows PowerShell 5.1's `Out-File` writes it: UTF-16 LE), and
//! `$stats.Report` pasted into a ticket in several cultures. And a migration
//! batch's report downloads (`MigrationStatistics.csv`,
//! `MigrationErrors.csv`).

use super::builder::{Builder, Ids};
use super::spec::{MailboxKind, MailboxSpec, Shape, SpecLimit};
use crate::clixml::{TextTag, Value};
use crate::exchange::stamp::{self, DayOrder};

/// How a time is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culture {
    /// `5/19/2016 6:33:50 PM`.
    EnUs,
    /// `19/05/2016 18:33:50`.
    EnGb,
    /// `19/05/2016 6:33:50 PM`.
    EnAu,
    /// `19.05.2016 18:33:50`.
    DeDe,
    /// `2016-05-19 18:33:50`.
    Iso,
}

/// A text form of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextForm {
    /// The admin center's "Download the report for this user" (UTF-8 BOM,
    /// padding, a header).
    Download,
    /// `Get-MoveRequestStatistics … | Format-List` written by `Out-File`
    /// (UTF-16 LE with BOM, CRLF) at a console this many columns wide.
    FormatList(usize),
    /// `$stats.Report` pasted into a ticket (UTF-8, CRLF).
    Pasted(Culture),
}

/// The entry log of a mailbox: `{time} [{server}] {message}` lines (en-US
/// times), exactly the text a report that survived only as text holds.
pub fn entry_log(spec: &MailboxSpec) -> String {
    let mut ids = Ids::default();
    let spec = MailboxSpec { shape: Shape::LogOnly, ..spec.clone() };
    match Builder::new(&mut ids, spec.onboarding).report(&spec) {
        Value::Text(TextTag::S, text) => text,
        _ => String::new(),
    }
}

/// A line of the log with its time printed in `culture`.
fn in_culture(line: &str, culture: Culture) -> String {
    let Some((time, rest)) = line.split_once(" [") else { return line.to_string() };
    let Some(t) = stamp::parse(time).and_then(|p| p.resolve(Some(DayOrder::MonthFirst))) else {
        return line.to_string();
    };
    let h12 = match t.hour {
        0 => 12,
        h if h > 12 => h - 12,
        h => h,
    };
    let ampm = if t.hour < 12 { "AM" } else { "PM" };
    let printed = match culture {
        Culture::EnUs => return line.to_string(),
        Culture::EnGb => format!(
            "{:02}/{:02}/{} {:02}:{:02}:{:02}",
            t.day, t.month, t.year, t.hour, t.minute, t.second
        ),
        Culture::EnAu => format!(
            "{:02}/{:02}/{} {h12}:{:02}:{:02} {ampm}",
            t.day, t.month, t.year, t.minute, t.second
        ),
        Culture::DeDe => format!(
            "{:02}.{:02}.{} {:02}:{:02}:{:02}",
            t.day, t.month, t.year, t.hour, t.minute, t.second
        ),
        Culture::Iso => t.text(),
    };
    format!("{printed} [{rest}")
}

/// The address a migration user is known by.
pub fn address(spec: &MailboxSpec) -> String {
    format!("{}@contoso.com", spec.alias)
}

fn limit(l: SpecLimit) -> String {
    match l {
        SpecLimit::Count(n) => n.to_string(),
        SpecLimit::Unlimited => "Unlimited".into(),
        SpecLimit::Absent => String::new(),
    }
}

/// A report's text form, as the bytes of its file.
pub fn text_report(spec: &MailboxSpec, form: TextForm) -> Vec<u8> {
    let log = entry_log(spec);
    let lines: Vec<&str> = log.lines().collect();
    match form {
        TextForm::Download => {
            let mut t = String::from("\u{feff}");
            t.push_str(&" ".repeat(256));
            t.push_str("\r\n");
            t.push_str(&format!("Migration report for {}\r\n\r\n", address(spec)));
            for l in &lines {
                t.push_str(l);
                t.push_str("\r\n");
            }
            t.into_bytes()
        }
        TextForm::Pasted(culture) => {
            let mut t = String::new();
            for l in &lines {
                t.push_str(&in_culture(l, culture));
                t.push_str("\r\n");
            }
            t.into_bytes()
        }
        TextForm::FormatList(width) => {
            let identity = match spec.kind {
                MailboxKind::MigrationUser => address(spec),
                // What the XML samples' Identity holds, so both name the same mailbox.
                _ => spec.alias.clone(),
            };
            let fields = [
                ("Identity", identity),
                ("DisplayName", spec.display_name.clone()),
                ("Alias", spec.alias.clone()),
                ("BatchName", spec.batch.clone().unwrap_or_default()),
                ("Status", spec.status.0.to_string()),
                ("StatusDetail", spec.status_detail.0.to_string()),
                ("BadItemLimit", limit(spec.bad_item_limit)),
                ("LargeItemLimit", limit(spec.large_item_limit)),
                ("FailureType", spec.failure_type.clone().unwrap_or_default()),
            ];
            let label = "BadItemsEncountered".len().max("LargeItemLimit".len());
            let mut t = String::from("\u{feff}\r\n\r\n");
            for (k, v) in fields {
                t.push_str(&format!("{k:label$} : {v}\r\n"));
            }
            // The report's lines, each wrapped at the console's width.
            let indent = label + 3;
            let room = width.saturating_sub(indent).max(20);
            for (i, l) in lines.iter().enumerate() {
                let chars: Vec<char> = l.chars().collect();
                for (j, piece) in chars.chunks(room).enumerate() {
                    let piece: String = piece.iter().collect();
                    if i == 0 && j == 0 {
                        t.push_str(&format!("{:label$} : {piece}\r\n", "Report"));
                    } else {
                        t.push_str(&format!("{:indent$}{piece}\r\n", ""));
                    }
                }
            }
            t.push_str("\r\n\r\n");
            t.encode_utf16().flat_map(u16::to_le_bytes).collect()
        }
    }
}

/// One user's line of a batch download, as a spec.
#[derive(Debug, Clone)]
pub struct BatchLine {
    /// EmailAddress.
    pub email: String,
    /// Status.
    pub status: &'static str,
    /// ItemsMigrated.
    pub migrated: u64,
    /// ItemsSkipped.
    pub skipped: u64,
    /// ErrorMessage, for MigrationErrors.csv.
    pub error: Option<String>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `MigrationStatistics.csv` of a batch (UTF-8 with BOM, CRLF, as the admin
/// center downloads it; a cutover report's Password column is there, and
/// never read).
pub fn statistics_csv(lines: &[BatchLine]) -> Vec<u8> {
    let mut t = String::from(
        "\u{feff}EmailAddress,Status,ItemsMigrated,ItemsSkipped,ObjectType,Password\r\n",
    );
    for l in lines {
        t.push_str(&format!(
            "{},{},{},{},Mailbox,Cutover-Pa55!\r\n",
            csv_field(&l.email),
            l.status,
            l.migrated,
            l.skipped
        ));
    }
    t.into_bytes()
}

/// `MigrationErrors.csv` of a batch: the users with an error.
pub fn errors_csv(lines: &[BatchLine]) -> Vec<u8> {
    let mut t = String::from("\u{feff}EmailAddress,ErrorMessage\r\n");
    for l in lines {
        if let Some(e) = &l.error {
            t.push_str(&format!("{},{}\r\n", csv_field(&l.email), csv_field(e)));
        }
    }
    t.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cultures_print_the_same_time() {
        let line = "5/19/2016 6:33:50 PM [AM6PR04MB5191] Request is complete.";
        assert_eq!(
            in_culture(line, Culture::EnGb),
            "19/05/2016 18:33:50 [AM6PR04MB5191] Request is complete."
        );
        assert_eq!(
            in_culture(line, Culture::EnAu),
            "19/05/2016 6:33:50 PM [AM6PR04MB5191] Request is complete."
        );
        assert_eq!(
            in_culture(line, Culture::DeDe),
            "19.05.2016 18:33:50 [AM6PR04MB5191] Request is complete."
        );
        assert_eq!(
            in_culture(line, Culture::Iso),
            "2016-05-19 18:33:50 [AM6PR04MB5191] Request is complete."
        );
        assert_eq!(in_culture("continued", Culture::Iso), "continued");
    }
}
