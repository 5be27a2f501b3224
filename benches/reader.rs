//! Throughput of the CLIXML reader against a raw quick-xml pass over the same
//! bytes, on a generated export shaped like `Get-MoveRequestStatistics
//! -IncludeReport | Export-Clixml` (UTF-8, and the same content in UTF-16 LE).
//!
//! `cargo bench --bench reader` generates an export of at least 200 MiB once
//! (cached in `<target dir>/bench-data/`); `cargo test --benches` (criterion's
//! test mode, no `--bench` argument) uses about 1 MiB, checks that the reader
//! and the raw pass agree on it, and runs every benchmark once.
//!
//! Every throughput is per byte of the UTF-8 file, also for the UTF-16 group:
//! the same content, so MB/s compare directly and the UTF-16 figures show what
//! transcoding costs per unit of content.
//!
//! After the criterion groups, a full run also prints the reader/raw ratio
//! measured in alternating pairs, which a drifting host moves less than the
//! ratio of two criterion figures taken a minute apart.

use std::fmt::Write as _;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{data_dir, full_run, raw_quick_xml};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use mrs_triage::clixml::Reader;
use mrs_triage::clixml::decode::Decoder;

mod common;

// The same allocator as the `mrs-triage` binary, so the figures are the tool's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Bumped whenever the generator changes, so stale cached files are not reused.
const GENERATOR_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// Input generation: plain string formatting, one top-level object at a time.

const MOVE_REQUEST_STATS: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.RequestStatisticsBase",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.RequestJobBase",
    "Deserialized.Microsoft.Exchange.Data.ConfigurableObject",
    "Deserialized.System.Object",
];
const ENUM_TAIL: [&str; 3] =
    ["Deserialized.System.Enum", "Deserialized.System.ValueType", "Deserialized.System.Object"];
const REQUEST_STATUS: &str =
    "Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RequestStatus";
const REQUEST_STATE: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.RequestState";
const WORKLOAD: &str =
    "Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RequestWorkloadType";
const REQUEST_FLAGS: &str = "Deserialized.Microsoft.Exchange.Data.Directory.Recipient.RequestFlags";
const EXCEPTION_SIDE: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.ExceptionSide";
const ENTRY_TYPE: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.ReportEntryType";
const ENTRY_FLAGS: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.ReportEntryFlags";
const BAD_ITEM_KIND: &str = "Deserialized.Microsoft.Exchange.MailboxReplicationService.BadItemKind";
const FOLDER_TYPE: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.WellKnownFolderType";
const WELL_KNOWN_EXCEPTION: &str =
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.WellKnownException";
const UNLIMITED_INT: &[&str] = &[
    "Deserialized.Microsoft.Exchange.Data.Unlimited`1[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
    "Deserialized.System.ValueType",
    "Deserialized.System.Object",
];
const BYTE_SIZE: &[&str] = &[
    "Deserialized.Microsoft.Exchange.Data.ByteQuantifiedSize",
    "Deserialized.System.ValueType",
    "Deserialized.System.Object",
];
const REPORT: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.Report",
    "Deserialized.System.Object",
];
const ENTRY_LIST: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.Report+ListWithToString`1[[Microsoft.Exchange.MailboxReplicationService.ReportEntry, Microsoft.Exchange.MailboxReplicationService.Common, Version=15.20.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
    "Deserialized.System.Object",
];
const REF_LIST: &[&str] = &[
    "Deserialized.System.Collections.Generic.List`1[[System.Object, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
    "Deserialized.System.Object",
];
const REPORT_ENTRY: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.ReportEntry",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.XMLSerializableBase",
    "Deserialized.System.Object",
];
const BAD_MESSAGE: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.BadMessageRec",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.XMLSerializableBase",
    "Deserialized.System.Object",
];
const FAILURE_REC: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.FailureRec",
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.XMLSerializableBase",
    "Deserialized.System.Object",
];
const EXCEPTION_ARRAY: &[&str] = &[
    "Deserialized.Microsoft.Exchange.MailboxReplicationService.WellKnownException[]",
    "Deserialized.System.Array",
    "Deserialized.System.Object",
];

/// Names that exercise non-ASCII text, `&amp;` and the other XML escapes.
const PEOPLE: &[(&str, &str)] = &[
    ("Adele Vance", "adelev"),
    ("Zoë Müller-Łukasiewicz", "zoem"),
    ("田中 太郎", "tanakat"),
    ("Björn O&apos;Neill", "bjorno"),
    ("Ana &amp; José Pérez (shared)", "anajose"),
    ("Владимир Соколов", "vsokolov"),
    ("Nestor Wilke", "nestorw"),
    ("Pradeep Gupta", "pradeepg"),
];
const FOLDERS: &[&str] = &[
    "Inbox",
    "Sent Items",
    "Contacts",
    "Shared; Finance",
    "R&amp;D &quot;Archive&quot;",
    "Posteingang/Ablage 2023",
    "受信トレイ",
    "Calendar",
];
const SUBJECTS: &[&str] = &[
    "Weekly status",
    "=HYPERLINK(&quot;http://example.invalid&quot;)",
    "Q3 numbers &lt;draft&gt; \u{1F4CA}",
    "Re: Überweisung für März",
    "会議の議事録",
    "FW: tom &amp; jerry",
];
const SERVERS: &[&str] = &["AM6PR04MB5191", "DB8PR09MB3324", "HE1PR0701MB2044"];

/// A small deterministic generator (xorshift64*), so every run writes the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Writes one export, tracking object ids and type-name ids across the whole
/// file the way PowerShell's serializer does (a type list is written once,
/// then referenced with `TNRef`).
struct Gen {
    s: String,
    rng: Rng,
    next_ref: u64,
    type_ids: std::collections::HashMap<&'static str, u64>,
    /// Object ids of the current mailbox's bad items and failures, for the
    /// `<Ref>` lists at the end of its report.
    bad_items: Vec<u64>,
    failures: Vec<u64>,
}

impl Gen {
    fn new() -> Self {
        Gen {
            s: String::with_capacity(4 << 20),
            rng: Rng(0x9E37_79B9_7F4A_7C15),
            next_ref: 0,
            type_ids: Default::default(),
            bad_items: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.s.push_str("  ");
        }
    }

    fn line(&mut self, depth: usize, text: std::fmt::Arguments<'_>) {
        self.indent(depth);
        self.s.write_fmt(text).expect("String write");
        self.s.push('\n');
    }

    /// `<Obj [N=..] RefId=..>`: returns the id.
    fn open_obj(&mut self, depth: usize, name: Option<&str>) -> u64 {
        let id = self.next_ref;
        self.next_ref += 1;
        match name {
            Some(n) => self.line(depth, format_args!("<Obj N=\"{n}\" RefId=\"{id}\">")),
            None => self.line(depth, format_args!("<Obj RefId=\"{id}\">")),
        }
        id
    }

    /// `<TN>` the first time this type list is seen, `<TNRef>` afterwards.
    fn types(&mut self, depth: usize, names: &[&'static str]) {
        let next = self.type_ids.len() as u64;
        let (id, new) = match self.type_ids.entry(names[0]) {
            std::collections::hash_map::Entry::Occupied(e) => (*e.get(), false),
            std::collections::hash_map::Entry::Vacant(e) => (*e.insert(next), true),
        };
        if !new {
            self.line(depth, format_args!("<TNRef RefId=\"{id}\" />"));
            return;
        }
        self.line(depth, format_args!("<TN RefId=\"{id}\">"));
        for t in names {
            self.line(depth + 1, format_args!("<T>{t}</T>"));
        }
        self.line(depth, format_args!("</TN>"));
    }

    /// An enum value as Exchange serialises it: an object with its type list,
    /// the name as ToString and the number as the object's own value.
    fn enum_obj(&mut self, depth: usize, name: &str, ty: &'static str, text: &str, num: i32) {
        self.open_obj(depth, Some(name));
        self.types(depth + 1, &[ty, ENUM_TAIL[0], ENUM_TAIL[1], ENUM_TAIL[2]]);
        self.line(depth + 1, format_args!("<ToString>{text}</ToString>"));
        self.line(depth + 1, format_args!("<I32>{num}</I32>"));
        self.line(depth, format_args!("</Obj>"));
    }

    fn byte_size(&mut self, depth: usize, name: &str, bytes: u64) {
        self.open_obj(depth, Some(name));
        self.types(depth + 1, BYTE_SIZE);
        let gb = bytes as f64 / (1u64 << 30) as f64;
        self.line(depth + 1, format_args!("<ToString>{gb:.1} GB ({bytes} bytes)</ToString>"));
        self.line(depth, format_args!("</Obj>"));
    }

    fn unlimited(&mut self, depth: usize, name: &str, value: i32) {
        self.open_obj(depth, Some(name));
        self.types(depth + 1, UNLIMITED_INT);
        self.line(depth + 1, format_args!("<ToString>{value}</ToString>"));
        self.line(depth + 1, format_args!("<Props>"));
        self.line(depth + 2, format_args!("<B N=\"IsUnlimited\">false</B>"));
        self.line(depth + 2, format_args!("<I32 N=\"Value\">{value}</I32>"));
        self.line(depth + 1, format_args!("</Props>"));
        self.line(depth, format_args!("</Obj>"));
    }

    fn timestamp(&mut self, minute: u64) -> String {
        let frac = self.rng.below(10_000_000);
        format!(
            "2024-05-14T{:02}:{:02}:{:02}.{frac:07}Z",
            8 + minute / 60 % 12,
            minute % 60,
            frac % 60
        )
    }

    fn failure(&mut self, depth: usize, name: &str, kind: &str, side: (&str, i32)) -> u64 {
        let id = self.open_obj(depth, Some(name));
        self.failures.push(id);
        self.types(depth + 1, FAILURE_REC);
        let message = format!(
            "The item is corrupted and can&apos;t be copied. --&gt; MapiException{kind}: Unable to read message. (hr=0x80004005, ec=1206)_x000D__x000A_Diagnostic context:_x000D__x000A_    Lid: 55847   EMSMDBPOOL.EcPoolSessionDoRpc called [length={}]_x000D__x000A_    Lid: 43559   StoreEc: 0x4B6",
            self.rng.below(4096)
        );
        self.line(depth + 1, format_args!("<ToString>{kind}Exception: {message}</ToString>"));
        self.line(depth + 1, format_args!("<Props>"));
        let minute = self.rng.below(600);
        let ts = self.timestamp(minute);
        self.line(depth + 2, format_args!("<DT N=\"Timestamp\">{ts}</DT>"));
        self.line(depth + 2, format_args!("<S N=\"FailureType\">{kind}Exception</S>"));
        self.line(depth + 2, format_args!("<I32 N=\"FailureCode\">-2146233088</I32>"));
        self.line(depth + 2, format_args!("<I32 N=\"MapiLowLevelError\">0</I32>"));
        self.enum_obj(depth + 2, "FailureSide", EXCEPTION_SIDE, side.0, side.1);
        self.line(depth + 2, format_args!("<I32 N=\"FailureSideInt\">{}</I32>", side.1));
        self.open_obj(depth + 2, Some("ExceptionTypes"));
        self.types(depth + 3, EXCEPTION_ARRAY);
        self.line(depth + 3, format_args!("<LST>"));
        for (text, num) in [("Exchange", 1), ("Mapi", 30), ("MapiCorruptData", 44)] {
            self.open_obj(depth + 4, None);
            self.types(
                depth + 5,
                &[WELL_KNOWN_EXCEPTION, ENUM_TAIL[0], ENUM_TAIL[1], ENUM_TAIL[2]],
            );
            self.line(depth + 5, format_args!("<ToString>{text}</ToString>"));
            self.line(depth + 5, format_args!("<I32>{num}</I32>"));
            self.line(depth + 4, format_args!("</Obj>"));
        }
        self.line(depth + 3, format_args!("</LST>"));
        self.line(depth + 2, format_args!("</Obj>"));
        self.line(depth + 2, format_args!("<S N=\"Message\">{message}</S>"));
        self.line(depth + 2, format_args!("<Nil N=\"MessageData\" />"));
        self.line(depth + 2, format_args!("<S N=\"DataContext\">--------_x000D__x000A_Operation: ISourceMailbox.ExportMessages_x000D__x000A_OperationSide: Source_x000D__x000A_Primary (00000000-0000-0000-0000-000000000000)</S>"));
        self.line(depth + 2, format_args!("<Nil N=\"DataContextData\" />"));
        self.line(depth + 2, format_args!("<S N=\"StackTrace\">   at Microsoft.Exchange.MailboxReplicationService.MailboxCopierBase.CopyFolderProperties()_x000D__x000A_   at Microsoft.Exchange.MailboxReplicationService.BaseJob.ProcessJobStage()</S>"));
        self.line(depth + 2, format_args!("<Nil N=\"InnerException\" />"));
        self.line(depth + 1, format_args!("</Props>"));
        self.line(depth, format_args!("</Obj>"));
        id
    }

    fn bad_item(&mut self, depth: usize, folder: &str, subject: &str, sender: &str) {
        let id = self.open_obj(depth, Some("BadItem"));
        self.bad_items.push(id);
        self.types(depth + 1, BAD_MESSAGE);
        self.line(
            depth + 1,
            format_args!(
                "<ToString>Item (IPM.Note) Subject:\"{subject}\", Folder:\"{folder}\"</ToString>"
            ),
        );
        self.line(depth + 1, format_args!("<Props>"));
        let (kind, num) =
            *self.rng.pick(&[("CorruptItem", 1), ("LargeItem", 2), ("MissingItem", 6)]);
        self.enum_obj(depth + 2, "Kind", BAD_ITEM_KIND, kind, num);
        let (a, b) = (self.rng.next(), self.rng.next());
        self.line(
            depth + 2,
            format_args!("<S N=\"EntryIdHex\">00000000{a:016X}00000000{b:016X}</S>"),
        );
        self.line(depth + 2, format_args!("<Nil N=\"CloudId\" />"));
        self.line(depth + 2, format_args!("<S N=\"FolderName\">{folder}</S>"));
        self.enum_obj(depth + 2, "WellKnownFolderType", FOLDER_TYPE, "None", 0);
        self.line(depth + 2, format_args!("<S N=\"Sender\">{sender}</S>"));
        self.line(depth + 2, format_args!("<S N=\"Recipient\">Adele Vance</S>"));
        self.line(depth + 2, format_args!("<S N=\"Subject\">{subject}</S>"));
        self.line(depth + 2, format_args!("<S N=\"MessageClass\">IPM.Note</S>"));
        let size = self.rng.below(60_000_000);
        self.line(depth + 2, format_args!("<I32 N=\"MessageSize\">{size}</I32>"));
        self.line(depth + 2, format_args!("<DT N=\"DateSent\">2023-08-14T08:15:00Z</DT>"));
        self.line(depth + 2, format_args!("<DT N=\"DateReceived\">2023-08-14T08:15:02Z</DT>"));
        self.failure(depth + 2, "Failure", "CorruptData", ("Source", 1));
        self.line(depth + 2, format_args!("<S N=\"Category\">Default</S>"));
        self.line(depth + 1, format_args!("</Props>"));
        self.line(depth, format_args!("</Obj>"));
    }

    /// One report entry; returns its log line (for the report's ToString).
    fn entry(&mut self, depth: usize, minute: u64, server: &str, sender: &str) -> String {
        let roll = self.rng.below(100);
        let folder = *self.rng.pick(FOLDERS);
        let subject = *self.rng.pick(SUBJECTS);
        let (message, ty, flags) = if roll < 20 {
            (
                format!(
                    "A corrupted item was encountered: Item (IPM.Note) Subject:\"{subject}\", Folder:\"{folder}\""
                ),
                ("Warning", 1),
                ("BadItem", 1),
            )
        } else if roll < 25 {
            (
                "Transient error CommunicationErrorTransientException has occurred. The system will retry (1/60).".to_string(),
                ("Warning", 1),
                ("None", 0),
            )
        } else {
            let done = self.rng.below(5000);
            (
                format!(
                    "Copy progress: {done}/5000 messages, 2.4 GB (2,564,292,359 bytes)/2.4 GB (2,564,292,359 bytes), 42/44 folders completed."
                ),
                ("Informational", 0),
                ("None", 0),
            )
        };
        let ts = self.timestamp(minute);
        let log_line = format!(
            "5/14/2024 {}:{:02}:07 AM [{server}] {message}",
            8 + minute / 60 % 4,
            minute % 60
        );
        self.open_obj(depth, None);
        self.types(depth + 1, REPORT_ENTRY);
        self.line(depth + 1, format_args!("<ToString>{log_line}</ToString>"));
        self.line(depth + 1, format_args!("<Props>"));
        self.line(depth + 2, format_args!("<DT N=\"CreationTime\">{ts}</DT>"));
        self.line(depth + 2, format_args!("<S N=\"ServerName\">{server}</S>"));
        self.enum_obj(depth + 2, "Type", ENTRY_TYPE, ty.0, ty.1);
        self.line(depth + 2, format_args!("<I32 N=\"TypeInt\">{}</I32>", ty.1));
        self.enum_obj(depth + 2, "Flags", ENTRY_FLAGS, flags.0, flags.1);
        self.line(depth + 2, format_args!("<I32 N=\"FlagsInt\">{}</I32>", flags.1));
        self.line(depth + 2, format_args!("<S N=\"Message\">{message}</S>"));
        if (20..25).contains(&roll) {
            self.failure(depth + 2, "Failure", "CommunicationErrorTransient", ("Target", 2));
        } else {
            self.line(depth + 2, format_args!("<Nil N=\"Failure\" />"));
        }
        if roll < 20 {
            self.bad_item(depth + 2, folder, subject, sender);
        } else {
            self.line(depth + 2, format_args!("<Nil N=\"BadItem\" />"));
        }
        self.line(depth + 1, format_args!("</Props>"));
        self.line(depth, format_args!("</Obj>"));
        log_line
    }

    /// A list object of `<Ref>`s to objects written earlier.
    fn ref_list(&mut self, depth: usize, name: &str, ids: &[u64]) {
        self.open_obj(depth, Some(name));
        self.types(depth + 1, REF_LIST);
        self.line(depth + 1, format_args!("<LST>"));
        for id in ids {
            self.line(depth + 2, format_args!("<Ref RefId=\"{id}\" />"));
        }
        self.line(depth + 1, format_args!("</LST>"));
        self.line(depth, format_args!("</Obj>"));
    }

    fn report(&mut self, depth: usize, server: &str, sender: &str) {
        // The report's ToString is the whole log, so the entries are written
        // first into a side buffer and spliced in after it.
        let entries = 20 + self.rng.below(180);
        self.open_obj(depth, Some("Report"));
        self.types(depth + 1, REPORT);
        let head = std::mem::take(&mut self.s);
        let mut log = String::new();
        self.open_obj(depth + 2, Some("Entries"));
        self.types(depth + 3, ENTRY_LIST);
        self.line(depth + 3, format_args!("<LST>"));
        for i in 0..entries {
            let line = self.entry(depth + 4, i, server, sender);
            log.push_str(&line);
            log.push_str("_x000D__x000A_");
        }
        self.line(depth + 3, format_args!("</LST>"));
        self.line(depth + 2, format_args!("</Obj>"));
        let body = std::mem::replace(&mut self.s, head);
        self.line(depth + 1, format_args!("<ToString>{log}</ToString>"));
        self.line(depth + 1, format_args!("<Props>"));
        self.s.push_str(&body);
        let (bad, failures) =
            (std::mem::take(&mut self.bad_items), std::mem::take(&mut self.failures));
        self.ref_list(depth + 2, "BadItems", &bad);
        self.ref_list(depth + 2, "Failures", &failures);
        self.line(depth + 1, format_args!("</Props>"));
        self.line(depth, format_args!("</Obj>"));
    }

    /// One top-level `MoveRequestStatistics` object.
    fn mailbox(&mut self, n: u64) {
        let (display, alias) = *self.rng.pick(PEOPLE);
        let alias = format!("{alias}{n}");
        let server = *self.rng.pick(SERVERS);
        let failed = self.rng.below(3) == 0;
        let guid = self.rng.guid();
        let d = 1;
        self.open_obj(d, None);
        self.types(d + 1, MOVE_REQUEST_STATS);
        self.line(d + 1, format_args!("<ToString>{alias}</ToString>"));
        self.line(d + 1, format_args!("<Props>"));
        let p = d + 2;
        self.line(p, format_args!("<S N=\"DisplayName\">{display}</S>"));
        self.line(p, format_args!("<S N=\"Alias\">{alias}</S>"));
        self.line(p, format_args!("<G N=\"ExchangeGuid\">{guid}</G>"));
        let status = if failed { ("Failed", 99) } else { ("Completed", 10) };
        self.enum_obj(p, "Status", REQUEST_STATUS, status.0, status.1);
        let state = if failed { ("Failed", 99) } else { ("Completed", 100) };
        self.enum_obj(p, "StatusDetail", REQUEST_STATE, state.0, state.1);
        self.enum_obj(p, "WorkloadType", WORKLOAD, "Onboarding", 3);
        self.enum_obj(p, "Flags", REQUEST_FLAGS, "CrossOrg, Pull", 9);
        self.line(p, format_args!("<S N=\"RemoteHostName\">mail.contoso.com</S>"));
        self.line(
            p,
            format_args!("<S N=\"BatchName\">MigrationService:Wave-{} R&amp;D</S>", n % 7),
        );
        self.line(
            p,
            format_args!("<S N=\"TargetDeliveryDomain\">contoso.mail.onmicrosoft.com</S>"),
        );
        self.line(p, format_args!("<B N=\"Suspend\">false</B>"));
        self.line(p, format_args!("<B N=\"SuspendWhenReadyToComplete\">false</B>"));
        self.unlimited(p, "BadItemLimit", 10);
        let bad = self.rng.below(40);
        self.line(p, format_args!("<I32 N=\"BadItemsEncountered\">{bad}</I32>"));
        self.unlimited(p, "LargeItemLimit", 0);
        let large = self.rng.below(3);
        self.line(p, format_args!("<I32 N=\"LargeItemsEncountered\">{large}</I32>"));
        self.line(p, format_args!("<I32 N=\"MissingItemsEncountered\">0</I32>"));
        for name in ["QueuedTimestamp", "StartTimestamp", "LastUpdateTimestamp"] {
            let minute = self.rng.below(240);
            let ts = self.timestamp(minute);
            self.line(p, format_args!("<DT N=\"{name}\">{ts}</DT>"));
        }
        if failed {
            let ts = self.timestamp(239);
            self.line(p, format_args!("<DT N=\"FailureTimestamp\">{ts}</DT>"));
        } else {
            self.line(p, format_args!("<Nil N=\"FailureTimestamp\" />"));
        }
        self.line(p, format_args!("<TS N=\"TotalInProgressDuration\">PT1H2M3.456S</TS>"));
        let size = self.rng.below(50 << 30);
        self.byte_size(p, "TotalMailboxSize", size);
        self.line(p, format_args!("<U64 N=\"TotalMailboxItemCount\">{}</U64>", size / 80_000));
        self.byte_size(p, "BytesTransferred", size / 2);
        self.line(p, format_args!("<I64 N=\"BytesTransferredRaw\">{}</I64>", size / 2));
        let latency = self.rng.below(100_000) as f64 / 997.0;
        self.line(p, format_args!("<Db N=\"AverageSourceLatency\">{latency}</Db>"));
        self.line(
            p,
            format_args!("<I32 N=\"PercentComplete\">{}</I32>", if failed { 95 } else { 100 }),
        );
        if failed {
            self.line(
                p,
                format_args!("<S N=\"FailureType\">TooManyBadItemsPermanentException</S>"),
            );
            self.enum_obj(p, "FailureSide", EXCEPTION_SIDE, "Source", 1);
            self.line(p, format_args!("<S N=\"Message\">Error: Too many bad items were encountered.&#x9;Limit: 10._x000D__x000A_Consider raising BadItemLimit.</S>"));
        } else {
            self.line(p, format_args!("<Nil N=\"FailureType\" />"));
            self.line(p, format_args!("<Nil N=\"FailureSide\" />"));
            self.line(p, format_args!("<Nil N=\"Message\" />"));
        }
        self.report(p, server, display);
        self.line(d + 1, format_args!("</Props>"));
        self.line(d + 1, format_args!("<MS>"));
        self.line(d + 2, format_args!("<S N=\"PSComputerName\">outlook.office365.com</S>"));
        self.line(
            d + 2,
            format_args!("<G N=\"RunspaceId\">6f1c1a52-2f43-4a7b-9d1e-8b9e0a6c2d11</G>"),
        );
        self.line(d + 2, format_args!("<B N=\"PSShowComputerName\">false</B>"));
        self.line(d + 1, format_args!("</MS>"));
        self.line(d, format_args!("</Obj>"));
    }
}

/// The generated export: the same content as UTF-8 (no BOM) and as UTF-16 LE
/// with BOM.
struct Inputs {
    utf8: PathBuf,
    utf16: PathBuf,
}

/// Writes (or reuses) an export of at least `min_bytes` bytes of UTF-8.
fn export(min_bytes: u64) -> Inputs {
    let dir = data_dir();
    let stem = format!("move-report-stats-v{GENERATOR_VERSION}-{}k", min_bytes / 1024);
    let inputs = Inputs {
        utf8: dir.join(format!("{stem}.utf8.xml")),
        utf16: dir.join(format!("{stem}.utf16le.xml")),
    };
    if inputs.utf8.exists() && inputs.utf16.exists() {
        return inputs;
    }
    let started = std::time::Instant::now();
    let (tmp8, tmp16) = (inputs.utf8.with_extension("tmp"), inputs.utf16.with_extension("tmp"));
    let mut out8 = BufWriter::with_capacity(1 << 20, File::create(&tmp8).unwrap());
    let mut out16 = BufWriter::with_capacity(1 << 20, File::create(&tmp16).unwrap());
    out16.write_all(&[0xFF, 0xFE]).unwrap(); // the BOM Windows PowerShell writes
    let mut wide = Vec::with_capacity(8 << 20);
    let mut write_both = |text: &str| {
        out8.write_all(text.as_bytes()).unwrap();
        wide.clear();
        wide.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out16.write_all(&wide).unwrap();
        text.len() as u64
    };
    let mut written = write_both(
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n",
    );
    let mut g = Gen::new();
    let mut n = 0;
    while written < min_bytes {
        g.s.clear();
        g.mailbox(n);
        n += 1;
        written += write_both(&g.s);
    }
    write_both("</Objs>");
    out8.into_inner().unwrap().sync_all().ok();
    out16.into_inner().unwrap().sync_all().ok();
    std::fs::rename(&tmp8, &inputs.utf8).unwrap();
    std::fs::rename(&tmp16, &inputs.utf16).unwrap();
    eprintln!("generated {n} mailboxes ({written} bytes) in {:.1?}", started.elapsed());
    inputs
}

// ---------------------------------------------------------------------------
// The measured passes.

/// The full reader over a file: counts the values, dropping each.
fn read_all(path: &Path) -> u64 {
    let mut n = 0;
    for v in Reader::new(File::open(path).unwrap()).unwrap() {
        black_box(v.expect("valid input"));
        n += 1;
    }
    n
}

/// The full reader plus the NDJSON rendering `mrs-triage dump` does.
fn read_and_dump(path: &Path, out: &mut Vec<u8>) -> u64 {
    let mut bytes = 0;
    for v in Reader::new(File::open(path).unwrap()).unwrap() {
        out.clear();
        mrs_triage::clixml::json::write_value(out, &v.expect("valid input")).unwrap();
        out.push(b'\n');
        bytes += out.len() as u64;
    }
    bytes
}

fn open_buffered(path: &Path) -> BufReader<File> {
    BufReader::with_capacity(64 * 1024, File::open(path).unwrap())
}

fn open_decoded(path: &Path) -> Decoder<File> {
    Decoder::new(File::open(path).unwrap(), usize::MAX).unwrap()
}

fn bench(c: &mut Criterion) {
    let full = full_run();
    let inputs = export(if full { 200 << 20 } else { 1 << 20 });
    let size8 = std::fs::metadata(&inputs.utf8).unwrap().len();
    let size16 = std::fs::metadata(&inputs.utf16).unwrap().len();
    eprintln!(
        "inputs: {} ({size8} bytes), {} ({size16} bytes); throughput is per UTF-8 byte in both groups",
        inputs.utf8.display(),
        inputs.utf16.display()
    );
    if !full {
        // Test mode: the generated file must be one the reader accepts whole,
        // with the same values in both encodings.
        let (top8, _) = raw_quick_xml(open_buffered(&inputs.utf8));
        let (top16, _) = raw_quick_xml(open_decoded(&inputs.utf16));
        assert!(top8 > 1, "the export has several top-level objects");
        assert_eq!(top16, top8);
        assert_eq!(read_all(&inputs.utf8), top8);
        assert_eq!(read_all(&inputs.utf16), top8);
    }

    let configure = |g: &mut criterion::BenchmarkGroup<'_, _>| {
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(10))
            .throughput(Throughput::Bytes(size8));
    };

    let mut g = c.benchmark_group("utf8");
    configure(&mut g);
    g.bench_function("raw-quick-xml", |b| b.iter(|| raw_quick_xml(open_buffered(&inputs.utf8))));
    g.bench_function("raw-quick-xml+decoder", |b| {
        b.iter(|| raw_quick_xml(open_decoded(&inputs.utf8)))
    });
    g.bench_function("reader", |b| b.iter(|| read_all(&inputs.utf8)));
    let mut out = Vec::with_capacity(1 << 20);
    g.bench_function("reader+dump", |b| b.iter(|| read_and_dump(&inputs.utf8, &mut out)));
    g.finish();

    let mut g = c.benchmark_group("utf16le");
    configure(&mut g);
    g.bench_function("raw-quick-xml+decoder", |b| {
        b.iter(|| raw_quick_xml(open_decoded(&inputs.utf16)))
    });
    g.bench_function("reader", |b| b.iter(|| read_all(&inputs.utf16)));
    g.finish();

    // (Test mode runs one pair on the small file, to exercise it.)
    let pairs = if full { 11 } else { 1 };
    let (low, median, high) = paired_ratio(&inputs.utf8, pairs);
    if full {
        eprintln!(
            "utf8 reader/raw-quick-xml throughput, {pairs} alternating pairs: \
             median {median:.3} (lowest {low:.3}, highest {high:.3})"
        );
    }
}

/// The reader's throughput as a fraction of the raw pass, measured in
/// alternating pairs: criterion times one benchmark after the other, so a
/// host that speeds up or slows down in between moves the ratio of its two
/// figures; within a pair that drift mostly cancels. (Lowest, median,
/// highest) over `pairs` pairs.
fn paired_ratio(path: &Path, pairs: usize) -> (f64, f64, f64) {
    let mut ratios: Vec<f64> = (0..pairs)
        .map(|_| {
            let start = Instant::now();
            black_box(raw_quick_xml(open_buffered(path)));
            let raw = start.elapsed().as_secs_f64();
            let start = Instant::now();
            black_box(read_all(path));
            raw / start.elapsed().as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    (ratios[0], ratios[pairs / 2], ratios[pairs - 1])
}

criterion_group!(benches, bench);
criterion_main!(benches);
