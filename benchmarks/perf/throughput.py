"""Harness throughput: our process pool vs a plain loop over stock BrowserGym envs, same agent, same tasks.

    python -m benchmarks.perf.throughput [--tasks 20] [--workers 2] [--out runs/perf/throughput.json]

* ours: :class:`symbiotic_gym.runner.pool.ProcessPool` (spawned workers, one reused Chromium each, heartbeats and
  timeouts on), the scripted ``oracle`` agent, the first N embedded tasks;
* stock: what AgentLab does - every episode builds a new ``browsergym.core.env.BrowserEnv`` (default
  settings), runs the same oracle on its observations (flattened to the same text), and closes it; the
  episodes are spread over the same number of spawned processes.

Both walls include starting the workers. Also reported: harness overhead per step, i.e. episode time
spent neither in the browser/env nor in the agent, and the pool's idle/IPC time per step.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

SPEC_DEFAULTS = {"agent": "oracle", "agent_args": {}, "suite": "embedded", "max_steps": 30, "seed": 0}


def run_ours(task_ids: list[str], workers: int) -> dict[str, Any]:
    from symbiotic_gym.runner.config import WorkerSpec
    from symbiotic_gym.runner.pool import ProcessPool

    spec = WorkerSpec(**SPEC_DEFAULTS, step_timeout=120, episode_timeout=600)
    start = time.perf_counter()
    records = [o.record for o in ProcessPool(spec, workers).run(task_ids)]
    wall = time.perf_counter() - start
    steps = sum(r["steps"] for r in records)
    in_episode = sum(r["wall_s"] - r["agent_s"] - r["env_s"] for r in records)
    busy = sum(r["wall_s"] for r in records)
    return {
        "wall_s": wall,
        "episodes": len(records),
        "successes": sum(r["success"] for r in records),
        "errors": sum(bool(r["error"]) for r in records),
        "steps": steps,
        "episodes_per_min": 60 * len(records) / wall,
        "harness_overhead_per_step_ms": 1000 * in_episode / steps,
        "pool_idle_and_ipc_per_step_ms": 1000 * (workers * wall - busy) / steps,
        "agent_s": sum(r["agent_s"] for r in records),
        "env_s": sum(r["env_s"] for r in records),
    }


def stock_episode(task_id: str) -> dict[str, Any]:
    """One episode the AgentLab way: a fresh stock BrowserEnv, used once, closed."""
    from browsergym.core.env import BrowserEnv
    from browsergym.utils.obs import flatten_axtree_to_str

    from baselines.oracle import OracleAgent
    from symbiotic_gym.suites.embedded.browser_task import EmbeddedTask
    from symbiotic_gym.suites.embedded.suite import EmbeddedSuite
    from symbiotic_gym.web.browser import patch_playwright_launch

    patch_playwright_launch()  # stock BrowserGym cannot find Debian's Chromium by itself
    start = time.perf_counter()
    env = BrowserEnv(task_entrypoint=EmbeddedTask, task_kwargs={"task_id": task_id}, headless=True)
    agent = OracleAgent()
    success, steps, error = False, 0, None
    try:
        obs, _ = env.reset(seed=0)
        agent.reset(EmbeddedSuite().task_info(task_id))
        for n in range(1, SPEC_DEFAULTS["max_steps"] + 1):
            steps = n
            text_obs = {
                "goal": obs["goal"],
                "url": obs["url"],
                "axtree_txt": flatten_axtree_to_str(obs["axtree_object"]),
                "last_action_error": obs["last_action_error"],
                "open_pages_urls": obs["open_pages_urls"],
            }
            action = agent.act(text_obs).action
            obs, reward, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                success = reward >= 1.0
                break
    except Exception as err:
        error = f"{type(err).__name__}: {err}"
    finally:
        env.close()
    return {
        "task_id": task_id,
        "success": success,
        "steps": steps,
        "error": error,
        "wall_s": time.perf_counter() - start,
    }


def run_stock(task_ids: list[str], workers: int) -> dict[str, Any]:
    start = time.perf_counter()
    with mp.get_context("spawn").Pool(workers) as pool:
        records = pool.map(stock_episode, task_ids, chunksize=1)
    wall = time.perf_counter() - start
    return {
        "wall_s": wall,
        "episodes": len(records),
        "successes": sum(r["success"] for r in records),
        "errors": sum(bool(r["error"]) for r in records),
        "steps": sum(r["steps"] for r in records),
        "episodes_per_min": 60 * len(records) / wall,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.throughput", description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=20, help="the first N embedded tasks (default: 20)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", default="runs/perf/throughput.json")
    args = p.parse_args(argv)
    from symbiotic_gym.runner.environment import environment_info
    from symbiotic_gym.suites import select_tasks

    task_ids = select_tasks("embedded", "all", None, args.tasks)
    ours = run_ours(task_ids, args.workers)
    stock = run_stock(task_ids, args.workers)
    speedup = ours["episodes_per_min"] / stock["episodes_per_min"]
    print(f"{len(task_ids)} embedded tasks, oracle agent, {args.workers} workers")
    for name, r in (("ours", ours), ("stock", stock)):
        print(
            f"{name:6s} wall {r['wall_s']:6.1f} s  {r['episodes_per_min']:6.1f} episodes/min  "
            f"success {r['successes']}/{r['episodes']}  errors {r['errors']}  steps {r['steps']}"
        )
    print(f"speed-up: x{speedup:.2f} episodes per minute")
    print(
        f"harness overhead per step: {ours['harness_overhead_per_step_ms']:.1f} ms in the episode loop, "
        f"{ours['pool_idle_and_ipc_per_step_ms']:.1f} ms of pool start-up/idle/IPC"
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {"tasks": task_ids, "workers": args.workers, "ours": ours, "stock": stock, "speedup": speedup}
    out.write_text(json.dumps({**doc, "environment": environment_info()}, indent=2))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
