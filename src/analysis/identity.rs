//! What makes a bad item the same item in two exports of one move: its kind,
//! its folder, its entry id (else its subject) and the principal it names.
//! Both the entry id and the subject are kept: a comparison uses the entry
//! id where both exports give one, the subject where one does not.
//! A mailbox keeps only these identities, with how often each occurs, when a
//! run compares exports; everything else about its items is dropped.

use std::collections::BTreeMap;

use super::classify::{Category, Classified, Side, principal_key};
use crate::exchange::model::BadItem;

/// The identity of one bad item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemIdentity {
    /// Its category (decided by the classifier, so part of what it is).
    pub category: Category,
    /// Its BadItemKind as exported (`CorruptFolderACL`), else the category's key.
    pub kind: String,
    /// Its folder (`""`: the mailbox itself, or not given).
    pub folder: String,
    /// EntryIdHex (or EntryId): which item it is, the same from one export
    /// to the next.
    pub entry_id: Option<String>,
    /// Its subject: which item it is where an export gives no entry id (a
    /// text report).
    pub subject: Option<String>,
    /// The principal it names, for principal errors: the side and the key
    /// principals are matched on (SID, else LegDN, alias or display name).
    pub principal: Option<(Side, String)>,
}

/// A mailbox's bad items as identities, each with how often it occurs.
pub type Identities = BTreeMap<ItemIdentity, u64>;

/// The identity of one item, with its classification.
pub fn identity(item: &BadItem, c: &Classified) -> ItemIdentity {
    ItemIdentity {
        category: c.category,
        kind: item.kind.clone().unwrap_or_else(|| c.category.key().to_string()),
        folder: c.folder.clone().or_else(|| item.folder.clone()).unwrap_or_default(),
        entry_id: item.entry_id.clone(),
        subject: item.subject.clone(),
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
    fn repeats_are_counted() {
        let a = item("CorruptItem", "Inbox", Some("Hi"), Some("00AB"));
        let c = item("CorruptItem", "Inbox", Some("Hi"), None);
        let items = [a.clone(), a.clone(), c.clone(), c.clone(), c.clone()];
        let classified: Vec<_> = items.iter().map(classify).collect();
        let ids = identities(&items, &classified);
        assert_eq!(ids.len(), 2);
        let by_entry = identity(&a, &classify(&a));
        assert_eq!(by_entry.entry_id.as_deref(), Some("00AB"));
        assert_eq!(by_entry.subject.as_deref(), Some("Hi"));
        assert_eq!(ids[&by_entry], 2);
        assert_eq!(ids[&identity(&c, &classify(&c))], 3);
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
        assert_eq!((ia.entry_id, ia.subject), (None, None));
    }
}
