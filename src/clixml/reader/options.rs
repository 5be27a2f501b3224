//! What a caller can ask of the reader: its limits, which objects it keeps
//! for resolving `Ref`s, and whether it reads a whole document or a segment.

use crate::clixml::decode::Encoding;
use crate::clixml::scan::{RefPlan, Segment};

/// How the reader helps its caller resolve `Ref`s.
#[derive(Debug, Clone, Default)]
pub enum Resolve {
    /// Keep no objects: `Ref`s are left for the caller (what `dump` needs).
    #[default]
    None,
    /// Index the objects of the value last returned (cleared at the next one):
    /// enough for references inside one top-level value.
    CurrentValue,
    /// Keep exactly the objects some `Ref` points to, until the input has
    /// passed that object's last reference: cross-value references resolve,
    /// and memory holds only what is still needed. The plan comes from a cheap
    /// first pass ([`scan_references`](crate::clixml::scan_references)).
    Planned(RefPlan),
}

/// Reader limits and behaviour.
#[derive(Debug, Clone)]
pub struct Options {
    /// Deepest nesting of elements accepted (PowerShell itself stops at 50).
    pub max_depth: usize,
    /// Largest single value (a text, a tag, or any run of input without `<`).
    pub max_value_bytes: usize,
    /// Which objects to keep for [`Reader::resolve`](super::Reader::resolve).
    pub resolve: Resolve,
    /// Read one segment of a document rather than a whole one (see
    /// [`Segment`]); `None` for a whole document.
    pub segment: Option<Segment>,
    /// Read an input without a byte order mark in this encoding instead of
    /// UTF-8 (`Encoding::Windows1252` for `Export-Clixml -Encoding Default`).
    pub encoding: Option<Encoding>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_depth: 256,
            max_value_bytes: 256 * 1024 * 1024,
            resolve: Resolve::None,
            segment: None,
            encoding: None,
        }
    }
}
