//! The bundled samples: each a realistic export that demonstrates one
//! situation an admin meets, with what the tool must find in it.

use super::perf::{
    CI, HOUR, LOCKED, MDB, MRS_A, MRS_B, Plan, SOURCE_UNKNOWN, TARGET_CPU, TARGET_THROTTLE,
    UNSTALLED, constraint_line, copy_line, perf, relinquish_line, steady_log,
};
use super::spec::{
    BadSpec, DurationShape, FailureSpec, ItemSpec, MailboxKind, MailboxSpec, SessionShape,
    SessionSpec, Shape, SpecLimit,
};
use super::text::{BatchLine, Culture, TextForm};

/// How a sample file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleEncoding {
    /// UTF-8 without BOM, LF (PowerShell 7's Export-Clixml).
    Utf8,
    /// UTF-16 LE with BOM, CRLF (Windows PowerShell 5.1's Export-Clixml).
    Utf16LeBom,
}

/// One bundled sample.
#[derive(Debug, Clone)]
pub struct Sample {
    /// File name under `samples/`.
    pub file: &'static str,
    /// Encoding.
    pub encoding: SampleEncoding,
    /// What it demonstrates.
    pub description: &'static str,
    /// The mailboxes in it, in order.
    pub mailboxes: Vec<MailboxSpec>,
}

/// A small deterministic generator (xorshift) so samples never change.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// Next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FOLDERS: [&str; 12] = [
    "Inbox",
    "Inbox/Projects",
    "Inbox/Projects/Q3 \"Launch\"",
    "Calendar",
    "Contacts",
    "Sent Items",
    "Shared; Finance",
    "Archive/2019",
    "Archive/O'Brien files",
    "Tasks",
    "Notes",
    "Inbox/Vendors & Partners",
];

/// A GUID-shaped string from a seed.
pub fn fake_guid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        a as u16 & 0x0fff | 0x4000,
        (b >> 48) as u16 & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

fn timestamp(day: u32, minute: u32) -> String {
    format!(
        "2024-05-{day:02}T{:02}:{:02}:{:02}.1234567Z",
        9 + minute / 60 % 12,
        minute % 60,
        (minute * 7) % 60
    )
}

fn data_context_folder(folder: &str, rng: &mut Rng) -> String {
    format!(
        "--------\r\nOperation: IFolder.SetSecurityDescriptor\r\nOperationSide: Target\r\nFolder: '{folder}', entryId [len=46, data=0000000038A1BB1005E5101AA1BB08002B2A56C20001{:016X}], parentId [len=46, data=0000000038A1BB1005E5101AA1BB08002B2A56C200010000000000000001]",
        rng.next_u64()
    )
}

/// A source principal error: a folder ACE whose SID no longer resolves.
pub fn source_principal(folder: &str, sid: &str, rng: &mut Rng, minute: u32) -> ItemSpec {
    let text = format!(
        "Unable to translate principals for folder \"{folder}\"/\"FolderNTSD\": Failed to find a principal from the source forest."
    );
    ItemSpec {
        bad: BadSpec {
            kind: "CorruptFolderACL".into(),
            category: Some("SourcePrincipalError".into()),
            folder: Some(folder.into()),
            entry_id_hex: format!("{:032X}", rng.next_u64()),
            text_override: Some(text),
            ..BadSpec::default()
        },
        failure: Some(FailureSpec {
            timestamp: timestamp(14, minute),
            failure_type: "SourcePrincipalMappingException".into(),
            side: Some("Source"),
            message: "Failed to find a principal from the source forest.".into(),
            data_context: Some(format!("{}\r\nSID: {sid};", data_context_folder(folder, rng))),
            exception_types: vec![("Exchange", 1), ("MRS", 10), ("MRSPermanent", 12)],
        }),
        failure_in_report_failures: true,
    }
}

/// A principal known on premises but missing in Exchange Online.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Alias (absent for a plain security group).
    pub alias: Option<&'static str>,
    /// Display name.
    pub display_name: Option<&'static str>,
    /// SID.
    pub sid: &'static str,
    /// legacyExchangeDN (absent when not mail-enabled).
    pub legacy_dn: Option<&'static str>,
    /// SMTP address.
    pub smtp: Option<&'static str>,
}

impl Principal {
    fn values(&self, object_guid: &str, mailbox_guid: &str) -> String {
        let mut v = String::new();
        if let Some(a) = self.alias {
            v.push_str(&format!("Alias: {a}; "));
        }
        if let Some(d) = self.display_name {
            v.push_str(&format!("DisplayName: {d}; "));
        }
        if self.alias.is_some() {
            v.push_str(&format!("MailboxGuid: {mailbox_guid}; "));
        }
        v.push_str(&format!("SID: {}; ObjectGuid: {object_guid}; ", self.sid));
        if let Some(dn) = self.legacy_dn {
            v.push_str(&format!("LegDN: {dn}; "));
        }
        if self.legacy_dn.is_some() || self.smtp.is_some() {
            v.push_str("Proxies: [");
            if let Some(dn) = self.legacy_dn {
                v.push_str(&format!("X500:{dn}; "));
            }
            if let Some(smtp) = self.smtp {
                v.push_str(&format!("SMTP:{smtp};"));
            }
            v.push_str("]; ");
        }
        v.trim_end().to_string() + "."
    }
}

/// A target principal error on the mailbox security descriptor or a folder.
pub fn target_principal(
    p: &Principal,
    folder: Option<&str>,
    rng: &mut Rng,
    minute: u32,
) -> ItemSpec {
    let object_guid = fake_guid(rng);
    let mailbox_guid = fake_guid(rng);
    let values = p.values(&object_guid, &mailbox_guid);
    let message = format!(
        "Failed to find a principal in the target forest that corresponds to the following source forest principal values: {values}"
    );
    let (kind, text) = match folder {
        Some(f) => (
            "CorruptFolderACL",
            format!("Unable to translate principals for folder \"{f}\"/\"FolderNTSD\": {message}"),
        ),
        None => (
            "CorruptMailboxSecurityDescriptor",
            format!("Unable to translate principals to the target mailbox: {message}"),
        ),
    };
    let dc = match folder {
        Some(f) => format!("{}\r\n{values}", data_context_folder(f, rng)),
        None => format!(
            "--------\r\nOperation: IDestinationMailbox.SetMailboxSecurityDescriptor\r\nOperationSide: Target\r\n{values}"
        ),
    };
    ItemSpec {
        bad: BadSpec {
            kind: kind.into(),
            category: Some("TargetPrincipalError".into()),
            folder: folder.map(str::to_string),
            entry_id_hex: format!("{:032X}", rng.next_u64()),
            text_override: Some(text),
            ..BadSpec::default()
        },
        failure: Some(FailureSpec {
            timestamp: timestamp(14, minute),
            failure_type: "TargetPrincipalMappingException".into(),
            side: Some("Target"),
            message,
            data_context: Some(dc),
            exception_types: vec![("Exchange", 1), ("MRS", 10), ("MRSPermanent", 12)],
        }),
        failure_in_report_failures: true,
    }
}

/// A data item (corrupt, large, missing) with a plausible message.
pub fn data_item(kind: &str, rng: &mut Rng, minute: u32) -> ItemSpec {
    let subjects = [
        "Q3 forecast (final) — v2",
        "RE: Contract \"Alpha\" & renewal",
        "Weekly status",
        "Photos from the offsite 📷",
        "FW: invoice #4471",
        "=HYPERLINK(\"http://example.invalid\")",
    ];
    let senders = ["Alex Wilber", "Megan Bowen", "Lee Gu", "Isaiah Langer", "Nestor Wilke"];
    let (class, size, folder) = match kind {
        "LargeItem" => ("IPM.Note", 160_000_000 + rng.below(60_000_000), "Sent Items"),
        "MissingItem" => ("IPM.Appointment", 20_000 + rng.below(80_000), "Calendar"),
        _ => ("IPM.Note", 8_000 + rng.below(400_000), *rng.pick(&FOLDERS)),
    };
    let failure = match kind {
        "CorruptItem" => Some(FailureSpec {
            timestamp: timestamp(14, minute),
            failure_type: "CorruptDataException".into(),
            side: Some("Source"),
            message: "The item is corrupted and can't be copied. --> MapiExceptionCorruptData: Unable to read message. (hr=0x80004005, ec=1206)\r\nDiagnostic context:\r\n    Lid: 55847   EMSMDBPOOL.EcPoolSessionDoRpc called [length=1234]\r\n    Lid: 43559   StoreEc: 0x4B6".into(),
            data_context: Some("--------\r\nOperation: ISourceMailbox.ExportMessages\r\nOperationSide: Source".into()),
            exception_types: vec![("Exchange", 1), ("Mapi", 30), ("MapiCorruptData", 44)],
        }),
        _ => None,
    };
    let day = 1 + rng.below(27) as u32;
    ItemSpec {
        bad: BadSpec {
            kind: kind.into(),
            category: Some(if kind == "CorruptItem" { "Default" } else { "" }.to_string())
                .filter(|c| !c.is_empty()),
            folder: Some(folder.into()),
            subject: Some(rng.pick(&subjects).to_string()),
            sender: Some(rng.pick(&senders).to_string()),
            recipient: Some("Adele Vance".into()),
            message_class: Some(class.into()),
            size: Some(size),
            date_sent: Some(format!("2023-{:02}-{day:02}T08:15:00Z", 1 + rng.below(12))),
            date_received: Some(format!("2023-{:02}-{day:02}T08:15:02Z", 1 + rng.below(12))),
            entry_id_hex: format!("{:032X}{:032X}", rng.next_u64(), rng.next_u64()),
            ..BadSpec::default()
        },
        failure,
        failure_in_report_failures: false,
    }
}

/// A folder-level bad item (rule, search folder, property).
pub fn folder_item(kind: &str, folder: &str, rng: &mut Rng) -> ItemSpec {
    ItemSpec {
        bad: BadSpec {
            kind: kind.into(),
            folder: Some(folder.into()),
            entry_id_hex: format!("{:032X}", rng.next_u64()),
            ..BadSpec::default()
        },
        failure: None,
        failure_in_report_failures: false,
    }
}

fn transient(minute: u32) -> FailureSpec {
    FailureSpec {
        timestamp: timestamp(14, minute),
        failure_type: "CommunicationErrorTransientException".into(),
        side: Some("Source"),
        message: "The call to 'https://mail.contoso.com/EWS/mrsproxy.svc' failed. Error details: The operation has timed out. --> The operation has timed out.".into(),
        data_context: None,
        exception_types: vec![("Exchange", 1), ("Transient", 2), ("MRSTransient", 11)],
    }
}

fn fatal(ty: &str, message: &str, minute: u32) -> FailureSpec {
    FailureSpec {
        timestamp: timestamp(14, minute),
        failure_type: ty.into(),
        side: None,
        message: message.into(),
        data_context: None,
        exception_types: vec![("Exchange", 1), ("MRS", 10), ("MRSPermanent", 12)],
    }
}

const TOO_MANY_BAD: &str = "This mailbox exceeded the maximum number of corrupted items that were specified for this move request.";
const TOO_MANY_LARGE: &str =
    "This mailbox exceeded the maximum number of large items that were specified for this request.";

fn base(rng: &mut Rng, display: &str, alias: &str) -> MailboxSpec {
    MailboxSpec {
        kind: MailboxKind::MoveRequest,
        display_name: display.into(),
        alias: alias.into(),
        guid: fake_guid(rng),
        batch: Some("MigrationService:Wave-3 Finance".into()),
        status: ("Completed", 10),
        status_detail: ("Completed", 100),
        failure_type: None,
        message: None,
        bad_item_limit: SpecLimit::Count(10),
        large_item_limit: SpecLimit::Count(0),
        onboarding: true,
        size: 2_400_000_000 + rng.below(900_000_000),
        items: Vec::new(),
        failures: Vec::new(),
        shape: Shape::Structured,
        start: (2024, 5, 14, 8, 0, 0),
        dcs: None,
        unapproved: None,
        perf: None,
    }
}

/// The wave-3 batch as a second export two days later shows it: what was
/// fixed, what got worse, a request removed and one added. Items that did
/// not change keep their entry ids, so a comparison can match them.
fn wave3_later(batch: &[MailboxSpec]) -> Vec<MailboxSpec> {
    // Its own generator, so the other samples do not change.
    let mut rng = Rng::new(0x1A7E_2024);
    let completed = |m: &mut MailboxSpec| {
        m.status = ("Completed", 10);
        m.status_detail = ("Completed", 100);
        m.failure_type = None;
        m.message = None;
    };
    let mut out = Vec::new();
    for m in batch {
        let mut m = m.clone();
        match m.alias.as_str() {
            "pradeepg" => {
                m.items.retain(|i| i.bad.category.as_deref() != Some("SourcePrincipalError"));
                m.bad_item_limit = SpecLimit::Count(11);
                completed(&mut m);
            }
            "lynner" => {
                m.items.push(data_item("CorruptItem", &mut rng, 300));
                m.items.push(data_item("CorruptItem", &mut rng, 301));
                m.items.push(target_principal(&UNSYNCED_USER, Some("Calendar"), &mut rng, 302));
                m.failures.push(fatal("TooManyBadItemsPermanentException", TOO_MANY_BAD, 600));
            }
            "jonis" => completed(&mut m),
            "gradya" => continue,
            _ => {}
        }
        out.push(m);
    }
    let mut added = base(&mut rng, "Alex Wilber", "alexw");
    added.status = ("InProgress", 2);
    added.status_detail = ("CopyingMessages", 10);
    out.push(added);
    out
}

fn failed_bad_items(m: &mut MailboxSpec) {
    m.status = ("Failed", 99);
    m.status_detail = ("FailedBadItemLimit", 71);
    m.failure_type = Some("TooManyBadItemsPermanentException".into());
    m.message = Some(format!("Error: {TOO_MANY_BAD}"));
    m.failures.push(fatal("TooManyBadItemsPermanentException", TOO_MANY_BAD, 500));
}

/// Deleted-user SIDs that still sit in folder ACLs.
pub const ORPHAN_SIDS: [&str; 6] = [
    "S-1-5-21-1004336348-1177238915-682003330-1108",
    "S-1-5-21-1004336348-1177238915-682003330-1291",
    "S-1-5-21-1004336348-1177238915-682003330-2017",
    "S-1-5-21-1004336348-1177238915-682003330-4410",
    "S-1-5-21-2147483647-123456789-987654321-5001",
    "S-1-5-21-1004336348-1177238915-682003330-7733",
];

/// A plain security group (not mail-enabled) used for folder permissions.
pub const GROUP: Principal = Principal {
    alias: None,
    display_name: Some("SG-Finance-RW"),
    sid: "S-1-5-21-1004336348-1177238915-682003330-3120",
    legacy_dn: None,
    smtp: None,
};

/// A user outside the directory-sync scope.
pub const UNSYNCED_USER: Principal = Principal {
    alias: Some("k.okafor"),
    display_name: Some("Okafor, Kemi (Contractor; Legal)"),
    sid: "S-1-5-21-1004336348-1177238915-682003330-5566",
    legacy_dn: Some(
        "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=k.okafor",
    ),
    smtp: Some("k.okafor@contoso.com"),
};

/// The bundled samples.
pub fn samples() -> Vec<Sample> {
    let mut rng = Rng::new(0x5EED_2024);
    let mut out = Vec::new();

    // 1. Healthy.
    let mut healthy = base(&mut rng, "Adele Vance", "adelev");
    healthy.failures.push(transient(30));
    healthy.perf = Some(perf(Plan { hours: 3.1, ..Plan::default() }, healthy.size, EXCH01, MRS_A));
    out.push(Sample {
        file: "healthy.xml",
        encoding: SampleEncoding::Utf8,
        description: "A completed move: no bad items, one transient MRSProxy timeout that healed by itself; a healthy speed (0.9 GB/h, 68% source side, 2.6% stalls).",
        mailboxes: vec![healthy],
    });

    // 2. Nearly all source principal errors, past Exchange Online's 1000.
    let mut src = base(&mut rng, "Megan Bowen", "meganb");
    failed_bad_items(&mut src);
    for i in 0..1020u32 {
        // Deleted users held rights on many project folders each.
        let folder = format!("{}/Project {:03}", FOLDERS[i as usize % FOLDERS.len()], i / 3);
        let sid = *rng.pick(&ORPHAN_SIDS);
        src.items.push(source_principal(&folder, sid, &mut rng, 100 + i % 400));
    }
    src.items.push(target_principal(&UNSYNCED_USER, None, &mut rng, 160));
    src.items.push(target_principal(&GROUP, Some("Shared; Finance"), &mut rng, 161));
    src.failures.insert(0, transient(40));
    let plan = Plan { hours: 1.6, failed: 3.2, percent: 95, ..Plan::default() };
    src.perf = Some(perf(plan, src.size, EXCH01, MRS_A));
    out.push(Sample {
        file: "source-principals.xml",
        encoding: SampleEncoding::Utf8,
        description: "Failed with TooManyBadItemsPermanentException: 1,020 of its 1,022 bad items are folder ACL entries of deleted users whose SIDs no longer resolve on premises (SourcePrincipalMappingException), more than Exchange Online's built-in 1000 for them; 2 are target principal errors. No mail is at risk.",
        mailboxes: vec![src],
    });

    // 3. Target principals: a non-mail-enabled group and an unsynced user.
    let mut tgt = base(&mut rng, "Lee Gu", "leeg");
    failed_bad_items(&mut tgt);
    tgt.items.push(target_principal(&UNSYNCED_USER, None, &mut rng, 120));
    for (i, f) in
        ["Inbox", "Calendar", "Shared; Finance", "Inbox/Projects/Q3 \"Launch\""].iter().enumerate()
    {
        tgt.items.push(target_principal(&GROUP, Some(f), &mut rng, 121 + i as u32));
    }
    for (i, f) in ["Inbox", "Contacts", "Archive/O'Brien files"].iter().enumerate() {
        tgt.items.push(target_principal(&UNSYNCED_USER, Some(f), &mut rng, 130 + i as u32));
    }
    for i in 0..4u32 {
        tgt.items.push(target_principal(&GROUP, Some(FOLDERS[4 + i as usize]), &mut rng, 140 + i));
    }
    let plan = Plan {
        hours: 2.2,
        failed: 1.0,
        source: 75.0,
        destination: 21.0,
        percent: 95,
        ..Plan::default()
    };
    tgt.perf = Some(perf(plan, tgt.size, EXCH02, MRS_B));
    out.push(Sample {
        file: "target-principals.xml",
        encoding: SampleEncoding::Utf8,
        description: "Failed with TooManyBadItemsPermanentException: 12 target principal errors from a security group that is not mail-enabled (SG-Finance-RW, SID only) and a user outside the sync scope (k.okafor, with LegDN and X500 proxy); only permissions are lost.",
        mailboxes: vec![tgt],
    });

    // 4. Real corruption and large items.
    let mut data = base(&mut rng, "Isaiah Langer", "isaiahl");
    data.onboarding = false;
    data.batch = None;
    data.bad_item_limit = SpecLimit::Count(10);
    data.large_item_limit = SpecLimit::Count(1);
    data.status = ("Failed", 99);
    data.status_detail = ("FailedOther", 76);
    data.failure_type = Some("TooManyLargeItemsPermanentException".into());
    data.message = Some(format!("Error: {TOO_MANY_LARGE}"));
    for i in 0..3u32 {
        data.items.push(data_item("CorruptItem", &mut rng, 100 + i));
    }
    for i in 0..2u32 {
        data.items.push(data_item("LargeItem", &mut rng, 110 + i));
    }
    data.items.push(data_item("MissingItem", &mut rng, 120));
    data.items.push(folder_item("CorruptFolderRule", "Inbox", &mut rng));
    data.items.push(folder_item("CorruptSearchFolderCriteria", "Finder/Unread Mail", &mut rng));
    data.items.push(source_principal("Calendar", ORPHAN_SIDS[0], &mut rng, 130));
    data.failures.push(fatal("TooManyLargeItemsPermanentException", TOO_MANY_LARGE, 500));
    // A local move: no MRSProxy (empty latencies), a busy target database.
    let mut stalls = [0.0; 9];
    stalls[CI] = 2.0;
    stalls[MDB] = 3.0;
    let plan = Plan {
        hours: 2.5,
        failed: 0.5,
        source: 44.0,
        destination: 49.0,
        stalls,
        efficiency: 95.0,
        percent: 95,
        latency: None,
        ..Plan::default()
    };
    data.perf = Some(perf(plan, data.size, "EXCH-MBX01.contoso.com", "EXCH-MBX02.contoso.com"));
    out.push(Sample {
        file: "corrupt-and-large.xml",
        encoding: SampleEncoding::Utf8,
        description: "An on-premises (local) move failed with TooManyLargeItemsPermanentException: 3 corrupt items (MapiExceptionCorruptData), 2 items over 150 MB, 1 missing calendar item, a corrupt Inbox rule, a corrupt search folder and one orphaned-SID folder ACL. Mail is at risk. The destination side took 49% of the move's time (the bottleneck).",
        mailboxes: vec![data],
    });

    // 5. A batch of mailboxes, as Windows PowerShell 5.1 writes it.
    let mut batch = Vec::new();
    let people = [
        ("Nestor Wilke", "nestorw"),
        ("Pradeep Gupta", "pradeepg"),
        ("Lynne Robbins", "lynner"),
        ("Joni Sherman", "jonis"),
        ("Grady Archie", "gradya"),
    ];
    for (n, (display, alias)) in people.iter().enumerate() {
        let mut m = base(&mut rng, display, alias);
        match n {
            0 => {}
            1 | 2 => {
                failed_bad_items(&mut m);
                for i in 0..(8 + 6 * n as u32) {
                    let sid = ORPHAN_SIDS[(i as usize + n) % 3];
                    m.items.push(source_principal(
                        FOLDERS[i as usize % FOLDERS.len()],
                        sid,
                        &mut rng,
                        100 + i,
                    ));
                }
                // The group holds rights on every folder: it alone exceeds BadItemLimit 10.
                for (i, f) in FOLDERS.iter().enumerate().take(10 + n) {
                    m.items.push(target_principal(&GROUP, Some(f), &mut rng, 150 + i as u32));
                }
            }
            3 => {
                m.status = ("Failed", 99);
                m.status_detail = ("FailedNetwork", 72);
                m.failure_type = Some("CommunicationErrorTransientException".into());
                m.message = Some(
                    "Error: The job encountered too many transient failures (61) and is quitting."
                        .into(),
                );
                for i in 0..3 {
                    m.failures.push(transient(60 + i));
                }
                m.items.push(source_principal("Inbox", ORPHAN_SIDS[1], &mut rng, 90));
            }
            _ => {
                failed_bad_items(&mut m);
                m.bad_item_limit = SpecLimit::Count(2);
                m.large_item_limit = SpecLimit::Count(5);
                for i in 0..6u32 {
                    m.items.push(source_principal(
                        FOLDERS[i as usize],
                        ORPHAN_SIDS[0],
                        &mut rng,
                        100 + i,
                    ));
                }
                m.items.push(data_item("CorruptItem", &mut rng, 120));
                m.items.push(data_item("LargeItem", &mut rng, 121));
                for i in 0..4u32 {
                    m.items.push(data_item("MissingItem", &mut rng, 130 + i));
                }
            }
        }
        let (server, plan) = match n {
            0 => (EXCH01, Plan { hours: 2.9, efficiency: 91.0, ..Plan::default() }),
            1 => (
                EXCH01,
                Plan { hours: 2.0, failed: 1.5, source: 72.0, percent: 95, ..Plan::default() },
            ),
            2 => {
                let mut stalls = [0.0; 9];
                stalls[CI] = 6.0;
                stalls[MDB] = 4.0;
                let plan = Plan {
                    hours: 3.4,
                    failed: 1.2,
                    source: 66.0,
                    destination: 27.0,
                    stalls,
                    percent: 95,
                    ..Plan::default()
                };
                (EXCH02, plan)
            }
            // The network failure: transient failures, a slow transfer.
            3 => {
                let plan = Plan {
                    hours: 9.5,
                    failed: 2.0,
                    source: 70.0,
                    destination: 12.0,
                    transient: 17.0,
                    efficiency: 71.0,
                    percent: 61,
                    latency: Some((180, 40)),
                    ..Plan::default()
                };
                (EXCH02, plan)
            }
            _ => (EXCH03, Plan { hours: 2.6, failed: 0.8, percent: 95, ..Plan::default() }),
        };
        m.perf = Some(perf(plan, m.size, server, if n.is_multiple_of(2) { MRS_A } else { MRS_B }));
        batch.push(m);
    }
    let later = wave3_later(&batch);
    out.push(Sample {
        file: "batch-wave3.utf16.xml",
        encoding: SampleEncoding::Utf16LeBom,
        description: "Five mailboxes of one migration batch in one file (UTF-16 LE with BOM, CRLF: Windows PowerShell 5.1's default): one clean; two failed on permissions only (orphaned SIDs of the same deleted users in both, within Exchange Online's 1000, plus a non-mail-enabled group on 11 and 12 folders that exceeds BadItemLimit 10); one failed on the network (not bad items: transient failures took 17% of its time, 0.25 GB/h); one failed with missing and corrupt items (BadItemLimit 2). The moves come from three source servers.",
        mailboxes: batch,
    });

    // 6. Migration user with skipped items and DCS Investigate.
    let mut mu = base(&mut rng, "Diego Siciliani", "diegos");
    mu.kind = MailboxKind::MigrationUser;
    mu.bad_item_limit = SpecLimit::Absent;
    mu.large_item_limit = SpecLimit::Absent;
    mu.status = ("Synced", 5);
    mu.status_detail = ("Synced", 5);
    mu.dcs = Some("Investigate");
    mu.unapproved = Some(true);
    mu.batch = Some("Wave-4 Sales".into());
    for i in 0..3u32 {
        mu.items.push(data_item("CorruptItem", &mut rng, 100 + i));
    }
    mu.items.push(data_item("MissingItem", &mut rng, 110));
    for i in 0..5u32 {
        mu.items.push(source_principal(FOLDERS[i as usize], ORPHAN_SIDS[2], &mut rng, 120 + i));
    }
    // Migration-user statistics have coarse durations: one stall figure.
    let mut stalls = [0.0; 9];
    stalls[CI] = 18.5;
    let plan =
        Plan { hours: 6.5, queued: 0.3, stalls, efficiency: 88.0, percent: 95, ..Plan::default() };
    let mut p = perf(plan, mu.size, EXCH01, MRS_A);
    p.synced = 1.5 * HOUR;
    mu.perf = Some(p);
    out.push(Sample {
        file: "migration-user-dcs.xml",
        encoding: SampleEncoding::Utf8,
        description: "Get-MigrationUserStatistics -IncludeReport -IncludeSkippedItems of a synced user whose Data Consistency Score is Investigate: 9 skipped items (3 corrupt, 1 missing, 5 orphaned-SID ACLs) await approval before completion. Its coarse durations say stalls took 18.5% of its time.",
        mailboxes: vec![mu],
    });

    // 7. Report members flattened to strings, and a report that is only text.
    let mut flat = base(&mut rng, "Johanna Lorenz", "johannal");
    failed_bad_items(&mut flat);
    flat.bad_item_limit = SpecLimit::Count(1);
    flat.shape = Shape::Flattened;
    for i in 0..14u32 {
        flat.items.push(source_principal(
            FOLDERS[i as usize % FOLDERS.len()],
            ORPHAN_SIDS[i as usize % 2],
            &mut rng,
            100 + i,
        ));
    }
    flat.items.push(target_principal(&UNSYNCED_USER, Some("Inbox"), &mut rng, 130));
    flat.items.push(data_item("CorruptItem", &mut rng, 131));
    // Durations flattened to TimeSpan text; the SessionStatistics to its ToString.
    let plan =
        Plan { hours: 2.3, failed: 0.7, percent: 95, latency: Some((72, 60)), ..Plan::default() };
    let mut p = perf(plan, flat.size, EXCH02, MRS_B);
    p.durations = DurationShape::Text;
    flat.perf = Some(p);
    let mut text_only = base(&mut rng, "Miriam Graham", "miriamg");
    text_only.shape = Shape::LogOnly;
    for i in 0..11u32 {
        text_only.items.push(source_principal(
            FOLDERS[i as usize % FOLDERS.len()],
            ORPHAN_SIDS[3],
            &mut rng,
            100 + i,
        ));
    }
    // EnhancedTimeSpans whose Props were lost: only their ToString.
    let mut p = perf(Plan { hours: 1.9, ..Plan::default() }, text_only.size, EXCH01, MRS_A);
    p.durations = DurationShape::ToStringOnly;
    text_only.perf = Some(p);
    out.push(Sample {
        file: "flattened.xml",
        encoding: SampleEncoding::Utf8,
        description: "Two exports where the report did not survive as structure: in the first (failed, BadItemLimit 1), Entries, BadItems and Failures are lists of strings (each record's ToString), the SessionStatistics is its ToString and the durations are TimeSpan text; in the second (completed), the Report itself is one string, the complete entry log with 11 orphaned-SID folder ACL lines, and the durations are EnhancedTimeSpans without their properties.",
        mailboxes: vec![flat, text_only],
    });
    out.push(Sample {
        file: "batch-wave3.later.xml",
        encoding: SampleEncoding::Utf8,
        description: "The same batch exported again two days later, while it is being fixed (PowerShell 7, UTF-8): pradeepg's orphaned ACEs removed and BadItemLimit raised to 11, resumed and completed; lynner resumed without a fix and failed again with 2 corrupt items and a user outside the sync scope on its Calendar; jonis resumed once the network recovered and completed; gradya's request removed (to be recreated); alexw's request new and in progress.",
        mailboxes: later,
    });

    out.push(onboarding_with_stalls(&mut rng));
    out.push(archive_move(&mut rng));
    out.push(batch_over_three_servers(&mut rng));
    out
}

/// The on-premises source servers of the samples.
const EXCH01: &str = "EXCH01.contoso.com";
const EXCH02: &str = "EXCH02.contoso.com";
const EXCH03: &str = "EXCH03.contoso.com";

/// Sample 8: an onboarding still copying, stalled in several buckets, its log
/// telling each stall and the copy's progress.
fn onboarding_with_stalls(rng: &mut Rng) -> Sample {
    let mut m = base(rng, "Alex Wilber", "alexw");
    m.batch = Some("MigrationService:Wave-5 Executives".into());
    m.status = ("InProgress", 2);
    // An Exchange Online state; its number is not documented.
    m.status_detail = ("StalledDueTo_TargetDiskLatency", 0);
    m.size = 9 * (1 << 30);
    let mut stalls = [0.0; 9];
    stalls[CI] = 11.0;
    stalls[MDB] = 7.0;
    stalls[TARGET_CPU] = 3.5;
    stalls[TARGET_THROTTLE] = 2.0;
    stalls[LOCKED] = 0.5;
    let plan = Plan {
        hours: 14.0,
        queued: 0.3,
        relinquished: 1.2,
        source: 52.0,
        destination: 22.0,
        word_breaking: 9.0,
        transient: 1.2,
        stalls,
        efficiency: 89.0,
        percent: 72,
        latency: Some((61, 140)),
        ..Plan::default()
    };
    let mut p = perf(plan, m.size, EXCH02, MRS_B);
    let total = 30_000;
    let hour = |h: f64| (h * HOUR) as u64;
    let copied = |h: f64, f: f64| {
        (hour(h), copy_line((total as f64 * f) as u64, total, (m.size as f64 * f) as u64, m.size))
    };
    let stall = |h: f64, agent: &str| (hour(h), constraint_line(m.start, hour(h), &m.guid, agent));
    p.log = vec![
        copied(0.25, 0.06),
        copied(1.5, 0.17),
        stall(2.0, "ContentIndexing"),
        (hour(2.6), UNSTALLED.into()),
        copied(3.5, 0.32),
        stall(4.2, "MailboxDatabaseReplication"),
        copied(5.1, 0.41),
        (hour(6.0), relinquish_line("StalledDueToTarget_Processor")),
        // A new stall line closes the open one at its own time.
        stall(6.4, "ContentIndexing"),
        (hour(7.0), UNSTALLED.into()),
        copied(8.5, 0.55),
        copied(10.0, 0.62),
        copied(11.5, 0.68),
        copied(12.8, 0.72),
        (hour(13.2), relinquish_line("StalledDueToTarget_DiskLatency")),
    ];
    p.copy_incomplete = true;
    m.perf = Some(p);
    Sample {
        file: "onboarding-stalls.xml",
        encoding: SampleEncoding::Utf8,
        description: "An onboarding of a 9 GB mailbox still copying (72%) after 14 hours in progress, stalled now (StalledDueTo_TargetDiskLatency): stalls took 24% of its time, almost all on the target (content indexing 11%, MDB replication 7%, target CPU 3.5%, target throttling 2%, locked mailbox 0.5%). Its log tells 8 copy-progress points and 5 stall episodes: replication-constraint stalls (content indexing, MDB replication) and relinquished jobs with a throttling state, the last one still open.",
        mailboxes: vec![m],
    }
}

/// Sample 9: an archive-only move: the archive is the size that moves, its
/// session holds the time, the primary session is empty.
fn archive_move(rng: &mut Rng) -> Sample {
    let mut m = base(rng, "Patti Fernandez", "pattif");
    m.batch = Some("MigrationService:Archives".into());
    m.size = 3_328_599_654;
    let archive = 15_569_256_448;
    let plan = Plan {
        hours: 16.0,
        source: 0.0,
        destination: 0.0,
        word_breaking: 0.0,
        latency: None,
        ..Plan::default()
    };
    let mut p = perf(plan, archive, EXCH03, MRS_A);
    let ip = p.in_progress;
    p.archive_only = true;
    p.archive_size = Some(archive);
    p.primary = Some(SessionSpec::default());
    p.archive = Some(SessionSpec {
        source: vec![
            ("IMailbox.Connect", 40.0),
            ("ISourceMailbox.ExportMessages", ip * 0.87 - 40.0),
        ],
        destination: vec![("IDestinationMailbox.ImportMessages", ip * 0.09)],
        word_breaking: ip * 0.04,
        messages: 86_000,
        // Only the primary session's latency counts: this one does not.
        source_latency: Some((130, 70)),
        destination_latency: Some((9, 35)),
    });
    p.sessions = SessionShape::MembersFlattened;
    m.perf = Some(p);
    Sample {
        file: "archive-move.xml",
        encoding: SampleEncoding::Utf8,
        description: "An archive-only move (Flags MoveOnlyArchiveMailbox) of a 14.5 GB archive beside a 3.1 GB primary mailbox: the archive is the size that moves (AnalyzeMoveRequestStats drops it exactly then). The archive session holds the time, 87% of it on the source side; the primary session is empty, so word breaking is 0 and the latencies are unknown. Its sessions are objects whose ProviderInfo and LatencyInfo members were flattened to text.",
        mailboxes: vec![m],
    }
}

/// Sample 10: ten moves of one batch from three source servers through two MRS
/// servers; one stuck move on the third server.
fn batch_over_three_servers(rng: &mut Rng) -> Sample {
    let people = [
        ("Allan Deyoung", "allande"),
        ("Brian Johnson", "brianj"),
        ("Cameron White", "cameronw"),
        ("Christie Cline", "christiec"),
        ("Debra Berger", "debrab"),
        ("Emily Braun", "emilyb"),
        ("Enrico Cattaneo", "enricoc"),
        ("Irvin Sayers", "irvins"),
        ("Raul Razo", "raulr"),
        ("Serena Davis", "serenad"),
    ];
    // Transfer rates (GB/h) and sizes (GB): EXCH01, EXCH02, EXCH03.
    let rates = [1.10, 0.95, 1.20, 1.05, 0.90, 1.00, 0.85, 0.60, 0.65];
    let sizes = [3.2, 2.4, 5.6, 4.1, 2.9, 3.7, 2.2, 4.4, 3.0];
    let mut mailboxes = Vec::new();
    for (n, (display, alias)) in people.iter().enumerate() {
        let mut m = base(rng, display, alias);
        m.batch = Some("MigrationService:Wave-6 Operations".into());
        m.start = (2024, 6, 3, 18 + n as u32 * 15 / 60, n as u32 * 15 % 60, 0);
        let server =
            [EXCH01, EXCH01, EXCH01, EXCH01, EXCH02, EXCH02, EXCH02, EXCH03, EXCH03, EXCH03][n];
        let mrs = if n.is_multiple_of(2) { MRS_A } else { MRS_B };
        let mut p = if n < 9 {
            m.size = (sizes[n] * (1u64 << 30) as f64) as u64;
            let transferred = m.size as f64 / 0.92 / (1u64 << 30) as f64;
            perf(Plan { hours: transferred / rates[n], ..Plan::default() }, m.size, server, mrs)
        } else {
            // Stuck: 38 hours in progress, 8% copied, MRSProxy connections dropping.
            m.status = ("InProgress", 2);
            m.status_detail = ("StalledDueToSource_UnknownReason", 0);
            m.size = 5_476_083_302;
            let mut stalls = [0.0; 9];
            stalls[LOCKED] = 6.0;
            stalls[SOURCE_UNKNOWN] = 4.0;
            let plan = Plan {
                hours: 38.0,
                source: 58.0,
                destination: 8.0,
                transient: 22.0,
                stalls,
                efficiency: 97.0,
                percent: 8,
                latency: Some((240, 30)),
                ..Plan::default()
            };
            let mut p = perf(plan, m.size, server, mrs);
            p.copy_incomplete = true;
            p
        };
        if n < 9 {
            let messages = 18_000 + 1_000 * n as u64;
            p.log = steady_log(&p, m.start, &m.guid, m.size, messages);
            p.messages = Some(messages);
        } else {
            let hour = |h: f64| (h * HOUR) as u64;
            p.log = vec![
                (hour(4.0), copy_line(900, 25_000, m.size / 50, m.size)),
                (hour(20.0), copy_line(1_600, 25_000, m.size / 16, m.size)),
                (hour(37.5), copy_line(2_000, 25_000, m.size / 12, m.size)),
            ];
        }
        // One report is only its text log, one has its members flattened.
        m.shape = match n {
            3 => Shape::LogOnly,
            5 => Shape::Flattened,
            _ => Shape::Structured,
        };
        m.perf = Some(p);
        mailboxes.push(m);
    }
    Sample {
        file: "batch-servers.xml",
        encoding: SampleEncoding::Utf8,
        description: "Ten moves of one batch from three source servers (EXCH01: 4, EXCH02: 3, EXCH03: 3) through two Exchange Online MRS servers; nine completed at 0.6–1.2 GB/h, one on EXCH03 is stuck after 38 hours (8% copied, 0.01 GB/h, transient failures 22% of its time, stalled now on the source). The batch's figures keep the fastest 9 of 10, so the stuck move does not hide the batch's speed; EXCH03's three moves average far less than the other servers'. One report is only its text log, one has its members flattened; every log has copy-progress lines and the completed moves one content-indexing stall each.",
        mailboxes,
    }
}

/// How the reports of a generated export are shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BulkShape {
    /// Every report kept as objects (~5.5 KB per bad item).
    #[default]
    Structured,
    /// Every report flattened to strings (~0.5 KB per bad item).
    Flattened,
    /// One mailbox in three structured, the others flattened (~2 KB per
    /// bad item): a 1 GiB export holds about 500,000 bad items.
    Mixed,
}

/// Mailboxes for large generated exports (benchmarks, load tests): a batch
/// whose bad items are mostly permission errors with some real data problems,
/// `items` per mailbox, deterministic for a seed.
pub fn bulk_mailboxes(
    count: usize,
    items: usize,
    seed: u64,
    shape: BulkShape,
) -> impl Iterator<Item = MailboxSpec> {
    let mut rng = Rng::new(seed);
    (0..count).map(move |n| {
        let alias = format!("user{n:06}");
        let mut m = base(&mut rng, &format!("User {n:06}"), &alias);
        m.shape = match shape {
            BulkShape::Structured => Shape::Structured,
            BulkShape::Flattened => Shape::Flattened,
            BulkShape::Mixed if n % 3 == 0 => Shape::Structured,
            BulkShape::Mixed => Shape::Flattened,
        };
        m.batch = Some(format!("MigrationService:Bulk-{}", n / 100));
        if items > 0 {
            failed_bad_items(&mut m);
        }
        for i in 0..items {
            let minute = 100 + (i % 400) as u32;
            let roll = rng.below(100);
            let item = match roll {
                0..=69 => {
                    let folder =
                        format!("{}/Sub {:03}", FOLDERS[i % FOLDERS.len()], i / FOLDERS.len());
                    let sid = *rng.pick(&ORPHAN_SIDS);
                    source_principal(&folder, sid, &mut rng, minute)
                }
                70..=79 => target_principal(
                    if roll.is_multiple_of(2) { &GROUP } else { &UNSYNCED_USER },
                    Some(FOLDERS[i % FOLDERS.len()]),
                    &mut rng,
                    minute,
                ),
                80..=89 => data_item("CorruptItem", &mut rng, minute),
                90..=94 => data_item("LargeItem", &mut rng, minute),
                _ => data_item("MissingItem", &mut rng, minute),
            };
            m.items.push(item);
        }
        m.perf = Some(bulk_perf(n, &m));
        m
    })
}

/// A bundled text report: one mailbox of an XML sample in a text form.
#[derive(Debug, Clone)]
pub struct TextSample {
    /// File name under `samples/`.
    pub file: &'static str,
    /// The XML sample the mailbox comes from.
    pub from: &'static str,
    /// The mailbox's alias there.
    pub alias: &'static str,
    /// The text form.
    pub form: TextForm,
    /// What it demonstrates.
    pub description: &'static str,
    /// The mailbox.
    pub mailbox: MailboxSpec,
}

/// The bundled text reports: mailboxes of the XML samples in every text form
/// and several cultures, so a test can check the text and the XML give the
/// same verdict.
pub fn text_samples() -> Vec<TextSample> {
    let all = samples();
    let forms: [(&str, &str, &str, TextForm, &str); 6] = [
        (
            "target-principals.download.txt",
            "target-principals.xml",
            "leeg",
            TextForm::Download,
            "The admin center's download for leeg: UTF-8 BOM, 256 spaces of padding, a header naming the user, the entry log (en-US times).",
        ),
        (
            "batch-wave3-pradeepg.format-list.txt",
            "batch-wave3.utf16.xml",
            "pradeepg",
            TextForm::FormatList(120),
            "Get-MoveRequestStatistics pradeepg -IncludeReport | Format-List written by Windows PowerShell 5.1's Out-File: UTF-16 LE with BOM, fields before a `Report :` value wrapped at 120 columns.",
        ),
        (
            "source-principals.en-GB.txt",
            "source-principals.xml",
            "meganb",
            TextForm::Pasted(Culture::EnGb),
            "$stats.Report pasted into a ticket from an en-GB session: day-first 24-hour times (the 1,022 bad items of meganb).",
        ),
        (
            "corrupt-and-large.de-DE.txt",
            "corrupt-and-large.xml",
            "isaiahl",
            TextForm::Pasted(Culture::DeDe),
            "The entry log of isaiahl from a de-DE session: `19.05.2016 18:33:50` times.",
        ),
        (
            "migration-user-dcs.en-AU.txt",
            "migration-user-dcs.xml",
            "diegos",
            TextForm::Pasted(Culture::EnAu),
            "The entry log of diegos from an en-AU session: day-first times with AM/PM.",
        ),
        (
            "healthy.iso.txt",
            "healthy.xml",
            "adelev",
            TextForm::Pasted(Culture::Iso),
            "The entry log of adelev with ISO times (`2024-05-14 09:30:30`).",
        ),
    ];
    forms
        .into_iter()
        .filter_map(|(file, from, alias, form, description)| {
            let mailbox = all
                .iter()
                .find(|s| s.file == from)?
                .mailboxes
                .iter()
                .find(|m| m.alias == alias)?
                .clone();
            Some(TextSample { file, from, alias, form, description, mailbox })
        })
        .collect()
}

/// The bundled batch downloads of Wave 3: its users' statistics and errors,
/// one user the reports do not name, and a count that disagrees.
pub fn batch_lines() -> Vec<BatchLine> {
    let line = |alias: &str, status, migrated, skipped, error: Option<&str>| BatchLine {
        email: format!("{alias}@contoso.com"),
        status,
        migrated,
        skipped,
        error: error.map(str::to_string),
    };
    vec![
        line("nestorw", "Completed", 4_310, 0, None),
        line(
            "pradeepg",
            "Failed",
            2_871,
            25,
            Some(
                "TooManyBadItemsPermanentException: This mailbox exceeded the maximum number of corrupted items that were specified for this move request.",
            ),
        ),
        // The batch counts 30 skipped items where the report lists 32.
        line(
            "lynner",
            "Failed",
            5_102,
            30,
            Some(
                "TooManyBadItemsPermanentException: This mailbox exceeded the maximum number of corrupted items that were specified for this move request.",
            ),
        ),
        line(
            "jonis",
            "Failed",
            812,
            1,
            Some(
                "CommunicationErrorTransientException: The call to 'https://mail.contoso.com/EWS/mrsproxy.svc' failed.",
            ),
        ),
        line(
            "gradya",
            "Failed",
            1_990,
            12,
            Some(
                "TooManyBadItemsPermanentException: This mailbox exceeded the maximum number of corrupted items that were specified for this move request.",
            ),
        ),
        // In the batch, but no report of it was exported.
        line(
            "alexw",
            "Failed",
            0,
            0,
            Some(
                "MigrationPermanentException: Cannot find a recipient that has mailbox GUID '8a5b5b1e-3f52-4d8e-9c0f-1a2b3c4d5e6f'.",
            ),
        ),
    ]
}

/// Full performance data for a generated move, varied by its number: three
/// source servers, two MRS servers, stalls in several buckets, and a log
/// with copy-progress lines and one stall.
fn bulk_perf(n: usize, m: &MailboxSpec) -> super::spec::PerfSpec {
    let k = |modulo: usize| (n % modulo) as f64;
    let mut stalls = [0.0; 9];
    stalls[CI] = k(9);
    stalls[MDB] = k(5);
    stalls[TARGET_CPU] = k(3) * 0.5;
    stalls[LOCKED] = k(4) * 0.25;
    let plan = Plan {
        hours: 2.0 + k(7) * 0.4,
        source: 55.0 + k(15) * 2.0,
        destination: 18.0 + k(11) * 2.0,
        word_breaking: 3.0 + k(6),
        transient: k(8) * 0.5,
        stalls,
        efficiency: 78.0 + k(17),
        percent: 95,
        latency: Some((40 + (n % 90) as u32, 60)),
        failed: 0.5,
        ..Plan::default()
    };
    let server = [EXCH01, EXCH02, EXCH03][n % 3];
    let mut p = perf(plan, m.size, server, if n.is_multiple_of(2) { MRS_A } else { MRS_B });
    p.log = steady_log(&p, m.start, &m.guid, m.size, 1200);
    p
}
