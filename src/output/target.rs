//! Where an output goes: standard output, one file, or a folder of files.
//! Files are written atomically (a temporary file in the same folder, then a
//! rename), and a folder's files are renamed into place only once all of
//! them were written, so an interrupted or failed run never leaves a half
//! file or a mix of new and old tables.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files being written, and the lock a commit holds while it
/// renames them into place: an interrupt ([`discard_staged`]) waits for a
/// commit to finish, so a folder holds either all old or all new tables.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn staged() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    STAGED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes every temporary file not yet renamed into place, and keeps any
/// further one from being committed: for an interrupted run (Ctrl-C), which
/// then leaves its outputs as they were before it.
pub fn discard_staged() {
    let mut files = staged();
    for tmp in files.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    // Held from here on: a commit still running waits until the process exits.
    std::mem::forget(files);
}

/// A destination for the named streams an exporter writes.
pub trait Destination {
    /// Writes one stream: the only one of a single-file format, or the file
    /// `name` of a folder format.
    fn stream(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()>;
}

/// Where an output is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// One file.
    File(PathBuf),
    /// A folder, created if missing, holding one file per stream.
    Folder(PathBuf),
}

/// Why an output could not be written.
#[derive(Debug)]
pub struct OutputError {
    /// The file or folder (`None`: standard output).
    pub path: Option<PathBuf>,
    /// What failed.
    pub source: io::Error,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: cannot write: {}", p.display(), self.source),
            None => write!(f, "error writing output: {}", self.source),
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl OutputError {
    /// Whether the reader of standard output went away (`| head`): not an
    /// error for a command-line tool.
    pub fn is_broken_pipe(&self) -> bool {
        // The pipe's error may arrive wrapped (by a serialiser, a csv writer).
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&self.source);
        while let Some(e) = cause {
            if e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            {
                return self.path.is_none();
            }
            cause = e.source();
        }
        false
    }
}

impl Target {
    /// Runs `produce` against this target and commits what it wrote; returns
    /// the files written (none for standard output).
    pub fn write(
        &self,
        produce: impl FnOnce(&mut dyn Destination) -> io::Result<()>,
    ) -> Result<Vec<PathBuf>, OutputError> {
        match self {
            Target::Stdout => {
                let stdout = io::stdout();
                let mut out = Stream(BufWriter::with_capacity(64 * 1024, stdout.lock()));
                produce(&mut out)
                    .and_then(|()| out.0.flush())
                    .map_err(|source| OutputError { path: None, source })?;
                Ok(Vec::new())
            }
            Target::File(path) => {
                let mut staged = Staged::new(path.parent().unwrap_or(Path::new("")), Some(path));
                let result = produce(&mut staged);
                staged.finish(result)
            }
            Target::Folder(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|source| OutputError { path: Some(dir.clone()), source })?;
                let mut staged = Staged::new(dir, None);
                let result = produce(&mut staged);
                staged.finish(result)
            }
        }
    }

    /// The path, for messages (`-` for standard output).
    pub fn display(&self) -> String {
        match self {
            Target::Stdout => "-".into(),
            Target::File(p) | Target::Folder(p) => p.display().to_string(),
        }
    }
}

/// Any writer as the destination of a single-stream format (every stream
/// goes to it, one after the other): standard output, a buffer in a test.
#[derive(Debug)]
pub struct Stream<W: Write>(pub W);

impl<W: Write> Destination for Stream<W> {
    fn stream(
        &mut self,
        _name: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        write(&mut self.0)
    }
}

/// Files written to temporary names, renamed into place together.
struct Staged {
    dir: PathBuf,
    /// The one file of a single-file target (`None`: a folder target).
    file: Option<PathBuf>,
    /// (temporary, final) per stream written; in-place writes are not listed.
    done: Vec<(PathBuf, PathBuf)>,
    written: Vec<PathBuf>,
    /// The stream that failed, for the message.
    failed: Option<PathBuf>,
}

impl Staged {
    fn new(dir: &Path, file: Option<&PathBuf>) -> Staged {
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir.to_path_buf() };
        Staged { dir, file: file.cloned(), done: Vec::new(), written: Vec::new(), failed: None }
    }

    fn finish(mut self, result: io::Result<()>) -> Result<Vec<PathBuf>, OutputError> {
        let result = result.and_then(|()| {
            let mut in_flight = staged();
            for (tmp, path) in &self.done {
                if let Err(e) = std::fs::rename(tmp, path) {
                    self.failed = Some(path.clone());
                    return Err(e);
                }
                in_flight.retain(|t| t != tmp);
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(std::mem::take(&mut self.written)),
            Err(source) => {
                let mut in_flight = staged();
                for (tmp, _) in &self.done {
                    let _ = std::fs::remove_file(tmp);
                    in_flight.retain(|t| t != tmp);
                }
                let path = self
                    .failed
                    .take()
                    .or_else(|| self.file.clone())
                    .unwrap_or_else(|| self.dir.clone());
                Err(OutputError { path: Some(path), source })
            }
        }
    }
}

impl Destination for Staged {
    fn stream(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.file.clone().unwrap_or_else(|| self.dir.join(name));
        // A path that exists and is not a regular file (`/dev/null`, a named
        // pipe) is written in place: renaming over it would replace it.
        if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
            let result = File::create(&path).and_then(|f| {
                let mut out = BufWriter::with_capacity(64 * 1024, f);
                write(&mut out)?;
                out.flush()
            });
            if result.is_err() {
                self.failed = Some(path.clone());
            }
            result?;
            self.written.push(path);
            return Ok(());
        }
        // Replacing a file keeps what the user set on it: a read-only one is
        // refused, and the new one gets the old one's permissions (and, where
        // allowed, its owner).
        let existing = std::fs::metadata(&path).ok();
        if existing.as_ref().is_some_and(|m| m.permissions().readonly()) {
            self.failed = Some(path);
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the file is read-only; it was not replaced",
            ));
        }
        let file_name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = self.dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
        staged().push(tmp.clone());
        let result = (|| {
            let mut out = BufWriter::with_capacity(64 * 1024, File::create(&tmp)?);
            write(&mut out)?;
            let f = out.into_inner().map_err(io::IntoInnerError::into_error)?;
            if let Some(m) = &existing {
                f.set_permissions(m.permissions())?;
                keep_owner(&tmp, m);
            }
            f.sync_all()
        })();
        match result {
            Ok(()) => {
                self.done.push((tmp, path.clone()));
                self.written.push(path);
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                staged().retain(|t| *t != tmp);
                self.failed = Some(path);
                Err(e)
            }
        }
    }
}

/// Gives the new file the replaced one's owner, where the process may.
#[cfg(unix)]
fn keep_owner(path: &Path, old: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Only a privileged process may change owners; otherwise the new file
    // is the writer's, as any editor's save would be.
    let _ = std::os::unix::fs::chown(path, Some(old.uid()), Some(old.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &std::fs::Metadata) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_committed_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("tables");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.csv"), "old a").unwrap();
        std::fs::write(out.join("b.csv"), "old b").unwrap();
        // The second stream fails: neither file changes, no temporary is left.
        let err = Target::Folder(out.clone())
            .write(|d| {
                d.stream("a.csv", &mut |w| w.write_all(b"new a"))?;
                d.stream("b.csv", &mut |_| Err(io::Error::other("disk full")))
            })
            .unwrap_err();
        assert_eq!(err.path.as_deref(), Some(out.join("b.csv").as_path()));
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "old b");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2, "no temporary files left");
        let written = Target::Folder(out.clone())
            .write(|d| {
                d.stream("a.csv", &mut |w| w.write_all(b"new a"))?;
                d.stream("b.csv", &mut |w| w.write_all(b"new b"))
            })
            .unwrap();
        assert_eq!(written, [out.join("a.csv"), out.join("b.csv")]);
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "new b");
    }

    #[test]
    fn a_read_only_file_is_refused_and_permissions_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "old").unwrap();
        let mut p = std::fs::metadata(&path).unwrap().permissions();
        p.set_readonly(true);
        std::fs::set_permissions(&path, p.clone()).unwrap();
        let t = Target::File(path.clone());
        let e = t.write(|d| d.stream("x", &mut |w| w.write_all(b"new"))).unwrap_err();
        assert_eq!(e.source.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            t.write(|d| d.stream("x", &mut |w| w.write_all(b"new"))).unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        }
    }

    #[test]
    fn a_file_is_replaced_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "old").unwrap();
        let t = Target::File(path.clone());
        assert!(
            t.write(|d| d.stream("x", &mut |w| {
                w.write_all(b"half")?;
                Err(io::Error::other("x"))
            }))
            .is_err()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        t.write(|d| d.stream("x", &mut |w| w.write_all(b"new"))).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
