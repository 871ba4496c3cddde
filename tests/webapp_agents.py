"""Test agents for the webapp suite's worked example (docs/webapp-example): a scripted agent that solves its
five tasks by element role and name, and a slow agent that a signal can stop in the middle of an episode."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.web.observation import find_element

# task id -> steps: (action, role, name[, value]); "answer" sends the value
SCRIPTS: dict[str, list[tuple[str, ...]]] = {
    "about.founded": [("click", "link", "About"), ("answer", "", "", "It was founded in 1999.")],
    "search.blue-mug": [("type", "textbox", "Search", "blue mug"), ("click", "link", "Blue mug")],
    "counter.two": [("click", "button", "Add one"), ("click", "button", "Add one")],
    "cart.add-kettle": [("click", "button", "Add to cart")],
    "about/../city": [("answer", "", "", "Lyon")],
}


class ScriptedWebAppAgent(ConfiguredAgent):
    @dataclass
    class Config:
        pass

    def reset(self, task: TaskInfo) -> None:
        self.steps = list(SCRIPTS[task.task_id])

    def act(self, obs: Observation) -> AgentStep:
        if not self.steps:
            return AgentStep("send_msg_to_user('done')", "script finished")
        kind, role, name, *value = self.steps.pop(0)
        if kind == "answer":
            return AgentStep(f"send_msg_to_user({value[0]!r})", "scripted answer")
        element = find_element(obs["axtree_txt"], role, name)
        if element is None:
            return AgentStep(f"report_infeasible({f'no {role} {name}'!r})", "element not found")
        if kind == "type":
            return AgentStep(f"type({element.bid!r}, {value[0]!r}, press_enter=True)", "scripted type")
        return AgentStep(f"click({element.bid!r})", "scripted click")


class SlowAgent(ConfiguredAgent):
    """Waits ``delay_s`` before each noop (so an episode lasts a while); writes ``marker`` when it first acts."""

    @dataclass
    class Config:
        delay_s: float = 0.3
        marker: str = ""

    def reset(self, task: TaskInfo) -> None:
        pass

    def act(self, obs: Observation) -> AgentStep:
        if self.config.marker:
            Path(self.config.marker).touch()
        time.sleep(self.config.delay_s)
        return AgentStep("noop(10)", "waiting")
