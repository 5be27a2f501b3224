//! Output formats of the triage results: terminal tables, JSON, Excel-safe CSV.

pub mod csv;
pub mod json;
pub mod table;
pub mod tables;
