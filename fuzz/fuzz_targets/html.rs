#![no_main]
//! Lint, fix, re-lint and render every format for arbitrary bytes read as Html.

use draftlint::source::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| draftlint_fuzz::lint_fix_render(data, Format::Html));
