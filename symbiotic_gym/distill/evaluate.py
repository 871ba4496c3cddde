"""Offline next-action accuracy: replay reference trajectories and ask a model for each next action.

Each step of the episodes in a run directory (typically the oracle on the held-out split) is shown to the
agent with the reference history (teacher forcing); its action is correct when it means the same as the
recorded one (:func:`symbiotic_gym.distill.matching.match_candidate`). No browser is needed, so this is the
cheap, low-variance companion of a live success rate when comparing distilled models.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from symbiotic_gym.agent import TaskInfo
from symbiotic_gym.agent.llm_base import LLMAgentBase
from symbiotic_gym.distill.dataset import WAIT_ACTIONS
from symbiotic_gym.distill.matching import match_candidate
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.results.stats import rate_summary
from symbiotic_gym.web.actions import ActionError, parse_action


def reference_steps(run_dir: str | Path, *, limit: int = 0, successful_only: bool = True) -> list[dict[str, Any]]:
    """Steps of the run's episodes with their goal and reference history, in a stable order."""
    run = RunDir(run_dir)
    out: list[dict[str, Any]] = []
    for rec in sorted(run.results(), key=lambda r: r["task_id"]):
        if successful_only and not rec.get("success"):
            continue
        history: list[tuple[str, str]] = []  # (action, the page it was taken on)
        for step in run.trajectory(rec["task_id"]):
            action = str(step.get("action", ""))
            if not action.startswith(WAIT_ACTIONS) and not step.get("error_after"):
                out.append({"task_id": rec["task_id"], "goal": rec.get("goal", ""), "history": list(history), **step})
            history.append((action, str(step.get("axtree_txt", ""))))
    if limit > 0:
        out = out[:limit]
    return out


def next_action_accuracy(make_agent: Callable[[], Any], steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Score one agent (built by ``make_agent``; it needs ``reset``, ``act`` and a ``history`` list)."""
    agent = make_agent()
    correct = valid = 0
    per_step = []
    t0 = time.perf_counter()
    for s in steps:
        agent.reset(TaskInfo(task_id=s["task_id"], intent=s["goal"]))
        # the agent's own form of an executed action
        entry = agent.history_entry if isinstance(agent, LLMAgentBase) else (lambda action, _page: action)
        agent.history = [entry(a, page) for a, page in s["history"]]
        obs = {"goal": s["goal"], "url": s["url"], "axtree_txt": s["axtree_txt"], "last_action_error": ""}
        pred = agent.act(obs)
        try:
            parse_action(pred.action)
            parsed = True
        except ActionError:
            parsed = False
        ok = match_candidate(pred.action, [s["action"]], s["axtree_txt"]) is not None
        correct += ok
        valid += parsed
        per_step.append(
            {"task_id": s["task_id"], "step": s.get("step"), "gold": s["action"], "pred": pred.action, "ok": ok}
        )
    return {
        "accuracy": rate_summary(correct, len(steps)),
        "valid_actions": rate_summary(valid, len(steps)),
        "seconds": round(time.perf_counter() - t0, 1),
        "steps": per_step,
    }
