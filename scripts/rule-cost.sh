#!/usr/bin/env bash
# What one rule adds to a full check, in instructions (callgrind counts instructions, which,
# unlike seconds, do not move with the load of a shared machine).
#
#   scripts/rule-cost.sh unsourced-number [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rule=$1
corpus=${2:-../shared/corpora}
cargo build --release --quiet --bin draftlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" target/release/draftlint \
        check --no-config --format json "$@" "$corpus" > /dev/null 2>&1 || true
    cat "$work"/cg.* | awk '/^totals:/ {s += $2} END {printf "%.0f", s}'
    rm -f "$work"/cg.*
}
with=$(count)
without=$(count --disable "$rule")
echo "all rules: $with instructions; without $rule: $without"
echo "$rule adds $(echo "scale=1; ($with - $without) * 100 / $without" | bc)% to the full check"
