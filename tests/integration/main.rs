//! The integration test binary (one binary, one link): modules by area.

mod util;

mod architecture;
mod batch;
#[cfg(target_os = "linux")]
mod bounded;
mod cli;
mod conventions;
mod corpus;
mod diff;
mod exports;
mod fixtures;
mod hostile;
mod html;
mod output_safety;
mod outputs;
mod performance;
mod redact;
mod remediate;
mod roundtrip;
mod samples;
mod script_grammar;
mod segments;
mod shapes;
mod shell;
mod small_buffers;
mod summary_output;
mod text_reports;
mod xlsx;
