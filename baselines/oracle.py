"""The scripted oracle: executes a task's reference solution, finding elements by role and name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.observation import find_element


def _quote(text: str) -> str:
    return repr(str(text))


class OracleAgent(ConfiguredAgent):
    """Replays ``reference_solution`` robustly: element ids are looked up in each new observation."""

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
        if kind == "answer":
            self.index += 1
            return AgentStep(f"send_msg_to_user({_quote(step['text'])})", "Report the answer.", {"ref_step": step})
        if kind == "infeasible":
            self.index += 1
            return AgentStep(
                f"report_infeasible({_quote(step['text'])})", "The task cannot be done.", {"ref_step": step}
            )
        if kind == "goto":
            from symbiotic_gym.suites.embedded.runtime import substitute

            self.index += 1
            return AgentStep(f"goto({_quote(substitute(step['url']))})", "Open the other site.", {"ref_step": step})
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
        return AgentStep(action, f"{kind} the {step['role']} {step['name']!r}.", {"ref_step": step})
