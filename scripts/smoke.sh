#!/usr/bin/env bash
# Packaging smoke test: build the wheel, install it into a fresh virtual environment
# WITHOUT the dev extras, then analyse a text file, an HTML page and a JSONL file and
# export them. It proves that every dependency imported at run time is declared
# (the test environment's dev extras would hide a missing one).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
PYTHON=${PYTHON:-python3}
work=$(mktemp -d /tmp/narratrace-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$repo"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/narratrace-*.whl
"$work/venv/bin/python" -m pip check
# run from the scratch directory, so nothing is imported from the source tree
cp "$repo"/tests/fixtures/smoke/* "$work/"
cd "$work"
"$work/venv/bin/narratrace" analyze article.txt page.html items.jsonl --db smoke.db
"$work/venv/bin/narratrace" export --db smoke.db --format jsonl -o export.jsonl
"$work/venv/bin/python" "$repo/scripts/smoke_check.py" export.jsonl
