//! The documented exit codes and how outcomes combine into one.

use std::process::ExitCode;

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
    /// An internal error (a bug) stopped the run.
    Software,
    /// The output file could not be written.
    CantCreate,
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
            ExitStatus::Software => 70,
            ExitStatus::CantCreate => 73,
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
