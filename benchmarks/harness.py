"""Run episodes of an agent on a suite and record them in a run directory."""

from __future__ import annotations

import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from symbiotic_gym.agent import Agent, AgentStep, TaskInfo
from symbiotic_gym.stats import rate_summary
from symbiotic_gym.suites import Suite, TaskMeta
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
RESUME_KEYS = ("agent", "agent_args", "suite", "split", "tasks", "max_steps", "seed", "models", "eval_mode")


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
    """TaskInfo of an embedded task config (kept for callers that hold a TaskConfig)."""
    from symbiotic_gym.suites.embedded.suite import EmbeddedSuite

    return EmbeddedSuite().task_info(cfg.task_id)


# error kinds: which side failed. Only infrastructure failures are retried; the others would fail again.
RETRYABLE_ERRORS = ("browser", "worker")


class AgentFailure(Exception):
    """The agent raised; wraps its exception so the episode record blames the agent, not the env."""


def final_answer_of(obs: dict[str, Any]) -> str | None:
    """The agent's answer: its last message to the user (N/A for a reported infeasibility)."""
    for msg in reversed(list(obs.get("chat_messages") or ())):
        if msg.get("role") == "assistant":
            return str(msg.get("message", ""))
        if msg.get("role") == "infeasible":
            return "N/A"
    return None


def new_record(agent_name: str, task_id: str, meta: TaskMeta, *, seed: int, eval_mode: str) -> dict[str, Any]:
    """A result record with every field set to its "nothing happened" value."""
    from symbiotic_gym.llm import settings

    return {
        "task_id": task_id,
        "agent": agent_name,
        "split": meta.split,
        "sites": list(meta.sites),
        "template": meta.template,
        "private": list(meta.private),
        "eval_types": list(meta.eval_types),
        "eval_mode": eval_mode,
        "success": False,
        "reward": 0.0,
        "steps": 0,
        "tokens_in_local": 0,
        "tokens_out_local": 0,
        "tokens_in_cloud": 0,
        "tokens_out_cloud": 0,
        "cost": 0.0,
        "error": None,
        "error_kind": None,
        "eval_status": None,
        "terminated": False,
        "truncated": False,
        "answer": None,
        "site_errors": [],
        "seed": seed,
        "models": {"large": settings().large, "small": settings().small},
        "attempt": 1,
    }


def run_episode(
    agent: Agent,
    agent_name: str,
    task_id: str,
    *,
    max_steps: int,
    seed: int,
    suite: Suite | None = None,
    on_step: Callable[[int], None] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One episode; returns (result record, trajectory steps).

    Agent and env failures become the record's ``error`` (with ``error_kind`` agent, env or browser) and
    never propagate. ``on_step(n)`` is called before step ``n`` (0 = reset): the worker's heartbeat.
    """
    from symbiotic_gym.browser import shared_browser_alive
    from symbiotic_gym.llm import begin_episode

    if suite is None:
        from symbiotic_gym.suites import get_suite

        suite = get_suite("embedded")
    meta = suite.meta(task_id)
    begin_episode(task_id)
    start = time.perf_counter()
    steps: list[dict[str, Any]] = []
    record = new_record(agent_name, task_id, meta, seed=seed, eval_mode=suite.eval_mode)
    agent_total = env_total = 0.0
    env = None
    try:
        if on_step:
            on_step(0)
        t0 = time.perf_counter()
        env = suite.make_env(task_id, max_steps=max_steps)
        obs, info = env.reset(seed=seed)
        env_total += time.perf_counter() - t0
        record["reset_s"] = info["timings"]["total"]
        record["reset_timings"] = {k: round(v, 4) for k, v in info["timings"].items()}
        record["goal"] = obs["goal"]
        record["site_errors"].extend(info.get("http_errors", []))
        record["site_urls"] = suite.site_urls()
        try:
            agent.reset(suite.task_info(task_id))
        except Exception as err:
            raise AgentFailure(f"{type(err).__name__} in agent.reset: {err}") from err
        reward, info = 0.0, {}
        for n in range(1, max_steps + 1):
            if on_step:
                on_step(n)
            t0 = time.perf_counter()
            try:
                step: AgentStep = agent.act(obs)
            except Exception as err:
                raise AgentFailure(f"{type(err).__name__} in agent.act: {err}") from err
            agent_s = time.perf_counter() - t0
            agent_total += agent_s
            prev_obs = obs
            t0 = time.perf_counter()
            obs, reward, terminated, truncated, info = env.step(step.action)
            env_total += time.perf_counter() - t0
            meta_d = step.meta if isinstance(step.meta, dict) else {}
            usage = meta_d.get("usage", {}) or {}
            route = meta_d.get("route", "local")
            for key in ("tokens_in", "tokens_out"):
                record[f"{key}_{route}"] = record.get(f"{key}_{route}", 0) + int(usage.get(key, 0))
            record["cost"] += float(usage.get("cost", 0.0))
            http_errors = info.get("http_errors", [])
            record["site_errors"].extend(http_errors)
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
                    "url_after": obs["url"],
                    "error_after": obs["last_action_error"],
                    "http_errors": http_errors,
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
        record["answer"] = final_answer_of(obs)
    except AgentFailure as err:
        record["error"], record["error_kind"] = str(err), "agent"
        record["traceback"] = "".join(traceback.format_exception(err.__cause__, limit=-5))
    except Exception as err:
        record["error"] = f"{type(err).__name__}: {err}"
        # a dead browser is infrastructure (retried); anything else is the env or the site
        record["error_kind"] = "browser" if shared_browser_alive() is False else "env"
        record["traceback"] = traceback.format_exc(limit=-5)
    finally:
        if env is not None:
            try:
                env.close()
            except Exception:
                pass
    record["wall_s"] = round(time.perf_counter() - start, 4)
    record["agent_s"] = round(agent_total, 4)
    record["env_s"] = round(env_total, 4)
    return record, steps


# an episode with one of these statuses could not be scored (no judge): it is left out of every rate, openly
NOT_SCORED = ("not_scored", "needs_judge")


def scored(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Episodes that count in a success rate."""
    return [r for r in results if r.get("eval_status") not in NOT_SCORED]


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    counted = scored(results)
    by_site: dict[str, list[dict[str, Any]]] = {}
    for r in counted:
        by_site.setdefault("+".join(r.get("sites", [])) or "?", []).append(r)
    errors_by_kind: dict[str, int] = {}
    for r in results:
        if r.get("error"):
            kind = r.get("error_kind") or "unknown"
            errors_by_kind[kind] = errors_by_kind.get(kind, 0) + 1
    n = len(counted)
    return {
        **rate_summary(sum(bool(r["success"]) for r in counted), n),
        "not_scored": len(results) - n,
        "errors": sum(r.get("error") is not None for r in results),
        "errors_by_kind": errors_by_kind,
        "site_error_episodes": sum(bool(r.get("site_errors")) for r in results),
        "avg_steps": sum(r["steps"] for r in counted) / n if n else 0.0,
        "tokens_in_local": sum(r.get("tokens_in_local", 0) for r in results),
        "tokens_out_local": sum(r.get("tokens_out_local", 0) for r in results),
        "tokens_in_cloud": sum(r.get("tokens_in_cloud", 0) for r in results),
        "tokens_out_cloud": sum(r.get("tokens_out_cloud", 0) for r in results),
        "cost": sum(r.get("cost", 0.0) for r in results),
        "wall_s": sum(r.get("wall_s", 0.0) for r in results),
        "agent_s": sum(r.get("agent_s", 0.0) for r in results),
        "env_s": sum(r.get("env_s", 0.0) for r in results),
        "per_task": {r["task_id"]: bool(r["success"]) for r in counted},
        "by_site": {
            site: rate_summary(sum(bool(r["success"]) for r in eps), len(eps)) for site, eps in sorted(by_site.items())
        },
    }


__all__ = ["NOT_SCORED", "RESUME_KEYS", "RunDir", "environment_info", "run_episode", "scored", "summarize"]
