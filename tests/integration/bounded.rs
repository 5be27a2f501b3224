//! Runs the binary the way a hostile input is tried: with a deadline (a run
//! past it is killed and the test fails as a hang) and its peak resident
//! memory read from the kernel when it exits (`wait4`'s `ru_maxrss`, for
//! that one process, so tests running side by side do not mix their
//! figures).
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{BIN, MANIFEST_DIR};

/// How one run ended.
#[derive(Debug)]
pub struct Outcome {
    /// The exit status (`None`: killed by a signal, which a test treats as a
    /// crash).
    pub code: Option<i32>,
    /// What it wrote to standard output.
    pub stdout: Vec<u8>,
    /// What it wrote to standard error.
    pub stderr: String,
    /// Peak resident memory, in KiB.
    pub peak_kib: u64,
}

impl Outcome {
    /// Peak resident memory in MiB.
    pub fn peak_mib(&self) -> u64 {
        self.peak_kib / 1024
    }
}

/// Runs `mrs-triage ARGS` in `dir` with the environment of
/// [`crate::util::bin`], kills it after `limit`, and fails the test if it was
/// killed, crashed or panicked.
#[track_caller]
pub fn run(dir: &Path, args: &[&str], limit: Duration) -> Outcome {
    let out = tempfile::tempdir().unwrap();
    let stdout_path = out.path().join("stdout");
    let stderr_path = out.path().join("stderr");
    let child = Command::new(BIN)
        .current_dir(if dir.as_os_str().is_empty() { Path::new(MANIFEST_DIR) } else { dir })
        .args(args)
        .env("COLUMNS", "120")
        .env("SOURCE_DATE_EPOCH", "1764633600")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: pid is our own child, not yet reaped (std's Child is never
        // waited on); status and usage are valid for writes.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if r == pid {
            break;
        }
        if start.elapsed() > limit && !killed {
            // SAFETY: signalling our own child, which has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(child);
    let stderr = String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap()).into_owned();
    assert!(!killed, "{args:?}: still running after {limit:?} (a hang); stderr: {stderr}");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    assert!(
        code.is_some(),
        "{args:?}: killed by signal {} (a crash); stderr: {stderr}",
        libc::WTERMSIG(status)
    );
    assert!(!stderr.contains("panicked"), "{args:?}: a panic: {stderr}");
    assert_ne!(code, Some(101), "{args:?}: a panic: {stderr}");
    // Linux gives ru_maxrss in KiB.
    Outcome {
        code,
        stdout: std::fs::read(&stdout_path).unwrap(),
        stderr,
        peak_kib: usage.ru_maxrss as u64,
    }
}
