#!/usr/bin/env bash
# Quick start, step 1: install everything, then run the main job on the embedded suite.
# It runs the scripted oracle, which shows the whole pipeline end to end: the hybrid agent's local side
# needs a distilled student that solves tasks, and none does yet (README, Performance: the student's
# recipe). Extra arguments go to benchmarks.run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# --split test: the 108 held-out tasks (about two minutes with 2 workers); --split all runs all 679.
exec .venv/bin/python -m benchmarks.run --agent oracle --suite embedded --split test "$@"
