//! `mrs-triage dump` as a user runs it: NDJSON output (insta snapshots of
//! the fixtures), standard input, the exit codes and error lines for bad,
//! missing and mistyped inputs, `--help`, and a reader that closes the pipe.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::util::{BIN, ROOT, bin, fixture, objs, sample};

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().stderr("").get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn dump_of_a_small_fixture() {
    let out = stdout_of(bin().arg("dump").arg(fixture("small.xml")));
    // One line per top-level value, each a complete JSON value.
    assert_eq!(out.lines().count(), 3);
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    insta::assert_snapshot!("dump_small", out);
}

#[test]
fn dump_of_every_element() {
    let out = stdout_of(bin().arg("dump").arg(fixture("every-element.xml")));
    assert_eq!(out.lines().count(), 35);
    insta::assert_snapshot!("dump_every_element", out);
}

#[test]
fn dump_reads_every_encoding_to_the_same_output() {
    let want = stdout_of(bin().arg("dump").arg(fixture("encodings/utf8.xml")));
    for name in [
        "utf8-bom.xml",
        "utf16le-bom.xml",
        "utf16be-bom.xml",
        "utf16le.xml",
        "utf16be.xml",
        "clixml-preamble.xml",
    ] {
        let got = stdout_of(bin().arg("dump").arg(fixture(&format!("encodings/{name}"))));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn dash_reads_standard_input() {
    let input = std::fs::read(fixture("small.xml")).unwrap();
    let from_file = stdout_of(bin().arg("dump").arg(fixture("small.xml")));
    let from_stdin = stdout_of(bin().args(["dump", "-"]).write_stdin(input));
    assert_eq!(from_stdin, from_file);
    // Files and stdin mix, in command-line order.
    let out = stdout_of(
        bin().arg("dump").arg(fixture("small.xml")).arg("-").write_stdin(objs("<I32>5</I32>")),
    );
    assert_eq!(out, format!("{from_file}5\n"));
}

#[test]
fn invalid_input_is_exit_65_and_the_other_files_are_still_dumped() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    // Line 3, column 3: line 1 is the 80-byte root tag, line 2 `  <S>ok</S>`
    // is 11 bytes, so the element is at byte 81 + 12 + 2.
    std::fs::write(&bad, format!("{ROOT}\n  <S>ok</S>\n  <I32>x</I32>\n  <S>never</S>\n</Objs>\n"))
        .unwrap();
    let small = fixture("small.xml");
    let want_small = stdout_of(bin().arg("dump").arg(&small));
    let assert = bin().arg("dump").arg(&bad).arg(&small).assert().code(65);
    let out = assert.get_output();
    // What was read before the error, then the next file in full.
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("\"ok\"\n{want_small}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!("mrs-triage: {}:3:3: invalid <I32> value \"x\" (byte 95)\n", bad.display())
    );

    // Standard input is named `-`, as by every command; a truncated document is exit 65 too.
    bin()
        .args(["dump", "-"])
        .write_stdin("<Objs><S>a</S>\n<S>cut")
        .assert()
        .code(65)
        .stdout("\"a\"\n")
        .stderr(predicate::str::starts_with("mrs-triage: -:2:7: unexpected end of file"));
}

#[test]
fn a_missing_file_is_exit_66_and_the_others_are_still_dumped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-file.xml");
    let want = stdout_of(bin().arg("dump").arg(fixture("small.xml")));
    bin()
        .arg("dump")
        .arg(&missing)
        .arg(fixture("small.xml"))
        .assert()
        .code(66)
        .stdout(want)
        .stderr(predicate::str::starts_with(format!(
            "mrs-triage: {}: cannot open",
            missing.display()
        )));
    // A missing file outranks an invalid one.
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<Objs><B>True</B></Objs>").unwrap();
    bin().arg("dump").arg(&bad).arg(&missing).assert().code(66);
}

#[test]
fn usage_errors_are_exit_2() {
    bin()
        .args(["dump", "--no-such-flag", "x.xml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--no-such-flag"));
    bin().arg("dump").assert().code(2).stdout("");
    bin().args(["dump", "--max-depth", "many", "x.xml"]).assert().code(2).stdout("");
}

#[test]
fn help_documents_the_exit_status() {
    for args in [&["--help"][..], &["dump", "--help"][..]] {
        bin()
            .args(args)
            .assert()
            .success()
            .stderr("")
            .stdout(predicate::str::contains("EXIT STATUS").and(predicate::str::contains("65")));
    }
}

#[test]
fn reader_limits_apply_to_dump() {
    let deep = objs(&format!("{}{}", "<Obj>".repeat(10), "</Obj>".repeat(10)));
    bin().args(["dump", "-"]).write_stdin(deep.clone()).assert().success();
    bin()
        .args(["dump", "--max-depth", "5", "-"])
        .write_stdin(deep)
        .assert()
        .code(65)
        .stderr(predicate::str::contains("deeper than 5"));
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    // Far more output than a pipe and the program's buffers hold, so the
    // program must still be writing when the reader goes away.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    std::fs::write(&big, objs(&"<S>some text that fills the pipe quickly</S>".repeat(200_000)))
        .unwrap();
    let mut child = StdCommand::new(BIN)
        .arg("dump")
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, "\"some text that fills the pipe quickly\"\n");
    drop(stdout); // closes our end: the next write fails with EPIPE
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stderr, "");
}

/// `-o` naming something that is not a regular file (a named pipe here, as
/// `/dev/null` or `/dev/stdout` would be) is written in place, never replaced
/// by the temporary-file-and-rename of ordinary outputs.
#[cfg(unix)]
#[test]
fn output_to_a_named_pipe_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.pipe");
    let made = StdCommand::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    bin()
        .arg(sample("batch-wave3.utf16.xml"))
        .args(["--format", "json", "-o"])
        .arg(&fifo)
        .assert()
        .success();
    // Checked before joining: had the pipe been replaced, its reader would
    // wait forever.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
    let text = reader.join().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["mailboxes"].as_array().unwrap().len(), 5);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left beside it");
}
