//! The `mrs-triage` binary: arguments in, library call, exit code out.

use std::process::ExitCode;

// mimalloc: the reader makes millions of small, short-lived allocations;
// glibc's malloc spends ~13% of reading time in them, mimalloc about half.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = match mrs_triage::cli::parse() {
        Ok(config) => config,
        Err(status) => return status.into(),
    };
    if let Some(n) = config.threads() {
        // polars sizes its own thread pool from this variable when it first
        // needs it; `-j N` is meant for every pool. SAFETY: no other thread
        // has been started yet, so nothing reads the environment meanwhile.
        unsafe { std::env::set_var("POLARS_MAX_THREADS", n.to_string()) };
    }
    mrs_triage::cli::execute(config).into()
}
