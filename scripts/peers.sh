#!/usr/bin/env bash
# draftlint against the prose linters people use instead, on the same files, in one run.
#
#   scripts/peers.sh [CORPUS_DIR] [RUNS]
#
# Installs write-good (npm) and proselint (PyPI) into a cache folder the first time
# (target/peers), then times each tool on every Markdown file of CORPUS_DIR: median wall time
# of RUNS runs. The tools do different amounts of work (write-good: a few regex checks per
# sentence; proselint: ~100 checks; draftlint: every built-in rule, with Markdown parsed), so
# the figure is what a user waits for, not work per check. Only ratios measured in the same run
# are comparable: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora}
runs=${2:-3}
cache=target/peers
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

if [ ! -x "$cache/node_modules/.bin/write-good" ]; then
    npm install --silent --prefix "$cache" write-good@1 >/dev/null
fi
if [ ! -x "$cache/venv/bin/proselint" ]; then
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install --quiet proselint
fi
cargo build --release --quiet --bin draftlint
list=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$list" "$work"' EXIT
# Timed as installed, like scripts/bench.sh: a copy of the binary, not the linker's file.
cp target/release/draftlint "$work/"
bin=$work/draftlint
write_good="$cache/node_modules/.bin/write-good"
proselint="$cache/venv/bin/proselint"
# proselint 0.14 and later take `check`; earlier versions take the files directly.
if "$proselint" --help 2>&1 | grep -q '^ *check'; then proselint_cmd=("$proselint" check); else proselint_cmd=("$proselint"); fi

find "$corpus" -name '*.md' | sort > "$list"
files=$(wc -l < "$list")
mb=$(xargs -a "$list" -d '\n' cat | wc -c | awk '{printf "%.2f", $1/1048576}')

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Wall seconds of a command, median of $runs runs after one untimed run (which loads the
# tool's files into the page cache: the first run of a freshly copied binary or of a Python
# or Node program reads them from disk). Bash's clock, not a forked `date`, whose own
# start-up would be timed too.
time_cmd() {
    "$@" > /dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
        local s e
        s=$EPOCHREALTIME; "$@" > /dev/null 2>&1 || true; e=$EPOCHREALTIME
        echo "scale=4; ($e - $s) / 1" | bc
    done | median
}
# Every tool gets the same file list; xargs batches it the same way for the two peers.
# draftlint too: the Markdown files by name (a folder walk would add other drafts).
mapfile -t md_files < "$list"
t_dl=$(time_cmd "$bin" check --no-config --format json "${md_files[@]}")
t_wg=$(time_cmd xargs -a "$list" -d '\n' "$write_good" --parse)
t_pl=$(time_cmd xargs -a "$list" -d '\n' "${proselint_cmd[@]}")
echo "$files Markdown files, $mb MB, median of $runs runs"
printf '  %-10s %8s s\n' draftlint "$t_dl" write-good "$t_wg" proselint "$t_pl"
printf '  draftlint is %.0fx write-good (target >= 50) and %.0fx proselint (target >= 100)\n' \
    "$(echo "$t_wg / $t_dl" | bc -l)" "$(echo "$t_pl / $t_dl" | bc -l)"
