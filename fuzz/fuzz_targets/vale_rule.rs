#![no_main]
//! Arbitrary Vale YAML rules: load through a `.vale.ini` (or render the error), then lint.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| draftlint_fuzz::vale_rule(data));
