#!/usr/bin/env bash
# The whole test suite (unit, integration, browser when Chromium is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
