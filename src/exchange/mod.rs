//! The Exchange model: move statistics, migration users, move history and
//! their Report, as typed records ([`model`]), read from CLIXML values
//! ([`extract`]) through shape-tolerant accessors ([`access`]) and text-form
//! parsers ([`text`]).

pub mod access;
pub mod extract;
pub mod model;
pub mod text;
