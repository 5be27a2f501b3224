//! Move reports that arrive as plain text: the Exchange admin center's
//! "Download the report for this user" (a byte order mark, a run of padding,
//! perhaps a header, then the entry log), `$stats.Report` pasted into a file,
//! or `Format-List` output of the statistics (`Name : value` lines, the
//! `Report :` prefix, lines wrapped at the console's width).
//!
//! The entry log is `{timestamp} [{server}] {message}`: an entry starts where
//! a line begins with a timestamp and a bracketed server name, and the lines
//! after it belong to it. A text is read twice, line by line, so memory does
//! not grow with it: a [`Survey`] first (is it a report, the width it was
//! wrapped at, the day/month order of its timestamps), then a [`Parser`]
//! that recovers what the XML would have given: the bad items (the same
//! parsers as a flattened XML report's entries), failures, the last stage
//! and the final state, and whatever `Format-List` fields precede the log.

use super::model::{Failure, Limit, Mailbox, SourceType};
use super::stamp::{self, DayOrder, Parsed};
use super::text::byte_count;
use super::text::{self, LogEntry};

/// Lines read before a text counts as no report (a header is short).
const HEADER_LINES: usize = 200;

/// What the first pass over a text learnt.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    lines: usize,
    entries: usize,
    /// Lines before the first entry.
    header: usize,
    widest: usize,
    hints: (usize, usize),
}

impl Survey {
    /// Looks at one line (without its line break).
    pub fn push(&mut self, line: &str) {
        self.lines += 1;
        let width = line.chars().count();
        self.widest = self.widest.max(width);
        if let Some(e) = entry(line) {
            self.entries += 1;
            if let Some(p) = stamp::parse(&e.time) {
                match p.order_hint() {
                    Some(DayOrder::DayFirst) => self.hints.0 += 1,
                    Some(DayOrder::MonthFirst) => self.hints.1 += 1,
                    None => {}
                }
            }
        } else if self.entries == 0 {
            self.header += 1;
        }
    }

    /// Whether the text is a move report: it has an entry line, and not
    /// only after a long preamble.
    pub fn is_report(&self) -> bool {
        self.entries > 0 && self.header <= HEADER_LINES
    }

    /// Entries seen.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The day/month order the file's timestamps agree on.
    pub fn day_order(&self) -> Option<DayOrder> {
        match self.hints {
            (d, 0) if d > 0 => Some(DayOrder::DayFirst),
            (0, m) if m > 0 => Some(DayOrder::MonthFirst),
            _ => None,
        }
    }

    /// The console width a `Format-List` output was wrapped at: the widest
    /// line, when enough lines are exactly that wide to be wraps.
    pub fn wrap_width(&self) -> Option<usize> {
        (self.widest >= 60 && self.lines > 2).then_some(self.widest)
    }
}

/// The `Report : ` prefix (and the white space `Format-List` indents a
/// value's later lines with) removed.
fn strip_format_list(line: &str) -> &str {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("Report")
        && let Some(value) = rest.trim_start().strip_prefix(':')
    {
        return value.trim_start();
    }
    t
}

/// The entry a line starts, if it starts one.
fn entry(line: &str) -> Option<LogEntry> {
    let t = strip_format_list(line.trim_start_matches(['\u{feff}', '\0']));
    text::entry_line(t).filter(|e| stamp::parse(&e.time).is_some())
}

/// Reads a text report, line by line, after its [`Survey`].
#[derive(Debug)]
pub struct Parser {
    order: Option<DayOrder>,
    wrap: Option<usize>,
    mailbox: Mailbox,
    current: Option<LogEntry>,
    /// Whether the previous line filled the wrap width (the next one
    /// continues it without a line break).
    wrapped: bool,
    /// Lines before the first entry (the header, `Format-List` fields).
    in_header: bool,
    /// The column a `Format-List` value starts at: the indent of the
    /// value's later lines, which is all a wrapped line's start removes (a
    /// wrap may fall just before a space).
    indent: Option<usize>,
    completed: bool,
    fatal: Option<String>,
}

impl Parser {
    /// A parser for a text surveyed as `survey`.
    pub fn new(survey: &Survey) -> Parser {
        Parser {
            order: survey.day_order(),
            wrap: survey.wrap_width(),
            mailbox: Mailbox {
                source_type: Some(SourceType::TextReport),
                has_report: true,
                ..Mailbox::default()
            },
            current: None,
            wrapped: false,
            in_header: true,
            indent: None,
            completed: false,
            fatal: None,
        }
    }

    /// Reads one line (without its line break).
    pub fn push(&mut self, raw: &str) {
        let line = raw.trim_end_matches('\r');
        let width = line.chars().count();
        let fills = self.wrap.is_some_and(|w| width == w);
        if let Some(e) = entry(line) {
            if self.in_header && line.trim_start().starts_with("Report") {
                let value = strip_format_list(line);
                self.indent = Some(line.chars().count() - value.chars().count());
            }
            self.finish_entry();
            self.in_header = false;
            self.current = Some(e);
        } else if self.in_header {
            self.header_line(line);
        } else if let Some(cur) = &mut self.current {
            let piece = match self.indent {
                Some(n) if self.wrapped && line.chars().take(n).all(|c| c == ' ') => {
                    line.char_indices().nth(n).map_or("", |(i, _)| &line[i..])
                }
                _ => line.trim_start(),
            };
            if self.wrapped {
                cur.message.push_str(piece);
            } else if !piece.is_empty() {
                cur.message.push('\n');
                cur.message.push_str(piece);
            }
        }
        self.wrapped = fills;
    }

    /// A `Format-List` field (`BadItemLimit : 10`) or a header line before
    /// the log; an address there names the mailbox.
    fn header_line(&mut self, line: &str) {
        let t = line.trim_matches(['\u{feff}', '\0', ' ', '\t']);
        let Some((key, value)) = t.split_once(" :").or_else(|| t.split_once(':')) else {
            return self.address_in(t);
        };
        let (key, value) = (key.trim(), value.trim());
        let text = || (!value.is_empty()).then(|| value.to_string());
        let m = &mut self.mailbox;
        match key {
            "Identity" | "MailboxIdentity" => m.identity = text(),
            "DisplayName" => m.display_name = text(),
            "Alias" => m.alias = text(),
            "ExchangeGuid" | "MailboxGuid" => m.exchange_guid = text(),
            "BatchName" => m.batch = text(),
            "Status" => m.status = text(),
            "StatusDetail" => m.status_detail = text(),
            "FailureType" => m.failure_type = text(),
            "Message" => m.message = text(),
            "BadItemLimit" => m.bad_item_limit = limit(value),
            "LargeItemLimit" => m.large_item_limit = limit(value),
            "BadItemsEncountered" => m.bad_items_encountered = value.parse().ok(),
            "LargeItemsEncountered" => m.large_items_encountered = value.parse().ok(),
            "MissingItemsEncountered" => m.missing_items_encountered = value.parse().ok(),
            "DataConsistencyScore" => m.data_consistency_score = text(),
            "TotalMailboxSize" => m.total_mailbox_size = byte_count(value),
            "WorkloadType" => m.workload_type = text(),
            "TargetDeliveryDomain" => {
                if value.to_ascii_lowercase().ends_with(".onmicrosoft.com") {
                    m.to_exchange_online = true;
                }
            }
            _ => self.address_in(t),
        }
    }

    /// A header line that holds an e-mail address names the mailbox (the
    /// admin center's download names its user).
    fn address_in(&mut self, line: &str) {
        if self.mailbox.identity.is_some() {
            return;
        }
        let address = line
            .split(|c: char| {
                c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | '\'' | '"')
            })
            .find(|w| {
                w.contains('@') && w.contains('.') && !w.starts_with('@') && !w.ends_with('@')
            });
        if let Some(a) = address {
            self.mailbox.identity = Some(a.trim_end_matches('.').to_string());
        }
    }

    /// The entry's time as the outputs give it: normalised when the file's
    /// day order is known (or the text is year-first), else as written.
    fn time_of(&self, e: &LogEntry) -> String {
        stamp::parse(&e.time)
            .and_then(|p: Parsed| p.resolve(self.order).or_else(|| p.unambiguous()))
            .map_or_else(|| e.time.clone(), |t| t.text())
    }

    fn finish_entry(&mut self) {
        let Some(mut e) = self.current.take() else { return };
        e.time = self.time_of(&e);
        let m = &mut self.mailbox;
        m.report_entries += 1;
        if exo_server(&e.server) {
            m.to_exchange_online = true;
        }
        let msg = e.message.as_str();
        if msg.contains("allowed a large amount of data loss") {
            m.large_data_loss_accepted = true;
        }
        if let Some(item) = text::bad_item_from_log(&e) {
            m.bad_items.push(item);
            return;
        }
        if let Some(rest) = msg.strip_prefix("Stage: ") {
            let (stage, percent) = match rest.split_once(". Percent complete: ") {
                Some((s, p)) => (s, p.trim_end_matches('.').trim().parse().ok()),
                None => (rest.trim_end_matches('.'), None),
            };
            m.stage = Some((stage.to_string(), percent));
        } else if let Some(rest) = msg.strip_prefix("Fatal error ") {
            let ty = first_word(rest);
            self.fatal = Some(ty.clone());
            self.completed = false;
            m.failures.push(Failure {
                timestamp: Some(e.time.clone()),
                failure_type: Some(ty).filter(|t| !t.is_empty()),
                message: Some(e.message.clone()),
                ..Failure::default()
            });
        } else if let Some(rest) = msg.strip_prefix("Transient error ") {
            let ty = first_word(rest);
            m.failures.push(Failure {
                timestamp: Some(e.time.clone()),
                failure_type: Some(ty).filter(|t| !t.is_empty()),
                message: Some(e.message.clone()),
                exception_types: vec!["MRSTransient".into()],
                ..Failure::default()
            });
        } else if is_completion(msg) {
            self.completed = true;
            self.fatal = None;
        } else if let Some(name) = connected_mailbox(msg) {
            // A GUID names the mailbox by its ExchangeGuid, not its identity.
            if is_guid(&name) {
                m.exchange_guid.get_or_insert(name);
            } else if m.identity.is_none() {
                m.identity = Some(name);
            }
        }
    }

    /// The mailbox record the text gave.
    pub fn finish(mut self) -> Mailbox {
        self.finish_entry();
        let m = &mut self.mailbox;
        // The log's final state, where no Format-List field said it.
        if m.status.is_none() {
            if let Some(ty) = &self.fatal {
                m.status = Some("Failed".into());
                m.failure_type = m.failure_type.take().or_else(|| Some(ty.clone()));
            } else if self.completed {
                m.status = Some("Completed".into());
            }
        }
        if m.failure_type.is_none()
            && m.status.as_deref() == Some("Failed")
            && let Some(ty) = &self.fatal
        {
            m.failure_type = Some(ty.clone());
        }
        if m.message.is_none()
            && self.fatal.is_some()
            && let Some(f) = m.failures.iter().rev().find(|f| f.failure_type == self.fatal)
        {
            m.message =
                f.message.as_deref().map(|s| s.split_once(": ").map_or(s, |(_, r)| r).to_string());
        }
        self.mailbox
    }
}

fn limit(value: &str) -> Limit {
    if value.eq_ignore_ascii_case("unlimited") {
        Limit::Unlimited
    } else {
        value.parse().map(Limit::Count).unwrap_or(Limit::Absent)
    }
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() }
        })
}

fn first_word(s: &str) -> String {
    s.split([' ', ':']).next().unwrap_or("").to_string()
}

fn is_completion(msg: &str) -> bool {
    let m = msg.trim_end_matches('.');
    matches!(m, "Request is complete" | "The move is complete" | "Request processing completed")
}

/// `Connected to target mailbox 'contoso.com/Users/Lee Gu (Primary)', …`:
/// the mailbox, without its `(Primary)`/`(Archive)` part.
fn connected_mailbox(msg: &str) -> Option<String> {
    let rest = msg
        .strip_prefix("Connected to source mailbox '")
        .or_else(|| msg.strip_prefix("Connected to target mailbox '"))?;
    let name = rest.split("', ").next()?.trim_end_matches('\'');
    let name = name.trim_end_matches(" (Primary)").trim_end_matches(" (Archive)");
    (!name.is_empty()).then(|| name.to_string())
}

/// Exchange Online's MRS servers are named like `AM6PR04MB5191`,
/// `DB4PR04MB459`, `SC1P152MB0509`: a datacentre, a role, a number, `MB` and
/// a number (the reference's examples).
fn exo_server(server: &str) -> bool {
    static EXO: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[A-Z]{2}[0-9][A-Z]{1,2}[0-9]{2,3}MB[0-9]{3,5}$")
            .expect("server pattern")
    });
    EXO.is_match(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Mailbox {
        let mut s = Survey::default();
        text.lines().for_each(|l| s.push(l));
        assert!(s.is_report(), "{text}");
        let mut p = Parser::new(&s);
        text.lines().for_each(|l| p.push(l));
        p.finish()
    }

    #[test]
    fn an_entry_log_with_bad_items_failures_and_the_final_state() {
        let m = read(
            "\u{feff}                                \n\
             10/09/2018 19:04:56 [AM6PR04MB5191] 'MigrationService (on behalf of '')' created move request.\n\
             10/09/2018 19:05:01 [AM6PR04MB5191] Stage: LoadingMessages. Percent complete: 20.\n\
             10/09/2018 19:05:10 [AM6PR04MB5191] Transient error CommunicationErrorTransientException has occurred. The system will retry (1/60).\n\
             16/09/2018 08:33:08 [AM6PR04MB5191] A corrupted item was encountered: Unable to translate principals for folder \"Inbox/Team\"/\"FolderNTSD\": Failed to find a principal from the source forest.\n\
             16/09/2018 08:33:09 [AM6PR04MB5191] Fatal error TooManyBadItemsPermanentException has occurred.\n\
             Error details: This mailbox exceeded the maximum number of corrupted items.\n",
        );
        assert_eq!(m.source_type, Some(SourceType::TextReport));
        assert_eq!(m.bad_items.len(), 1);
        assert_eq!(m.bad_items[0].folder.as_deref(), Some("Inbox/Team"));
        assert_eq!(
            m.bad_items[0].timestamp.as_deref(),
            Some("2018-09-16 08:33:08"),
            "day first, from the 16th"
        );
        assert_eq!(m.status.as_deref(), Some("Failed"));
        assert_eq!(m.failure_type.as_deref(), Some("TooManyBadItemsPermanentException"));
        assert_eq!(m.stage, Some(("LoadingMessages".to_string(), Some(20))));
        assert!(m.to_exchange_online, "an Exchange Online server");
        assert_eq!(m.failures.len(), 2);
        assert!(m.failures[0].is_transient() && !m.failures[1].is_transient());
        assert!(m.failures[1].message.as_deref().unwrap().contains("Error details"));
    }

    #[test]
    fn format_list_fields_the_report_prefix_and_wrapped_lines() {
        // Format-List: the value column starts at 22, so a long entry fills
        // each line and goes on.
        let long = "5/19/2016 6:33:50 PM [EXCH01] A corrupted item was encountered: Unable to translate principals for folder \"Projects/Q3 planning\"/\"FolderNTSD\": Failed to find a principal from the source forest.";
        let chars: Vec<char> = long.chars().collect();
        let mut lines = vec![
            "Identity            : contoso.com/Users/Pat Doe".to_string(),
            "Status              : Failed".to_string(),
            "BadItemLimit        : 10".to_string(),
            "BatchName           : Wave 3".to_string(),
        ];
        // Pieces as wide as the console lets them be; the second starts with
        // a space (a wrap just before one).
        let room = (60..chars.len()).find(|&i| chars[i] == ' ').unwrap();
        for (i, piece) in chars.chunks(room).enumerate() {
            let piece: String = piece.iter().collect();
            lines.push(if i == 0 {
                format!("Report              : {piece}")
            } else {
                format!("{:22}{piece}", "")
            });
        }
        lines.push(format!("{:22}5/19/2016 6:34:50 PM [EXCH01] Request is complete.", ""));
        let m = read(&lines.join("\n"));
        assert_eq!(m.identity.as_deref(), Some("contoso.com/Users/Pat Doe"));
        assert_eq!(m.batch.as_deref(), Some("Wave 3"));
        assert_eq!(m.bad_item_limit, Limit::Count(10));
        assert_eq!(m.status.as_deref(), Some("Failed"), "the field wins over the log");
        assert_eq!(m.bad_items.len(), 1);
        assert_eq!(
            m.bad_items[0].folder.as_deref(),
            Some("Projects/Q3 planning"),
            "the wrapped line joined back"
        );
        assert_eq!(m.bad_items[0].timestamp.as_deref(), Some("2016-05-19 18:33:50"));
        assert!(!m.to_exchange_online);
    }

    #[test]
    fn ambiguous_times_stay_as_written_and_an_address_names_the_user() {
        let m = read(
            "Migration report for diegos@contoso.com\n\
             10/09/2018 19:04:56 [DB4PR04MB459] Request is complete.\n\
             01/02/2018 19:04:56 [DB4PR04MB459] A large item was encountered: Item (IPM.Note) Subject:\"Big\", Size: 40.2 MB (42,151,234 bytes), Folder:\"Inbox\"\n",
        );
        assert_eq!(m.identity.as_deref(), Some("diegos@contoso.com"));
        assert_eq!(m.bad_items[0].timestamp.as_deref(), Some("01/02/2018 19:04:56"));
        assert_eq!(m.bad_items[0].size, Some(42_151_234));
        assert_eq!(m.status.as_deref(), Some("Completed"));
    }

    #[test]
    fn text_that_is_not_a_report() {
        let mut s = Survey::default();
        for l in ["hello", "this is [not] a report", "5/19/2016 is a date"] {
            s.push(l);
        }
        assert!(!s.is_report());
        for exo in ["AM6PR04MB5191", "DB4PR04MB459", "SC1P152MB0509"] {
            assert!(exo_server(exo), "{exo}");
        }
        assert!(!exo_server("EXCH01") && !exo_server("MBX-2019-01"));
    }
}
