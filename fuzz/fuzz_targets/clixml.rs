//! Fuzz target: arbitrary bytes into the CLIXML reader (default and tight
//! limits) and the dump renderer. Must never panic, hang or allocate without
//! bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mrs_triage::clixml::{Options, Reader, Resolve};

fuzz_target!(|data: &[u8]| {
    for opts in [
        Options::default(),
        Options { max_depth: 32, max_value_bytes: 4096, resolve: Resolve::CurrentValue },
    ] {
        let Ok(reader) = Reader::with_options(data, opts) else { continue };
        let mut out = Vec::new();
        for value in reader {
            match value {
                Ok(v) => {
                    out.clear();
                    mrs_triage::dump::write_value(&mut out, &v).unwrap();
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
});
