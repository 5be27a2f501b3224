//! The integration test binary (one binary, one link): modules by area.

mod util;

mod batch;
mod cli;
mod conformance;
mod proptests;
mod reader;
mod samples;
mod shapes;
mod summary_output;
