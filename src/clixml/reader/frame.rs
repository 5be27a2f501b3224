//! What a reader can have open: a frame per open element (objects, property
//! bags, lists, dictionaries, texts), and which primitive a text element is.

use crate::clixml::value::{IntTag, ListKind, Name, Property, RefId, TextTag, UIntTag, Value};

/// What a text frame's text becomes.
#[derive(Debug)]
pub(super) enum TextRole {
    Prim(Prim),
    TypeName,
    ToString,
    /// A `PR` child such as `AV` (activity) or `PC` (percent complete).
    ProgressField(String),
}

/// One open element on the reader's stack.
#[derive(Debug)]
pub(super) enum Frame {
    Root,
    /// An object under construction; the object itself is the top of
    /// [`Reader::objs`] (built in place, no atomic `Arc::get_mut` on every
    /// member, and wrapped in an `Arc` once finished).
    Obj {
        name: Name,
    },
    Props(Vec<Property>),
    Ms {
        name: Name,
        members: Vec<Property>,
    },
    Items(ListKind, Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Entry {
        key: Option<Value>,
        value: Option<Value>,
        start: u64,
    },
    Tn {
        id: Option<RefId>,
        names: Vec<String>,
    },
    Text {
        role: TextRole,
        name: Name,
        start: u64,
    },
    Leaf {
        name: Name,
        value: Value,
    },
    /// An element already fully handled at its start (`TNRef`).
    Skip,
    Progress {
        name: Name,
        fields: Vec<(String, Value)>,
    },
    Unknown {
        name: Name,
        tag: String,
        text: String,
        nested: usize,
    },
}

/// Which primitive element a text frame is collecting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Prim {
    Nil,
    Bool,
    Int(IntTag),
    UInt(UIntTag),
    Char,
    Single,
    Double,
    Text(TextTag),
}

/// The primitive an element name stands for; `None` for any other element.
pub(super) fn prim_of(name: &str) -> Option<Prim> {
    Some(match name {
        "S" => Prim::Text(TextTag::S),
        "I32" => Prim::Int(IntTag::I32),
        "B" => Prim::Bool,
        "Nil" => Prim::Nil,
        "I64" => Prim::Int(IntTag::I64),
        "DT" => Prim::Text(TextTag::DT),
        "G" => Prim::Text(TextTag::G),
        "Db" => Prim::Double,
        "TS" => Prim::Text(TextTag::TS),
        "U64" => Prim::UInt(UIntTag::U64),
        "U32" => Prim::UInt(UIntTag::U32),
        "BA" => Prim::Text(TextTag::BA),
        "Version" => Prim::Text(TextTag::Version),
        "URI" => Prim::Text(TextTag::URI),
        "C" => Prim::Char,
        "By" => Prim::UInt(UIntTag::By),
        "SB" => Prim::Int(IntTag::SB),
        "I16" => Prim::Int(IntTag::I16),
        "U16" => Prim::UInt(UIntTag::U16),
        "Sg" => Prim::Single,
        "D" => Prim::Text(TextTag::D),
        "XD" => Prim::Text(TextTag::XD),
        "SBK" => Prim::Text(TextTag::SBK),
        "SS" => Prim::Text(TextTag::SS),
        _ => return None,
    })
}
