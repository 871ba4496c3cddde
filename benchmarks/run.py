"""python -m benchmarks.run: run an agent on a task suite and record everything in a run directory."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any


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
        default=None,
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
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


# settings a run hands to its workers through the environment; restored when the run returns, so a
# later run (or library use) in the same process does not inherit them
RUN_ENV = (
    "SYMBIOTIC_AUDIT_LOG",
    "SYMBIOTIC_EVAL_MODE",
    "SYMBIOTIC_JUDGE_MODEL",
    "SYMBIOTIC_WEBARENA_NA_HINT",
    "SYMBIOTIC_TORCH_THREADS",
)


def main(argv: list[str] | None = None) -> int:
    saved = {k: os.environ.get(k) for k in RUN_ENV}
    try:
        return _main(argv)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rich.console import Console
    from rich.markup import escape

    from benchmarks.harness import RESUME_KEYS, environment_info
    from benchmarks.pool import RunSpec
    from symbiotic_gym.agent import parse_agent_args, resolve_agent
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.llm import configure
    from symbiotic_gym.suites import select_tasks
    from symbiotic_gym.trajectory import RunDir

    console = Console(stderr=True)
    try:
        if args.workers < 0 or args.retries < 0:
            raise SymbioticGymError("--workers and --retries must be >= 0")
        if args.retry_errors and not args.resume:
            raise SymbioticGymError("--retry-errors only makes sense with --resume")
        cls = resolve_agent(args.agent)
        agent_args = parse_agent_args(cls, args.agent_arg)
        # suite settings travel to the workers through the environment (spawned processes inherit it)
        os.environ["SYMBIOTIC_EVAL_MODE"] = args.eval_mode
        if args.judge_model:
            os.environ["SYMBIOTIC_JUDGE_MODEL"] = args.judge_model
        if args.na_hint:
            os.environ["SYMBIOTIC_WEBARENA_NA_HINT"] = "1"
        if args.workers > 1 and not os.environ.get("SYMBIOTIC_TORCH_THREADS"):
            # in-process models in several workers, each with every core, slow down ~10x (OpenMP threads
            # spin-waiting on each other): share the cores out
            os.environ["SYMBIOTIC_TORCH_THREADS"] = str(max(1, (os.cpu_count() or 1) // args.workers))
        task_ids = select_tasks(args.suite, args.split, args.tasks, args.limit)
        if args.suite in ("webarena", "miniwob") and not args.skip_doctor:
            preflight(args.suite, task_ids, console)
        cache_mode = args.llm_cache_mode or ("replay" if args.llm_cache else "off")
        llm_settings = configure(
            args.large_model, args.small_model, cache_dir=args.llm_cache, cache_mode=cache_mode, announce=True
        )
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        run = RunDir(args.out or Path("runs") / f"{args.agent.replace(':', '_')}-{args.suite}-{stamp}")
        config: dict[str, Any] = {
            "agent": args.agent,
            "agent_class": f"{cls.__module__}:{cls.__qualname__}",
            "agent_args": agent_args,
            "suite": args.suite,
            "split": args.split,
            "tasks": task_ids,
            "max_steps": args.max_steps,
            "seed": args.seed,
            "models": {"large": llm_settings.large, "small": llm_settings.small},
            "llm": llm_settings.to_dict(),
            "eval_mode": args.eval_mode,
            "judge": os.environ.get("SYMBIOTIC_JUDGE_MODEL"),
            "execution": {
                "workers": args.workers,
                "backend": args.backend,
                "step_timeout": args.step_timeout,
                "episode_timeout": args.episode_timeout,
                "retries": args.retries,
            },
            "created": dt.datetime.now().isoformat(timespec="seconds"),
            "command": ["python", "-m", "benchmarks.run", *(argv if argv is not None else sys.argv[1:])],
            "environment": environment_info(),
        }
        if run.exists():
            if not args.resume:
                raise SymbioticGymError(
                    f"{run.root} already holds a run. Pass --resume to continue it, or choose another --out."
                )
            old = run.load_config()
            diff = [k for k in RESUME_KEYS if old.get(k) != config.get(k)]
            if diff:
                raise SymbioticGymError(
                    f"Cannot resume {run.root}: its {', '.join(diff)} differ from this command "
                    f"(stored: {', '.join(f'{k}={old.get(k)!r}' for k in diff)})."
                )
        run.check_writable()
        # every request to a cloud model is logged (redacted copy + hash) for benchmarks.privacy_audit
        os.environ["SYMBIOTIC_AUDIT_LOG"] = str(run.root.resolve() / "cloud_requests.jsonl")
        if not run.exists():
            if args.suite == "webarena" and os.environ.get("WA_FULL_RESET") and not args.no_full_reset:
                config["webarena_full_reset"] = full_reset_webarena(console)
            run.write_config(config)
        else:
            run.append_resume_note(config)
        spec = RunSpec(
            agent=args.agent,
            agent_args=agent_args,
            suite=args.suite,
            max_steps=args.max_steps,
            seed=args.seed,
            llm={
                "large": llm_settings.large,
                "small": llm_settings.small,
                "cache_dir": llm_settings.cache_dir,
                "cache_mode": llm_settings.cache_mode,
            },
            step_timeout=args.step_timeout or None,
            episode_timeout=args.episode_timeout or None,
            retries=args.retries,
        )
        pool = make_pool(spec, args.workers, args.backend, args.ray_address)
    except SymbioticGymError as err:
        # one unwrapped line (copyable, grep-able), and brackets in the message are not rich markup
        console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True)
        return 2
    finished = run.results()
    if args.retry_errors:
        finished = [r for r in finished if not r.get("error")]
    done = {r["task_id"] for r in finished}
    todo = [t for t in task_ids if t not in done]
    where = f"{args.workers} {args.backend} worker(s)" if args.workers else "in-process"
    console.print(
        f"[bold]{args.agent}[/] on {args.suite}/{args.split}: {len(task_ids)} tasks "
        f"({len(done)} already done, {where}) -> {run.root}"
    )
    code = execute(pool, todo, run, finished, len(task_ids), console, quiet=args.quiet)
    if code != 0:
        return code
    return report(run, args, agent_args)


def preflight(suite: str, task_ids: list[str], console: Any) -> None:
    """The doctor's checks; a blocking failure stops the run before any episode, with the fixes."""
    from benchmarks.doctor import checks_for
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.suites.webarena.doctor import blocking_failures, format_report

    selection = ",".join(task_ids) if suite == "webarena" else None
    checks = checks_for(suite, selection)
    failed = blocking_failures(checks)
    warnings = [c for c in checks if not c.ok and not c.blocking]
    if warnings:
        console.print(format_report(warnings))
    if failed:
        raise SymbioticGymError(
            f"{suite} is not ready (python -m benchmarks.doctor --suite {suite}):\n{format_report(failed)}"
        )


def full_reset_webarena(console: Any) -> dict[str, Any]:
    """Reset the WebArena instance (WA_FULL_RESET) once before a new run, so it starts from clean state."""
    import time

    from symbiotic_gym.suites.webarena.configs import require_sites
    from symbiotic_gym.suites.webarena.nltk_data import ensure_punkt_tab

    require_sites()
    ensure_punkt_tab()
    from browsergym.webarena.instance import WebArenaInstance

    console.print(f"resetting the WebArena instance through {os.environ['WA_FULL_RESET']} (takes minutes)")
    start = time.monotonic()
    WebArenaInstance().full_reset(skip_if_not_set=False)
    return {
        "url": os.environ["WA_FULL_RESET"],
        "seconds": round(time.monotonic() - start, 1),
        "at": dt.datetime.now().isoformat(timespec="seconds"),
    }


def make_pool(spec: Any, workers: int, backend: str, ray_address: str | None) -> Any:
    from benchmarks.pool import InlinePool, ProcessPool

    if backend == "ray":
        from benchmarks.ray_pool import RayPool

        return RayPool(spec, max(1, workers), address=ray_address)
    if workers == 0:
        return InlinePool(spec)
    return ProcessPool(spec, workers)


def execute(
    pool: Any, todo: list[str], run: Any, finished: list[dict[str, Any]], total: int, console: Any, *, quiet: bool
) -> int:
    """Run the missing episodes, saving each as soon as it ends; 0, or 2 when a worker cannot start, 130 on Ctrl-C."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from benchmarks.pool import WorkerFatalError

    totals = {
        "n": len(finished),
        "wins": sum(bool(r["success"]) for r in finished),
        "tok_l": 0,
        "tok_c": 0,
        "cost": 0.0,
    }
    for r in finished:
        totals["tok_l"] += r.get("tokens_in_local", 0) + r.get("tokens_out_local", 0)
        totals["tok_c"] += r.get("tokens_in_cloud", 0) + r.get("tokens_out_cloud", 0)
        totals["cost"] += r.get("cost", 0.0)

    def stats() -> str:
        sr = f"{totals['wins'] / totals['n']:.1%}" if totals["n"] else "-"
        return f"SR {sr} | tokens local {totals['tok_l']:,} cloud {totals['tok_c']:,} | ${totals['cost']:.4f}"

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[stats]}"),
        console=console,
        disable=quiet,
    ) as bar:
        job = bar.add_task("episodes", total=total, completed=len(finished), stats=stats())

        def on_event(kind: str, data: dict[str, Any]) -> None:
            if kind == "restart":
                console.print(f"[yellow]{data['task_id'] or 'worker'}: {data['reason']}; worker restarted[/]")
            elif kind == "retry":
                console.print(f"[yellow]{data['task_id']}: {data['error']}; retrying[/]")

        pool.on_event = on_event
        try:
            for outcome in pool.run(todo):
                rec = outcome.record
                run.write_trajectory(outcome.task_id, outcome.steps)
                run.append_result(rec)
                totals["n"] += 1
                totals["wins"] += bool(rec["success"])
                totals["tok_l"] += rec.get("tokens_in_local", 0) + rec.get("tokens_out_local", 0)
                totals["tok_c"] += rec.get("tokens_in_cloud", 0) + rec.get("tokens_out_cloud", 0)
                totals["cost"] += rec.get("cost", 0.0)
                bar.update(job, advance=1, description=outcome.task_id, stats=stats())
                if rec.get("error"):
                    console.print(f"[yellow]{outcome.task_id}: {rec['error_kind']} error: {rec['error']}[/]")
        except WorkerFatalError as err:
            console.print(f"[bold red]error:[/] a worker could not start: {err}")
            return 2
        except KeyboardInterrupt:
            console.print(
                f"[bold yellow]interrupted[/]: {totals['n']} of {total} episodes are saved in {run.root}; "
                "continue with the same command and --resume"
            )
            return 130
    return 0


def report(run: Any, args: argparse.Namespace, agent_args: dict[str, Any]) -> int:
    from benchmarks.harness import summarize
    from symbiotic_gym.trajectory import atomic_write_json

    summary = summarize(run.results())
    modes = sorted({r.get("eval_mode") or "stock" for r in run.results()})
    summary.update(
        {
            "agent": args.agent,
            "agent_args": agent_args,
            "suite": args.suite,
            "split": args.split,
            "eval_mode": modes[0] if len(modes) == 1 else modes,
        }
    )
    atomic_write_json(run.summary_path, summary)
    lo, hi = summary["wilson95"]
    print(
        f"{args.agent} | {args.suite}/{args.split} | n={summary['n']} | success "
        f"{summary['success_rate']:.1%} ± {summary['stderr']:.1%} (95% CI {lo:.1%}–{hi:.1%}) | "
        f"avg steps {summary['avg_steps']:.1f} | errors {summary['errors']} | wall {summary['wall_s']:.0f}s"
    )
    for site, s in sorted(summary["by_site"].items()):
        print(f"  {site:14s} n={s['n']:3d}  success {s['success_rate']:.1%} ± {s['stderr']:.1%}")
    if summary["errors"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(summary["errors_by_kind"].items()))
        print(f"  errors by kind: {kinds} (see results.jsonl)")
    print(f"run directory: {run.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
