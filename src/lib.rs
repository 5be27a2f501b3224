//! mrs-triage: offline triage of Exchange mailbox move reports.
//!
//! The engine behind the `mrs-triage` command: input discovery ([`input`])
//! and decoding ([`clixml::decode`]), the streaming CLIXML reader ([`clixml`]), the
//! Exchange model ([`exchange`]), classification ([`classify`], [`verdict`]),
//! per-mailbox analysis ([`summary`]) run over many inputs in parallel
//! ([`triage`]), cross-mailbox roll-ups on polars ([`aggregate`]), the output
//! formats ([`output`]), the NDJSON rendering of CLIXML values ([`clixml::json`]),
//! the command line ([`cli`]) and its execution ([`run`]).
//! The binary only parses arguments, calls [`run::run`] and exits.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aggregate;
pub mod classify;
pub mod cli;
pub mod clixml;
pub mod exchange;
pub mod exit;
pub mod input;
pub mod output;
pub mod powershell;
pub mod redact;
pub mod remediate;
pub mod run;
pub mod summary;
pub mod synth;
pub mod time;
pub mod timeline;
pub mod triage;
pub mod verdict;
