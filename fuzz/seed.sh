#!/usr/bin/env bash
# Fills fuzz/corpus/<target> with seeds from the repository: the test fixtures, the built-in and
# example rule files, and the starter draftlint.toml (`draftlint init`).
set -euo pipefail
cd "$(dirname "$0")/.."
for target in markdown html plain_text rule_file config_file vale_rule; do mkdir -p "fuzz/corpus/$target"; done
find tests/fixtures examples -name '*.md' -exec cp {} fuzz/corpus/markdown/ \;
find tests/fixtures examples -name '*.html' -exec cp {} fuzz/corpus/html/ \;
find tests/fixtures examples -name '*.txt' -exec cp {} fuzz/corpus/plain_text/ \;
cp rules/*.toml examples/rules/*.toml fuzz/corpus/rule_file/
# Every published Vale rule next door, and the Vale fixtures of the test suite.
find ../shared/vale-styles tests/fixtures -name '*.yml' | while read -r f; do n="${f#../}"; cp "$f" "fuzz/corpus/vale_rule/${n//\//_}"; done
(cd fuzz/corpus/config_file && cargo run -q --manifest-path ../../../Cargo.toml -- init --force >/dev/null)
