"""python -m benchmarks.doctor: check a suite's setup before an expensive run, and say how to fix it.

For WebArena: the packages, NLTK's punkt_tab data (offline), every WA_* variable, that each site answers,
that logging in works, and whether a judge is configured for fuzzy_match tasks. For MiniWoB++: the
packages and the task pages. Exit 0 when nothing blocks a run, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.doctor", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("--suite", default="webarena", choices=("webarena", "miniwob", "embedded"))
    p.add_argument("--tasks", default=None, help="only the tasks a run would select (same syntax as benchmarks.run)")
    p.add_argument("--no-login", action="store_true", help="skip the login checks (faster)")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    return p


def checks_for(suite: str, tasks: str | None = None, *, logins: bool = True) -> list:
    from symbiotic_gym.suites.webarena.doctor import Check

    if suite == "webarena":
        from symbiotic_gym.errors import SymbioticGymError
        from symbiotic_gym.suites import select_tasks
        from symbiotic_gym.suites.webarena.doctor import check_packages, run_checks

        packages = check_packages()
        if not all(c.ok for c in packages):
            return packages
        try:
            ids = select_tasks("webarena", "all", tasks) if tasks else None
        except SymbioticGymError as err:
            return [Check("task selection", False, str(err))]
        return run_checks(ids, logins=logins)
    if suite == "miniwob":
        from symbiotic_gym.errors import SymbioticGymError
        from symbiotic_gym.suites.miniwob import ensure_miniwob_url, task_classes

        try:
            url = ensure_miniwob_url()
            n = len(task_classes())
        except SymbioticGymError as err:
            return [Check("MiniWoB++", False, str(err))]
        return [Check("MiniWoB++ pages", True, url), Check("MiniWoB++ tasks", n > 0, f"{n} tasks")]
    from symbiotic_gym.browser import find_chromium

    try:
        return [Check("Chromium", True, find_chromium())]
    except Exception as err:
        return [Check("Chromium", False, str(err))]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.suites.webarena.doctor import blocking_failures, format_report, summary

    checks = checks_for(args.suite, args.tasks, logins=not args.no_login)
    if args.json:
        print(json.dumps(summary(checks), indent=2))
    else:
        print(format_report(checks))
        failed = blocking_failures(checks)
        print(f"{args.suite}: " + ("ready" if not failed else f"{len(failed)} problem(s) to fix before a run"))
    return 1 if blocking_failures(checks) else 0


if __name__ == "__main__":
    sys.exit(main())
