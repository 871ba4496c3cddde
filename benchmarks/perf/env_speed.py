"""Env speed, side by side on one embedded task: stock BrowserGym vs symbiotic-gym's WebEnv.

    python -m benchmarks.perf.env_speed [--task shop.product_price.0] [--episodes 10] [--out FILE]

* stock: what AgentLab does - a new ``browsergym.core.env.BrowserEnv`` per episode with default settings
  (``pre_observation_delay=0.5``; task browser + chat browser launched at every reset);
* stock-tuned: the same with ``pre_observation_delay=0`` (BrowserGym's fastest documented setting);
* ours: ``WebEnv``, one browser per process, a fresh context per episode, the navigation boundary on
  (every request through the boundary proxy);
* ours-no-boundary: the same with ``enforce_boundary=False`` (what the boundary costs);
* ours-record-network: the same recording a HAR of each episode (``record_network=True``; its reset
  includes writing and trimming the previous episode's HAR).

Measured per episode: reset (for stock: constructing the env + reset), one step (click a category link,
which navigates, + the new observation), and the embedded site's database reset. Medians, p90 and
means are printed and saved as JSON with the machine and package versions.

Then the cost of each raw BrowserGym observation key (``obs_keys=``, :mod:`symbiotic_gym.web.raw_obs`), alone
and all of stock BrowserGym's together: the same step with the key requested, and the time spent computing
it (``info["timings"]["observe_raw"]``) -- what an agent pays per step for reading it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

LINK = re.compile(r"\[([^\]]+)\] link 'Kitchen'")


def _stats(values: list[float]) -> dict[str, float]:
    vals = sorted(values)
    return {
        "median": statistics.median(vals),
        "p90": vals[min(len(vals) - 1, int(0.9 * len(vals)))],
        "mean": statistics.fmean(vals),
        "n": len(vals),
    }


def bench_ours(task_id: str, episodes: int, boundary: bool = True, record: bool = False) -> dict[str, Any]:
    from symbiotic_gym.suites.embedded.envs import make_embedded_env

    env = make_embedded_env(task_id, enforce_boundary=boundary, record_network=record)
    env.reset(seed=0)  # warm-up: launches this process's browser once
    resets, steps, site = [], [], []
    reset_phases: dict[str, list[float]] = {}
    step_phases: dict[str, list[float]] = {}
    for _ in range(episodes):
        t = time.perf_counter()
        obs, info = env.reset(seed=0)
        resets.append(time.perf_counter() - t)
        site.append(info["task_info"]["site_reset_s"])
        for phase, seconds in info["timings"].items():
            reset_phases.setdefault(phase, []).append(seconds)
        bid = LINK.search(obs["axtree_txt"]).group(1)
        t = time.perf_counter()
        obs, *_, info = env.step(f"click('{bid}')")
        steps.append(time.perf_counter() - t)
        for phase, seconds in info["timings"].items():
            step_phases.setdefault(phase, []).append(seconds)
        assert "/category/" in obs["url"] and not obs["last_action_error"], obs["last_action_error"]
    env.close()
    return {
        "reset_s": _stats(resets),
        "step_s": _stats(steps),
        "site_reset_s": _stats(site),
        # where the time goes (the env's info["timings"]), median seconds per phase
        "reset_phases": {k: statistics.median(v) for k, v in reset_phases.items()},
        "step_phases": {k: statistics.median(v) for k, v in step_phases.items()},
    }


def bench_keys(task_id: str, episodes: int) -> dict[str, Any]:
    """Step time and raw-key extraction time with each key alone, and with stock BrowserGym's set."""
    from symbiotic_gym.suites.embedded.envs import make_embedded_env
    from symbiotic_gym.web.raw_obs import BROWSERGYM_KEYS, RAW_KEYS

    out: dict[str, Any] = {}
    for name, keys in [*((k, (k,)) for k in RAW_KEYS), ("browsergym (all 5 stock keys)", BROWSERGYM_KEYS)]:
        env = make_embedded_env(task_id, obs_keys=keys)
        env.reset(seed=0)
        steps, raw = [], []
        for _ in range(episodes):
            obs, _ = env.reset(seed=0)
            bid = LINK.search(obs["axtree_txt"]).group(1)
            t = time.perf_counter()
            obs, _, _, _, info = env.step(f"click('{bid}')")
            steps.append(time.perf_counter() - t)
            raw.append(info["timings"]["observe_raw"])
            assert all(k in obs for k in keys) and not obs["last_action_error"]
        env.close()
        out[name] = {"step_s": _stats(steps), "key_s": _stats(raw)}
    return out


def bench_stock(task_id: str, episodes: int, pre_observation_delay: float) -> dict[str, Any]:
    from browsergym.core.env import BrowserEnv
    from browsergym.utils.obs import flatten_axtree_to_str

    from symbiotic_gym.suites.embedded.browser_task import EmbeddedTask
    from symbiotic_gym.web.browser import patch_playwright_launch

    patch_playwright_launch()  # stock BrowserGym cannot find Debian's Chromium on its own (chat window)
    resets, steps, site = [], [], []
    for _ in range(episodes):
        t = time.perf_counter()
        env = BrowserEnv(
            task_entrypoint=EmbeddedTask,
            task_kwargs={"task_id": task_id},
            headless=True,
            pre_observation_delay=pre_observation_delay,
        )
        obs, info = env.reset(seed=0)
        resets.append(time.perf_counter() - t)
        site.append(info["task_info"]["site_reset_s"])
        text = flatten_axtree_to_str(obs["axtree_object"])
        bid = LINK.search(text).group(1)
        t = time.perf_counter()
        obs, *_ = env.step(f"click('{bid}')")
        steps.append(time.perf_counter() - t)
        assert "/category/" in obs["url"] and not obs["last_action_error"], obs["last_action_error"]
        env.close()
    return {"reset_s": _stats(resets), "step_s": _stats(steps), "site_reset_s": _stats(site)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.env_speed", description=__doc__.splitlines()[0])
    p.add_argument("--task", default="shop.product_price.0")
    p.add_argument("--episodes", type=int, default=10)
    p.add_argument("--stock-episodes", type=int, default=5)
    p.add_argument("--out", default="runs/perf/env_speed.json")
    p.add_argument("--no-keys", action="store_true", help="skip the per-key costs")
    args = p.parse_args(argv)
    from symbiotic_gym.runner.environment import environment_info

    results = {
        "ours": bench_ours(args.task, args.episodes),
        "ours-no-boundary": bench_ours(args.task, args.episodes, boundary=False),
        "ours-record-network": bench_ours(args.task, args.episodes, record=True),
        "stock": bench_stock(args.task, args.stock_episodes, 0.5),
        "stock-tuned": bench_stock(args.task, args.stock_episodes, 0.0),
    }
    print(f"task {args.task}; seconds (median / p90)")
    print(f"{'env':20s} {'reset':>17s} {'step':>17s} {'site reset':>17s}")
    for name, r in results.items():
        cells = [f"{r[k]['median']:.3f} / {r[k]['p90']:.3f}" for k in ("reset_s", "step_s", "site_reset_s")]
        print(f"{name:20s} " + " ".join(f"{c:>17s}" for c in cells))
    ours, stock = results["ours"], results["stock"]
    print(
        f"speed-up vs stock: reset x{stock['reset_s']['median'] / ours['reset_s']['median']:.1f}, "
        f"step x{stock['step_s']['median'] / ours['step_s']['median']:.1f}"
    )
    for what in ("reset", "step"):
        phases = ours[f"{what}_phases"]
        print(f"ours {what} by phase (median s): " + ", ".join(f"{k} {v:.3f}" for k, v in phases.items()))
    tuned = results["stock-tuned"]
    print(
        f"speed-up vs stock-tuned: reset x{tuned['reset_s']['median'] / ours['reset_s']['median']:.1f}, "
        f"step x{tuned['step_s']['median'] / ours['step_s']['median']:.1f}"
    )
    keys = {} if args.no_keys else bench_keys(args.task, args.episodes)
    if keys:
        text_step = ours["step_s"]["median"]
        print(f"\nper-key cost (text-only step: {text_step:.3f} s median); seconds, median / p90")
        print(f"{'obs_keys':30s} {'step':>15s} {'key itself':>15s} {'extra':>8s}")
        for name, r in keys.items():
            cells = [f"{r[k]['median']:.3f} / {r[k]['p90']:.3f}" for k in ("step_s", "key_s")]
            extra = r["step_s"]["median"] - text_step
            print(f"{name:30s} {cells[0]:>15s} {cells[1]:>15s} {extra:+8.3f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"task": args.task, "results": results, "keys": keys, "environment": environment_info()}
    out.write_text(json.dumps(payload, indent=2))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
