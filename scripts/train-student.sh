#!/usr/bin/env bash
# The distilled student's recipe, end to end on a CPU machine; every step resumes when run again.
#   bash scripts/train-student.sh [RUN_DIR]      (default runs/student)
# 1. the oracle teacher on the embedded train split (528 tasks);
# 2. an action-only dataset in the compact prompt layout with the menus as an index and elements named, not
#    numbered (--refs name: the student writes click('Settings'); the agent finds the element), 4 episodes per
#    template;
# 3. LoRA (rank 32) on the top 10 of SmolLM2's 30 layers with the lean engine, two epochs;
# 4. live evaluation on the test split (held-out values) and the unseen-template split, and the table.
# QUICK=1 evaluates the quick subset (22 tasks of each split) instead of the whole splits.
# The shipped adapter (symbiotic_gym/models/embedded-student) was made by exactly these commands.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-runs/student}
PY=${PYTHON:-.venv/bin/python}
WORKERS=${WORKERS:-2}
"$PY" -m benchmarks.run --agent oracle --suite embedded --split train --workers "$WORKERS" --out "$RUN/oracle" --resume --quiet
if [ ! -f "$RUN/data/train.jsonl" ]; then
  "$PY" -m benchmarks.dataset build "$RUN/oracle" --out "$RUN/data" --kinds action --max-obs-chars 2400 \
    --max-obs-lines 150 --rest index --rest-share 0.5 --refs name --max-per-template 4 --no-hf
fi
/usr/bin/time -v "$PY" -m benchmarks.train --data "$RUN/data" --out "$RUN/model" --epochs 2 --grad-accum 8 --lr 6e-4 \
  --lora-layers 10 --lora-r 32 --lora-alpha 64 --logging-steps 5 --save-steps 20 2> >(tee "$RUN/train.time" >&2)
TASKS=()
if [ "${QUICK:-0}" = 1 ]; then TASKS=(--tasks quick); fi
rows=()
for split in test unseen; do
  "$PY" -m benchmarks.run --agent distilled -A "model=local:$RUN/model" --suite embedded --split "$split" \
    "${TASKS[@]}" --max-steps 15 --workers "$WORKERS" --out "$RUN/eval-$split" --resume
  rows+=("student, $split=$RUN/eval-$split")
done
"$PY" -m benchmarks.paired_table "${rows[@]}" -o "$RUN/table.md"
# to make this the package's default small model: python -m benchmarks.ship_student "$RUN/model"
