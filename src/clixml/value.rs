//! The values the reader produces: primitives tagged with their CLIXML element,
//! objects, and unresolved references.
//!
//! A `Ref` stays a `Ref`: the reader never copies the object it points to, so
//! output stays linear in the input whatever the reference graph looks like
//! (cycles and long chains included). Resolving is the consumer's choice; see
//! [`crate::clixml::Reader::resolve`].

use std::sync::Arc;

/// An object id (`RefId` on `Obj`/`Ref`). PowerShell writes decimal integers
/// from 0; anything else (the spec's `RefId-0` style) is kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefId {
    /// A decimal id, as every PowerShell version writes.
    Num(u64),
    /// Any other id text.
    Text(Arc<str>),
}

impl RefId {
    /// Parses an attribute value into an id.
    pub fn parse(s: &str) -> RefId {
        // Fast path for what PowerShell writes: plain decimal digits.
        if !s.is_empty() && s.len() <= 18 {
            let mut n: u64 = 0;
            if s.bytes().all(|b| {
                n = n.wrapping_mul(10).wrapping_add(u64::from(b.wrapping_sub(b'0')));
                b.is_ascii_digit()
            }) {
                return RefId::Num(n);
            }
        }
        let t = s.trim();
        if !t.is_empty()
            && t.len() <= 19
            && t.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = t.parse()
        {
            return RefId::Num(n);
        }
        RefId::Text(Arc::from(s))
    }
}

impl std::fmt::Display for RefId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefId::Num(n) => write!(f, "{n}"),
            RefId::Text(s) => f.write_str(s),
        }
    }
}

/// Which text-carrying element a [`Value::Text`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextTag {
    /// `S`: string (`_x`-decoded).
    S,
    /// `XD`: XmlDocument outer XML (`_x`-decoded).
    XD,
    /// `SBK`: script block text (`_x`-decoded).
    SBK,
    /// `URI` (`_x`-decoded).
    URI,
    /// `SS`: secure string, the protected hex text as written.
    SS,
    /// `Version`, e.g. `1.2.3.4`.
    Version,
    /// `G`: a GUID as written.
    G,
    /// `DT`: xsd:dateTime text, not reformatted.
    DT,
    /// `TS`: xsd:duration text, not reformatted.
    TS,
    /// `D`: decimal text, kept as text so no digit or trailing zero is lost.
    D,
    /// `BA`: base64 text as in the file.
    BA,
    /// `C`: a char; the text is the character itself (the file holds its code).
    C,
}

impl TextTag {
    /// The element name.
    pub fn tag(self) -> &'static str {
        match self {
            TextTag::S => "S",
            TextTag::XD => "XD",
            TextTag::SBK => "SBK",
            TextTag::URI => "URI",
            TextTag::SS => "SS",
            TextTag::Version => "Version",
            TextTag::G => "G",
            TextTag::DT => "DT",
            TextTag::TS => "TS",
            TextTag::D => "D",
            TextTag::BA => "BA",
            TextTag::C => "C",
        }
    }
}

/// Signed integer elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntTag {
    /// `SB`: SByte.
    SB,
    /// `I16`.
    I16,
    /// `I32`.
    I32,
    /// `I64`.
    I64,
}

impl IntTag {
    /// The element name.
    pub fn tag(self) -> &'static str {
        match self {
            IntTag::SB => "SB",
            IntTag::I16 => "I16",
            IntTag::I32 => "I32",
            IntTag::I64 => "I64",
        }
    }
    pub(crate) fn range(self) -> (i64, i64) {
        match self {
            IntTag::SB => (i8::MIN.into(), i8::MAX.into()),
            IntTag::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntTag::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntTag::I64 => (i64::MIN, i64::MAX),
        }
    }
}

/// Unsigned integer elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UIntTag {
    /// `By`: Byte.
    By,
    /// `U16`.
    U16,
    /// `U32`.
    U32,
    /// `U64`.
    U64,
}

impl UIntTag {
    /// The element name.
    pub fn tag(self) -> &'static str {
        match self {
            UIntTag::By => "By",
            UIntTag::U16 => "U16",
            UIntTag::U32 => "U32",
            UIntTag::U64 => "U64",
        }
    }
    pub(crate) fn max(self) -> u64 {
        match self {
            UIntTag::By => u8::MAX.into(),
            UIntTag::U16 => u16::MAX.into(),
            UIntTag::U32 => u32::MAX.into(),
            UIntTag::U64 => u64::MAX,
        }
    }
}

/// One CLIXML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `Nil`.
    Nil,
    /// `B`.
    Bool(bool),
    /// `SB`, `I16`, `I32`, `I64`.
    Int(IntTag, i64),
    /// `By`, `U16`, `U32`, `U64`.
    UInt(UIntTag, u64),
    /// `Sg` (single precision; stored widened, printed as `f32`).
    Single(f32),
    /// `Db`.
    Double(f64),
    /// Every element whose value is kept as text (see [`TextTag`]).
    Text(TextTag, String),
    /// `Obj`.
    Obj(Arc<Object>),
    /// `Ref`: a reference to the object with this id, never expanded.
    Ref(RefId),
    /// `PR`: a progress record, its children in document order.
    Progress(Vec<(String, Value)>),
    /// A nested member set `<MS N="name">` inside an `MS`.
    MemberSet(Vec<Property>),
    /// An element the format does not define, kept with its text content.
    Unknown(Box<UnknownElement>),
}

/// Finds the objects of a value tree whose ids are in `wanted`, without
/// following `Ref`s: how a consumer resolves the references inside one
/// top-level value after the reader has moved on.
pub fn objects_by_id(
    value: &Value,
    wanted: &std::collections::HashSet<&RefId>,
) -> std::collections::HashMap<RefId, Arc<Object>> {
    let mut found = std::collections::HashMap::new();
    if !wanted.is_empty() {
        collect_objects(value, wanted, &mut found);
    }
    found
}

fn collect_objects(
    value: &Value,
    wanted: &std::collections::HashSet<&RefId>,
    found: &mut std::collections::HashMap<RefId, Arc<Object>>,
) {
    match value {
        Value::Obj(o) => {
            if let Some(id) = &o.id
                && wanted.contains(id)
            {
                found.insert(id.clone(), o.clone());
            }
            for p in o.props.iter().chain(&o.members) {
                collect_objects(&p.value, wanted, found);
            }
            match &o.base {
                Some(Base::Value(v)) => collect_objects(v, wanted, found),
                Some(Base::Items(_, items)) => {
                    items.iter().for_each(|v| collect_objects(v, wanted, found))
                }
                Some(Base::Entries(entries)) => entries.iter().for_each(|(k, v)| {
                    collect_objects(k, wanted, found);
                    collect_objects(v, wanted, found);
                }),
                None => {}
            }
            o.unknown.iter().for_each(|v| collect_objects(v, wanted, found));
        }
        Value::Progress(fields) => {
            fields.iter().for_each(|(_, v)| collect_objects(v, wanted, found))
        }
        Value::MemberSet(props) => {
            props.iter().for_each(|p| collect_objects(&p.value, wanted, found))
        }
        _ => {}
    }
}

impl Value {
    /// The string of an `S` (or other text) value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(_, s) => Some(s),
            _ => None,
        }
    }

    /// The object of an `Obj` value.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Obj(o) => Some(o),
            _ => None,
        }
    }
}

/// An element the format does not define (rare: boxed to keep `Value` small).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownElement {
    /// Element name.
    pub name: String,
    /// All text inside it, markup removed.
    pub text: String,
}

/// Property names: short and endlessly repeated, so they are stored inline
/// (up to 24 bytes) instead of one heap allocation each.
pub type Name = compact_str::CompactString;

/// A named property (from `Props` or `MS`).
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The `N` attribute, `_x`-decoded (empty when absent).
    pub name: Name,
    /// The value.
    pub value: Value,
}

/// Which collection element an object's items came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// `LST`: IList.
    List,
    /// `IE`: other IEnumerable.
    Enumerable,
    /// `QUE`: Queue, front first.
    Queue,
    /// `STK`: Stack, top first.
    Stack,
}

impl ListKind {
    /// The element name.
    pub fn tag(self) -> &'static str {
        match self {
            ListKind::List => "LST",
            ListKind::Enumerable => "IE",
            ListKind::Queue => "QUE",
            ListKind::Stack => "STK",
        }
    }
}

/// The base value of an object: the primitive it extends, the collection it
/// holds, or the object it wraps.
#[derive(Debug, Clone, PartialEq)]
pub enum Base {
    /// An unnamed primitive (enum value, extended primitive) or a wrapped `Obj`.
    Value(Value),
    /// `LST`/`IE`/`QUE`/`STK` items.
    Items(ListKind, Vec<Value>),
    /// `DCT` entries, in document order, duplicates kept.
    Entries(Vec<(Value, Value)>),
}

/// An `Obj` element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// Its `RefId`, when it has one.
    pub id: Option<RefId>,
    /// The type names, most derived first, exactly as written (`Deserialized.` kept).
    pub types: Arc<[String]>,
    /// The `ToString` text.
    pub to_string: Option<String>,
    /// The base value, if any (the last one wins, as in PowerShell).
    pub base: Option<Base>,
    /// Adapted properties (`Props`), in document order.
    pub props: Vec<Property>,
    /// Extended properties (`MS`), in document order.
    pub members: Vec<Property>,
    /// Elements inside the object that the format does not define.
    pub unknown: Vec<Value>,
}

impl Object {
    /// The first property of this name (case-insensitive, as PowerShell looks
    /// them up), searching `Props` first and then `MS`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.props
            .iter()
            .chain(self.members.iter())
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| &p.value)
    }

    /// Whether any type name, with `Deserialized.` removed, equals `name`.
    pub fn is_type(&self, name: &str) -> bool {
        self.types.iter().any(|t| {
            let t = t.strip_prefix("Deserialized.").unwrap_or(t);
            t == name
        })
    }
}
