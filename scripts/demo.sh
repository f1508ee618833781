#!/usr/bin/env bash
# The main job on the bundled example corpus: analyse it into an embedded SQLite
# database (narratrace.db) and write an HTML report (report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -f narratrace.db narratrace.db-wal narratrace.db-shm narratrace.db.*
status=0
.venv/bin/narratrace analyze examples/corpus --db narratrace.db || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
.venv/bin/narratrace report --db narratrace.db -o report.html
echo "open report.html, or run: .venv/bin/narratrace serve --db narratrace.db"
