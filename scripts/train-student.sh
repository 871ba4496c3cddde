#!/usr/bin/env bash
# The distilled student's recipe, end to end on a CPU machine; every step resumes when run again.
#   bash scripts/train-student.sh [RUN_DIR]      (default runs/student)
# 1. the oracle teacher on the embedded train split (528 tasks);
# 2. an action-only dataset in the compact prompt layout with the menus as an index and elements named, not
#    numbered (--refs name: the student writes click('Settings'); the agent finds the element), 4 episodes per
#    template;
# 3. LoRA (rank 32) on the top 10 of SmolLM2's 30 layers with the lean engine, two epochs;
# 4. SPECULATIVE=1 only: speculative data synthesis with that student and a second student trained on the oracle
#    data plus those episodes (the README's speculative row: 2/22 on the test quick subset against the first
#    student's 4/22, so the shipped student is the first one);
# 4b. EXPLORE=1 (with SPECULATIVE=1) only: iteration 2, that student's own exploration added to the speculative
#    dataset and a third student trained on it (the README's iteration-2 row);
# SKILLS=1: + skill examples on the oracle's train pages (benchmarks.distill_skills), a student trained on both
#     (WARM=1: the first student trained on, not a new one);
# DECIDE=generate: evaluate with the student writing its actions (before decide=auto, the default, chose);
# RECAP=1: the prompt writes the task and the actions done again after the page (--recap), for every student;
# 5. live evaluation on the test split (held-out values) and the unseen-template split, and the table.
# DETOURS=1 (with SPECULATIVE=1): the student proposes by choosing (decide=choose) and a refused link click runs
#     anyway, once per plan step, the teacher labelling the way back (agents.speculative, detours); it speculates
#     on the 5th and 6th tasks of each template, and the second student's data takes 6 episodes per template
#     (the speculated two first). Not with EXPLORE=1, whose acceptance tasks are the 6th.
# QUICK=1 evaluates the quick subset (22 tasks of each split) instead of the whole splits.
# PER_TEMPLATE=8 EPOCHS=1: the "wide" row: 8 episodes per template seen once instead of 4 seen twice (about the
#     same tokens and optimizer steps); the 6th task of each template stays out (the acceptance tasks). Not with
#     SPECULATIVE=1, which speculates on the 5th tasks: those are then in the first student's data.
# The shipped adapter (symbiotic_gym/models/embedded-student) was made by exactly these commands.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${1:-runs/student}
PY=${PYTHON:-.venv/bin/python}
WORKERS=${WORKERS:-2}
PER_TEMPLATE=${PER_TEMPLATE:-4}
EPOCHS=${EPOCHS:-2}
if [ "${DETOURS:-0}" = 1 ] && [ "${EXPLORE:-0}" = 1 ]; then
  echo "DETOURS=1 speculates on the 6th task of each template, where EXPLORE=1 measures acceptance: use one" >&2
  exit 2
fi
if [ "$PER_TEMPLATE" -gt 4 ] && [ "${SPECULATIVE:-0}" = 1 ]; then
  echo "PER_TEMPLATE=$PER_TEMPLATE puts the 5th task of each template, where SPECULATIVE=1 speculates, in the" \
    "first student's data: use one or the other" >&2
  exit 2
fi
# the settings every dataset and every student of the recipe share
# KINDS=multitask: the multi-task row (the action line, then the oracle's plan as rationale and the page summary
#     as extra targets on the same prompt; live, the student still writes the action line only)
DATA_ARGS=(--kinds "${KINDS:-action}" --max-obs-chars 2400 --max-obs-lines 150 --rest index --rest-share 0.5 --refs name --no-hf)
# RECAP=1: the task and the actions done written again after the page, right before the question (the recap row
#     of docs/student-choose.md: more held-out steps right with decide=choose; not yet the shipped student)
if [ "${RECAP:-0}" = 1 ]; then DATA_ARGS+=(--recap); fi
TRAIN_ARGS=(--grad-accum 8 --lr 6e-4 --lora-layers 10 --lora-r 32 --lora-alpha 64 --logging-steps 5 --save-steps 20)
# a multitask target's ~150 rationale and summary tokens weigh 0.1 each against the ~15 of its action line
if [ "${KINDS:-action}" = multitask ]; then TRAIN_ARGS+=(--aux-weight 0.1); fi
"$PY" -m benchmarks.run --agent oracle --suite embedded --split train --workers "$WORKERS" --out "$RUN/oracle" --resume --quiet
# the train tasks each later step uses, by number within each template: the 5th for speculative synthesis,
#     the 6th for acceptance rates, the 6th to 8th for iteration 2's exploration (explore-tasks.txt is written
#     last: its presence means all three are there)
[ -f "$RUN/explore-tasks.txt" ] || "$PY" - "$RUN/oracle" "$RUN" <<'PYEOF'
import sys
from collections import defaultdict
from pathlib import Path

from symbiotic_gym.results.run_dir import RunDir

by_template = defaultdict(list)
for rec in RunDir(sys.argv[1]).results():
    by_template[rec["template"]].append(rec["task_id"])
lists = {"spec": [], "accept": [], "explore": []}
for template, ids in sorted(by_template.items()):
    ids.sort(key=lambda t: int(t.rsplit(".", 1)[1]))
    lists["spec"] += ids[4:5]
    lists["accept"] += ids[5:6]
    lists["explore"] += ids[5:8]
for name, ids in lists.items():
    Path(sys.argv[2], f"{name}-tasks.txt").write_text("".join(t + "\n" for t in ids))
PYEOF
HELD=()
if [ "$PER_TEMPLATE" -gt 5 ]; then HELD=(--exclude-tasks "@$RUN/accept-tasks.txt"); fi
if [ ! -f "$RUN/data/train.jsonl" ]; then
  "$PY" -m benchmarks.dataset build "$RUN/oracle" --out "$RUN/data" "${DATA_ARGS[@]}" \
    --max-per-template "$PER_TEMPLATE" "${HELD[@]}"
fi
/usr/bin/time -v "$PY" -m benchmarks.train --data "$RUN/data" --out "$RUN/model" --epochs "$EPOCHS" "${TRAIN_ARGS[@]}" \
  2> >(tee "$RUN/train.time" >&2)
MODEL="$RUN/model"
TAG=""
if [ "${SPECULATIVE:-0}" = 1 ]; then
  # speculative data synthesis: that student proposes every action on the fifth task of each template (train
  #     tasks it was not trained on); the oracle teacher keeps it when it is among its candidates, else executes
  #     and records its own action. A second student trains on the oracle data plus those episodes, with the
  #     first one's number of optimizer steps (the same training budget per student).
  SPEC_ARGS=(--tasks "@$RUN/spec-tasks.txt" -A student_decide=generate)  # the student writes its proposals
  SPEC_PER_TEMPLATE=5
  if [ "${DETOURS:-0}" = 1 ]; then
    cat "$RUN/spec-tasks.txt" "$RUN/accept-tasks.txt" >"$RUN/detour-tasks.txt"
    SPEC_ARGS=(--tasks "@$RUN/detour-tasks.txt" -A detours=true -A student_decide=choose --max-steps 30)
    SPEC_PER_TEMPLATE=6
  fi
  "$PY" -m benchmarks.run --agent speculative -A teacher=oracle -A "student_model=local:$RUN/model" \
    --suite embedded --split train "${SPEC_ARGS[@]}" --workers "$WORKERS" --out "$RUN/spec" --resume --quiet
  "$PY" -m benchmarks.dataset stats "$RUN/spec" | tee "$RUN/spec-stats.txt"
  if [ ! -f "$RUN/data-spec/train.jsonl" ]; then
    "$PY" -m benchmarks.dataset build "$RUN/spec" "$RUN/oracle" --out "$RUN/data-spec" "${DATA_ARGS[@]}" \
      --max-per-template "$SPEC_PER_TEMPLATE"
  fi
  steps=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['steps'])" "$RUN/model/train_stats.json")
  /usr/bin/time -v "$PY" -m benchmarks.train --data "$RUN/data-spec" --out "$RUN/model-spec" --max-steps "$steps" \
    "${TRAIN_ARGS[@]}" 2> >(tee "$RUN/train-spec.time" >&2)
  MODEL="$RUN/model-spec"
  TAG="-spec"
  if [ "${EXPLORE:-0}" = 1 ]; then
    # iteration 2: the first student explores on its own (sampling at temperature 0.5, 15 steps) three more train
    #     tasks of each template (the 6th to 8th by number: neither trained on nor speculated on); its successful
    #     episodes, as the evaluator judges them, join the speculative dataset, and a third student trains on that
    #     with the same number of optimizer steps. The 6th tasks are where the README measures each student's
    #     speculative acceptance rate: explored, but kept out of the data.
    "$PY" -m benchmarks.run --agent distilled -A "model=local:$RUN/model" -A temperature=0.5 --suite embedded \
      --split train --tasks "@$RUN/explore-tasks.txt" --max-steps 15 --workers "$WORKERS" --out "$RUN/explore" \
      --resume --quiet
    if [ ! -f "$RUN/data-iter2/train.jsonl" ]; then
      "$PY" -m benchmarks.dataset build "$RUN/explore" --out "$RUN/data-explore" "${DATA_ARGS[@]}" \
        --exclude-tasks "@$RUN/accept-tasks.txt"
      "$PY" -m benchmarks.dataset merge "$RUN/data-spec" "$RUN/data-explore" --out "$RUN/data-iter2" --no-hf
    fi
    /usr/bin/time -v "$PY" -m benchmarks.train --data "$RUN/data-iter2" --out "$RUN/model-iter2" --max-steps "$steps" \
      "${TRAIN_ARGS[@]}" 2> >(tee "$RUN/train-iter2.time" >&2)
    # the speculative acceptance rate by iteration, on the 6th tasks: each student proposes, the oracle judges
    for m in model model-iter2; do
      "$PY" -m benchmarks.run --agent speculative -A teacher=oracle -A "student_model=local:$RUN/$m" --suite embedded \
        --split train --tasks "@$RUN/accept-tasks.txt" --workers "$WORKERS" --out "$RUN/accept-$m" --resume --quiet
    done
    "$PY" -m benchmarks.dataset stats "$RUN/accept-model" "$RUN/accept-model-iter2" --paired | tee "$RUN/accept.txt"
    MODEL="$RUN/model-iter2"
    TAG="-iter2"
  fi
fi
if [ "${SKILLS:-0}" = 1 ]; then
  # + skill data (issue 43, not yet measured): one-step skill examples on the oracle's train-split page states
  #     (click the named element, open the named page, fill a field, choose an option, read a labelled value, report
  #     a missing link) join the oracle data; a student trains on both with the first one's number of optimizer steps
  if [ ! -f "$RUN/data-skills/train.jsonl" ]; then
    "$PY" -m benchmarks.distill_skills "$RUN/oracle" --out "$RUN/data-skill-only" --prompt-format "$RUN/data" --no-hf
    "$PY" -m benchmarks.dataset merge "$RUN/data" "$RUN/data-skill-only" --out "$RUN/data-skills" --no-hf
  fi
  steps=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['steps'])" "$RUN/model/train_stats.json")
  SKILL_ARGS=(--max-steps "$steps")
  # WARM=1: continue the first student instead (--init-adapter, 30 steps at half its learning rate; the same
  #     adapter size, so the result ships as it is)
  if [ "${WARM:-0}" = 1 ]; then SKILL_ARGS=(--init-adapter "$RUN/model" --max-steps 30 --lr 3e-4); fi
  /usr/bin/time -v "$PY" -m benchmarks.train --data "$RUN/data-skills" --out "$RUN/model-skills" "${TRAIN_ARGS[@]}" \
    "${SKILL_ARGS[@]}" 2> >(tee "$RUN/train-skills.time" >&2)
  MODEL="$RUN/model-skills"
  TAG="$TAG-skills"
fi
# the evaluation is unguided: the student chooses among the actions each page allows (distilled's default,
#     decide=auto, for a model that no exemplar guides); DECIDE=generate: it writes its actions (the rows
#     recorded before decide=auto was the default)
DECIDE=${DECIDE:-auto}
DECIDE_ARGS=()
if [ "$DECIDE" != auto ]; then TAG="$TAG-$DECIDE"; DECIDE_ARGS=(-A "decide=$DECIDE"); fi
TASKS=()
if [ "${QUICK:-0}" = 1 ]; then TASKS=(--tasks quick); fi
rows=()
for split in test unseen; do
  "$PY" -m benchmarks.run --agent distilled -A "model=local:$MODEL" "${DECIDE_ARGS[@]}" --suite embedded \
    --split "$split" "${TASKS[@]}" --max-steps 15 --workers "$WORKERS" --out "$RUN/eval$TAG-$split" --resume
  rows+=("student$TAG, $split=$RUN/eval$TAG-$split")
done
"$PY" -m benchmarks.paired_table "${rows[@]}" -o "$RUN/table$TAG.md"
# to make this the package's default small model: python -m benchmarks.ship_student "$MODEL"
