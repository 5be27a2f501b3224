//! Reading Exchange values out of CLIXML whatever shape the export gave them:
//! properties in `Props` or `MS`, enums as `ToString`, `Value` or a number,
//! Exchange value types (ByteQuantifiedSize, `Unlimited<T>`, EnhancedTimeSpan)
//! as objects or as their flattened text, and `Ref`s resolved on demand.

use std::sync::Arc;

use crate::clixml::{Base, Object, RefId, TextTag, Value};

use super::model::Limit;
use super::text::byte_count;

/// Looks up objects by id for `Ref`s (the reader's retained objects).
pub trait Resolver {
    /// The object with this id, if known.
    fn resolve(&self, id: &RefId) -> Option<Arc<Object>>;
}

impl<F: Fn(&RefId) -> Option<Arc<Object>>> Resolver for F {
    fn resolve(&self, id: &RefId) -> Option<Arc<Object>> {
        self(id)
    }
}

/// A resolver that knows no objects.
pub fn no_refs(_: &RefId) -> Option<Arc<Object>> {
    None
}

/// The type name without the `Deserialized.` and `Selected.` prefixes that
/// remoting and `Select-Object` add.
pub fn base_type_name(t: &str) -> &str {
    let mut t = t;
    loop {
        if let Some(rest) = t.strip_prefix("Deserialized.") {
            t = rest;
        } else if let Some(rest) = t.strip_prefix("Selected.") {
            t = rest;
        } else {
            return t;
        }
    }
}

/// Whether any of the object's type names ends with `.Name` (or is `Name`),
/// prefixes ignored. Matching the last segment keeps working when EXO moves a
/// type to another namespace.
pub fn has_type(o: &Object, simple: &str) -> bool {
    o.types.iter().any(|t| {
        let t = base_type_name(t);
        let t = t.split('`').next().unwrap_or(t); // generic arity
        t == simple || t.rsplit(['.', '+']).next() == Some(simple)
    })
}

/// Resolving view over values.
#[derive(Clone, Copy)]
pub struct View<'a> {
    refs: &'a dyn Resolver,
}

impl<'a> View<'a> {
    /// A view resolving `Ref`s through `refs`.
    pub fn new(refs: &'a dyn Resolver) -> Self {
        View { refs }
    }

    /// The object a value is or points to.
    pub fn object(&self, v: &Value) -> Option<Arc<Object>> {
        match v {
            Value::Obj(o) => Some(o.clone()),
            Value::Ref(id) => self.refs.resolve(id),
            _ => None,
        }
    }

    /// The object id a value is or points to (used to count shared records once).
    pub fn identity(&self, v: &Value) -> Option<RefId> {
        match v {
            Value::Obj(o) => o.id.clone(),
            Value::Ref(id) => Some(id.clone()),
            _ => None,
        }
    }

    /// A property of an object, `Ref` resolved, `Nil` treated as absent.
    pub fn prop(&self, o: &Object, name: &str) -> Option<Value> {
        match o.get(name)? {
            Value::Nil => None,
            Value::Ref(id) => self.refs.resolve(id).map(Value::Obj),
            v => Some(v.clone()),
        }
    }

    /// Text of a value: strings as they are, numbers and booleans printed,
    /// objects by their `ToString` (enums, ADObjectId, flattened records), or
    /// their `Value` member, or their base value.
    pub fn text(&self, v: &Value) -> Option<String> {
        match v {
            Value::Nil => None,
            Value::Text(_, s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(_, n) => Some(n.to_string()),
            Value::UInt(_, n) => Some(n.to_string()),
            Value::Single(f) => Some(f.to_string()),
            Value::Double(f) => Some(f.to_string()),
            Value::Obj(_) | Value::Ref(_) => {
                let o = self.object(v)?;
                if let Some(s) = &o.to_string {
                    return Some(s.clone());
                }
                if let Some(inner) = self.prop(&o, "Value") {
                    return self.text(&inner);
                }
                match &o.base {
                    Some(Base::Value(b)) => self.text(b),
                    _ => None,
                }
            }
            Value::Unknown(u) => Some(u.text.clone()),
            Value::Progress(_) | Value::MemberSet(_) => None,
        }
    }

    /// Text of a named property.
    pub fn prop_text(&self, o: &Object, name: &str) -> Option<String> {
        self.prop(o, name).and_then(|v| self.text(&v)).filter(|s| !s.is_empty())
    }

    /// An enum's member name: `ToString`, else `Value`, else the number,
    /// mapped to its name through `members` when it is a known one.
    pub fn enum_name(&self, o: &Object, name: &str, members: &[(i64, &str)]) -> Option<String> {
        let text = self.prop_text(o, name)?;
        match text.trim().parse::<i64>() {
            Ok(n) => {
                Some(members.iter().find(|(v, _)| *v == n).map_or(text, |(_, m)| (*m).to_string()))
            }
            Err(_) => Some(text),
        }
    }

    /// A whole number: integers, numeric text, or an object whose text is one.
    pub fn number(&self, v: &Value) -> Option<u64> {
        match v {
            Value::Int(_, n) => u64::try_from(*n).ok(),
            Value::UInt(_, n) => Some(*n),
            Value::Double(f) if *f >= 0.0 && f.fract() == 0.0 => Some(*f as u64),
            _ => {
                let t = self.text(v)?;
                let t = t.trim();
                t.parse().ok().or_else(|| byte_count(t))
            }
        }
    }

    /// A whole-number property.
    pub fn prop_number(&self, o: &Object, name: &str) -> Option<u64> {
        self.prop(o, name).and_then(|v| self.number(&v))
    }

    /// A boolean property (`B`, or `True`/`False` text).
    pub fn prop_bool(&self, o: &Object, name: &str) -> Option<bool> {
        match self.prop(o, name)? {
            Value::Bool(b) => Some(b),
            v => match self.text(&v)?.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
        }
    }

    /// A size in bytes: ByteQuantifiedSize (object or text), or a plain number.
    pub fn prop_bytes(&self, o: &Object, name: &str) -> Option<u64> {
        let v = self.prop(o, name)?;
        match v {
            Value::Int(..) | Value::UInt(..) => self.number(&v),
            _ => byte_count(&self.text(&v)?),
        }
    }

    /// An `Unlimited<int>` limit (BadItemLimit, LargeItemLimit).
    pub fn prop_limit(&self, o: &Object, name: &str) -> Limit {
        let Some(v) = self.prop(o, name) else { return Limit::Absent };
        if let Some(obj) = self.object(&v) {
            if self.prop_bool(&obj, "IsUnlimited") == Some(true) {
                return Limit::Unlimited;
            }
            if let Some(n) = self.prop_number(&obj, "Value") {
                return Limit::Count(n);
            }
        }
        match self.text(&v) {
            Some(t) if t.trim().eq_ignore_ascii_case("unlimited") => Limit::Unlimited,
            Some(t) => t.trim().parse().map(Limit::Count).unwrap_or(Limit::Absent),
            None => Limit::Absent,
        }
    }

    /// The items of a list property; a `Nil` or missing list is empty. A list
    /// flattened into one string comes back as that one text item.
    pub fn list(&self, v: &Value) -> Vec<Value> {
        match v {
            Value::Nil => Vec::new(),
            Value::Obj(_) | Value::Ref(_) => match self.object(v) {
                Some(o) => match &o.base {
                    Some(Base::Items(_, items)) => items.clone(),
                    // A list whose items were flattened: ToString holds them.
                    _ => vec![v.clone()],
                },
                None => Vec::new(),
            },
            Value::Text(_, s) if s.trim().is_empty() => Vec::new(),
            other => vec![other.clone()],
        }
    }

    /// The items of a named list property.
    pub fn prop_list(&self, o: &Object, name: &str) -> Vec<Value> {
        self.prop(o, name).map(|v| self.list(&v)).unwrap_or_default()
    }

    /// A date/time property as its xsd text (`DT`) or, when flattened, its text.
    pub fn prop_datetime(&self, o: &Object, name: &str) -> Option<String> {
        self.prop_text(o, name)
    }

    /// A signed whole number: integers, or numeric text.
    pub fn signed(&self, v: &Value) -> Option<i64> {
        match v {
            Value::Int(_, n) => Some(*n),
            Value::UInt(_, n) => i64::try_from(*n).ok(),
            _ => self.text(v)?.trim().parse().ok(),
        }
    }

    /// A duration in seconds, in whichever shape it arrived: an
    /// EnhancedTimeSpan or TimeSpan object (its `Ticks`, else its ToString),
    /// a `TS` (xs:duration), or text holding a TimeSpan (`1.02:03:04.5`) or
    /// an xs:duration. A type name where the value was flattened away is
    /// no duration.
    pub fn duration(&self, v: &Value) -> Option<f64> {
        match v {
            Value::Text(TextTag::TS, t) => super::text::xs_duration(t),
            Value::Text(_, t) => super::text::timespan(t).or_else(|| super::text::xs_duration(t)),
            Value::Obj(_) | Value::Ref(_) => {
                let o = self.object(v)?;
                if let Some(ticks) = self.prop(&o, "Ticks").and_then(|t| self.signed(&t)) {
                    return Some(ticks as f64 / 1e7);
                }
                if let Some(Base::Value(inner)) = &o.base {
                    return self.duration(inner);
                }
                super::text::timespan(o.to_string.as_deref()?)
            }
            _ => None,
        }
    }

    /// A duration property, in seconds; `NAMETicks` (an `I64` of 100 ns)
    /// when the duration itself is absent.
    pub fn prop_duration(&self, o: &Object, name: &str) -> Option<f64> {
        self.prop(o, name).and_then(|v| self.duration(&v)).or_else(|| {
            let ticks = self.prop(o, &format!("{name}Ticks"))?;
            Some(self.signed(&ticks)? as f64 / 1e7)
        })
    }
}

/// RequestStatus members (Exchange 2013 numbering).
pub(crate) const REQUEST_STATUS: &[(i64, &str)] = &[
    (0, "None"),
    (1, "Queued"),
    (2, "InProgress"),
    (3, "AutoSuspended"),
    (4, "CompletionInProgress"),
    (5, "Synced"),
    (10, "Completed"),
    (11, "CompletedWithWarning"),
    (98, "Suspended"),
    (99, "Failed"),
];

/// RequestState (StatusDetail) members that decide verdicts.
pub(crate) const REQUEST_STATE: &[(i64, &str)] = &[
    (2, "Queued"),
    (3, "InProgress"),
    (10, "CopyingMessages"),
    (21, "IncrementalSync"),
    (50, "Suspended"),
    (51, "AutoSuspended"),
    (70, "Failed"),
    (71, "FailedBadItemLimit"),
    (72, "FailedNetwork"),
    (73, "FailedStallDueToHA"),
    (74, "FailedStallDueToCI"),
    (75, "FailedMAPI"),
    (76, "FailedOther"),
    (77, "FailedStuck"),
    (100, "Completed"),
    (101, "CompletedWithWarnings"),
];

/// BadItemKind members.
pub(crate) const BAD_ITEM_KIND: &[(i64, &str)] = &[
    (0, "MissingItem"),
    (1, "CorruptItem"),
    (2, "LargeItem"),
    (3, "CorruptSearchFolderCriteria"),
    (4, "CorruptFolderACL"),
    (5, "CorruptFolderRule"),
    (6, "MissingFolder"),
    (7, "MisplacedFolder"),
    (8, "CorruptFolderProperty"),
    (9, "CorruptFolderRestriction"),
    (10, "CorruptInferenceProperties"),
    (11, "CorruptMailboxSetting"),
    (12, "FolderPropertyMismatch"),
];

/// ExceptionSide members.
pub(crate) const EXCEPTION_SIDE: &[(i64, &str)] = &[(0, "None"), (1, "Source"), (2, "Target")];

/// An enum without a number table: names only.
pub(crate) const NAMES_ONLY: &[(i64, &str)] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_prefixes_are_stripped() {
        assert_eq!(
            base_type_name("Deserialized.Microsoft.Exchange.Data.ByteQuantifiedSize"),
            "Microsoft.Exchange.Data.ByteQuantifiedSize"
        );
        assert_eq!(base_type_name("Selected.Deserialized.X.Y"), "X.Y");
        let o = Object {
            types: vec![
                "Deserialized.Microsoft.Exchange.MailboxReplicationService.MoveRequestStatistics"
                    .into(),
            ]
            .into(),
            ..Object::default()
        };
        assert!(has_type(&o, "MoveRequestStatistics"));
        assert!(!has_type(&o, "RequestStatistics"));
    }

    #[test]
    fn limits() {
        assert!(Limit::Count(10).exceeded_by(11));
        assert!(!Limit::Count(10).exceeded_by(10));
        assert!(!Limit::Unlimited.exceeded_by(u64::MAX));
        assert_eq!(serde_json::to_string(&Limit::Unlimited).unwrap(), "\"unlimited\"");
        assert_eq!(serde_json::to_string(&Limit::Absent).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Limit::Count(5)).unwrap(), "5");
    }
}
