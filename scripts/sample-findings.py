#!/usr/bin/env python3
"""Prints a reproducible random sample of one rule's findings on a corpus, with context,
for reading findings one by one before changing a rule.

    cargo build --release
    scripts/sample-findings.py unsourced-number 50 2026 ../shared/corpora
"""
import json
import random
import subprocess
import sys

rule, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
corpus = sys.argv[4] if len(sys.argv) > 4 else "../shared/corpora"
out = subprocess.run(
    ["target/release/draftlint", "check", "--no-config", "--only", rule, "--format", "json", corpus],
    capture_output=True, text=True, check=False,
).stdout
findings = json.loads(out)["diagnostics"]
print(f"{len(findings)} {rule} findings; sample of {min(count, len(findings))} (seed {seed})")
random.seed(seed)
for i, d in enumerate(random.sample(findings, min(count, len(findings))), 1):
    with open(d["path"], encoding="utf-8-sig") as f:
        line = f.read().split("\n")[d["line"] - 1]
    c = d["column"] - 1
    context = line[max(0, c - 60):c + 50].replace("\n", " ")
    print(f"{i:3} {d['path']}:{d['line']}:{d['column']} {d['matched']!r} :: {context}")
