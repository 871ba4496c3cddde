"""Training throughput: our trainer settings against TRL's defaults on the same data, full and LoRA.

    python -m benchmarks.perf.train_speed --data runs/data/mt [--base-model local] [--steps 30]
        [--batch-size 8] [--max-length 2048] [--methods full,lora] [--batch-tokens 1024] [--lora-layers 0]
        [--out runs/perf/train_speed.json]

Reported: real (non-padding) tokens per second over the training run and the peak resident memory of
the process (each configuration runs in its own process, so the peaks do not mix). "TRL defaults" is
``SFTConfig`` with only the output folder, steps, batch size and max length set (plus ``use_cpu`` without
CUDA); "ours" is ``benchmarks.train``'s documented defaults: the lean engine (the output head on completion
tokens only, micro-batches of at most ``batch_tokens`` padded tokens over length-sorted buckets), bf16
and gradient checkpointing on CUDA. ``--batch-size`` is TRL's; ours uses ``--batch-tokens``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SpeedRun:
    """One configuration to time: the data and method, and each trainer's batch setting."""

    data: Path
    base: str
    method: str
    steps: int
    batch_size: int  # TRL's examples per batch
    max_length: int
    batch_tokens: int = 1024  # ours: padded tokens per micro-batch
    lora_layers: int = 0  # ours: LoRA on the top N layers only (0: all)


def trl_defaults(run: SpeedRun) -> dict[str, Any]:
    from symbiotic_gym.distill.dataset import load_examples
    from symbiotic_gym.distill.train import _resolve_base, fit_length, to_prompt_completion
    from symbiotic_gym.llm.local import _offline

    _offline()
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    path = _resolve_base(run.base)
    tok = AutoTokenizer.from_pretrained(path)
    rows, _ = fit_length(to_prompt_completion(load_examples(run.data), ()), tok, run.max_length)
    peft = None
    if run.method == "lora":
        from peft import LoraConfig

        peft = LoraConfig(target_modules="all-linear", task_type="CAUSAL_LM")
    with tempfile.TemporaryDirectory() as tmp:
        args = SFTConfig(
            output_dir=tmp,
            max_steps=run.steps,
            per_device_train_batch_size=run.batch_size,
            max_length=run.max_length,
            report_to="none",
            save_strategy="no",
            use_cpu=not torch.cuda.is_available(),
            include_num_input_tokens_seen="non_padding",
        )
        trainer = SFTTrainer(
            model=AutoModelForCausalLM.from_pretrained(path),
            args=args,
            train_dataset=Dataset.from_list(rows),
            processing_class=tok,
            peft_config=peft,
        )
        t0 = time.perf_counter()
        trainer.train()
        runtime = time.perf_counter() - t0
        tokens = int(trainer.state.num_input_tokens_seen)
    return {"runtime_s": round(runtime, 2), "tokens": tokens, "tokens_per_s": round(tokens / runtime, 1)}


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def ours(run: SpeedRun) -> dict[str, Any]:
    from symbiotic_gym.distill.train import TrainConfig, train

    with tempfile.TemporaryDirectory() as tmp:
        st = train(
            TrainConfig(
                data=str(run.data),
                out=tmp,
                base_model=run.base,
                method=run.method,
                max_steps=run.steps,
                batch_size=run.batch_size,
                batch_tokens=run.batch_tokens,
                lora_layers=run.lora_layers if run.method == "lora" else 0,
                max_length=run.max_length,
                save_steps=10**9,
            )
        )
    return {
        "runtime_s": st["runtime_s"],
        "tokens": st["tokens_seen"],
        "tokens_per_s": st["tokens_per_s"],
        "device": st["device"],
        "bf16": st["bf16"],
        "gradient_checkpointing": st["gradient_checkpointing"],
    }


RUNNERS = {"ours": ours, "trl-defaults": trl_defaults}


def _one(args: argparse.Namespace) -> int:
    name, method = args.only.split("/")
    run = SpeedRun(Path(args.data), args.base_model, method, args.steps, args.batch_size, args.max_length,
                   args.batch_tokens, args.lora_layers)  # fmt: skip
    res = RUNNERS[name](run)
    res["peak_rss_mb"] = _peak_rss_mb()
    print("RESULT " + json.dumps(res), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.train_speed", description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--base-model", default="local")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--max-length", type=int, default=2048)
    p.add_argument("--methods", default="full,lora")
    p.add_argument("--batch-tokens", type=int, default=1024, help="ours: padded tokens per micro-batch")
    p.add_argument("--lora-layers", type=int, default=0, help="ours, LoRA: adapt the top N layers only (0: all)")
    p.add_argument("--out", default="runs/perf/train_speed.json")
    p.add_argument("--only", help=argparse.SUPPRESS)  # NAME/METHOD: one configuration, in this process
    args = p.parse_args(argv)
    if args.only:
        return _one(args)
    import subprocess
    import sys

    results: dict[str, Any] = {}
    for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
        for name in RUNNERS:
            cmd = [
                sys.executable,
                "-m",
                "benchmarks.perf.train_speed",
                *(argv or sys.argv[1:]),
                "--only",
                f"{name}/{method}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode or line is None:
                tail = (proc.stderr or proc.stdout)[-600:]
                results[f"{name}/{method}"] = {"error": f"exit {proc.returncode}: {tail}"}
                print(f"{name:13s} {method:5s} failed (exit {proc.returncode}): {tail[-200:]}", flush=True)
                continue
            res = json.loads(line[len("RESULT ") :])
            results[f"{name}/{method}"] = res
            print(
                f"{name:13s} {method:5s} {res['tokens_per_s']:>9} tokens/s ({res['tokens']} tokens, "
                f"{res['runtime_s']} s), peak RSS {res['peak_rss_mb']} MB",
                flush=True,
            )
    import torch

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    out.write_text(json.dumps({"device": device, "args": vars(args), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
