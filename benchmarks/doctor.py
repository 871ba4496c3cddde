"""python -m benchmarks.doctor: check a suite's setup before an expensive run, and say how to fix it.

For WebArena: the packages, NLTK's punkt_tab data (offline), every WA_* variable, that each site answers,
that logging in works, and whether a judge is configured for fuzzy_match tasks. For MiniWoB++: the
packages and the task pages. Exit 0 when nothing blocks a run, 1 otherwise. The checks are each suite's
``preflight`` hook (:func:`symbiotic_gym.suites.preflight`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.doctor", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("--suite", default="webarena", help="a registered suite or package.module:attribute")
    p.add_argument("--tasks", default=None, help="only the tasks a run would select (same syntax as benchmarks.run)")
    p.add_argument("--no-login", action="store_true", help="skip the login checks (faster)")
    p.add_argument(
        "--judge-model", default=os.environ.get("SYMBIOTIC_JUDGE_MODEL"), help="judge (env SYMBIOTIC_JUDGE_MODEL)"
    )
    p.add_argument(
        "--eval-mode",
        default="stock",
        choices=("stock", "rectified", "verified"),
        help="the scoring the run will use (verified also checks the webarena-verified package)",
    )
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    return p


def checks_for(
    suite: str,
    tasks: str | None = None,
    *,
    logins: bool = True,
    judge_model: str | None = None,
    eval_mode: str = "stock",
) -> list:
    """The suite's pre-flight checks for the tasks ``tasks`` selects (all when None)."""
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.suites import SuiteOptions, get_suite, preflight, select_tasks
    from symbiotic_gym.suites.checks import Check

    try:
        s = get_suite(suite, SuiteOptions(judge_model=judge_model, eval_mode=eval_mode))
        ids = select_tasks(s, "all", tasks) if tasks else None
    except SymbioticGymError as err:
        return [Check("suite and task selection", False, str(err))]
    return preflight(s, ids, logins=logins)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.suites.checks import blocking_failures, format_report, summary

    checks = checks_for(
        args.suite, args.tasks, logins=not args.no_login, judge_model=args.judge_model, eval_mode=args.eval_mode
    )
    if args.json:
        print(json.dumps(summary(checks), indent=2))
    else:
        print(format_report(checks))
        failed = blocking_failures(checks)
        print(f"{args.suite}: " + ("ready" if not failed else f"{len(failed)} problem(s) to fix before a run"))
    return 1 if blocking_failures(checks) else 0


if __name__ == "__main__":
    sys.exit(main())
