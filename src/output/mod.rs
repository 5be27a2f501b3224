//! Output formats of the triage results: terminal tables, JSON, Excel-safe
//! CSV, Parquet.

pub mod csv;
pub mod json;
pub mod parquet;
pub mod table;
pub mod tables;
