//! Classification of bad items: one category per item (first rule wins), the
//! class over categories, and the principal a permission error names. Pure
//! functions over the model; the batch entry point runs them with rayon.

use rayon::prelude::*;

use crate::exchange::model::{BadItem, PrincipalValues};
use crate::exchange::text;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// The category of a bad item.
    pub enum Category {
        /// The SID no longer resolves in the source forest.
        SourcePrincipal = "source_principal",
        /// The principal has no counterpart in the target forest.
        TargetPrincipal = "target_principal",
        /// Larger than the target allows.
        LargeItem = "large_item",
        /// In the source but not in the target at verification.
        MissingItem = "missing_item",
        /// A corrupt item.
        CorruptItem = "corrupt_item",
        /// A corrupt folder ACL or mailbox security descriptor.
        CorruptPermissions = "corrupt_permissions",
        /// A folder rule that could not be copied.
        CorruptFolderRule = "corrupt_folder_rule",
        /// A search folder definition or folder restriction.
        CorruptSearchFolder = "corrupt_search_folder",
        /// A folder property (or mismatch, or inference data).
        CorruptFolderProperty = "corrupt_folder_property",
        /// A mailbox setting.
        CorruptMailboxSetting = "corrupt_mailbox_setting",
        /// A missing or misplaced folder.
        FolderStructure = "folder_structure",
        /// Anything not recognised.
        Other = "other",
    }
}

impl Category {
    /// The class this category belongs to.
    pub fn class(self) -> Class {
        match self {
            Category::SourcePrincipal
            | Category::TargetPrincipal
            | Category::CorruptPermissions => Class::Permissions,
            Category::CorruptItem
            | Category::CorruptFolderRule
            | Category::CorruptSearchFolder
            | Category::CorruptFolderProperty
            | Category::CorruptMailboxSetting
            | Category::FolderStructure => Class::Corruption,
            Category::LargeItem => Class::Large,
            Category::MissingItem => Class::Missing,
            Category::Other => Class::Other,
        }
    }

    /// The side of a principal error (`None` for every other category).
    pub fn side(self) -> Option<Side> {
        match self {
            Category::SourcePrincipal => Some(Side::Source),
            Category::TargetPrincipal => Some(Side::Target),
            _ => None,
        }
    }
}

keyed_enum! {
    /// Classes over categories.
    pub enum Class {
        /// Permissions: principal mapping and corrupt ACLs. No mail is lost.
        Permissions = "permissions",
        /// Corrupt items, rules, folders and settings.
        Corruption = "corruption",
        /// Large items.
        Large = "large",
        /// Missing items.
        Missing = "missing",
        /// Not recognised.
        Other = "other",
    }
}

impl Class {
    /// The categories of this class, in output order.
    pub fn categories(self) -> impl Iterator<Item = Category> {
        Category::ALL.iter().copied().filter(move |c| c.class() == self)
    }

    /// The column title in tables (`Permissions`, `Corruption`, …).
    pub fn title(self) -> &'static str {
        match self {
            Class::Permissions => "Permissions",
            Class::Corruption => "Corruption",
            Class::Large => "Large",
            Class::Missing => "Missing",
            Class::Other => "Other",
        }
    }
}

const SOURCE_TEXT: &str = "Failed to find a principal from the source forest";
const TARGET_TEXT: &str = "Failed to find a principal in the target forest";

/// The category of one bad item (first matching rule wins).
pub fn categorize(item: &BadItem) -> Category {
    let category = item.category.as_deref().unwrap_or("");
    let failure_type = item.failure.as_ref().and_then(|f| f.failure_type.as_deref()).unwrap_or("");
    let text = item.all_text();
    if category == "SourcePrincipalError"
        || failure_type == "SourcePrincipalMappingException"
        || text.contains(SOURCE_TEXT)
    {
        return Category::SourcePrincipal;
    }
    if category == "TargetPrincipalError"
        || failure_type == "TargetPrincipalMappingException"
        || text.contains(TARGET_TEXT)
    {
        return Category::TargetPrincipal;
    }
    match item.kind.as_deref().unwrap_or("") {
        "LargeItem" => Category::LargeItem,
        "MissingItem" => Category::MissingItem,
        "CorruptItem" => Category::CorruptItem,
        "CorruptFolderACL" | "CorruptMailboxSecurityDescriptor" => Category::CorruptPermissions,
        "CorruptFolderRule" => Category::CorruptFolderRule,
        "CorruptSearchFolderCriteria" | "CorruptFolderRestriction" => Category::CorruptSearchFolder,
        "CorruptFolderProperty" | "FolderPropertyMismatch" | "CorruptInferenceProperties" => {
            Category::CorruptFolderProperty
        }
        "CorruptMailboxSetting" => Category::CorruptMailboxSetting,
        "MissingFolder" | "MisplacedFolder" => Category::FolderStructure,
        _ => Category::Other,
    }
}

/// Which side a principal error is on (the model's side of a move).
pub use crate::exchange::model::Side;

/// The key principals are matched on: SID, else LegDN, alias or display
/// name, lower-cased.
pub(crate) fn principal_key(p: &PrincipalValues) -> String {
    p.sid
        .as_deref()
        .or(p.legacy_dn.as_deref())
        .or(p.alias.as_deref())
        .or(p.display_name.as_deref())
        .unwrap_or("(unidentified)")
        .to_ascii_lowercase()
}

/// A classified bad item.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// Its category.
    pub category: Category,
    /// The principal, for principal errors.
    pub principal: Option<PrincipalValues>,
    /// The folder it concerns (from the record, the message or the DataContext).
    pub folder: Option<String>,
}

/// Classifies one item and, for principal errors, extracts the principal.
pub fn classify(item: &BadItem) -> Classified {
    let category = categorize(item);
    let mut folder = item.folder.clone();
    let principal = match category {
        Category::SourcePrincipal | Category::TargetPrincipal => {
            let text = item.all_text();
            if folder.is_none() {
                folder = item
                    .failure
                    .as_ref()
                    .and_then(|f| f.data_context.as_deref())
                    .and_then(text::data_context_folder)
                    .or_else(|| text::principal_folder(&text));
            }
            Some(text::principal_values(&text))
        }
        _ => None,
    };
    Classified { category, principal, folder }
}

/// Classifies many items in parallel, keeping their order.
pub fn classify_all(items: &[BadItem]) -> Vec<Classified> {
    if items.len() < 256 {
        return items.iter().map(classify).collect();
    }
    items.par_iter().with_min_len(128).map(classify).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::model::Failure;

    fn item(kind: &str) -> BadItem {
        BadItem { kind: Some(kind.into()), ..BadItem::default() }
    }

    #[test]
    fn principal_rules_come_first() {
        let mut b = item("CorruptFolderACL");
        b.category = Some("SourcePrincipalError".into());
        assert_eq!(categorize(&b), Category::SourcePrincipal);
        let mut b = item("CorruptMailboxSecurityDescriptor");
        b.failure = Some(Failure {
            failure_type: Some("TargetPrincipalMappingException".into()),
            ..Failure::default()
        });
        assert_eq!(categorize(&b), Category::TargetPrincipal);
        let mut b = item("CorruptFolderACL");
        b.text = Some(format!(
            "Unable to translate principals for folder \"X\"/\"FolderNTSD\": {SOURCE_TEXT}."
        ));
        assert_eq!(categorize(&b), Category::SourcePrincipal);
        // Source wins when both appear (first rule).
        let mut b = item("LargeItem");
        b.category = Some("SourcePrincipalError".into());
        b.failure = Some(Failure {
            failure_type: Some("TargetPrincipalMappingException".into()),
            ..Failure::default()
        });
        assert_eq!(categorize(&b), Category::SourcePrincipal);
    }

    #[test]
    fn kinds_map_to_categories() {
        let cases = [
            ("LargeItem", Category::LargeItem),
            ("MissingItem", Category::MissingItem),
            ("CorruptItem", Category::CorruptItem),
            ("CorruptFolderACL", Category::CorruptPermissions),
            ("CorruptMailboxSecurityDescriptor", Category::CorruptPermissions),
            ("CorruptFolderRule", Category::CorruptFolderRule),
            ("CorruptSearchFolderCriteria", Category::CorruptSearchFolder),
            ("CorruptFolderRestriction", Category::CorruptSearchFolder),
            ("CorruptFolderProperty", Category::CorruptFolderProperty),
            ("FolderPropertyMismatch", Category::CorruptFolderProperty),
            ("CorruptInferenceProperties", Category::CorruptFolderProperty),
            ("CorruptMailboxSetting", Category::CorruptMailboxSetting),
            ("MissingFolder", Category::FolderStructure),
            ("MisplacedFolder", Category::FolderStructure),
            ("SomethingNew", Category::Other),
        ];
        for (kind, want) in cases {
            assert_eq!(categorize(&item(kind)), want, "{kind}");
        }
        assert_eq!(categorize(&BadItem::default()), Category::Other);
    }

    #[test]
    fn classes() {
        assert_eq!(Category::CorruptPermissions.class(), Class::Permissions);
        assert_eq!(Category::FolderStructure.class(), Class::Corruption);
        assert_eq!(Category::MissingItem.class(), Class::Missing);
        assert_eq!(Category::ALL.len(), 12);
    }

    #[test]
    fn principal_and_folder_come_from_data_context() {
        let b = BadItem {
            failure: Some(Failure {
                failure_type: Some("TargetPrincipalMappingException".into()),
                data_context: Some("Folder: 'Inbox/Team; \"A\"', entryId [len=2, data=00]\r\nAlias: jdoe; SID: S-1-5-21-1-2-3-500;".into()),
                ..Failure::default()
            }),
            ..BadItem::default()
        };
        let c = classify(&b);
        assert_eq!(c.category, Category::TargetPrincipal);
        assert_eq!(c.folder.as_deref(), Some("Inbox/Team; \"A\""));
        let p = c.principal.unwrap();
        assert_eq!(p.alias.as_deref(), Some("jdoe"));
        assert_eq!(p.sid.as_deref(), Some("S-1-5-21-1-2-3-500"));
    }

    #[test]
    fn parallel_classification_keeps_order() {
        let items: Vec<BadItem> =
            (0..1000).map(|i| item(if i % 2 == 0 { "LargeItem" } else { "CorruptItem" })).collect();
        let out = classify_all(&items);
        assert!(out.iter().enumerate().all(|(i, c)| c.category
            == if i % 2 == 0 { Category::LargeItem } else { Category::CorruptItem }));
    }
}
