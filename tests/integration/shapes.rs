//! The export shapes the triage engine must understand, each as a small
//! hand-written CLIXML document run through `mrs-triage summary --format json`.

use serde_json::Value;

use crate::util::{bin, objs};

fn summary_of(doc: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xml");
    std::fs::write(&path, objs(doc)).unwrap();
    let out = bin().args(["--format", "json"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

const MRS: &str = "Microsoft.Exchange.MailboxReplicationService";

fn principal_item(id: u32, folder: &str, sid: &str) -> String {
    format!(
        r#"<Obj RefId="{id}"><TN RefId="{id}"><T>Deserialized.{MRS}.BadMessageRec</T><T>Deserialized.System.Object</T></TN>
        <ToString>Unable to translate principals for folder "{folder}"/"FolderNTSD": Failed to find a principal from the source forest.</ToString>
        <Props><S N="Kind">CorruptFolderACL</S><S N="FolderName">{folder}</S><S N="Category">SourcePrincipalError</S>
        <Obj N="Failure" RefId="{fid}"><TN RefId="{fid}"><T>Deserialized.{MRS}.FailureRec</T></TN>
          <Props><S N="FailureType">SourcePrincipalMappingException</S><S N="Message">Failed to find a principal from the source forest.</S>
          <S N="DataContext">Folder: '{folder}', entryId [len=2, data=0000]_x000D__x000A_SID: {sid};</S></Props></Obj>
        </Props></Obj>"#,
        fid = id + 1000
    )
}

#[test]
fn a_top_level_list_of_statistics_is_flattened() {
    let stats = |id: u32, alias: &str| {
        format!(
            r#"<Obj RefId="{id}"><TN RefId="{id}"><T>Deserialized.{MRS}.MoveRequestStatistics</T></TN><ToString>{alias}</ToString>
            <Props><S N="Alias">{alias}</S><S N="Status">Completed</S><Nil N="Report" /></Props></Obj>"#
        )
    };
    let d = summary_of(&format!(
        r#"<Obj RefId="90"><TN RefId="90"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN><LST>{}{}</LST></Obj>"#,
        stats(1, "a"),
        stats(2, "b")
    ));
    let aliases: Vec<&str> =
        d["mailboxes"].as_array().unwrap().iter().map(|m| m["alias"].as_str().unwrap()).collect();
    assert_eq!(aliases, ["a", "b"]);
    assert_eq!(d["mailboxes"][1]["index"], 1);
    assert_eq!(d["inputs"][0]["objects"], 1);
}

#[test]
fn move_history_entries_become_mailboxes() {
    let doc = format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Mapi.MailboxStatistics</T></TN><ToString>Pat Doe</ToString>
        <Props><S N="DisplayName">Pat Doe</S><G N="MailboxGuid">11111111-2222-3333-4444-555555555555</G>
        <Obj N="MoveHistory" RefId="1"><TN RefId="1"><T>System.Collections.Generic.List`1[[Microsoft.Exchange.Data.Directory.Management.MoveHistoryEntry]]</T></TN><LST>
          <Obj RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.Directory.Management.MoveHistoryEntry</T></TN>
            <Props><S N="Status">Failed</S><S N="FailureType">TooManyBadItemsPermanentException</S><I32 N="BadItemLimit">0</I32><I32 N="BadItemsEncountered">1</I32>
            <Obj N="Report" RefId="3"><TN RefId="3"><T>Deserialized.{MRS}.Report</T></TN>
              <Props><Obj N="BadItems" RefId="4"><TN RefId="4"><T>List</T></TN><LST>{item}</LST></Obj></Props></Obj>
            </Props></Obj>
          <Obj RefId="5"><TNRef RefId="2" /><Props><S N="Status">Completed</S><Nil N="Report" /></Props></Obj>
        </LST></Obj></Props></Obj>"#,
        item = principal_item(10, "Inbox", "S-1-5-21-1-2-3-500")
    );
    let d = summary_of(&doc);
    let m = d["mailboxes"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0]["source_type"], "move_history");
    assert_eq!(m[0]["identity"], "Pat Doe");
    assert_eq!(m[0]["exchange_guid"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(m[0]["counts"]["source_principal"], 1);
    assert_eq!(m[0]["verdict"], "permissions_only");
    assert_eq!(m[0]["bad_item_limit"], 0);
    assert_eq!(m[1]["verdict"], "clean");
}

#[test]
fn a_bare_report_is_one_mailbox() {
    let d = summary_of(&format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>{MRS}.Report</T><T>System.Object</T></TN>
        <Props><Obj N="BadItems" RefId="1"><TN RefId="1"><T>List</T></TN><LST>{}</LST></Obj></Props></Obj>"#,
        principal_item(2, "Calendar", "S-1-5-21-1-2-3-501")
    ));
    let m = &d["mailboxes"][0];
    assert_eq!(m["source_type"], "report");
    assert_eq!(m["counts"]["source_principal"], 1);
    assert_eq!(d["principals"][0]["sid"], "S-1-5-21-1-2-3-501");
    assert_eq!(d["principals"][0]["folders"], 1);
}

#[test]
fn enums_as_numbers_or_value_members_and_selected_types() {
    let d = summary_of(&format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>Selected.Deserialized.{MRS}.MoveRequestStatistics</T></TN>
        <Props><S N="Alias">num</S>
          <Obj N="Status" RefId="1"><TN RefId="1"><T>RequestStatus</T><T>System.Enum</T></TN><Props><S N="Value">Failed</S></Props></Obj>
          <Obj N="StatusDetail" RefId="5"><TN RefId="5"><T>RequestState</T><T>System.Enum</T></TN><I32>71</I32></Obj>
          <Obj N="BadItemLimit" RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.Unlimited`1[[System.Int32]]</T></TN><ToString>Unlimited</ToString><Props><B N="IsUnlimited">true</B><Nil N="Value" /></Props></Obj>
          <Obj N="LargeItemLimit" RefId="3"><TNRef RefId="2" /><ToString>5</ToString><Props><B N="IsUnlimited">false</B><I32 N="Value">5</I32></Props></Obj>
          <S N="FailureType">TooManyBadItemsPermanentException</S>
          <Obj N="TotalMailboxSize" RefId="4"><TN RefId="4"><T>Deserialized.Microsoft.Exchange.Data.ByteQuantifiedSize</T></TN><ToString>1,2 GB (1.288.490.188 bytes)</ToString></Obj>
          <Nil N="Report" /></Props></Obj>"#
    ));
    let m = &d["mailboxes"][0];
    assert_eq!(m["status"], "Failed");
    assert_eq!(m["status_detail"], "FailedBadItemLimit", "an enum given only as its number");
    assert_eq!(m["bad_item_limit"], "unlimited");
    assert_eq!(m["large_item_limit"], 5);
    assert_eq!(m["source_type"], "move_request_statistics");
}

#[test]
fn bad_items_listed_first_and_referenced_from_entries_count_once() {
    let d = summary_of(&format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.{MRS}.MoveRequestStatistics</T></TN><ToString>x</ToString>
        <Props><S N="Alias">x</S><S N="Status">Failed</S><S N="FailureType">TooManyBadItemsPermanentException</S>
        <Obj N="Report" RefId="1"><TN RefId="1"><T>Deserialized.{MRS}.Report</T></TN><Props>
          <Obj N="BadItems" RefId="2"><TN RefId="2"><T>List</T></TN><LST>{a}{b}</LST></Obj>
          <Obj N="Failures" RefId="3"><TNRef RefId="2" /><LST><Ref RefId="1010" /><Ref RefId="1011" /></LST></Obj>
          <Obj N="Entries" RefId="4"><TNRef RefId="2" /><LST>
            <Obj RefId="5"><TN RefId="5"><T>Deserialized.{MRS}.ReportEntry</T></TN><Props><DT N="CreationTime">2024-05-14T09:00:00Z</DT><Ref N="BadItem" RefId="10" /><Ref N="Failure" RefId="1010" /></Props></Obj>
            <Obj RefId="6"><TNRef RefId="5" /><Props><DT N="CreationTime">2024-05-14T09:00:01Z</DT><Ref N="BadItem" RefId="11" /></Props></Obj>
          </LST></Obj>
        </Props></Obj></Props></Obj>"#,
        a = principal_item(10, "Inbox", "S-1-5-21-1-2-3-500"),
        b = principal_item(11, "Inbox/a;b 'c' \"d\"", "S-1-5-21-1-2-3-500"),
    ));
    let m = &d["mailboxes"][0];
    assert_eq!(m["counts"]["source_principal"], 2);
    assert_eq!(m["failure_types"], serde_json::json!({}));
    assert_eq!(d["principals"][0]["folders"], 2);
    assert_eq!(d["principals"][0]["occurrences"], 2);
}

#[test]
fn principal_failures_without_bad_items_count_once_each() {
    let failure = |id: u32, sid: &str| {
        format!(
            r#"<Obj RefId="{id}"><TN RefId="{id}"><T>Deserialized.{MRS}.FailureRec</T></TN><Props><S N="FailureType">TargetPrincipalMappingException</S>
            <S N="Message">Failed to find a principal in the target forest that corresponds to the following source forest principal values: Alias: u{id}; SID: {sid};.</S>
            <S N="DataContext">Folder: 'Inbox', entryId [len=2, data=0000]</S></Props></Obj>"#
        )
    };
    let d = summary_of(&format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.{MRS}.MoveRequestStatistics</T></TN><ToString>y</ToString>
        <Props><S N="Alias">y</S><S N="Status">InProgress</S>
        <Obj N="Report" RefId="1"><TN RefId="1"><T>Deserialized.{MRS}.Report</T></TN><Props>
          <Obj N="Failures" RefId="2"><TN RefId="2"><T>List</T></TN><LST>{}{}<Ref RefId="3" /></LST></Obj>
        </Props></Obj></Props></Obj>"#,
        failure(3, "S-1-5-21-9-9-9-1"),
        failure(4, "S-1-5-21-9-9-9-2"),
    ));
    let m = &d["mailboxes"][0];
    assert_eq!(m["counts"]["target_principal"], 2);
    assert_eq!(m["verdict"], "permissions_only");
    assert_eq!(d["principals"].as_array().unwrap().len(), 2);
}

#[test]
fn unrecognised_items_are_counted_as_other() {
    let d = summary_of(&format!(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.{MRS}.MoveRequestStatistics</T></TN><ToString>z</ToString>
        <Props><S N="Alias">z</S><S N="Status">Completed</S>
        <Obj N="Report" RefId="1"><TN RefId="1"><T>Deserialized.{MRS}.Report</T></TN><Props>
          <Obj N="BadItems" RefId="2"><TN RefId="2"><T>List</T></TN><LST><S>Something new the service logs</S>
            <Obj RefId="3"><TN RefId="3"><T>Deserialized.{MRS}.BadMessageRec</T></TN><Props><S N="Kind">QuantumFolderFlux</S></Props></Obj></LST></Obj>
        </Props></Obj></Props></Obj>"#
    ));
    let m = &d["mailboxes"][0];
    assert_eq!(m["counts"]["other"], 2);
    assert_eq!(m["verdict"], "data_loss_risk");
}

#[test]
fn non_report_objects_are_reported_not_dropped() {
    let d = summary_of(
        "<S>hello</S><Obj RefId=\"0\"><TN RefId=\"0\"><T>Some.Other.Type</T></TN></Obj>",
    );
    assert_eq!(d["mailboxes"].as_array().unwrap().len(), 0);
    assert_eq!(d["inputs"][0]["objects"], 2);
    assert_eq!(d["inputs"][0]["other_objects"]["Some.Other.Type"], 1);
    assert_eq!(d["inputs"][0]["other_objects"]["string"], 1);
}
