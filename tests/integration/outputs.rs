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

/// Every output flag of every command that writes files, against an input
/// reached through every spelling: the same path, `./`, `sub/../`, the
/// absolute path and a symlink (for a folder output: the folder as `.`,
/// `./`, `sub/..`, absolute, and a symlink to it). Each is refused with
/// status 2 before anything is read, and the input is left as it was.
/// `dump` writes only to standard output (it has no output flag), and
/// `samples` and `generate` read no input; their writes are atomic
/// (`failed_writes_leave_the_previous_file`).
#[test]
fn every_output_flag_refuses_every_spelling_of_an_input() {
    let dir = case();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    // Inputs named like the files the folder outputs write.
    for f in ["mailboxes.csv", "folders.parquet", "diff_failures.csv"] {
        std::fs::copy(sample("healthy.xml"), d.join(f)).unwrap();
    }
    let abs = d.canonicalize().unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("r.xml"), d.join("r-link.xml")).unwrap();
        std::os::unix::fs::symlink(&abs, d.join("dir-link")).unwrap();
    }
    let file_spellings = |name: &str| {
        let mut all = vec![
            name.to_string(),
            format!("./{name}"),
            format!("sub/../{name}"),
            abs.join(name).display().to_string(),
        ];
        if cfg!(unix) && name == "r.xml" {
            all.push("r-link.xml".into());
        }
        all
    };
    let mut folder_spellings =
        vec![".".to_string(), "./".into(), "sub/..".into(), abs.display().to_string()];
    if cfg!(unix) {
        folder_spellings.push("dir-link".into());
    }
    // (arguments with OUT for the output path, the input it must not replace)
    let file_outputs: &[&[&str]] = &[
        &["summary", "r.xml", "--format", "json", "-o", "OUT"],
        &["summary", "r.xml", "--format", "table", "-o", "OUT"],
        &["summary", "r.xml", "--format", "html", "-o", "OUT"],
        &["summary", "r.xml", "--html", "OUT"],
        &["summary", "r.xml", "--xlsx", "OUT"],
        &["r.xml", "--html", "OUT"],
        &["export", "-f", "json", "-o", "OUT", "r.xml"],
        &["export", "-f", "ndjson", "-o", "OUT", "r.xml"],
        &["export", "-f", "xlsx", "-o", "OUT", "r.xml"],
        &["remediate", "r.xml", "-o", "OUT"],
        &["perf", "r.xml", "-o", "OUT"],
        &["diff", "healthy.xml", "r.xml", "-o", "OUT"],
        &["diff", "r.xml", "healthy.xml", "-f", "json", "-o", "OUT"],
    ];
    std::fs::copy(sample("healthy.xml"), d.join("healthy.xml")).unwrap();
    let mut runs = 0;
    for args in file_outputs {
        for out in file_spellings("r.xml") {
            let args: Vec<&str> =
                args.iter().map(|a| if *a == "OUT" { &out } else { *a }).collect();
            refused(d, &args, "r.xml");
            runs += 1;
        }
    }
    let folder_outputs: &[(&[&str], &str)] = &[
        (&["summary", "mailboxes.csv", "--csv", "OUT"], "mailboxes.csv"),
        (&["export", "-f", "csv", "-o", "OUT", "mailboxes.csv"], "mailboxes.csv"),
        (&["export", "-f", "parquet", "-o", "OUT", "folders.parquet"], "folders.parquet"),
        (&["diff", "r.xml", "diff_failures.csv", "--csv", "OUT"], "diff_failures.csv"),
        (&["diff", "diff_failures.csv", "r.xml", "-f", "csv", "-o", "OUT"], "diff_failures.csv"),
    ];
    for (args, input) in folder_outputs {
        for out in &folder_spellings {
            let args: Vec<&str> = args.iter().map(|a| if *a == "OUT" { out } else { *a }).collect();
            refused(d, &args, input);
            runs += 1;
        }
    }
    assert_eq!(runs, 13 * file_spellings("r.xml").len() + 5 * folder_spellings.len());
    // `dump` has no output flag to misuse.
    let out = bin().current_dir(d).args(["dump", "r.xml", "-o", "r.xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '-o'"));
}

/// A write that fails part-way (the file size limit reached, `prlimit
/// --fsize`, with SIGXFSZ ignored so the write returns EFBIG) leaves the
/// file that was there, and no temporary file: the file outputs of
/// `summary`, `export` and `remediate`, a folder of tables, `samples` and
/// `generate` (diff's and perf's outputs of the samples are under the 4 KiB
/// limit, so they are not tried here; the workbook panics instead, see
/// `a_failed_workbook_write_is_status_73`).
#[cfg(target_os = "linux")]
#[test]
fn failed_writes_leave_the_previous_file() {
    assert!(Path::new("/usr/bin/prlimit").exists(), "prlimit (util-linux) is needed");
    let dir = case();
    let d = dir.path();
    std::fs::copy(sample("target-principals.xml"), d.join("r.xml")).unwrap();
    let limited = |args: &[&str]| {
        std::process::Command::new("sh")
            .current_dir(d)
            .env("COLUMNS", "120")
            .env("SOURCE_DATE_EPOCH", "1764633600")
            .arg("-c")
            .arg("trap '' XFSZ; exec prlimit --fsize=4096 \"$@\"")
            .arg("sh")
            .arg(crate::util::BIN)
            .args(args)
            .output()
            .unwrap()
    };
    let cases: &[(&[&str], &str)] = &[
        (&["r.xml", "--format", "json", "-o", "out.json"], "out.json"),
        (&["r.xml", "--steps", "-o", "out.txt"], "out.txt"),
        (&["r.xml", "--html", "out.html"], "out.html"),
        (&["export", "-o", "out.ndjson", "r.xml"], "out.ndjson"),
        (&["export", "-o", "out.json", "r.xml"], "out.json"),
        (&["remediate", "r.xml", "-o", "out.ps1"], "out.ps1"),
        (&["generate", "--mailboxes", "5", "--items", "50", "-o", "out.xml"], "out.xml"),
    ];
    for (args, file) in cases {
        std::fs::write(d.join(file), "old").unwrap();
        let out = limited(args);
        assert_eq!(
            out.status.code(),
            Some(73),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read_to_string(d.join(file)).unwrap(), "old", "{args:?}");
        let names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(names.is_empty(), "{args:?}: temporary files left: {names:?}");
    }
    // A folder of tables keeps all its old files (this sample's bad items
    // table is larger than the limit).
    std::fs::copy(sample("source-principals.xml"), d.join("big.xml")).unwrap();
    std::fs::create_dir(d.join("tables")).unwrap();
    std::fs::write(d.join("tables/bad_items.csv"), "old").unwrap();
    let out = limited(&["export", "-f", "csv", "-o", "tables", "big.xml"]);
    assert_eq!(out.status.code(), Some(73));
    let left: Vec<_> = std::fs::read_dir(d.join("tables")).unwrap().collect();
    assert_eq!(left.len(), 1, "only the old table");
    assert_eq!(std::fs::read_to_string(d.join("tables/bad_items.csv")).unwrap(), "old");
    // `samples`: each file is the old one or the whole new one, never half.
    std::fs::create_dir(d.join("s")).unwrap();
    let names: Vec<String> = crate::util::every_sample()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for n in &names {
        std::fs::write(d.join("s").join(n), "old").unwrap();
    }
    let out = limited(&["samples", "s"]);
    assert_eq!(out.status.code(), Some(73));
    for n in &names {
        let now = std::fs::read(d.join("s").join(n)).unwrap();
        assert!(now == b"old" || now == std::fs::read(sample(n)).unwrap(), "{n}: half written");
    }
}

/// rust_xlsxwriter panics when a write of its constant-memory sheet files
/// fails (`Couldn't write to xml file: … File too large` in
/// worksheet.rs); the exporter catches it, so a full disk ends `--xlsx` with
/// status 73 like any other output, and the previous workbook is intact.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_workbook_write_is_status_73() {
    let dir = case();
    let d = dir.path();
    std::fs::write(d.join("out.xlsx"), "old").unwrap();
    let out = std::process::Command::new("sh")
        .current_dir(d)
        .arg("-c")
        .arg("trap '' XFSZ; exec prlimit --fsize=4096 \"$@\"")
        .arg("sh")
        .arg(crate::util::BIN)
        .args(["r.xml", "-q", "--xlsx", "out.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(73), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(d.join("out.xlsx")).unwrap(), "old");
}
