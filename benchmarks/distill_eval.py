"""python -m benchmarks.distill_eval: offline next-action accuracy of small models on reference trajectories.

    python -m benchmarks.distill_eval REF_RUN --model local --model local:runs/models/mt [--limit 40 | --sample 300]
        [--name base --name mt] [--decide generate --decide choose] [--out results.json]

REF_RUN is a run directory whose successful episodes are the reference (e.g. the oracle on the test
split). Each model runs as the ``distilled`` agent with its own trained prompt format; a step is correct
when the predicted action means the same as the reference (element ids compared by role and name). Every row
after the first is paired with the first on the same steps (exact McNemar p-value).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    from symbiotic_gym.llm.precision import DTYPES

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.distill_eval",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("reference", metavar="REF_RUN")
    p.add_argument("--model", action="append", required=True, help="model spec (repeatable)")
    p.add_argument("--name", action="append", default=[], help="row label per --model (default: the spec)")
    p.add_argument("--limit", type=int, default=0, help="first N reference steps only")
    p.add_argument(
        "--sample",
        type=int,
        default=0,
        help="N reference steps spread evenly over all of them (every template, not the first tasks' only)",
    )
    p.add_argument(
        "--decide",
        action="append",
        default=[],
        choices=("generate", "choose"),
        help="per --model: the distilled agent's decision mode (default generate)",
    )
    p.add_argument("--out", default=None, help="write the full results (every prediction) as JSON")
    p.add_argument(
        "--dtype",
        choices=DTYPES,
        default="auto",
        help="precision of the models (auto: bfloat16 where the hardware has it natively)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from agents.distilled import DistilledAgent
    from symbiotic_gym.distill.evaluate import next_action_accuracy, reference_steps
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.llm import configure
    from symbiotic_gym.results.paired import compare

    configure(announce=False, local_dtype=args.dtype)
    decides = args.decide + ["generate"] * (len(args.model) - len(args.decide))
    defaults = [spec if d == "generate" else f"{spec} ({d})" for spec, d in zip(args.model, decides, strict=False)]
    names = args.name + defaults[len(args.name) :]
    try:
        steps = reference_steps(args.reference, limit=args.limit)
        if not steps:
            raise SymbioticGymError(f"{args.reference} has no successful episode with steps to use as reference")
        if 0 < args.sample < len(steps):
            steps = [steps[i * len(steps) // args.sample] for i in range(args.sample)]
        rows = {}
        first: dict[str, bool] | None = None
        print("| model | next-action accuracy | valid actions | n | seconds | vs first row |")
        print("|---|---|---|---|---|---|")
        for name, spec, decide in zip(names, args.model, decides, strict=False):
            res = next_action_accuracy(
                lambda s=spec, d=decide: DistilledAgent(model=s, exemplars="none", decide=d), steps
            )
            acc, val = res["accuracy"], res["valid_actions"]
            ok = {f"{s['task_id']}#{s['step']}": s["ok"] for s in res["steps"]}
            versus = "—"
            if first is None:
                first = ok
            else:
                c = compare(first, ok)
                versus = f"+{len(c.fixes)} / -{len(c.regressions)}, p = {c.p_value:.3g}"
            print(
                f"| {name} | {100 * acc['success_rate']:.1f}% ± {100 * acc['stderr']:.1f} | "
                f"{100 * val['success_rate']:.1f}% | {acc['n']} | {res['seconds']} | {versus} |",
                flush=True,
            )
            rows[name] = {"model": spec, "decide": decide, "dtype": args.dtype, **res}
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps({"reference": args.reference, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
