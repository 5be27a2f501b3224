//! The command line: `dump` output and exit codes, help, broken pipes.

use std::io::{Read, Write};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::util::objs;

fn bin() -> Command {
    Command::cargo_bin("mrs-triage").unwrap()
}

#[test]
fn dump_writes_one_json_line_per_object() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.xml");
    std::fs::write(&f, objs(r#"<S>x</S><Obj RefId="0"><TN RefId="0"><T>T</T></TN><MS><I32 N="n">1</I32></MS></Obj><Ref RefId="0" />"#)).unwrap();
    bin()
        .arg("dump")
        .arg(&f)
        .assert()
        .success()
        .stdout("\"x\"\n{\"@types\":[\"T\"],\"@id\":0,\"n\":1}\n{\"@ref\":0}\n");
}

#[test]
fn dump_reads_stdin() {
    bin().args(["dump", "-"]).write_stdin(objs("<B>true</B>")).assert().success().stdout("true\n");
}

#[test]
fn dump_of_every_element_snapshot() {
    let doc = objs(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Demo.Everything</T><T>Deserialized.System.Object</T></TN><ToString>all_x000A_of it</ToString>
           <Props><S N="S">s &amp; t</S><C N="C">65</C><B N="B">true</B><By N="By">1</By><SB N="SB">-1</SB><I16 N="I16">-2</I16><U16 N="U16">2</U16>
           <I32 N="I32">-3</I32><U32 N="U32">3</U32><I64 N="I64">-4</I64><U64 N="U64">4</U64><Sg N="Sg">1.5</Sg><Db N="Db">NaN</Db><D N="D">1.50</D>
           <DT N="DT">2024-01-01T00:00:00Z</DT><TS N="TS">PT1S</TS><G N="G">3f2504e0-4f89-11d3-9a0c-0305e82c3301</G><URI N="URI">http://a/</URI>
           <Version N="Version">1.2</Version><BA N="BA">AQI=</BA><XD N="XD">&lt;x/&gt;</XD><SBK N="SBK">{ 1 }</SBK><SS N="SS">00ff</SS><Nil N="Nil" />
           <S N="@odd">at</S><S N="Dup">props</S>
           <Obj N="List" RefId="1"><TN RefId="1"><T>System.Object[]</T></TN><LST><I32>1</I32><Ref RefId="0" /></LST></Obj>
           <Obj N="Dict" RefId="2"><TN RefId="2"><T>System.Collections.Hashtable</T></TN><DCT><En><S N="Key">k</S><S N="Value">v</S></En></DCT></Obj>
           <Obj N="Enum" RefId="3"><TN RefId="3"><T>Color</T><T>System.Enum</T></TN><ToString>Red</ToString><I32>1</I32></Obj>
           <PR N="PR"><AV>a</AV><AI>1</AI><S>op</S><PI>-1</PI><PC>5</PC><T>Processing</T><SR>9</SR><SD>d</SD></PR></Props>
           <MS><S N="Dup">ms</S><MS N="Set"><S N="x">y</S></MS></MS><Weird>kept</Weird></Obj>"#,
    );
    let out =
        bin().arg("dump").arg("-").write_stdin(doc).assert().success().get_output().stdout.clone();
    insta::assert_snapshot!("dump_every_element", String::from_utf8(out).unwrap());
}

#[test]
fn a_bad_file_is_reported_and_the_others_still_dumped() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xml");
    let bad = dir.path().join("bad.xml");
    std::fs::write(&good, objs("<S>fine</S>")).unwrap();
    std::fs::write(&bad, objs("\n<S>ok</S>\n  <I32>x</I32>")).unwrap();
    bin()
        .arg("dump")
        .arg(&bad)
        .arg(&good)
        .assert()
        .code(65)
        .stdout("\"ok\"\n\"fine\"\n")
        .stderr(predicate::str::contains("bad.xml:3:3: invalid <I32> value \"x\""));
}

#[test]
fn a_missing_file_is_exit_66() {
    bin()
        .args(["dump", "no/such/file.xml"])
        .assert()
        .code(66)
        .stderr(predicate::str::contains("mrs-triage: no/such/file.xml: cannot open"));
    bin().arg("no/such/file.xml").assert().code(66);
}

#[test]
fn usage_errors_are_exit_2_and_help_is_exit_0() {
    bin().args(["dump", "--no-such-flag", "x"]).assert().code(2);
    bin().args(["--format", "yaml", "x.xml"]).assert().code(2);
    bin().arg("--help").assert().success().stdout(predicate::str::contains("EXIT STATUS"));
    bin()
        .args(["dump", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("EXIT STATUS"));
    bin().arg("--version").assert().success();
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Many lines, and a reader that takes one line and closes the pipe.
    let doc =
        objs(&"<S>a fairly long line of text to fill pipe buffers quickly</S>".repeat(200_000));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.xml");
    std::fs::write(&f, doc).unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("mrs-triage"))
        .arg("dump")
        .arg(&f)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "{err}");
    let _ = std::io::stdout().flush();
}
