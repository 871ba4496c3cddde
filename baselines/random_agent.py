"""The random baseline: a uniformly random action over the interactive elements of the page."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.web.observation import INTERACTIVE, parse_elements

WORDS = ("test", "hello", "order", "price", "1", "blue", "done")


class RandomAgent(ConfiguredAgent):
    @dataclass
    class Config:
        seed: int = 0
        stop_prob: float = 0.05  # chance per step of answering (with a random word) and stopping

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self.rng = random.Random(self.config.seed)

    def reset(self, task: TaskInfo) -> None:
        self.rng = random.Random(f"{self.config.seed}:{task.task_id}")

    def act(self, obs: Observation) -> AgentStep:
        elements = [e for e in parse_elements(obs.get("axtree_txt", "")) if e.role in INTERACTIVE]
        if not elements or self.rng.random() < self.config.stop_prob:
            return AgentStep(f"send_msg_to_user({self.rng.choice(WORDS)!r})", "random stop")
        el = self.rng.choice(elements)
        if el.role in ("textbox", "searchbox", "spinbutton"):
            return AgentStep(f"fill({el.bid!r}, {self.rng.choice(WORDS)!r})", "random fill")
        return AgentStep(f"click({el.bid!r})", "random click")
