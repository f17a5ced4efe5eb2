#![no_main]
//! Arbitrary draftlint.toml files: load (or render the error), then lint and render with them.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| draftlint_fuzz::config_file(data));
