#!/usr/bin/env bash
# A 1 MB published-style HTML page against the Markdown corpus, measured in the same run
# (BENCHMARKS.md's single-file target: a single file at no less than the corpus's MB/s).
#
#   scripts/html-bench.sh [CORPUS_DIR] [RUNS]
#
# Pages come from scripts/html-page.py: "docs" (news chrome around the article parts of the
# real pages in tests/data/pages) and "story" (the same chrome around the news fixture's story
# repeated: dense prose, a finding every 150 bytes). Prints median wall time and MB/s of
# `check --no-config --format json` on each page and on the corpus, runs interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora}
runs=${2:-5}
cargo build --release --quiet --bin draftlint
bin=target/release/draftlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/html-page.py "$work/docs.html"
scripts/html-page.py "$work/story.html" 1048576 --story

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
seconds() {
    local s e
    s=$(date +%s%N); "$bin" check --no-config --format json "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
    echo "scale=4; ($e - $s) / 1000000000" | bc
}
corpus_bytes=$(find "$corpus" -name '*.md' -print0 | xargs -0 cat | wc -c)
# The Markdown files by name, the bytes counted above (a folder walk adds plain-text news).
mapfile -t md_files < <(find "$corpus" -name '*.md' | sort)
for _ in $(seq "$runs"); do
    echo "corpus $(seconds "${md_files[@]}")"
    echo "docs $(seconds "$work/docs.html")"
    echo "story $(seconds "$work/story.html")"
done > "$work/times"
report() {
    local t mb
    t=$(awk -v k="$1" '$1 == k {print $2}' "$work/times" | median)
    mb=$(echo "scale=3; $2 / 1048576" | bc)
    printf '  %-34s %6.2f MB  %7.3f s  %6.1f MB/s\n' "$3" "$mb" "$t" "$(echo "$mb / $t" | bc -l)"
}
echo "median of $runs interleaved runs, check --no-config --format json:"
report corpus "$corpus_bytes" "corpus ($corpus, *.md)"
report docs "$(wc -c < "$work/docs.html")" "page: docs articles in news chrome"
report story "$(wc -c < "$work/story.html")" "page: news story repeated"
