//! Output formats of the triage summary: terminal table and JSON.

pub mod json;
pub mod table;
