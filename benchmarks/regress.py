"""python -m benchmarks.regress: gate CI on success rate with a paired test against a baseline.

Pairs the tasks both runs scored and counts the flips: tasks the baseline solved and the candidate did not
(regressions) and the reverse (fixes). An exact McNemar test (a two-sided binomial test on the flips) says
whether the difference is more than noise; a significant drop exits 1. ``--min-sr`` also fails a candidate
whose success rate is below a floor.

Errors are not failures: an episode that ended in an error (the agent, env, browser or worker broke, or an
LLM cache miss) says nothing about the agent. A candidate episode that errored where the baseline has a
score fails the gate (listed); a baseline with errored episodes is refused. ``--allow-errors`` turns both
off and counts errors as failures. Episodes that could not be scored (no judge) are left out of the pairing
on both sides. Exit codes: 0 pass, 1 regression, below the floor, or candidate errors; 2 bad input
(including a baseline with errors).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from symbiotic_gym.results.paired import Comparison, compare
from symbiotic_gym.results.stats import mcnemar_exact  # noqa: F401  (re-exported: the gate's test is this one)


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
    p.add_argument(
        "--allow-errors",
        action="store_true",
        help="accept errored episodes on either side and count them as failures (default: a baseline with "
        "errors is refused, and candidate errors fail the gate)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.results.runs import ERROR, FAIL, NOT_SCORED_STATE, PASS, outcomes

    try:
        if not 0 < args.alpha < 1:
            raise SymbioticGymError(f"--alpha must be between 0 and 1, got {args.alpha}")
        if args.min_sr is not None and not 0 <= args.min_sr <= 1:
            raise SymbioticGymError(f"--min-sr is a rate between 0 and 1, got {args.min_sr}")
        base_states, base_meta = outcomes(args.baseline)
        cand_states, cand_meta = outcomes(args.candidate)
        modes = (base_meta.get("eval_mode"), cand_meta.get("eval_mode"))
        if None not in modes and modes[0] != modes[1]:
            raise SymbioticGymError(f"the runs use different evaluator modes ({modes[0]} vs {modes[1]})")
        base_errors = sorted(t for t, s in base_states.items() if s == ERROR)
        if base_errors and not args.allow_errors:
            raise SymbioticGymError(
                f"the baseline has {len(base_errors)} episode(s) that ended in an error "
                f"({', '.join(base_errors[:5])}{' ...' if len(base_errors) > 5 else ''}): it measures a broken "
                "setup, not the agent. Re-run them (benchmarks.run --resume --retry-errors) or pass --allow-errors"
            )

        def scores(states: dict[str, str]) -> dict[str, bool]:
            counted = (PASS, FAIL, ERROR) if args.allow_errors else (PASS, FAIL)
            return {t: s == PASS for t, s in states.items() if s in counted}

        base, cand = scores(base_states), scores(cand_states)
        c = compare(base, cand)
        # candidate episodes that errored where the baseline has a score: the gate fails on them below,
        # even when nothing is left to pair (a candidate that never ran is a failure, not bad input)
        cand_errors = [] if args.allow_errors else sorted(t for t, s in cand_states.items() if s == ERROR and t in base)
        c.only_baseline = [t for t in c.only_baseline if t not in cand_errors]  # listed as errors instead
        if len(c.paired) < args.min_paired and not cand_errors:
            raise SymbioticGymError(f"only {len(c.paired)} task(s) are in both runs (need {args.min_paired})")
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for side, states in (("baseline", base_states), ("candidate", cand_states)):
        errored = sum(s == ERROR for s in states.values())
        unscored = sum(s == NOT_SCORED_STATE for s in states.values())
        print(f"{side}: {len(states)} episodes, {errored} errored, {unscored} not scored")
    report(c, args)
    failed = False
    if cand_errors:
        print(f"FAIL: {len(cand_errors)} candidate episode(s) ended in an error where the baseline has a score:")
        for t in cand_errors:
            print(f"  {t}")
        failed = True
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
