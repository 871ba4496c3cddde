"""python -m benchmarks.distill_skills: skill examples on the page states of train-split runs.

    python -m benchmarks.distill_skills RUN_DIR... --out runs/data/skills --prompt-format FOLDER
        [--per-state 2] [--seed 0] [--skills click,navigate,fill,select,answer,infeasible] [--no-hf]

Each distinct page a train-split episode of the runs visited gives up to ``--per-state`` one-step tasks
(click the element the goal names, open the page it names, fill a field with a value, choose an option,
read a labelled value off the page, report that a named link is not there), each answered by one of the
candidate actions the ``decide=choose`` agent chooses from (symbiotic_gym.distill.skills). The prompt format
is read from FOLDER's prompt_format.json (the student's, or a dataset's); the output is a dataset folder that
``benchmarks.dataset merge`` joins to the teacher's and ``benchmarks.train`` trains on. Held-out splits (test,
unseen) are refused.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from symbiotic_gym.distill.skills import SKILLS

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.distill_skills",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("runs", nargs="+", metavar="RUN_DIR")
    p.add_argument("--out", required=True, help="dataset folder to write")
    p.add_argument("--prompt-format", required=True, help="folder with the student's prompt_format.json")
    p.add_argument("--per-state", type=int, default=2, help="skill examples per distinct page state")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skills", default=",".join(SKILLS), help="comma-separated, some of " + ", ".join(SKILLS))
    p.add_argument("--no-hf", action="store_true", help="JSONL only (no datasets save_to_disk)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pathlib import Path

    from symbiotic_gym.distill.dataset import save_dataset
    from symbiotic_gym.distill.prompt import PromptFormat
    from symbiotic_gym.distill.skills import SkillConfig, build_skill_dataset
    from symbiotic_gym.errors import SymbioticGymError

    try:
        fmt = PromptFormat.load(Path(args.prompt_format))
        if fmt is None:
            raise SymbioticGymError(f"{args.prompt_format} has no prompt_format.json")
        cfg = SkillConfig(per_state=args.per_state, seed=args.seed, skills=tuple(args.skills.split(",")))
        ds = build_skill_dataset(args.runs, fmt, cfg)
        out = save_dataset(ds, args.out, hf=not args.no_hf)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    counts = ds.card["counts"]
    print(f"{counts['train']} skill examples ({counts['by_skill']}) on {counts['train_tasks']} train tasks -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
