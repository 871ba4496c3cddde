"""python -m benchmarks.paired_table LABEL=RUN_DIR ... [--reference LABEL] [--follow TEACHER_RUN]
    [-o TABLE.md] [--json OUT.json]

A table of runs over the same tasks (an ablation): each row's success rate with n, standard error and 95%
Wilson interval, paired with the reference row (default: the first of its split) by an exact McNemar test on the tasks
both scored, plus a distilled model's training time and the median model time per step. ``--follow``
adds how far each row's episodes take the teacher's actions (first step, leading steps).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.paired_table", description=__doc__.split("\n\n")[1])
    p.add_argument("rows", nargs="+", metavar="LABEL=RUN_DIR", help="a row: its label and a run directory")
    p.add_argument(
        "--reference", help="the label every other row is paired with (default: the first row of each row's split)"
    )
    p.add_argument(
        "--follow",
        metavar="TEACHER_RUN",
        help="a teacher's run on the same tasks and seed (e.g. the oracle): count the leading steps each row "
        "takes as the teacher did",
    )
    p.add_argument("-o", "--output", help="also write the markdown table here")
    p.add_argument("--json", help="also write the rows as JSON here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.results.paired import paired_table, render_markdown

    try:
        rows = []
        for item in args.rows:
            label, sep, run = item.rpartition("=")
            if not sep or not label.strip() or not run.strip():
                raise SymbioticGymError(f"a row is LABEL=RUN_DIR, got {item!r}")
            rows.append((label.strip(), run.strip()))
        table = paired_table(rows, args.reference, follow=args.follow)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    text = render_markdown(table)
    print(text, end="")
    if args.output:
        Path(args.output).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in table], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
