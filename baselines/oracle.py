"""The scripted oracle: executes a task's reference solution, finding elements by role and name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.web.observation import find_element


def _quote(text: str) -> str:
    return repr(str(text))


def _step_text(step: dict[str, Any]) -> str:
    """One step of the plan in a few words (the names the page shows, no values)."""
    kind = step.get("action")
    if kind == "answer":
        return "report done" if str(step.get("text", "")).strip().lower() == "done" else "answer from the page"
    if kind == "infeasible":
        return "report that it cannot be done"
    if kind == "goto":
        return "open the other site"
    verb = "open" if kind == "click" and step.get("role") == "link" else kind
    return f"{verb} {step['role']} {step['name']!r}"


def plan_rationale(steps: list[dict[str, Any]], index: int) -> str:
    """The teacher's reasoning at one step: where it is in its plan and the whole plan, so a student trained on
    rationales (multi-task) learns to read the task into a procedure, not only the next click."""
    plan = "; ".join(_step_text(s) for s in steps)
    return f"Step {index + 1} of {len(steps)}: {_step_text(steps[index])}. Plan: {plan}."


class OracleAgent(ConfiguredAgent):
    """Replays ``reference_solution`` robustly: element ids are looked up in each new observation. Its rationale
    is its plan (:func:`plan_rationale`)."""

    @dataclass
    class Config:
        retries: int = 2  # observations to wait for a missing element before giving up

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self.steps: list[dict[str, Any]] = []
        self.index = 0
        self.misses = 0

    def reset(self, task: TaskInfo) -> None:
        self.steps = list(task.config.get("reference_solution", []))
        if not self.steps:
            raise ValueError(f"Task {task.task_id} has no reference_solution; the oracle cannot run it.")
        self.index = 0
        self.misses = 0

    def act(self, obs: Observation) -> AgentStep:
        if self.index >= len(self.steps):
            return AgentStep("send_msg_to_user('')", "The reference solution is exhausted.")
        step = self.steps[self.index]
        kind = step["action"]
        why = plan_rationale(self.steps, self.index)
        if kind == "answer":
            self.index += 1
            return AgentStep(f"send_msg_to_user({_quote(step['text'])})", why, {"ref_step": step})
        if kind == "infeasible":
            self.index += 1
            return AgentStep(f"report_infeasible({_quote(step['text'])})", why, {"ref_step": step})
        if kind == "goto":
            from symbiotic_gym.suites.embedded.runtime import substitute

            self.index += 1
            return AgentStep(f"goto({_quote(substitute(step['url']))})", why, {"ref_step": step})
        el = find_element(obs.get("axtree_txt", ""), step["role"], step["name"])
        if el is None:
            self.misses += 1
            if self.misses > self.config.retries:
                return AgentStep(
                    f"report_infeasible({_quote('No ' + step['role'] + ' named ' + step['name'])})",
                    "The reference element is missing.",
                    {"ref_step": step},
                )
            return AgentStep("noop(200)", f"Waiting for {step['role']} {step['name']!r} to appear.", {"ref_step": step})
        self.misses = 0
        self.index += 1
        bid = _quote(el.bid)
        action = {
            "click": f"click({bid})",
            "fill": f"fill({bid}, {_quote(step.get('value', ''))})",
            "select": f"select_option({bid}, {_quote(step.get('option', ''))})",
            "press": f"press({bid}, {_quote(step.get('key', 'Enter'))})",
            "check": f"check({bid})",
        }[kind]
        return AgentStep(action, why, {"ref_step": step})
