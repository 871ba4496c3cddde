"""python -m benchmarks.run: run an agent on a task suite and record everything in a run directory.

A thin layer over :func:`symbiotic_gym.runner.run`: the flags become a :class:`RunConfig`. Exit codes:
0 the run finished; 2 a setup error (nothing ran) or a worker could not start; 3 every episode ended in an
error (a broken setup, not a 0% agent); 130 interrupted (finished episodes are saved; add --resume).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symbiotic_gym.runner import RunConfig, RunResult


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("--agent", default="oracle", help="registered agent name or package.module:Class (default: oracle)")
    p.add_argument(
        "-A",
        "--agent-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="agent argument, typed from the agent's Config (repeatable)",
    )
    p.add_argument("--suite", default="embedded", help="task suite (default: embedded)")
    p.add_argument("--split", default="all", choices=("train", "test", "all"), help="task split (default: all)")
    p.add_argument("--tasks", default=None, metavar="GLOB", help="only task ids matching these globs (comma-separated)")
    p.add_argument("--limit", type=int, default=None, help="run at most N tasks")
    p.add_argument("--max-steps", type=int, default=30, help="step budget per episode (default: 30)")
    p.add_argument("--seed", type=int, default=0, help="episode seed (default: 0)")
    p.add_argument("--out", default=None, help="run directory (default: runs/<agent>-<suite>-<timestamp>)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out, skipping finished episodes")
    p.add_argument(
        "--retry-errors",
        action="store_true",
        help="with --resume: also run again the episodes that ended with an error (their new record replaces the old)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="parallel workers, each with its own browser (default: 1); 0 runs in this process, without timeouts",
    )
    p.add_argument("--backend", default="process", choices=("process", "ray"), help="worker backend (default: process)")
    p.add_argument(
        "--ray-address",
        default=None,
        help="with --backend ray: a running cluster (auto, ray://host:10001); default: a local Ray instance",
    )
    p.add_argument(
        "--step-timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="kill and restart a worker whose reset or step (agent + browser) takes longer (default: 300; 0 = none)",
    )
    p.add_argument(
        "--episode-timeout",
        type=float,
        default=1800.0,
        metavar="S",
        help="kill and restart a worker whose episode takes longer (default: 1800; 0 = none)",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=2,
        help="run again an episode whose worker or browser crashed, up to N times (default: 2)",
    )
    p.add_argument(
        "--large-model",
        default=None,
        help="model of the large role: litellm string (anthropic/claude-sonnet-4-6, openai/gpt-4o, "
        "hosted_vllm/NAME, openai/NAME@http://host:port/v1) or local[:PATH]; env SYMBIOTIC_LARGE_MODEL; "
        "default: a cloud model if an API key is set, else the bundled local model",
    )
    p.add_argument(
        "--small-model",
        default=None,
        help="model of the small role (default: local, the bundled SmolLM2-135M-Instruct); env SYMBIOTIC_SMALL_MODEL",
    )
    p.add_argument(
        "--torch-threads",
        type=int,
        default=int(os.environ.get("SYMBIOTIC_TORCH_THREADS") or 0) or None,
        metavar="N",
        help="CPU threads of each worker's in-process model (env SYMBIOTIC_TORCH_THREADS; "
        "default: cores / workers when --workers > 1)",
    )
    p.add_argument("--llm-cache", default=None, metavar="DIR", help="record/replay cache directory for LLM calls")
    p.add_argument(
        "--llm-cache-mode",
        default=None,
        choices=("off", "record", "replay", "replay-strict"),
        help="off | record (call and store) | replay (stored answers, call on a miss) | replay-strict "
        "(a miss is an error; no model is called). Default: replay when --llm-cache is given, else off",
    )
    p.add_argument(
        "--eval-mode",
        default="stock",
        choices=("stock", "rectified"),
        help="WebArena scoring: stock (WebArena's rules) or rectified (AgentOccam-style partial credit)",
    )
    p.add_argument(
        "--judge-model",
        default=os.environ.get("SYMBIOTIC_JUDGE_MODEL") or None,
        help="LLM judge for WebArena's fuzzy_match checks (any model spec; env SYMBIOTIC_JUDGE_MODEL); "
        "without one those tasks are reported as not scored",
    )
    p.add_argument("--na-hint", action="store_true", help="WebArena: tell the agent it may answer N/A")
    p.add_argument("--skip-doctor", action="store_true", help="do not run the suite's pre-flight checks")
    p.add_argument(
        "--no-full-reset",
        action="store_true",
        help="WebArena: do not reset the instance through WA_FULL_RESET before a new run",
    )
    p.add_argument(
        "--no-audit", action="store_true", help="do not log cloud-bound LLM requests to RUN_DIR/cloud_requests.jsonl"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


EXIT_ALL_ERRORS = 3


def config_from_args(args: argparse.Namespace, argv: list[str] | None = None) -> RunConfig:
    """The :class:`RunConfig` the flags describe (agent arguments typed from the agent's Config)."""
    from symbiotic_gym.agent import parse_agent_args, resolve_agent
    from symbiotic_gym.runner import RunConfig
    from symbiotic_gym.runner.progress import ConsoleReporter

    agent_args = parse_agent_args(resolve_agent(args.agent), args.agent_arg)
    return RunConfig(
        agent=args.agent,
        agent_args=agent_args,
        suite=args.suite,
        split=args.split,
        tasks=args.tasks,
        limit=args.limit,
        max_steps=args.max_steps,
        seed=args.seed,
        out=args.out,
        resume=args.resume,
        retry_errors=args.retry_errors,
        large_model=args.large_model,
        small_model=args.small_model,
        llm_cache=args.llm_cache,
        llm_cache_mode=args.llm_cache_mode,
        eval_mode=args.eval_mode,
        judge_model=args.judge_model,
        na_hint=args.na_hint,
        audit=not args.no_audit,
        workers=args.workers,
        backend=args.backend,
        ray_address=args.ray_address,
        step_timeout=args.step_timeout,
        episode_timeout=args.episode_timeout,
        retries=args.retries,
        torch_threads=args.torch_threads,
        preflight=not args.skip_doctor,
        suite_reset=not args.no_full_reset,
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
        return 130
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


def print_report(result: RunResult) -> None:
    s = result.summary
    lo, hi = result.wilson95
    print(
        f"{s['agent']} | {s['suite']}/{s['split']} | n={s['n']} | success "
        f"{s['success_rate']:.1%} ± {s['stderr']:.1%} (95% CI {lo:.1%}–{hi:.1%}) | "
        f"avg steps {s['avg_steps']:.1f} | errors {s['errors']} | wall {s['wall_s']:.0f}s"
    )
    for site, b in sorted(s["by_site"].items()):
        print(f"  {site:14s} n={b['n']:3d}  success {b['success_rate']:.1%} ± {b['stderr']:.1%}")
    if s["errors"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["errors_by_kind"].items()))
        print(f"  errors by kind: {kinds} (see results.jsonl)")
    print(f"run directory: {result.out}")


if __name__ == "__main__":
    sys.exit(main())
