#!/usr/bin/env bash
# Quick start, step 1: install everything, then run the main job on the embedded suite.
# The hybrid agent is not in this release yet; until it lands this runs the best agent that exists
# (the scripted oracle, which shows the whole pipeline end to end). Extra arguments go to benchmarks.run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m benchmarks.run --agent oracle --suite embedded "$@"
