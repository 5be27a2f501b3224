//! What an input is, told from its first bytes, never its name: CLIXML, a
//! batch's CSV download, or text (a move report, if its lines say so).

use std::io::Read;

use crate::clixml::decode::Decoder;
use crate::exchange::batch_csv::{BatchFile, recognise};
use crate::exchange::text_report::Survey;

/// What an input holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An Export-CliXml file (`<`, or the `#< CLIXML` line).
    Clixml,
    /// A batch download (`MigrationStatistics.csv`, `MigrationErrors.csv`).
    Batch(BatchFile),
    /// Anything else: a text report, if its lines say so.
    Text,
}

impl Kind {
    /// How the input summary names it.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Kind::Clixml => "clixml",
            Kind::Batch(BatchFile::Statistics) => "batch_statistics",
            Kind::Batch(BatchFile::Errors) => "batch_errors",
            Kind::Text => "text_report",
        }
    }
}

/// Bytes looked at to tell an input's kind.
pub(crate) const HEAD: u64 = 16 * 1024;

/// The characters a text may start with before its content: byte order
/// marks, NULs and the run of padding the admin center's download begins
/// with.
fn is_padding(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\0' | '\u{a0}')
}

/// The kind of an input, from its first bytes (decoded as the reader
/// would: BOM, UTF-16 by its zero bytes, else UTF-8).
pub(crate) fn kind_of_head(head: &[u8]) -> Kind {
    let text = decode_head(head);
    let t = text.trim_start_matches(is_padding);
    if t.is_empty() || t.starts_with('<') || t.starts_with("#< CLIXML") {
        return Kind::Clixml;
    }
    let first = t.lines().next().unwrap_or("");
    let header: Vec<String> = first.split([',', ';', '\t']).map(str::to_string).collect();
    match recognise(&header) {
        Some(b) => Kind::Batch(b),
        None => Kind::Text,
    }
}

fn decode_head(head: &[u8]) -> String {
    let mut text = String::new();
    if let Ok(mut d) = Decoder::new(head, usize::MAX) {
        let mut bytes = Vec::new();
        let _ = d.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}

/// Whether the first bytes of a file found in a folder or an archive (a
/// `.txt`, `.log` or `.csv`, which a case folder also holds for notes) are
/// a move report or a batch download.
pub(crate) fn holds_report(head: &[u8]) -> bool {
    match kind_of_head(head) {
        Kind::Batch(_) => true,
        Kind::Clixml => false,
        Kind::Text => {
            let mut survey = Survey::default();
            decode_head(head).lines().for_each(|l| survey.push(l));
            survey.is_report()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_the_first_bytes() {
        assert!(holds_report(b"5/19/2016 6:33:50 PM [EX1] Request is complete."));
        assert!(!holds_report(b"meeting notes: call Pat at 5/19/2016 6:33:50 PM"));
        assert_eq!(kind_of_head(b"<Objs Version=\"1.1.0.1\">"), Kind::Clixml);
        assert_eq!(kind_of_head(b"\xEF\xBB\xBF#< CLIXML\r\n<Objs>"), Kind::Clixml);
        assert_eq!(kind_of_head(b""), Kind::Clixml);
        let mut padded = b"\xEF\xBB\xBF".to_vec();
        padded.extend(std::iter::repeat_n(b' ', 256));
        padded.extend_from_slice(b"5/19/2016 6:33:50 PM [EX1] Request is complete.");
        assert_eq!(kind_of_head(&padded), Kind::Text);
        assert_eq!(
            kind_of_head(b"EmailAddress,Status,ItemsMigrated,ItemsSkipped\r\n"),
            Kind::Batch(BatchFile::Statistics)
        );
        assert_eq!(
            kind_of_head(b"\"EmailAddress\";\"ErrorMessage\"\r\n"),
            Kind::Batch(BatchFile::Errors)
        );
        let utf16: Vec<u8> =
            "EmailAddress,ErrorMessage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(kind_of_head(&utf16), Kind::Batch(BatchFile::Errors));
    }
}
