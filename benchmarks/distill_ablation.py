"""python -m benchmarks.distill_ablation: the paper's distillation ablation on the embedded suite.

    python -m benchmarks.distill_ablation --out runs/ablation [--train-steps 200] [--batch-size 8]
        [--spec-tasks 74] [--live-tasks 37] [--eval-steps 0] [--max-obs-chars 4000] [--workers 2]

Rows, all with the same training budget and the oracle as teacher:

* ``base`` -- the bundled SmolLM2-135M-Instruct, untrained, with the same prompt format;
* ``plain`` -- distilled on the oracle's train-split trajectories, action only;
* ``speculative`` -- distilled on the oracle's trajectories plus a speculative-synthesis run (the base
  model proposes, the oracle accepts or replaces), action only;
* ``multitask`` -- distilled on the oracle's trajectories with rationale + action and the page-summary task.

Measured on the held-out test split: offline next-action accuracy against the oracle's test trajectories
(every step, or ``--eval-steps``), and, with ``--live-tasks``, the live success rate. Every stage writes its
output folder and is skipped when run again, so an interrupted ablation resumes. CPU runs are slow (about
20-60 training tokens/s for the 135M model on two cores); the defaults are meant for a GPU.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

VARIANTS = {
    "plain": {"kinds": "action", "runs": ("teacher",)},
    "speculative": {"kinds": "action", "runs": ("teacher", "speculative")},
    "multitask": {"kinds": "rationale_action,summary", "runs": ("teacher",)},
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.distill_ablation",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", required=True, help="folder for every run, dataset, model and the table")
    p.add_argument("--base-model", default="local")
    p.add_argument("--train-steps", type=int, default=200, help="optimizer steps per variant (same for all)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--max-length", type=int, default=2048)
    p.add_argument("--spec-tasks", type=int, default=0, help="train tasks for the speculative run (0: all)")
    p.add_argument("--eval-steps", type=int, default=0, help="reference steps for next-action accuracy (0: all)")
    p.add_argument("--live-tasks", type=int, default=0, help="test tasks for a live success rate (0: skip)")
    p.add_argument("--max-steps", type=int, default=15, help="episode step budget of live runs")
    p.add_argument("--max-obs-chars", type=int, default=4000)
    p.add_argument("--max-obs-lines", type=int, default=200)
    p.add_argument("--history", type=int, default=8)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset of the variants")
    return p


def _done(folder: Path) -> bool:
    return (folder / ".done").exists()


def _mark(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".done").write_text("ok\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    try:
        return ablation(args)
    except SymbioticGymError as err:  # finished stages keep their .done marks: the same command resumes
        print(f"error: {err}", file=sys.stderr)
        return 2


def ablation(args: argparse.Namespace) -> int:
    from benchmarks.experiment import dataset_stage, run_stage, train_budget, train_stage
    from symbiotic_gym.distill.evaluate import next_action_accuracy, reference_steps
    from symbiotic_gym.distill.prompt import PromptFormat

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        print(f"error: unknown variant(s) {unknown}; choose from {', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    fmt_dir = out / "prompt"
    PromptFormat(
        output="action", max_obs_chars=args.max_obs_chars, max_obs_lines=args.max_obs_lines, history=args.history
    ).save(fmt_dir)
    prompt = {"max_obs_chars": args.max_obs_chars, "max_obs_lines": args.max_obs_lines, "history": args.history}
    runs = {
        "teacher": out / "runs" / "oracle-train",
        "reference": out / "runs" / "oracle-test",
        "speculative": out / "runs" / "speculative-train",
    }
    for name, split in (("teacher", "train"), ("reference", "test")):
        if not _done(runs[name]):
            run_stage(runs[name], "oracle", split=split, max_steps=30, workers=args.workers)
            _mark(runs[name])
    if "speculative" in variants and not _done(runs["speculative"]):
        run_stage(
            runs["speculative"],
            "speculative",
            {"student_model": args.base_model, "student_prompt_format": str(fmt_dir)},
            split="train",
            limit=args.spec_tasks,
            max_steps=args.max_steps,
            workers=args.workers,
        )
        _mark(runs["speculative"])
    models: dict[str, str] = {"base": args.base_model}
    for name in variants:
        spec = VARIANTS[name]
        data, model = out / "data" / name, out / "models" / name
        if not _done(data):
            # the speculative run's episodes are kept whatever their outcome: every executed action is a label
            dataset_stage(
                [runs[r] for r in spec["runs"]], data, kinds=spec["kinds"], keep="all", min_reward=0.0, **prompt
            )
            _mark(data)
        if not _done(model):
            train_stage(data, model, **train_budget(args), save_steps=50)
            _mark(model)
        models[name] = f"local:{model}"
    steps = reference_steps(runs["reference"], limit=args.eval_steps)
    table: dict[str, Any] = {}
    results_path = out / "results.json"
    if results_path.exists():
        table = json.loads(results_path.read_text())
    for name, spec in models.items():
        if name in table and "offline" in table[name]:
            continue
        from agents.distilled import DistilledAgent

        fmt = str(fmt_dir) if name == "base" else ""
        res = next_action_accuracy(
            lambda s=spec, f=fmt: DistilledAgent(model=s, prompt_format=f, max_tokens=96, exemplars="none"), steps
        )
        table[name] = {"model": spec, "offline": res}
        results_path.write_text(json.dumps(table, indent=2))
        print(
            f"{name}: next-action accuracy {100 * res['accuracy']['success_rate']:.1f}% "
            f"({res['accuracy']['successes']}/{res['accuracy']['n']}), "
            f"valid {100 * res['valid_actions']['success_rate']:.1f}%",
            flush=True,
        )
    if args.live_tasks:
        for name, spec in models.items():
            live = out / "runs" / f"live-{name}"
            result = run_stage(
                live,
                "distilled",
                {"model": spec, "exemplars": "none", **({"prompt_format": str(fmt_dir)} if name == "base" else {})},
                split="test",
                limit=args.live_tasks,
                max_steps=args.max_steps,
                workers=args.workers,
            )
            _mark(live)
            table[name]["live"] = {
                "n": result.n,
                "successes": result.successes,
                "success_rate": result.success_rate,
                "stderr": result.stderr,
            }
        results_path.write_text(json.dumps(table, indent=2))
    (out / "ABLATION.md").write_text(render(table, args))
    print((out / "ABLATION.md").read_text())
    return 0


def render(table: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        "# Distillation ablation (embedded suite, held-out test split)",
        "",
        f"Base {args.base_model}; {args.train_steps} optimizer steps x batch {args.batch_size} per variant, "
        f"lr {args.lr}; "
        f"observation budget {args.max_obs_chars} characters.",
        "",
        "| variant | next-action accuracy | valid actions | live success |",
        "|---|---|---|---|",
    ]
    for name, row in table.items():
        acc, val = row["offline"]["accuracy"], row["offline"]["valid_actions"]
        live = row.get("live")
        live_s = (
            f"{100 * live['success_rate']:.1f}% ± {100 * live['stderr']:.1f} (n={live['n']})"
            if live and live.get("n")
            else "not run"
        )
        lines.append(
            f"| {name} | {100 * acc['success_rate']:.1f}% ± {100 * acc['stderr']:.1f} "
            f"({acc['successes']}/{acc['n']}) | {100 * val['success_rate']:.1f}% | {live_s} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
