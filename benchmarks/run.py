"""python -m benchmarks.run: run an agent on a task suite and record everything in a run directory."""

from __future__ import annotations

import argparse
import datetime as dt
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
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from rich.console import Console

    from benchmarks.harness import RESUME_KEYS, environment_info, run_episode, summarize
    from symbiotic_gym.agent import make_agent, parse_agent_args, resolve_agent
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.llm import configure
    from symbiotic_gym.suites import select_tasks
    from symbiotic_gym.trajectory import RunDir, atomic_write_json

    console = Console(stderr=True)
    try:
        cls = resolve_agent(args.agent)
        agent_args = parse_agent_args(cls, args.agent_arg)
        task_ids = select_tasks(args.suite, args.split, args.tasks, args.limit)
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
        if not run.exists():
            run.write_config(config)
        agent = make_agent(args.agent, agent_args)
    except SymbioticGymError as err:
        console.print(f"[bold red]error:[/] {err}")
        return 2
    done = run.finished_ids()
    todo = [t for t in task_ids if t not in done]
    console.print(
        f"[bold]{args.agent}[/] on {args.suite}/{args.split}: {len(task_ids)} tasks "
        f"({len(done)} already done) -> {run.root}"
    )
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    wins = sum(bool(r["success"]) for r in run.results())
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("SR {task.fields[sr]}"),
        console=console,
        disable=args.quiet,
    ) as bar:
        job = bar.add_task("episodes", total=len(task_ids), completed=len(done), sr="-")
        for tid in todo:
            record, steps = run_episode(agent, args.agent, tid, max_steps=args.max_steps, seed=args.seed)
            run.write_trajectory(tid, steps)
            run.append_result(record)
            wins += record["success"]
            finished = len(done) + todo.index(tid) + 1
            bar.update(job, advance=1, description=tid, sr=f"{wins / finished:.1%}")
            if record["error"]:
                console.print(f"[yellow]{tid}: {record['error']}[/]")
    summary = summarize(run.results())
    summary.update({"agent": args.agent, "agent_args": agent_args, "suite": args.suite, "split": args.split})
    atomic_write_json(run.summary_path, summary)
    lo, hi = summary["wilson95"]
    print(
        f"{args.agent} | {args.suite}/{args.split} | n={summary['n']} | success "
        f"{summary['success_rate']:.1%} ± {summary['stderr']:.1%} (95% CI {lo:.1%}–{hi:.1%}) | "
        f"avg steps {summary['avg_steps']:.1f} | errors {summary['errors']} | wall {summary['wall_s']:.0f}s"
    )
    for site, s in sorted(summary["by_site"].items()):
        print(f"  {site:14s} n={s['n']:3d}  success {s['success_rate']:.1%} ± {s['stderr']:.1%}")
    print(f"run directory: {run.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
