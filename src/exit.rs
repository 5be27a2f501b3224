//! The documented exit codes and how outcomes combine into one.

use std::process::ExitCode;

/// The text of the EXIT STATUS section of `--help` (and the README).
pub const EXIT_STATUS_HELP: &str = "\
EXIT STATUS:
  0   done; every input was read (also --help, --version, and a closed pipe)
  1   done, and findings reached the --fail-on threshold
  2   usage error (bad flag or value)
  65  at least one input is not valid CLIXML; the other inputs were still processed
  66  an input could not be opened
  74  an I/O error while reading or writing";

/// How a run ended. Ordered by precedence: when several apply, the largest wins
/// (a tool error outranks findings, findings outrank success).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Everything was read.
    Success,
    /// Findings reached the `--fail-on` threshold.
    Findings,
    /// Some input was not valid CLIXML.
    DataError,
    /// Some input could not be opened.
    NoInput,
    /// A read or write failed.
    IoError,
    /// The command line was wrong.
    Usage,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Usage => 2,
            ExitStatus::DataError => 65,
            ExitStatus::NoInput => 66,
            ExitStatus::IoError => 74,
        }
    }

    /// Combines two outcomes: the one with precedence wins.
    pub fn worst(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_errors_outrank_findings() {
        assert_eq!(ExitStatus::Findings.worst(ExitStatus::DataError), ExitStatus::DataError);
        assert_eq!(ExitStatus::Success.worst(ExitStatus::Findings), ExitStatus::Findings);
        assert_eq!(ExitStatus::NoInput.worst(ExitStatus::DataError), ExitStatus::NoInput);
        assert_eq!(ExitStatus::DataError.code(), 65);
    }
}
