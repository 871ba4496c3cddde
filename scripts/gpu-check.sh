#!/usr/bin/env bash
# GPU check (one H100/H200, under 10 minutes): the gpu-marked tests, the student's recipe in bf16 at GPU
# batch sizes, a live evaluation when Chromium is there, and training tokens/s (ours vs TRL's defaults).
#   bash scripts/gpu-check.sh [DATA_DIR]   (default runs/student/data, built by scripts/train-student.sh)
# Results go to ${OUT:-runs/gpu-check}. Nothing on the CPU path depends on this script.
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-runs/student/data}
OUT=${OUT:-runs/gpu-check}
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$PWD PYTHONUNBUFFERED=1
mkdir -p "$OUT"
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name(0))" \
  | tee "$OUT/device.txt" || exit 1
# GNU time's peak memory where the machine has it (a bare GPU image may not)
TIME=()
if [ -x /usr/bin/time ]; then TIME=(/usr/bin/time -v); fi
status=0
"$PY" -m pytest -q -p no:cacheprovider -m gpu tests/distill/test_train_gpu.py 2>&1 | tee "$OUT/gpu-tests.log" || status=1
# the CPU recipe's settings (scripts/train-student.sh) with its 8 x 1024 padded tokens per optimizer step taken as one
# 8192-token micro-batch: the same optimizer steps and learning rate, in bf16
"${TIME[@]}" "$PY" -m benchmarks.train --data "$DATA" --out "$OUT/model" --device cuda --epochs 2 \
  --batch-tokens 8192 --grad-accum 1 --lr 6e-4 --lora-layers 10 --lora-r 32 --lora-alpha 64 --logging-steps 5 \
  --save-steps 1000 \
  > "$OUT/train.log" 2> "$OUT/train.time" || status=1
tail -25 "$OUT/train.log"
"$PY" -m benchmarks.perf.train_speed --data "$DATA" --methods lora --steps 20 --batch-size 8 \
  --batch-tokens 16384 --lora-layers 10 --out "$OUT/train_speed.json" 2>&1 | tee "$OUT/train_speed.log" || status=1
if command -v chromium >/dev/null || [ -x /usr/lib/chromium/chromium ]; then
  "$PY" -m benchmarks.run --agent distilled -A "model=local:$OUT/model" --suite embedded --split test \
    --tasks quick --max-steps 15 --workers 4 --out "$OUT/eval-test" 2>&1 | tail -15 || status=1
else
  echo "no Chromium on this machine: live evaluation skipped (run it on the CPU machine with the model folder)"
fi
exit $status
