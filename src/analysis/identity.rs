//! What makes a bad item the same item in two exports of one move: its kind,
//! its folder, its entry id (else its subject) and the principal it names.
//! A mailbox keeps only these identities, with how often each occurs, when a
//! run compares exports; everything else about its items is dropped.

use std::collections::BTreeMap;

use super::classify::{Category, Classified, Side, principal_key};
use crate::exchange::model::BadItem;

/// Which item of its folder a bad item is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemRef {
    /// EntryIdHex (or EntryId): stable from one export to the next.
    EntryId(String),
    /// The subject, when the export gives no entry id (text reports).
    Subject(String),
    /// Neither (folder-level kinds in a text report).
    None,
}

/// The identity of one bad item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemIdentity {
    /// Its category (decided by the classifier, so part of what it is).
    pub category: Category,
    /// Its BadItemKind as exported (`CorruptFolderACL`), else the category's key.
    pub kind: String,
    /// Its folder (`""`: the mailbox itself, or not given).
    pub folder: String,
    /// Which item it is.
    pub item: ItemRef,
    /// The principal it names, for principal errors: the side and the key
    /// principals are matched on (SID, else LegDN, alias or display name).
    pub principal: Option<(Side, String)>,
}

/// A mailbox's bad items as identities, each with how often it occurs.
pub type Identities = BTreeMap<ItemIdentity, u64>;

/// The identity of one item, with its classification.
pub fn identity(item: &BadItem, c: &Classified) -> ItemIdentity {
    let item_ref = match (&item.entry_id, &item.subject) {
        (Some(id), _) => ItemRef::EntryId(id.clone()),
        (None, Some(s)) => ItemRef::Subject(s.clone()),
        (None, None) => ItemRef::None,
    };
    ItemIdentity {
        category: c.category,
        kind: item.kind.clone().unwrap_or_else(|| c.category.key().to_string()),
        folder: c.folder.clone().or_else(|| item.folder.clone()).unwrap_or_default(),
        item: item_ref,
        principal: c
            .category
            .side()
            .map(|side| (side, principal_key(&c.principal.clone().unwrap_or_default()))),
    }
}

/// Every item of a mailbox as identities (`classified` in the order of `items`).
pub fn identities(items: &[BadItem], classified: &[Classified]) -> Identities {
    let mut out = Identities::new();
    for (item, c) in items.iter().zip(classified) {
        *out.entry(identity(item, c)).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::classify::classify;
    use crate::exchange::model::PrincipalValues;

    fn item(kind: &str, folder: &str, subject: Option<&str>, entry: Option<&str>) -> BadItem {
        BadItem {
            kind: Some(kind.into()),
            folder: Some(folder.into()),
            subject: subject.map(str::to_string),
            entry_id: entry.map(str::to_string),
            ..BadItem::default()
        }
    }

    #[test]
    fn the_entry_id_wins_over_the_subject_and_repeats_are_counted() {
        let a = item("CorruptItem", "Inbox", Some("Hi"), Some("00AB"));
        let b = item("CorruptItem", "Inbox", Some("Hi (renamed)"), Some("00AB"));
        let c = item("CorruptItem", "Inbox", Some("Hi"), None);
        let items = [a.clone(), b, c.clone(), c];
        let classified: Vec<_> = items.iter().map(classify).collect();
        let ids = identities(&items, &classified);
        assert_eq!(ids.len(), 2);
        let by_entry = identity(&a, &classify(&a));
        assert_eq!(by_entry.item, ItemRef::EntryId("00AB".into()));
        assert_eq!(ids[&by_entry], 2);
        assert!(ids.values().all(|&n| n == 2));
    }

    #[test]
    fn principal_errors_are_told_apart_by_their_principal() {
        let mut a = item("CorruptFolderACL", "Inbox", None, None);
        a.category = Some("TargetPrincipalError".into());
        let ca = Classified {
            category: Category::TargetPrincipal,
            principal: Some(PrincipalValues {
                sid: Some("S-1-5-21-1-2-3-500".into()),
                ..PrincipalValues::default()
            }),
            folder: Some("Inbox".into()),
        };
        let mut cb = ca.clone();
        cb.principal =
            Some(PrincipalValues { alias: Some("K.Okafor".into()), ..Default::default() });
        let (ia, ib) = (identity(&a, &ca), identity(&a, &cb));
        assert_ne!(ia, ib);
        assert_eq!(ia.principal, Some((Side::Target, "s-1-5-21-1-2-3-500".into())));
        assert_eq!(ib.principal, Some((Side::Target, "k.okafor".into())));
        assert_eq!(ia.kind, "CorruptFolderACL");
        assert_eq!(ia.item, ItemRef::None);
    }
}
