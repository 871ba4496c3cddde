"""python -m benchmarks.regress: gate CI on success rate with a paired test against a baseline.

Pairs the tasks both runs scored and counts the flips: tasks the baseline solved and the candidate did not
(regressions) and the reverse (fixes). An exact McNemar test (a two-sided binomial test on the flips) says
whether the difference is more than noise; a significant drop exits 1. ``--min-sr`` also fails a candidate
whose success rate is below a floor. Exit codes: 0 pass, 1 regression or below the floor, 2 bad input.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.regress", description=__doc__.split(":", 1)[1].strip())
    p.add_argument(
        "--baseline",
        required=True,
        metavar="RUN_OR_JSON",
        help="run directory, results.jsonl, summary.json, or a JSON {task_id: true/false}",
    )
    p.add_argument("--candidate", required=True, metavar="RUN", help="run directory (or results.jsonl) to check")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level of the McNemar test (default: 0.05)")
    p.add_argument("--min-sr", type=float, default=None, metavar="RATE", help="fail below this success rate (0-1)")
    p.add_argument(
        "--min-paired",
        type=int,
        default=1,
        metavar="N",
        help="fail (exit 2) when fewer than N tasks are in both runs (default: 1)",
    )
    return p


def mcnemar_exact(regressions: int, fixes: int) -> float:
    """Two-sided exact McNemar p-value: P(a result at least as uneven as this) with flips ~ Binomial(b+c, 1/2)."""
    n = regressions + fixes
    if n == 0:
        return 1.0
    k = min(regressions, fixes)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


@dataclass
class Comparison:
    paired: list[str]
    regressions: list[str]
    fixes: list[str]
    baseline_sr: float
    candidate_sr: float
    candidate_all_sr: float
    candidate_n: int
    only_baseline: list[str]
    only_candidate: list[str]
    p_value: float


def compare(base: dict[str, bool], cand: dict[str, bool]) -> Comparison:
    paired = sorted(set(base) & set(cand))
    regressions = [t for t in paired if base[t] and not cand[t]]
    fixes = [t for t in paired if cand[t] and not base[t]]
    n = len(paired)
    return Comparison(
        paired=paired,
        regressions=regressions,
        fixes=fixes,
        baseline_sr=sum(base[t] for t in paired) / n if n else 0.0,
        candidate_sr=sum(cand[t] for t in paired) / n if n else 0.0,
        candidate_all_sr=sum(cand.values()) / len(cand) if cand else 0.0,
        candidate_n=len(cand),
        only_baseline=sorted(set(base) - set(cand)),
        only_candidate=sorted(set(cand) - set(base)),
        p_value=mcnemar_exact(len(regressions), len(fixes)),
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.runner.results import outcomes

    try:
        if not 0 < args.alpha < 1:
            raise SymbioticGymError(f"--alpha must be between 0 and 1, got {args.alpha}")
        if args.min_sr is not None and not 0 <= args.min_sr <= 1:
            raise SymbioticGymError(f"--min-sr is a rate between 0 and 1, got {args.min_sr}")
        base, base_meta = outcomes(args.baseline)
        cand, cand_meta = outcomes(args.candidate)
        modes = (base_meta.get("eval_mode"), cand_meta.get("eval_mode"))
        if None not in modes and modes[0] != modes[1]:
            raise SymbioticGymError(f"the runs use different evaluator modes ({modes[0]} vs {modes[1]})")
        c = compare(base, cand)
        if len(c.paired) < args.min_paired:
            raise SymbioticGymError(f"only {len(c.paired)} task(s) are in both runs (need {args.min_paired})")
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    report(c, args)
    failed = False
    if c.regressions and len(c.regressions) > len(c.fixes) and c.p_value < args.alpha:
        print(f"FAIL: significant drop (p={c.p_value:.4g} < alpha={args.alpha})")
        failed = True
    if args.min_sr is not None and c.candidate_all_sr < args.min_sr:
        print(
            f"FAIL: candidate success rate {c.candidate_all_sr:.1%} over {c.candidate_n} tasks "
            f"is below --min-sr {args.min_sr:.1%}"
        )
        failed = True
    if not failed:
        print("PASS")
    return 1 if failed else 0


def report(c: Comparison, args: Any) -> None:
    n = len(c.paired)
    print(f"paired tasks: {n}  baseline {c.baseline_sr:.1%}  candidate {c.candidate_sr:.1%}  ")
    print(f"flips: {len(c.regressions)} regressions, {len(c.fixes)} fixes; exact McNemar p = {c.p_value:.4g}")
    if c.regressions or c.fixes:
        width = max(len(t) for t in c.regressions + c.fixes)
        print(f"{'task':{width}s}  baseline  candidate")
        for t in c.regressions:
            print(f"{t:{width}s}  pass      FAIL")
        for t in c.fixes:
            print(f"{t:{width}s}  fail      pass")
    if c.only_baseline:
        print(f"note: {len(c.only_baseline)} task(s) only in the baseline are not compared")
    if c.only_candidate:
        print(f"note: {len(c.only_candidate)} task(s) only in the candidate are not compared")


if __name__ == "__main__":
    sys.exit(main())
