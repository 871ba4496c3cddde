"""Run episodes of an agent on a suite and record them in a run directory."""

from __future__ import annotations

import platform
import subprocess
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path
from typing import Any

from symbiotic_gym.agent import Agent, AgentStep, TaskInfo
from symbiotic_gym.stats import success_rate, wilson_interval
from symbiotic_gym.trajectory import RunDir

TRACKED_PACKAGES = (
    "symbiotic-gym",
    "browsergym-core",
    "playwright",
    "gymnasium",
    "litellm",
    "transformers",
    "torch",
    "trl",
    "peft",
)
# keys that must match for --resume to continue a run
RESUME_KEYS = ("agent", "agent_args", "suite", "split", "tasks", "max_steps", "seed", "models")


def package_versions() -> dict[str, str]:
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_revision() -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return {"revision": None, "dirty": None}
    if rev.returncode != 0:
        return {"revision": None, "dirty": None}
    return {"revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}


def environment_info() -> dict[str, Any]:
    from symbiotic_gym.browser import find_chromium

    try:
        chromium = find_chromium()
    except Exception:
        chromium = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "chromium": chromium,
        "packages": package_versions(),
        "git": git_revision(),
    }


def task_info(cfg: Any) -> TaskInfo:
    from symbiotic_gym.suites.embedded.runtime import substitute

    raw = cfg.raw
    return TaskInfo(
        task_id=cfg.task_id,
        intent=substitute(cfg.intent),
        sites=tuple(raw["sites"]),
        start_url=substitute(raw["start_url"]),
        private=tuple(raw["private"]),
        config=raw,
    )


def run_episode(
    agent: Agent, agent_name: str, task_id: str, *, max_steps: int, seed: int, env_kwargs: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One episode; returns (result record, trajectory steps). Agent and env failures become the record's error."""
    from symbiotic_gym.env import make_embedded_env
    from symbiotic_gym.llm import begin_episode, settings
    from symbiotic_gym.suites.embedded.tasks import get_task

    cfg = get_task(task_id)
    begin_episode(task_id)
    start = time.perf_counter()
    steps: list[dict[str, Any]] = []
    record: dict[str, Any] = {
        "task_id": task_id,
        "agent": agent_name,
        "split": cfg.split,
        "sites": cfg.sites,
        "template": cfg.template_id,
        "private": cfg.private,
        "success": False,
        "reward": 0.0,
        "steps": 0,
        "tokens_in_local": 0,
        "tokens_out_local": 0,
        "tokens_in_cloud": 0,
        "tokens_out_cloud": 0,
        "cost": 0.0,
        "error": None,
        "eval_status": None,
        "terminated": False,
        "truncated": False,
        "seed": seed,
        "models": {"large": settings().large, "small": settings().small},
    }
    env = make_embedded_env(task_id, max_steps=max_steps, **(env_kwargs or {}))
    try:
        obs, info = env.reset(seed=seed)
        record["reset_s"] = info["timings"]["total"]
        agent.reset(task_info(cfg))
        reward, info = 0.0, {}
        for n in range(1, max_steps + 1):
            t0 = time.perf_counter()
            step: AgentStep = agent.act(obs)
            agent_s = time.perf_counter() - t0
            prev_obs = obs
            obs, reward, terminated, truncated, info = env.step(step.action)
            usage = step.meta.get("usage", {}) if isinstance(step.meta, dict) else {}
            route = step.meta.get("route", "local") if isinstance(step.meta, dict) else "local"
            for key in ("tokens_in", "tokens_out"):
                record[f"{key}_{route}"] = record.get(f"{key}_{route}", 0) + int(usage.get(key, 0))
            record["cost"] += float(usage.get("cost", 0.0))
            steps.append(
                {
                    "step": n,
                    "url": prev_obs["url"],
                    "axtree_txt": prev_obs["axtree_txt"],
                    "last_action_error": prev_obs["last_action_error"],
                    "action": step.action,
                    "parsed_action": info.get("action"),
                    "rationale": step.rationale,
                    "route": route,
                    "meta": step.meta,
                    "reward": reward,
                    "error_after": obs["last_action_error"],
                    "agent_s": agent_s,
                    "env_timings": info.get("timings", {}),
                }
            )
            record["steps"] = n
            if terminated or truncated:
                record["terminated"], record["truncated"] = bool(terminated), bool(truncated)
                break
        ev = (info.get("task_info") or {}).get("eval")
        if ev:
            record["eval_status"] = ev["status"]
            record["eval_details"] = ev["details"]
        record["reward"] = float(reward)
        record["success"] = bool(ev and ev["status"] == "pass")
        record["final_url"] = obs["url"]
    except Exception as err:
        record["error"] = f"{type(err).__name__}: {err}"
        record["traceback"] = traceback.format_exc(limit=5)
    finally:
        try:
            env.close()
        except Exception:
            pass
    record["wall_s"] = round(time.perf_counter() - start, 4)
    return record, steps


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(results)
    wins = sum(bool(r["success"]) for r in results)
    sr, se = success_rate(wins, n)
    lo, hi = wilson_interval(wins, n)
    by_site: dict[str, dict[str, Any]] = {}
    for r in results:
        key = "+".join(r.get("sites", [])) or "?"
        site = by_site.setdefault(key, {"n": 0, "successes": 0})
        site["n"] += 1
        site["successes"] += bool(r["success"])
    for site in by_site.values():
        site["success_rate"], site["stderr"] = success_rate(site["successes"], site["n"])
    return {
        "n": n,
        "successes": wins,
        "success_rate": sr,
        "stderr": se,
        "wilson95": [lo, hi],
        "errors": sum(r.get("error") is not None for r in results),
        "avg_steps": sum(r["steps"] for r in results) / n if n else 0.0,
        "tokens_in_local": sum(r.get("tokens_in_local", 0) for r in results),
        "tokens_out_local": sum(r.get("tokens_out_local", 0) for r in results),
        "tokens_in_cloud": sum(r.get("tokens_in_cloud", 0) for r in results),
        "tokens_out_cloud": sum(r.get("tokens_out_cloud", 0) for r in results),
        "cost": sum(r.get("cost", 0.0) for r in results),
        "wall_s": sum(r.get("wall_s", 0.0) for r in results),
        "by_site": by_site,
    }


__all__ = ["RESUME_KEYS", "RunDir", "environment_info", "run_episode", "summarize"]
