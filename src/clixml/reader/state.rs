//! The reader's state: the [`Reader`] type itself, the ids and type lists
//! seen so far, and the objects kept for later references. Its behaviour is
//! in the files beside this one: the public API and the pull loop
//! (`mod.rs`), the frame machine (`frames.rs`), attributes (`attrs.rs`) and
//! primitive values (`prim.rs`).

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use super::frame::Frame;
use super::options::Options;
use crate::clixml::decode::Decoder;
use crate::clixml::error::Error;
use crate::clixml::value::{Object, RefId, Value};

/// Internal results: a boxed error keeps `Result<(), _>` in a register and
/// `Result<Value, _>` no larger than a `Value`.
pub(super) type Res<T> = Result<T, Box<Error>>;

/// Object ids seen so far: a bitset for the dense small ids PowerShell writes,
/// a hash set for anything else.
#[derive(Debug, Default)]
pub(super) struct IdSet {
    pub(super) bits: Vec<u64>,
    pub(super) other: HashSet<RefId>,
}

impl IdSet {
    const DENSE_LIMIT: u64 = 1 << 26; // 8 MiB of bits at most

    pub(super) fn insert(&mut self, id: &RefId) {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                let (w, b) = ((*n / 64) as usize, n % 64);
                if self.bits.len() <= w {
                    self.bits.resize(w + 1, 0);
                }
                self.bits[w] |= 1 << b;
            }
            other => {
                self.other.insert(other.clone());
            }
        }
    }

    pub(super) fn contains(&self, id: &RefId) -> bool {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                let (w, b) = ((*n / 64) as usize, n % 64);
                self.bits.get(w).is_some_and(|word| word & (1 << b) != 0)
            }
            other => self.other.contains(other),
        }
    }
}

/// Type lists by `TN` id: a vector for the dense small ids PowerShell writes
/// (no hashing on every `TNRef`), a map for anything else.
#[derive(Debug, Default)]
pub(super) struct TypeTable {
    pub(super) dense: Vec<Option<Arc<[String]>>>,
    pub(super) other: HashMap<RefId, Arc<[String]>>,
}

impl TypeTable {
    const DENSE_LIMIT: u64 = 1 << 16;

    pub(super) fn insert(&mut self, id: RefId, names: Arc<[String]>) {
        match id {
            RefId::Num(n) if n < Self::DENSE_LIMIT => {
                let i = n as usize;
                if self.dense.len() <= i {
                    self.dense.resize(i + 1, None);
                }
                self.dense[i] = Some(names);
            }
            other => {
                self.other.insert(other, names);
            }
        }
    }

    pub(super) fn get(&self, id: &RefId) -> Option<&Arc<[String]>> {
        match id {
            RefId::Num(n) if *n < Self::DENSE_LIMIT => {
                self.dense.get(*n as usize).and_then(Option::as_ref)
            }
            other => self.other.get(other),
        }
    }
}

/// Retained objects for [`Resolve::Planned`], expiring once the input passes
/// their last reference.
#[derive(Debug, Default)]
pub(super) struct Retained {
    pub(super) objects: HashMap<RefId, Arc<Object>>,
    pub(super) expiry: BinaryHeap<std::cmp::Reverse<(u64, RefId)>>,
}

/// The streaming reader. Iterate it to get one top-level value at a time.
pub struct Reader<R: Read> {
    pub(super) xml: quick_xml::Reader<Decoder<R>>,
    pub(super) buf: Vec<u8>,
    pub(super) opts: Options,
    pub(super) types: TypeTable,
    /// Property counts per type list (keyed by the shared `Arc`'s address; a
    /// stale key only mis-sizes a vector). Bounded by the number of `TN`s.
    pub(super) shapes: HashMap<usize, (u32, u32)>,
    pub(super) defined: IdSet,
    pub(super) stack: Vec<Frame>,
    /// The objects of the open `Frame::Obj`s, innermost last.
    pub(super) objs: Vec<Object>,
    /// The text of the open `Frame::Text` (at most one is open: values have
    /// no child elements), reused so numbers are parsed without allocating.
    pub(super) text: String,
    pub(super) ready: Option<Value>,
    pub(super) root_seen: bool,
    /// Where text other than white space first appeared before any element
    /// (decoded offset of its first such character): not XML at all.
    pub(super) text_before_root: Option<u64>,
    /// Whether a comment, processing instruction or XML declaration came
    /// before any element: without one (and without text), a file with no
    /// element holds only white space, which is an empty file, not a cut one.
    pub(super) markup_before_root: bool,
    pub(super) root_closed: bool,
    pub(super) finished: bool,
    pub(super) objects: u64,
    pub(super) current: HashMap<RefId, Arc<Object>>,
    pub(super) retained: Retained,
    /// Ids of the `Ref`s in the value being read, in document order.
    pub(super) value_refs: Vec<RefId>,
    /// Offset in the decoded stream where the current event starts.
    pub(super) event_start: u64,
    /// Decoded bytes before quick-xml's first byte (the `#< CLIXML` line):
    /// quick-xml's positions plus this are decoder offsets.
    pub(super) base: u64,
    /// In segment mode, the type lists this input defines, in order.
    pub(super) defined_types: Option<Vec<(RefId, Arc<[String]>)>>,
}
