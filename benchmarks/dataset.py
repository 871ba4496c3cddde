"""python -m benchmarks.dataset: build distillation datasets from run directories, and inspect runs.

    python -m benchmarks.dataset build RUN_DIR... --out runs/data/mt [--kinds rationale_action,summary]
        [--keep success|all] [--min-reward R] [--val-fraction 0.1] [--max-obs-chars 4000] [--no-hf]
    python -m benchmarks.dataset merge DATA_DIR DATA_DIR... --out DIR [--no-hf]   datasets -> one
    python -m benchmarks.dataset stats RUN_DIR... [--paired]   speculative-synthesis statistics of runs
    python -m benchmarks.dataset show DATA_DIR [--n 2]  the data card and a few examples

``build`` writes train.jsonl / validation.jsonl (TRL conversational ``messages``), a Hugging Face dataset
under ``hf/`` (load it with ``datasets.load_from_disk``), ``prompt_format.json`` and the data card
(``data_card.json``, ``DATA_CARD.md``). Tasks of the held-out split (``--exclude-splits``, default test)
never enter a dataset.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _csv(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _task_list(text: str) -> tuple[str, ...]:
    if not text.startswith("@"):
        return _csv(text)
    from symbiotic_gym.suites.base import read_id_list

    try:
        return tuple(read_id_list(text[1:]))
    except OSError as err:
        raise argparse.ArgumentTypeError(f"cannot read the id list {text[1:]} (one task id per line): {err}") from err


def build_parser() -> argparse.ArgumentParser:
    from symbiotic_gym.config_flags import add_dataclass_flags
    from symbiotic_gym.distill.dataset import DatasetConfig
    from symbiotic_gym.distill.prompt import ACT_KINDS, PromptFormat

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.dataset",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="run directories -> a dataset folder")
    b.add_argument("runs", nargs="+", metavar="RUN_DIR")
    b.add_argument("--out", required=True, metavar="DIR")
    b.add_argument(
        "--kinds",
        type=_csv,
        default=("rationale_action",),
        help=(
            "comma-separated: action, rationale_action, summary, multitask (the action line, then the rationale and "
            "the page summary as extra targets on the action prompt; live, only the action is generated) "
            "(default: rationale_action)"
        ),
    )
    b.add_argument(
        "--exclude-splits", type=_csv, default=("test", "unseen"), help="task splits never used (default: test,unseen)"
    )
    b.add_argument(
        "--exclude-tasks",
        type=_task_list,
        default=(),
        metavar="IDS|@FILE",
        help="task ids never used, comma-separated or one per line in @FILE (e.g. an acceptance-rate task set)",
    )
    b.add_argument(
        "--output",
        choices=ACT_KINDS,
        default=None,
        help="what the trained agent will produce (default: rationale_action if that kind is built)",
    )
    # the other flags are the configs' own fields (symbiotic_gym.config_flags): one owner for name, type and help
    b.set_defaults(
        dataset_fields=add_dataclass_flags(b, DatasetConfig),
        prompt_fields=add_dataclass_flags(b, PromptFormat, skip=("version", "output")),
    )
    b.add_argument("--no-hf", action="store_true", help="JSONL only (no datasets save_to_disk)")
    m = sub.add_parser("merge", help="dataset folders (one prompt format) -> one, each example once")
    m.add_argument("data", nargs="+", metavar="DATA_DIR")
    m.add_argument("--out", required=True, metavar="DIR")
    m.add_argument("--no-hf", action="store_true", help="JSONL only (no datasets save_to_disk)")
    s = sub.add_parser("stats", help="speculative-synthesis statistics of runs")
    s.add_argument("runs", nargs="+", metavar="RUN_DIR")
    s.add_argument(
        "--paired",
        action="store_true",
        help="two runs of two students on the same tasks: acceptance on the states both saw, McNemar p",
    )
    w = sub.add_parser("show", help="a dataset's card and examples")
    w.add_argument("data", metavar="DATA_DIR")
    w.add_argument("--n", type=int, default=2)
    return p


def _build(args: argparse.Namespace) -> int:
    from symbiotic_gym.config_flags import dataclass_values
    from symbiotic_gym.distill.dataset import DatasetConfig, build_dataset, save_dataset
    from symbiotic_gym.distill.prompt import PromptFormat

    output = args.output or ("rationale_action" if "rationale_action" in args.kinds else "action")
    fmt = PromptFormat(output=output, **dataclass_values(args, args.prompt_fields))
    cfg = DatasetConfig(
        kinds=args.kinds,
        exclude_splits=args.exclude_splits,
        exclude_tasks=args.exclude_tasks,
        prompt=fmt,
        **dataclass_values(args, args.dataset_fields),
    )
    ds = build_dataset(args.runs, cfg)
    out = save_dataset(ds, args.out, hf=not args.no_hf)
    c = ds.card["counts"]
    print(
        f"{c['train']} train / {c['validation']} validation examples ({c['by_kind']}), "
        f"{c['duplicates_dropped']} duplicates dropped, "
        f"{len(ds.card['excluded_tasks'])} held-out tasks refused -> {out}"
    )
    if c["element_targets"]:
        print(
            f"the prompt shows the target element of {c['element_targets_shown']}/{c['element_targets']} "
            f"element actions ({100 * c['element_targets_shown'] / c['element_targets']:.1f}%); "
            "raise --max-obs-chars if many are cut off"
        )
    return 0


def _merge(args: argparse.Namespace) -> int:
    from symbiotic_gym.distill.dataset import merge_datasets, save_dataset

    ds = merge_datasets(args.data)
    out = save_dataset(ds, args.out, hf=not args.no_hf)
    c = ds.card["counts"]
    print(
        f"{c['train']} train / {c['validation']} validation examples ({c['by_kind']}) from "
        f"{len(args.data)} datasets, {c['duplicates_dropped']} duplicates dropped -> {out}"
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    from symbiotic_gym.distill.speculative_stats import paired_acceptance, speculative_stats
    from symbiotic_gym.errors import SymbioticGymError

    for run in args.runs:
        st = speculative_stats(run)
        if not st["steps"]:
            print(f"{run}: no speculative steps (not a speculative run)")
            continue
        acc = st["acceptance"]
        rate = (
            f"{100 * acc['success_rate']:.1f}% ({acc['successes']}/{acc['n']}, 95% CI "
            f"{100 * acc['wilson95'][0]:.1f}-{100 * acc['wilson95'][1]:.1f}%)"
            if acc
            else "n/a"
        )
        print(
            f"{run}: {st['steps']} steps, acceptance {rate}; decisions {st['decisions']}; "
            f"teacher calls {st['teacher_calls']}; tokens {st['tokens']}; "
            f"{st['tasks_fully_accepted']}/{st['tasks']} tasks with every step accepted"
        )
    if args.paired:
        if len(args.runs) != 2:
            raise SymbioticGymError("--paired compares exactly two runs")
        pa = paired_acceptance(*args.runs)
        if not pa["paired"]:
            print("paired: no judged step on the same task, step and page in both runs")
            return 0
        print(
            f"paired on {pa['paired']} steps (same task, step and page): {args.runs[0]} accepted "
            f"{pa['a']['successes']} ({100 * pa['a']['success_rate']:.1f}%), {args.runs[1]} "
            f"{pa['b']['successes']} ({100 * pa['b']['success_rate']:.1f}%); only the first {pa['a_only']}, "
            f"only the second {pa['b_only']}, McNemar p = {pa['p_value']:.3g}"
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    from symbiotic_gym.distill.dataset import load_examples

    card = Path(args.data) / "DATA_CARD.md"
    print(card.read_text() if card.exists() else f"(no DATA_CARD.md in {args.data})")
    for ex in load_examples(args.data)[: args.n]:
        print(f"--- {ex['kind']} {ex['task_id']} step {ex['step']} ({ex['agent']})")
        for m in ex["messages"]:
            print(f"[{m['role']}] {m['content'][:1200]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    try:
        return {"build": _build, "merge": _merge, "stats": _stats, "show": _show}[args.command](args)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
