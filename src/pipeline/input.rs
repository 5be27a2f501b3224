//! Input discovery: turns command-line arguments (files, folders, glob
//! patterns, `-`, `.zip` archives) into the ordered list of sources to read,
//! and opens them (zip entries are streamed, never extracted to disk, and
//! an entry that would expand beyond the [`ZipLimits`] is refused before any
//! of it is decompressed).

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::pattern::glob_pattern;

/// One export to read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Standard input, read once.
    Stdin,
    /// An entry of a zip archive.
    ZipEntry {
        /// The archive.
        archive: PathBuf,
        /// The entry's name inside it. Only a label: nothing is extracted, so
        /// a name with `..` or a root names no file on disk.
        entry: String,
        /// What the entry may expand to.
        limits: ZipLimits,
    },
}

/// How far a zip entry may expand, checked against the sizes the archive's
/// central directory declares before any byte is decompressed; the zip
/// reader itself fails an entry that yields more than its declared size, so
/// a lying header gains nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZipLimits {
    /// Largest uncompressed entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest ratio of uncompressed to compressed size, for entries larger
    /// than [`ZipLimits::RATIO_FLOOR`]. Real exports compress 9 to 34 times
    /// (the bundled samples); deflate cannot exceed about 1,032.
    pub max_ratio: u64,
    /// Most entries an archive may hold. Every entry opened re-reads the
    /// archive's central directory, so reading an archive costs the square
    /// of its entry count.
    pub max_entries: usize,
}

impl ZipLimits {
    /// Entries up to this size are not held to the ratio: a small file may
    /// compress very well and cannot expand to much.
    pub const RATIO_FLOOR: u64 = 1 << 20;

    /// Why an entry of these declared sizes is refused, if it is.
    fn refusal(&self, size: u64, compressed: u64) -> Option<String> {
        use crate::render::thousands;
        if size > self.max_entry_bytes {
            return Some(format!(
                "refused: the entry would expand to {} bytes, more than the {} the limit allows (--max-zip-entry-size)",
                thousands(size),
                thousands(self.max_entry_bytes)
            ));
        }
        if size > Self::RATIO_FLOOR && size > compressed.saturating_mul(self.max_ratio) {
            return Some(format!(
                "refused as a zip bomb: the entry would expand from {} to {} bytes, more than {} times (--max-zip-ratio)",
                thousands(compressed),
                thousands(size),
                self.max_ratio
            ));
        }
        None
    }
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits { max_entry_bytes: 8 << 30, max_ratio: 200, max_entries: 10_000 }
    }
}

impl Source {
    /// How messages and outputs name it: the path, `-`, or `archive.zip!entry`.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
            Source::ZipEntry { archive, entry, .. } => format!("{}!{entry}", archive.display()),
        }
    }

    /// The folder an input belongs to, for the per-folder roll-up.
    pub fn folder(&self) -> String {
        let path = match self {
            Source::File(p) => p.as_path(),
            Source::ZipEntry { archive, .. } => archive.as_path(),
            Source::Stdin => return "-".to_string(),
        };
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
            _ => ".".to_string(),
        }
    }

    /// Whether it can be opened twice (for the reference pre-scan).
    pub fn rereadable(&self) -> bool {
        !matches!(self, Source::Stdin)
    }

    /// Size in bytes when known in advance (files, zip entries).
    pub fn size(&self) -> Option<u64> {
        match self {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
            Source::ZipEntry { archive, entry, .. } => {
                let mut zip = zip::ZipArchive::new(File::open(archive).ok()?).ok()?;
                zip.by_name(entry).ok().map(|e| e.size())
            }
        }
    }

    /// Whether an input that failed with `err`, read as `encoding`, is to be
    /// read again as Windows-1252: it is not valid UTF-8, has no byte order
    /// mark and no XML declaration naming its encoding (what `Export-Clixml
    /// -Encoding Default` writes), and it can be read twice.
    pub fn read_as_windows_1252(&self, err: &crate::clixml::Error, encoding: Option<&str>) -> bool {
        use crate::clixml::decode::Encoding;
        err.kind == crate::clixml::ErrorKind::InvalidUtf8
            && encoding == Some(Encoding::Utf8.label())
            && self.rereadable()
            && !self.declares_encoding()
    }

    /// Whether the input starts with an XML declaration naming its encoding.
    fn declares_encoding(&self) -> bool {
        let head = self.with_reader(|r| {
            let mut head = Vec::with_capacity(256);
            let _ = r.take(256).read_to_end(&mut head);
            head
        });
        head.is_ok_and(|h| {
            let h = String::from_utf8_lossy(&h);
            h.trim_start().starts_with("<?xml")
                && h.split("?>").next().is_some_and(|d| d.contains("encoding"))
        })
    }

    /// Opens it and hands the stream to `f` (a zip entry's stream borrows its
    /// archive, so it only lives inside the call).
    pub fn with_reader<T>(&self, f: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
        match self {
            Source::File(p) => Ok(f(&mut File::open(p)?)),
            Source::Stdin => Ok(f(&mut io::stdin().lock())),
            Source::ZipEntry { archive, entry, limits } => {
                let mut zip =
                    zip::ZipArchive::new(File::open(archive)?).map_err(io::Error::other)?;
                let mut file = zip.by_name(entry).map_err(io::Error::other)?;
                if let Some(why) = limits.refusal(file.size(), file.compressed_size()) {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, why));
                }
                Ok(f(&mut file))
            }
        }
    }
}

/// The note on an input read as Windows-1252 ([`Source::read_as_windows_1252`]).
pub const WINDOWS_1252_NOTE: &str = "not valid UTF-8 and no byte order mark: read as Windows-1252, \
                                     the ANSI code page Export-Clixml -Encoding Default writes";

/// Why an argument gave no input.
#[derive(Debug)]
pub struct DiscoveryError {
    /// The argument.
    pub arg: String,
    /// What went wrong.
    pub reason: Reason,
}

/// What went wrong with an argument.
#[derive(Debug)]
pub enum Reason {
    /// A glob pattern that does not parse.
    InvalidPattern(glob::PatternError),
    /// A glob pattern that matches no file.
    NoMatch,
    /// A folder with no export in it.
    EmptyFolder,
    /// An archive with no export in it.
    EmptyArchive,
    /// An archive that cannot be read.
    Archive(io::Error),
    /// An archive with more entries than [`ZipLimits::max_entries`].
    TooManyEntries(usize, usize),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::InvalidPattern(e) => write!(f, "invalid pattern: {e}"),
            Reason::NoMatch => f.write_str("no file matches this pattern"),
            Reason::EmptyFolder => f.write_str("no .xml, .clixml or .zip file in this folder"),
            Reason::EmptyArchive => f.write_str("no .xml or .clixml entry in this archive"),
            Reason::Archive(e) => write!(f, "cannot read archive: {e}"),
            Reason::TooManyEntries(n, max) => write!(
                f,
                "refused: the archive holds {} entries, more than the {} the limit allows (--max-zip-entries)",
                crate::render::thousands(*n as u64),
                crate::render::thousands(*max as u64)
            ),
        }
    }
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.arg, self.reason)
    }
}

impl std::error::Error for DiscoveryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            Reason::InvalidPattern(e) => Some(e),
            Reason::Archive(e) => Some(e),
            _ => None,
        }
    }
}

/// The extensions taken from folders and archives.
fn is_export(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("clixml"))
}

/// Text a folder or an archive may hold a report in (read only when its
/// first bytes show one: a case folder also holds notes).
fn may_be_text_report(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["txt", "log", "csv"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Whether a file's first bytes show a text report or a batch download.
fn holds_report(mut r: impl Read) -> bool {
    let mut head = Vec::with_capacity(super::sniff::HEAD as usize);
    let _ = (&mut r).take(super::sniff::HEAD).read_to_end(&mut head);
    super::sniff::holds_report(&head)
}

fn is_zip(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Expands the arguments, in order, without duplicates: folders are walked
/// recursively (sorted; `.xml`, `.clixml` and `.zip`), glob patterns are
/// expanded here (cmd.exe and PowerShell pass `*.xml` through unexpanded;
/// `*`, `?` and `**` are the wildcards, brackets are part of names, and
/// Windows roots are read as Windows reads them: [`super::pattern`]),
/// zip archives contribute their `.xml`/`.clixml` entries. Arguments that
/// give nothing are reported, and the others still count. Archives are held
/// to the default [`ZipLimits`].
pub fn discover(args: &[PathBuf]) -> (Vec<Source>, Vec<DiscoveryError>) {
    discover_with(args, ZipLimits::default())
}

/// [`discover`], with archives held to `limits`.
pub fn discover_with(args: &[PathBuf], limits: ZipLimits) -> (Vec<Source>, Vec<DiscoveryError>) {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    // The same file through two spellings (`x.xml`, `../dir/x.xml`, a
    // symlink) is read once, under the first spelling given.
    let mut push = |s: Source, out: &mut Vec<Source>| {
        if seen.insert(identity(&s)) {
            out.push(s);
        }
    };
    for arg in args {
        let text = arg.to_string_lossy().into_owned();
        if text == "-" {
            push(Source::Stdin, &mut out);
            continue;
        }
        // An existing path is taken as it is, whatever characters it holds.
        let pattern = if arg.exists() { None } else { glob_pattern(&text, cfg!(windows)) };
        let paths: Vec<PathBuf> = if let Some(pattern) = pattern {
            // Windows users expect `*.XML` to match `a.xml`, as cmd.exe does.
            let options =
                glob::MatchOptions { case_sensitive: !cfg!(windows), ..Default::default() };
            match glob::glob_with(&pattern, options) {
                Ok(paths) => paths.filter_map(Result::ok).collect(),
                Err(e) => {
                    errors.push(DiscoveryError { arg: text, reason: Reason::InvalidPattern(e) });
                    continue;
                }
            }
        } else {
            vec![arg.clone()]
        };
        if paths.is_empty() {
            errors.push(DiscoveryError { arg: text, reason: Reason::NoMatch });
            continue;
        }
        let before = out.len();
        for path in paths {
            if path.is_dir() {
                let walker = walkdir::WalkDir::new(&path).sort_by_file_name().into_iter();
                for entry in walker.filter_map(Result::ok) {
                    let p = entry.path();
                    let text = || may_be_text_report(p) && File::open(p).is_ok_and(holds_report);
                    if entry.file_type().is_file() && (is_export(p) || is_zip(p) || text()) {
                        add_file(p, limits, &mut out, &mut push, &mut errors);
                    }
                }
            } else {
                add_file(&path, limits, &mut out, &mut push, &mut errors);
            }
        }
        if out.len() == before && arg.is_dir() {
            errors.push(DiscoveryError { arg: text, reason: Reason::EmptyFolder });
        }
    }
    (out, errors)
}

/// What makes two sources the same input: the canonical path of a file or
/// archive (the path as given when it cannot be resolved, e.g. missing).
fn identity(s: &Source) -> Source {
    let canonical = |p: &PathBuf| p.canonicalize().unwrap_or_else(|_| p.clone());
    match s {
        Source::File(p) => Source::File(canonical(p)),
        Source::ZipEntry { archive, entry, limits } => {
            Source::ZipEntry { archive: canonical(archive), entry: entry.clone(), limits: *limits }
        }
        Source::Stdin => Source::Stdin,
    }
}

fn add_file(
    path: &Path,
    limits: ZipLimits,
    out: &mut Vec<Source>,
    push: &mut impl FnMut(Source, &mut Vec<Source>),
    errors: &mut Vec<DiscoveryError>,
) {
    if !is_zip(path) {
        // Missing files are kept: opening them reports the error in order.
        push(Source::File(path.to_path_buf()), out);
        return;
    }
    match zip_entries(path, limits.max_entries) {
        Ok(entries) if entries.is_empty() => errors
            .push(DiscoveryError { arg: path.display().to_string(), reason: Reason::EmptyArchive }),
        Ok(entries) => {
            for entry in entries {
                push(Source::ZipEntry { archive: path.to_path_buf(), entry, limits }, out);
            }
        }
        Err(reason) => errors.push(DiscoveryError { arg: path.display().to_string(), reason }),
    }
}

fn zip_entries(path: &Path, max_entries: usize) -> Result<Vec<String>, Reason> {
    let mut zip = File::open(path)
        .and_then(|f| zip::ZipArchive::new(f).map_err(io::Error::other))
        .map_err(Reason::Archive)?;
    if zip.len() > max_entries {
        return Err(Reason::TooManyEntries(zip.len(), max_entries));
    }
    entry_names(&mut zip).map_err(Reason::Archive)
}

/// The archive's entries that hold an export or a report, in order.
fn entry_names(zip: &mut zip::ZipArchive<File>) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(io::Error::other)?;
        let name = entry.name().map_err(io::Error::other)?.into_owned();
        let file = entry.is_file();
        drop(entry);
        let path = Path::new(&name);
        let mut text = || may_be_text_report(path) && zip.by_index(i).is_ok_and(holds_report);
        if file && (is_export(path) || text()) {
            names.push(name);
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn zip_limits_refuse_by_declared_size_and_ratio() {
        let l = ZipLimits { max_entry_bytes: 10 << 20, max_ratio: 200, max_entries: 5 };
        assert_eq!(l.refusal(1 << 20, 10), None, "a small entry may compress any amount");
        assert_eq!(l.refusal(2_000_000, 10_000), None, "exactly 200 times");
        assert!(l.refusal(2_000_000, 9_999).unwrap().contains("zip bomb"));
        assert!(l.refusal(11 << 20, 11 << 20).unwrap().contains("--max-zip-entry-size"));
    }

    #[test]
    fn folders_globs_and_archives() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("case/sub")).unwrap();
        for f in ["case/b.xml", "case/a.XML", "case/sub/c.clixml", "case/notes.txt"] {
            std::fs::write(d.join(f), "<Objs/>").unwrap();
        }
        let zip_path = d.join("case/bundle.zip");
        let mut z = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("x/one.xml", opts).unwrap();
        z.write_all(b"<Objs/>").unwrap();
        z.start_file("readme.txt", opts).unwrap();
        z.finish().unwrap();

        let (sources, errors) = discover(&[d.join("case")]);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> =
            sources.iter().map(|s| s.display().replace(&d.display().to_string(), "")).collect();
        assert_eq!(
            names,
            ["/case/a.XML", "/case/b.xml", "/case/bundle.zip!x/one.xml", "/case/sub/c.clixml"]
        );

        let pattern = d.join("case/*.xml");
        let (sources, _) =
            discover(&[pattern.clone(), d.join("case/b.xml"), d.join("case/sub/../b.xml")]);
        assert_eq!(sources.len(), 1, "duplicates are dropped, however spelt: {sources:?}");
        assert!(sources[0].display().ends_with("b.xml"));

        // Brackets are part of names, in folders and files alike.
        std::fs::create_dir_all(d.join("Exports [2024]")).unwrap();
        std::fs::write(d.join("Exports [2024]/report[1].xml"), "<Objs/>").unwrap();
        std::fs::write(d.join("Exports [2024]/report1.xml"), "<Objs/>").unwrap();
        let (sources, errors) = discover(&[d.join("Exports [2024]/report[1]*.xml")]);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> = sources.iter().map(Source::display).collect();
        assert!(names.len() == 1 && names[0].ends_with("report[1].xml"), "{names:?}");
        let (sources, _) = discover(&[d.join("Exports [2024]/*.xml")]);
        assert_eq!(sources.len(), 2);

        let (sources, errors) = discover(&[d.join("nothing/*.xml")]);
        assert!(sources.is_empty());
        assert_eq!(errors.len(), 1);

        let entry = Source::ZipEntry {
            archive: zip_path,
            entry: "x/one.xml".into(),
            limits: ZipLimits::default(),
        };
        let mut text = String::new();
        entry.with_reader(|r| r.read_to_string(&mut text)).unwrap().unwrap();
        assert_eq!(text, "<Objs/>");
        assert_eq!(entry.size(), Some(7));
    }
}
