#!/usr/bin/env bash
# Runs this repository's pre-commit hook on a throw-away sample repository, as a user would:
# the clean run must pass and a draft with an error-severity finding must fail.
# Needs Python (installs pre-commit from PyPI into a temporary venv) and takes a few minutes
# the first time, because pre-commit builds draftlint with `cargo install`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pre-commit
export PRE_COMMIT_HOME="$work/cache"
mkdir "$work/sample" && cd "$work/sample"
git init -q && git config user.email ci@example.invalid && git config user.name ci
printf 'A clean line.\n' > clean.md
git add . && "$work/venv/bin/pre-commit" try-repo "$repo" draftlint --all-files
printf 'As an AI language model, I cannot do that.\n' > draft.md
git add .
if "$work/venv/bin/pre-commit" try-repo "$repo" draftlint --all-files; then
    echo "FAIL: the hook passed on a draft with an error" >&2
    exit 1
fi
echo "OK: the hook passes clean drafts and fails a draft with findings"
