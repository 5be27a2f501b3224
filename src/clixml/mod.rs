//! PowerShell CLIXML (Export-CliXml) in and out: the input decoder
//! ([`decode`]), a streaming reader that yields the top-level values of a
//! file one at a time, with bounded memory ([`Reader`]), the byte scanners
//! that run beside it (the reference pre-scan [`scan_references`] and the
//! segment planner), the values it yields ([`Value`]) and their NDJSON
//! rendering ([`json`]), and a writer ([`writer`]).
//!
//! ```
//! use mrs_triage::clixml::{Reader, Value};
//! let doc = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
//!   <S>first_x000A_line</S><I32>42</I32></Objs>"#;
//! let values: Vec<Value> = Reader::new(doc.as_bytes()).unwrap().collect::<Result<_, _>>().unwrap();
//! assert_eq!(values[0].as_str(), Some("first\nline"));
//! ```

pub mod decode;
mod error;
pub mod escape;
pub mod json;
mod reader;
pub(crate) mod scan;
mod value;
pub mod writer;
mod xml;

pub use error::{Error, ErrorKind, Position};
pub use reader::{Options, Reader, Resolve};
pub use scan::{RefPlan, Segment, scan_references};
pub use value::{
    Base, IntTag, ListKind, Name, Object, Property, RefId, TextTag, UIntTag, UnknownElement, Value,
    objects_by_id,
};
