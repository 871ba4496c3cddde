#!/usr/bin/env bash
# Quick start, step 1: install everything, then run the main job, the hybrid agent, on the embedded suite.
# With no cloud key every step runs on the distilled student shipped in the package (in process, nothing
# is sent anywhere); with a key public steps go to occam on the cloud model and private ones stay local.
# It prints the success rate and the share of steps decided locally. Extra arguments go to benchmarks.run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# --tasks quick: 22 of the 108 held-out test tasks, of 22 templates on every site (with no key: 15 of 22 solved,
# 603 s on a 2-core CPU in fp32, 15 of 22 in 120 s on a 2-core Xeon with AMX in bf16; README, Quick start); add --limit N for fewer, drop --tasks for the whole split.
exec .venv/bin/python -m benchmarks.run --agent hybrid --suite embedded --split test --tasks quick \
  --max-steps 15 --workers 2 "$@"
