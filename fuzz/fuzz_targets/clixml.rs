//! Fuzz target: arbitrary bytes through the CLIXML reader and the `dump`
//! renderer, with default options and with small limits (see
//! `mrs_triage_fuzz::check` for every property checked).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mrs_triage_fuzz::check(data);
});
