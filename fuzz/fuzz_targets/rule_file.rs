#![no_main]
//! Arbitrary rule files: load (or render the error), then lint and render with the rule.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| draftlint_fuzz::rule_file(data));
