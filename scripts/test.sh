#!/usr/bin/env bash
# Quick start, step 2: install what is missing, lint, and run the default (fast) test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k oracle` or `bash scripts/test.sh -m slow`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m ruff check .
set +e
# two test processes (TEST_WORKERS=1: one): most tests wait on Chromium, so one process used ~0.7 of a core;
# a file's tests stay in one process (--dist loadfile), so a module's shared browser or batch is built once
.venv/bin/python -m pytest -q -n "${TEST_WORKERS:-2}" --dist loadfile --durations=25 "$@"  # the slowest tests
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: treating as a failure"; exit 1; fi
exit "$rc"
