#!/usr/bin/env bash
# End-to-end benchmark of the release binary against a baseline measured in the same run.
#
#   scripts/bench.sh [CORPUS_DIR] [RUNS]
#
# Baseline: `examples/baseline.rs` reads the same Markdown files, parses them with
# pulldown-cmark and splits them into sentences (the least a Markdown-aware prose linter does),
# in parallel like draftlint. Reports median wall time of RUNS runs, MB/s, files/s, the ratio
# of draftlint's throughput to the baseline's, peak memory, a single 20 MB file, and the
# start-up-inclusive time of one small draft. Ratios, not absolute times, are comparable
# across machines: both sides run back to back on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora}
runs=${2:-5}
cargo build --release --quiet --bin draftlint --example baseline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Timed as installed (`cargo install` copies the binary): the file the linker writes in place
# maps more slowly (1-2 ms more start-up for the same instructions) than a copy of it.
cp target/release/draftlint target/release/examples/baseline "$work/"
bin=$work/draftlint
base=$work/baseline

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Wall seconds of a command, median of $runs runs (output discarded) after one untimed run
# (the first run of a freshly copied binary reads it from disk). Exit 1 means findings; 2 or
# more is a failure that would otherwise be timed as a very fast run, so it stops here.
time_cmd() {
    "$@" > /dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
        local s e code=0
        # Bash's clock, not a forked `date`, whose own start-up would be timed too.
        s=$EPOCHREALTIME; "$@" > /dev/null 2>&1 || code=$?; e=$EPOCHREALTIME
        if [ "$code" -ge 2 ]; then
            echo "bench: \`$*\` failed with exit code $code" >&2
            exit 1
        fi
        echo "scale=4; ($e - $s) / 1" | bc
    done | median
}
peak_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'; }

files=$(find "$corpus" -name '*.md' | wc -l)
bytes=$(find "$corpus" -name '*.md' -print0 | xargs -0 cat | wc -c)
mb=$(echo "scale=3; $bytes / 1048576" | bc)

# The same files on both sides: the baseline reads only Markdown, so draftlint is given the
# Markdown files by name (a folder walk would add the corpus's plain-text news).
mapfile -t md_files < <(find "$corpus" -name '*.md' | sort)
t_base=$(time_cmd "$base" "$corpus")
t_lint=$(time_cmd "$bin" check --no-config --format json "${md_files[@]}")
echo "corpus: $files Markdown files, $mb MB, median of $runs runs"
printf '  %-26s %8s s  %7.1f MB/s  %7.0f files/s\n' "baseline (parse+sentences)" "$t_base" \
    "$(echo "$mb / $t_base" | bc -l)" "$(echo "$files / $t_base" | bc -l)"
printf '  %-26s %8s s  %7.1f MB/s  %7.0f files/s\n' "draftlint (all rules)" "$t_lint" \
    "$(echo "$mb / $t_lint" | bc -l)" "$(echo "$files / $t_lint" | bc -l)"
printf '  throughput ratio draftlint/baseline: %.2f (target >= 0.50)\n' "$(echo "$t_base / $t_lint" | bc -l)"
printf '  peak memory: draftlint %s MB, baseline %s MB (target < 100 MB)\n' \
    "$(peak_mb "$bin" check --no-config --format json "${md_files[@]}")" "$(peak_mb "$base" "$corpus")"

# One big file: the corpus concatenated (twice) to about 20 MB.
big="$work/big.md"
for _ in 1 2; do find "$corpus" -name '*.md' -print0 | sort -z | xargs -0 cat >> "$big"; done
big_mb=$(echo "scale=3; $(wc -c < "$big") / 1048576" | bc)
# Above the default 16 MiB size limit: raise it, or the run stops at once.
t_big=$(time_cmd "$bin" check --no-config --max-file-size 64M --format json "$big")
t_big_base=$(time_cmd "$base" "$big")
printf '  single %s MB file: draftlint %s s (%.1f MB/s), baseline %s s (%.1f MB/s)\n' "$big_mb" \
    "$t_big" "$(echo "$big_mb / $t_big" | bc -l)" "$t_big_base" "$(echo "$big_mb / $t_big_base" | bc -l)"

# One small draft, start-up included.
seed=examples/north-korea-draft.txt
t_seed=$(runs=21 time_cmd "$bin" check --no-config --format json "$seed")
t_version=$(runs=21 time_cmd "$bin" --version)
printf '  one small draft (%s): %s s wall (process start alone: %s s; target < 0.015)\n' "$seed" "$t_seed" "$t_version"
