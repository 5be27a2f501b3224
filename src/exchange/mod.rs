//! The Exchange model: move statistics, migration users, move history and
//! their Report, as typed records ([`model`]), read from CLIXML values
//! ([`extract`]) through shape-tolerant accessors ([`access`]) and text-form
//! parsers ([`text`]).

pub mod access;
pub mod batch_csv;
pub mod extract;
pub mod model;
pub mod stamp;
pub mod text;
pub mod text_report;
