"""python -m benchmarks.symbiosis: the AgentSymbiotic loop, end to end, resumable per stage.

    python -m benchmarks.symbiosis --suite embedded --iterations 2 --out runs/symbiosis
        [--teacher-agent oracle | rag] [--speculative-teacher oracle | large] [--base-model local]
        [--kinds rationale_action,summary] [--train-steps 200] [--limit-train N] [--limit-test N]
        [--eval-rag] [--large-model anthropic/...] [--workers 2]

Each iteration ``i`` (folder ``OUT/iter-i``):

1. ``explore-large``: the large agent explores the train split (``rag`` uses the knowledge base as it grows;
   the deterministic ``oracle`` explores once, at iteration 0);
2. ``speculative``: speculative data synthesis on the train split -- the current small model proposes, the
   teacher accepts or replaces;
3. ``explore-small`` (from iteration 1): the distilled model explores the train split at a temperature,
   finding the diverse trajectories the paper feeds back to the large model;
4. ``dataset``: every run so far becomes the training set (successful episodes; speculative episodes whole,
   as every executed action there is teacher-approved); held-out tasks are refused;
5. ``train``: the base model is distilled on it;
6. ``kb``: this iteration's runs are added to the knowledge base;
7. ``evaluate``: the distilled model, the exploring large agent (the oracle once, as the ceiling) and with
   ``--eval-rag`` the large agent with retrieval, on the test split, with a leaderboard per iteration; at
   the end a plot of success rate by iteration.

A stage that finished is recorded in ``OUT/state.json`` and skipped on the next call; an interrupted run
resumes inside the stage (runs resume episode by episode, training from its newest checkpoint).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.symbiosis",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", required=True)
    p.add_argument("--suite", default="embedded")
    p.add_argument("--iterations", type=int, default=2)
    p.add_argument("--teacher-agent", default="oracle", help="the large agent that explores (oracle, rag, occam...)")
    p.add_argument(
        "--speculative-teacher", default="oracle", help="teacher of speculative synthesis: oracle or a model"
    )
    p.add_argument("--no-speculative", action="store_true", help="skip speculative synthesis")
    p.add_argument("--base-model", default="local", help="the small model to distill (default: bundled SmolLM2)")
    p.add_argument("--kinds", default="rationale_action,summary", help="dataset kinds (multi-task by default)")
    p.add_argument("--train-steps", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--max-length", type=int, default=2048)
    p.add_argument("--max-obs-chars", type=int, default=4000)
    p.add_argument("--explore-temperature", type=float, default=0.7)
    p.add_argument("--limit-train", type=int, default=0, help="train tasks per exploration run (0: all)")
    p.add_argument("--limit-test", type=int, default=0, help="test tasks per evaluation run (0: all)")
    p.add_argument("--train-tasks", default=None, metavar="GLOB", help="only these train tasks (comma-separated globs)")
    p.add_argument("--test-tasks", default=None, metavar="GLOB", help="only these test tasks")
    p.add_argument("--max-steps", type=int, default=15)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--eval-rag", action="store_true", help="also evaluate the large agent with retrieval (rag)")
    p.add_argument("--large-model", default=None)
    p.add_argument("--no-dense", action="store_true", help="knowledge base with BM25 only")
    return p


class Loop:
    """The stages and their bookkeeping."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = Path(args.out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.state_path = self.out / "state.json"
        self.state: dict[str, Any] = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.state.setdefault("config", vars(args))
        self.state.setdefault("done", {})
        self.kb = self.out / "kb"
        from symbiotic_gym.llm.registry import is_local_spec

        base = args.base_model  # a model folder given as a bare path is an in-process model spec
        self.base_spec = f"local:{base}" if not is_local_spec(base) and Path(base).is_dir() else base

    def save(self) -> None:
        from symbiotic_gym.files import atomic_write_json

        atomic_write_json(self.state_path, self.state)

    def stage(self, name: str, fn: Any) -> Any:
        if name in self.state["done"]:
            print(f"[symbiosis] {name}: done earlier, skipped", flush=True)
            return self.state["done"][name]
        print(f"[symbiosis] {name} ...", flush=True)
        t0 = time.perf_counter()
        value = fn()
        self.state["done"][name] = {"value": value, "seconds": round(time.perf_counter() - t0, 1)}
        self.save()
        return self.state["done"][name]

    def run(self, folder: Path, agent: str, agent_args: dict[str, Any], split: str, limit: int, seed: int = 0) -> str:
        from benchmarks.experiment import run_stage

        a = self.args
        run_stage(
            folder,
            agent,
            agent_args,
            split=split,
            limit=limit,
            tasks=a.train_tasks if split == "train" else a.test_tasks,
            max_steps=a.max_steps,
            workers=a.workers,
            seed=seed,
            suite=a.suite,
            large_model=a.large_model,
        )
        return str(folder)

    def runs_so_far(self, kinds: tuple[str, ...]) -> list[str]:
        return [v["value"] for k, v in self.state["done"].items() if k.rsplit("/", 1)[-1] in kinds and v["value"]]

    def iteration(self, i: int) -> None:
        a, it = self.args, self.out / f"iter-{i}"
        student = self.state["done"].get(f"iter-{i - 1}/train", {}).get("value") if i else None
        student_spec = f"local:{student}" if student else self.base_spec
        teacher_args = {"kb": str(self.kb)} if a.teacher_agent == "rag" and (self.kb / "meta.json").exists() else {}
        if a.teacher_agent != "oracle" or i == 0:
            self.stage(
                f"iter-{i}/explore-large",
                lambda: self.run(it / "explore-large", a.teacher_agent, teacher_args, "train", a.limit_train, i),
            )
        if not a.no_speculative:
            spec_args = {"student_model": student_spec, "teacher": a.speculative_teacher}
            self.stage(
                f"iter-{i}/speculative",
                lambda: self.run(it / "speculative", "speculative", spec_args, "train", a.limit_train, i),
            )
        if student:
            self.stage(
                f"iter-{i}/explore-small",
                lambda: self.run(
                    it / "explore-small",
                    "distilled",
                    # the student's own exploration: unguided even when it is the shipped student
                    {"model": student_spec, "temperature": a.explore_temperature, "exemplars": "none"},
                    "train",
                    a.limit_train,
                    i,
                ),
            )
        self.stage(f"iter-{i}/dataset", lambda: self.dataset(it / "data"))
        self.stage(f"iter-{i}/train", lambda: self.train(it / "data", it / "model"))
        self.stage(f"iter-{i}/kb", lambda: self.grow_kb(i))
        model = f"local:{it / 'model'}"
        self.stage(
            f"iter-{i}/eval-distilled",
            lambda: self.run(it / "eval-distilled", "distilled", {"model": model}, "test", a.limit_test),
        )
        if a.teacher_agent != "oracle" or i == 0:  # the oracle is deterministic: its ceiling is measured once
            eval_args = {"kb": str(self.kb)} if a.teacher_agent == "rag" else {}
            self.stage(
                f"iter-{i}/eval-teacher",
                lambda: self.run(it / "eval-teacher", a.teacher_agent, eval_args, "test", a.limit_test),
            )
        if a.eval_rag and a.teacher_agent != "rag":
            rag_args = {"kb": str(self.kb)}
            self.stage(f"iter-{i}/eval-rag", lambda: self.run(it / "eval-rag", "rag", rag_args, "test", a.limit_test))
        self.stage(f"iter-{i}/leaderboard", lambda: self.leaderboard(it))

    def dataset(self, folder: Path) -> str:
        from benchmarks.experiment import dataset_stage

        runs = self.runs_so_far(("explore-large", "speculative", "explore-small"))
        dataset_stage(runs, folder, kinds=self.args.kinds, max_obs_chars=self.args.max_obs_chars)
        return str(folder)

    def train(self, data: Path, model: Path) -> str:
        from benchmarks.experiment import train_budget, train_stage

        train_stage(data, model, **train_budget(self.args))
        return str(model)

    def grow_kb(self, i: int) -> str:
        from symbiotic_gym.knowledge import grow_knowledge_base

        runs = [
            v["value"]
            for k, v in self.state["done"].items()
            if k.startswith(f"iter-{i}/") and k.rsplit("/", 1)[-1] in ("explore-large", "speculative", "explore-small")
        ]
        grow_knowledge_base(self.kb, runs, iteration=i, dense=not self.args.no_dense)
        return str(self.kb)

    def leaderboard(self, it: Path) -> str:
        from benchmarks.leaderboard import leaderboard

        runs = [str(p) for p in sorted(it.glob("eval-*")) if (p / "config.json").exists()]
        text = leaderboard(runs, sites=False)
        (it / "leaderboard.md").write_text(text, encoding="utf-8")
        print(text, flush=True)
        return str(it / "leaderboard.md")

    def plot(self) -> None:
        """Success rate by iteration for every evaluated agent (symbiosis.json, symbiosis.png)."""
        series: dict[str, list[tuple[int, float, float]]] = {}
        for i in range(self.args.iterations):
            for ev in sorted((self.out / f"iter-{i}").glob("eval-*")):
                summary = ev / "summary.json"
                if summary.exists():
                    s = json.loads(summary.read_text())
                    series.setdefault(ev.name.removeprefix("eval-"), []).append(
                        (i, s.get("success_rate", 0.0), s.get("stderr", 0.0))
                    )
        (self.out / "symbiosis.json").write_text(json.dumps(series, indent=2))
        try:
            import matplotlib
        except ImportError:
            return
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3.5))
        for name, pts in series.items():
            ax.errorbar(
                [p[0] for p in pts],
                [100 * p[1] for p in pts],
                yerr=[196 * p[2] for p in pts],
                marker="o",
                capsize=3,
                label=name,
            )
        ax.set_xlabel("iteration")
        ax.set_ylabel("success rate on the test split (%)")
        ax.set_xticks(range(self.args.iterations))
        ax.legend()
        fig.tight_layout()
        fig.savefig(self.out / "symbiosis.png", dpi=120)
        plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    if args.iterations < 1:
        print("error: --iterations must be >= 1", file=sys.stderr)
        return 2
    loop = Loop(args)
    try:
        for i in range(args.iterations):
            loop.iteration(i)
    except SymbioticGymError as err:  # a stage that cannot go on: finished stages stay done for a resume
        print(f"[symbiosis] error: {err}", file=sys.stderr)
        return 2
    loop.plot()
    print(f"[symbiosis] done: {loop.out / 'symbiosis.json'}, {loop.out / 'symbiosis.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
