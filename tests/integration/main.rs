//! The integration test binary (one binary, one link): modules by area.

mod util;

mod architecture;
mod batch;
mod cli;
mod conventions;
mod corpus;
mod diff;
mod exports;
mod fixtures;
mod html;
mod outputs;
mod performance;
mod redact;
mod remediate;
mod roundtrip;
mod samples;
mod segments;
mod shapes;
mod shell;
mod small_buffers;
mod summary_output;
mod text_reports;
mod xlsx;
