//! The integration test binary (one binary, one link): modules by area.

mod util;

mod architecture;
mod batch;
mod cli;
mod corpus;
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
mod small_buffers;
mod summary_output;
