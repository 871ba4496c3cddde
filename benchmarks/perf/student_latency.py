"""The distilled student's step latency: one greedy action, as the ``distilled`` agent asks for it.

    python -m benchmarks.perf.student_latency --data runs/s5/data [--model local:PATH] [--n 20]
        [--threads 1,2] [--dtypes auto] [--out runs/perf/student_latency.json]

Each of the first ``--n`` prompts of a dataset's ``train.jsonl`` (the prompts the student was trained on, in
its own format) is answered once to warm up and then timed: the trained prompt, the answer primed with the
format's first word, stopped at the first line break, ``max_tokens`` as the agent's. Reported per thread
count: the median and 90th percentile seconds per answer, and the median prompt and answer tokens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any


def _prompts(data: Path, n: int) -> list[list[dict[str, str]]]:
    from symbiotic_gym.distill.dataset import load_examples
    from symbiotic_gym.distill.prompt import ACTION_TARGET_KINDS, PromptFormat, answer_prefix

    fmt = PromptFormat.load(data) or PromptFormat()
    out = []
    for ex in load_examples(data):
        if ex.get("kind") not in ACTION_TARGET_KINDS:
            continue
        out.append([*ex["messages"][:-1], {"role": "assistant", "content": answer_prefix(fmt.output)}])
        if len(out) >= n:
            break
    return out


def measure(data: Path, model: str, *, n: int, threads: int, dtype: str, max_tokens: int = 128) -> dict[str, Any]:
    from symbiotic_gym.llm.local import TransformersLLM
    from symbiotic_gym.llm.registry import spec_for

    llm = TransformersLLM(spec_for(model), threads=threads, dtype=dtype)
    prompts = _prompts(data, n)
    if not prompts:
        raise SystemExit(f"{data}: no action examples in train.jsonl")
    llm.complete(prompts[0], max_tokens=max_tokens, stop=["\n"])  # warm-up
    seconds, tokens_in, tokens_out, answers = [], [], [], []
    for msgs in prompts:
        t0 = time.perf_counter()
        c = llm.complete(msgs, max_tokens=max_tokens, stop=["\n"])[0]
        seconds.append(time.perf_counter() - t0)
        tokens_in.append(c.tokens_in)
        tokens_out.append(c.tokens_out)
        answers.append(c.text)
    seconds.sort()
    return {
        "model": llm.model,
        "dtype": llm.dtype,
        "threads": threads,
        "n": len(prompts),
        "median_s": round(statistics.median(seconds), 3),
        "p90_s": round(seconds[int(0.9 * (len(seconds) - 1))], 3),
        "median_prompt_tokens": statistics.median(tokens_in),
        "median_answer_tokens": statistics.median(tokens_out),
        "answers": answers,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, type=Path, help="a dataset folder (benchmarks.dataset build)")
    p.add_argument("--model", default="", help="a model spec (default: the shipped student)")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--threads", default="1,2", help="comma-separated torch thread counts to measure")
    p.add_argument("--dtypes", default="auto", help="comma-separated precisions (auto, bfloat16, float32)")
    p.add_argument("--out", type=Path, default=None)
    a = p.parse_args(argv)
    from symbiotic_gym.llm.local import SHIPPED_STUDENT

    model = a.model or f"local:{SHIPPED_STUDENT}"
    rows = []
    for threads in (int(t) for t in a.threads.split(",")):
        for dtype in a.dtypes.split(","):
            row = measure(a.data, model, n=a.n, threads=threads, dtype=dtype)
            print(
                f"threads={threads} {row['dtype']}: median {row['median_s']} s, p90 {row['p90_s']} s "
                f"({row['median_prompt_tokens']} prompt / {row['median_answer_tokens']} answer tokens)",
                flush=True,
            )
            rows.append(row)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
