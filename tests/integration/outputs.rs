//! Where outputs go: no output ever replaces an input, whichever command,
//! flag or spelling of the path, and `dump` reads the same inputs as every
//! other command.

use std::io::Write;
use std::path::Path;

use crate::util::{bin, sample};

/// A case folder holding a copy of a sample as `r.xml`.
fn case() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("target-principals.xml"), dir.path().join("r.xml")).unwrap();
    dir
}

#[track_caller]
fn refused(dir: &Path, args: &[&str], input: &str) {
    let before = std::fs::read(dir.join(input)).unwrap();
    let out = bin().current_dir(dir).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to write") && err.contains("it would replace the input"),
        "{args:?}: {err}"
    );
    assert_eq!(std::fs::read(dir.join(input)).unwrap(), before, "{args:?}: the input is untouched");
    assert!(out.stdout.is_empty(), "{args:?}: nothing was read or written");
}

#[test]
fn no_command_or_flag_replaces_an_input() {
    let dir = case();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    refused(d, &["r.xml", "--format", "json", "-o", "r.xml"], "r.xml");
    refused(d, &["r.xml", "-o", "./r.xml"], "r.xml");
    refused(d, &["r.xml", "--html", "r.xml"], "r.xml");
    refused(d, &["summary", "r.xml", "--html", "sub/../r.xml"], "r.xml");
    refused(d, &["remediate", "r.xml", "-o", "r.xml"], "r.xml");
    refused(d, &["export", "-f", "json", "-o", "r.xml", "r.xml"], "r.xml");
    refused(d, &["export", "-f", "ndjson", "-o", "r.xml", "r.xml"], "r.xml");
    // A folder output replaces an input named like one of its files.
    std::fs::copy(sample("healthy.xml"), d.join("mailboxes.csv")).unwrap();
    refused(d, &["mailboxes.csv", "--csv", "."], "mailboxes.csv");
    refused(d, &["export", "-f", "csv", "-o", ".", "mailboxes.csv"], "mailboxes.csv");
    std::fs::copy(sample("healthy.xml"), d.join("folders.parquet")).unwrap();
    refused(d, &["export", "-f", "parquet", "-o", ".", "folders.parquet"], "folders.parquet");
    // An input reached through a folder, a pattern or an archive counts too.
    refused(d, &[".", "--format", "json", "-o", "r.xml"], "r.xml");
    refused(d, &["*.xml", "--format", "json", "-o", "r.xml"], "r.xml");
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("bundle.zip")).unwrap());
    z.start_file("x.xml", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(&std::fs::read(sample("healthy.xml")).unwrap()).unwrap();
    z.finish().unwrap();
    refused(d, &["bundle.zip", "--html", "bundle.zip"], "bundle.zip");
    // Either side of a comparison, by any of its outputs.
    refused(d, &["diff", "r.xml", "bundle.zip", "-o", "r.xml"], "r.xml");
    refused(d, &["diff", "bundle.zip", "r.xml", "-f", "json", "-o", "./r.xml"], "r.xml");
    std::fs::copy(sample("healthy.xml"), d.join("diff_failures.csv")).unwrap();
    refused(d, &["diff", "r.xml", "diff_failures.csv", "--csv", "."], "diff_failures.csv");
    refused(
        d,
        &["diff", "diff_failures.csv", "r.xml", "-f", "csv", "-o", "."],
        "diff_failures.csv",
    );
    // Other paths are fine.
    let ok = bin()
        .current_dir(d)
        .args(["r.xml", "-q", "--format", "json", "-o", "s.json"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
}

#[cfg(unix)]
#[test]
fn a_symlink_to_an_input_is_the_input() {
    let dir = case();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("r.xml"), d.join("link.json")).unwrap();
    refused(d, &["r.xml", "--format", "json", "-o", "link.json"], "r.xml");
}

#[test]
fn dump_reads_folders_patterns_and_archives() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("case")).unwrap();
    std::fs::copy(sample("healthy.xml"), d.join("case/a.xml")).unwrap();
    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("case/b.zip")).unwrap());
    z.start_file("inner/c.xml", zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(&std::fs::read(sample("healthy.xml")).unwrap()).unwrap();
    z.finish().unwrap();
    let lines = |args: &[&str]| {
        let out = bin().current_dir(d).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    let one = lines(&["dump", "case/a.xml"]);
    assert!(one > 0);
    assert_eq!(lines(&["dump", "case"]), 2 * one, "the folder's file and the archive's entry");
    assert_eq!(lines(&["dump", "case/*.zip"]), one);
    let missing = bin().current_dir(d).args(["dump", "nothing/*.xml"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(66));
}
