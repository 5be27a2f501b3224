//! Output formats of the triage results: terminal tables, JSON, Excel-safe
//! CSV, Parquet, the remediation script and the HTML report.

pub mod csv;
pub mod html;
pub mod json;
pub mod parquet;
pub mod script;
pub mod table;
pub mod tables;
