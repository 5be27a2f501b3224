//! The report downloads of a migration batch in the Exchange admin center:
//! `MigrationStatistics.csv` (`EmailAddress,Status,ItemsMigrated,
//! ItemsSkipped`, plus `ObjectType` and, in a cutover completion report,
//! `Password`, which is never read) and `MigrationErrors.csv`
//! (`EmailAddress,ErrorMessage`). Recognised by their header, whatever the
//! file is called.

use serde::Serialize;

/// Which batch download a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFile {
    /// `MigrationStatistics.csv`.
    Statistics,
    /// `MigrationErrors.csv`.
    Errors,
}

/// One user's line of a batch download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchRecord {
    /// EmailAddress.
    pub email: String,
    /// Status (statistics).
    pub status: Option<String>,
    /// ItemsMigrated (statistics).
    pub items_migrated: Option<u64>,
    /// ItemsSkipped (statistics).
    pub items_skipped: Option<u64>,
    /// ObjectType (statistics).
    pub object_type: Option<String>,
    /// ErrorMessage (errors).
    pub error: Option<String>,
}

/// What the batch downloads say about one user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// Status (MigrationStatistics.csv).
    pub status: Option<String>,
    /// ItemsMigrated.
    pub items_migrated: Option<u64>,
    /// ItemsSkipped.
    pub items_skipped: Option<u64>,
    /// ObjectType.
    pub object_type: Option<String>,
    /// ErrorMessage (MigrationErrors.csv).
    pub error: Option<String>,
    /// The FailureType the error message names, by the same text rules as
    /// a report's failures.
    pub error_type: Option<String>,
    /// Where the batch's figures and the mailbox's report disagree.
    pub disagreements: Vec<String>,
}

impl BatchReport {
    /// Adds one line of a download (the first value of each field wins).
    pub fn add(&mut self, r: BatchRecord) {
        self.status = self.status.take().or(r.status);
        self.items_migrated = self.items_migrated.or(r.items_migrated);
        self.items_skipped = self.items_skipped.or(r.items_skipped);
        self.object_type = self.object_type.take().or(r.object_type);
        if let Some(e) = r.error {
            self.error_type =
                self.error_type.take().or_else(|| super::text::failure(&e).failure_type);
            self.error = self.error.take().or(Some(e));
        }
    }
}

fn normalised(h: &str) -> String {
    h.trim().trim_matches('"').trim_start_matches('\u{feff}').to_ascii_lowercase()
}

/// The columns of a header line, when it is one of the batch downloads'.
pub fn recognise(header: &[String]) -> Option<BatchFile> {
    let has = |name: &str| header.iter().any(|h| normalised(h) == name);
    if !has("emailaddress") {
        return None;
    }
    if has("errormessage") {
        Some(BatchFile::Errors)
    } else if has("itemsmigrated") || has("itemsskipped") || has("status") {
        Some(BatchFile::Statistics)
    } else {
        None
    }
}

/// Where each column this tool reads sits in a header (the others, the
/// password above all, are never looked at).
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    email: usize,
    status: Option<usize>,
    migrated: Option<usize>,
    skipped: Option<usize>,
    object_type: Option<usize>,
    error: Option<usize>,
}

impl Columns {
    /// The positions of the known columns.
    pub fn of(header: &[String]) -> Option<Columns> {
        let at = |name: &str| header.iter().position(|h| normalised(h) == name);
        Some(Columns {
            email: at("emailaddress")?,
            status: at("status"),
            migrated: at("itemsmigrated"),
            skipped: at("itemsskipped"),
            object_type: at("objecttype"),
            error: at("errormessage"),
        })
    }

    /// One row as a record (`None` for a row without an address).
    pub fn record(&self, row: &csv::StringRecord) -> Option<BatchRecord> {
        let get = |i: Option<usize>| {
            i.and_then(|i| row.get(i)).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
        };
        let count =
            |i: Option<usize>| get(i).and_then(|v| v.replace([',', '.', ' '], "").parse().ok());
        let email = get(Some(self.email))?;
        Some(BatchRecord {
            email,
            status: get(self.status),
            items_migrated: count(self.migrated),
            items_skipped: count(self.skipped),
            object_type: get(self.object_type),
            error: get(self.error),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn headers_and_rows() {
        let h =
            header("\u{feff}EmailAddress,Status,ItemsMigrated,ItemsSkipped,ObjectType,Password");
        assert_eq!(recognise(&h), Some(BatchFile::Statistics));
        let c = Columns::of(&h).unwrap();
        let row = csv::StringRecord::from(vec![
            "diegos@contoso.com",
            "Synced",
            "1,204",
            "12",
            "Mailbox",
            "P@ssw0rd!",
        ]);
        let r = c.record(&row).unwrap();
        assert_eq!(r.items_migrated, Some(1204));
        assert_eq!(r.items_skipped, Some(12));
        assert!(!format!("{r:?}").contains("P@ssw0rd"), "the password is never read");
        assert_eq!(
            recognise(&header("\"EmailAddress\",\"ErrorMessage\"")),
            Some(BatchFile::Errors)
        );
        assert_eq!(recognise(&header("Name,Value")), None);
        assert!(c.record(&csv::StringRecord::from(vec!["", "Failed"])).is_none());
    }
}
