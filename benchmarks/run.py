"""python -m benchmarks.run: run an agent on a task suite and record everything in a run directory.

A thin layer over :func:`symbiotic_gym.runner.run`: the flags become a :class:`RunConfig`. Exit codes:
0 the run finished; 2 a setup error (nothing ran) or a worker could not start; 3 every episode ended in an
error (a broken setup, not a 0% agent); 130 interrupted by SIGINT, 143 by SIGTERM (finished episodes are
saved, running ones recorded as interrupted, summary.json written; add --resume).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiotic_gym.runner import RunConfig, RunResult


# RunConfig fields the CLI sets itself (from -A pairs, its console reporter, the command line)
NOT_FLAGS = ("agent_args", "suite_args", "progress", "show_progress", "command")


def build_parser() -> argparse.ArgumentParser:
    """Flags generated from :class:`RunConfig` (its help metadata), plus ``-A`` and ``--quiet``."""
    from symbiotic_gym.config_flags import add_dataclass_flags
    from symbiotic_gym.runner.config import RunConfig

    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split(":", 1)[1].strip())
    p.add_argument(
        "-A",
        "--agent-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="agent argument, typed from the agent's Config (repeatable)",
    )
    p.add_argument(
        "-S",
        "--suite-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="suite option (repeatable), e.g. -S tasks=tasks.yaml -S base_url=http://127.0.0.1:8000 (--suite webapp)",
    )
    add_dataclass_flags(p, RunConfig, skip=NOT_FLAGS)
    # user-facing defaults from the environment, read here at the edge and nowhere in the library
    p.set_defaults(
        judge_model=os.environ.get("SYMBIOTIC_JUDGE_MODEL") or None,
        torch_threads=int(os.environ.get("SYMBIOTIC_TORCH_THREADS") or 0) or None,
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


EXIT_ALL_ERRORS = 3


def suite_args_of(pairs: list[str]) -> dict[str, str]:
    """``-S key=value`` pairs as a dict (the suite types them with its own config)."""
    from symbiotic_gym.errors import SymbioticGymError

    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SymbioticGymError(f"Suite option {pair!r} must look like key=value")
        out[key.strip()] = value
    return out


def config_from_args(args: argparse.Namespace, argv: list[str] | None = None) -> RunConfig:
    """The :class:`RunConfig` the flags describe (agent arguments typed from the agent's Config)."""
    from symbiotic_gym.agent import parse_agent_args, resolve_agent
    from symbiotic_gym.runner import RunConfig
    from symbiotic_gym.runner.progress import ConsoleReporter

    agent_args = parse_agent_args(resolve_agent(args.agent), args.agent_arg)
    fields = {f.name for f in dataclasses.fields(RunConfig)} - set(NOT_FLAGS)
    return RunConfig(
        **{name: getattr(args, name) for name in fields},
        agent_args=agent_args,
        suite_args=suite_args_of(args.suite_arg),
        progress=ConsoleReporter(bar=not args.quiet),
        command=["python", "-m", "benchmarks.run", *(argv if argv is not None else sys.argv[1:])],
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rich.console import Console
    from rich.markup import escape

    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.runner import RunInterrupted, run

    console = Console(stderr=True)
    try:
        result = run(config_from_args(args, argv))
    except RunInterrupted as err:
        console.print(
            f"[bold yellow]interrupted[/]: {escape(str(err).split(': ', 1)[1])}; "
            "continue with the same command and --resume"
        )
        return 143 if err.signal_name == "SIGTERM" else 130
    except SymbioticGymError as err:
        # one unwrapped line (copyable, grep-able), and brackets in the message are not rich markup
        console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True)
        return 2
    print_report(result)
    if result.all_errors:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.errors_by_kind.items()))
        console.print(
            f"[bold red]error:[/] every episode ended in an error ({escape(kinds)}): this is a broken setup, "
            f"not a 0% result. See {escape(str(result.out / 'results.jsonl'))}.",
            soft_wrap=True,
        )
        return EXIT_ALL_ERRORS
    return 0


def _timing(s: dict[str, Any]) -> str:
    """Clock time of this invocation, and the episodes' own times summed (larger with parallel workers)."""
    episodes = f"{s['wall_s']:.0f}s of episodes"
    if "elapsed_s" not in s:  # a summary written before elapsed_s existed
        return episodes
    resumed = f", {s['resumed_episodes']} resumed" if s.get("resumed_episodes") else ""
    return f"{s['elapsed_s']:.0f}s elapsed ({episodes}{resumed})"


def print_report(result: RunResult) -> None:
    s = result.summary
    lo, hi = result.wilson95
    print(
        f"{s['agent']} | {s['suite']}/{s['split']} | n={s['n']} | success "
        f"{s['success_rate']:.1%} ± {s['stderr']:.1%} (95% CI {lo:.1%}–{hi:.1%}) | "
        f"avg steps {s['avg_steps']:.1f} | errors {s['errors']} | {_timing(s)}"
    )
    by_split = s.get("by_split") or {}
    if len(by_split) > 1:
        for sp, b in by_split.items():
            print(f"  split {sp:8s} n={b['n']:3d}  success {b['success_rate']:.1%} ± {b['stderr']:.1%}")
    for site, b in sorted(s["by_site"].items()):
        print(f"  {site:14s} n={b['n']:3d}  success {b['success_rate']:.1%} ± {b['stderr']:.1%}")
    inj = s.get("injection")
    if inj:
        a, u = inj["attack_success"], inj["utility"]
        print(
            f"  prompt injection: n={a['n']} attack success {a['success_rate']:.1%} ± {a['stderr']:.1%} "
            f"(not part of the success rate; utility on these tasks {u['success_rate']:.1%})"
        )
    routing = s.get("routing")
    if routing:
        private = routing["private_task_share_local"]
        print(
            f"  routing: {routing['steps_local']} of {routing['steps_local'] + routing['steps_cloud']} steps local "
            f"({routing['share_local']:.1%})"
            + (f"; steps of private tasks local: {private:.1%}" if private is not None else "")
        )
        if (result.config.get("llm") or {}).get("fallback_reason"):
            print("  (no cloud model: the cloud route ran on the local model too, nothing left this machine)")
    if s.get("blocked_requests"):
        print(f"  navigation boundary: {s['blocked_requests']} requests blocked (counted per episode in results.jsonl)")
    if s["errors"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["errors_by_kind"].items()))
        print(f"  errors by kind: {kinds} (see results.jsonl)")
    print(f"run directory: {result.out}")


if __name__ == "__main__":
    sys.exit(main())
