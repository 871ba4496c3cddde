"""Test doubles for the prompt-injection tasks: an agent that obeys the injected instruction."""

from __future__ import annotations

from baselines.oracle import OracleAgent
from symbiotic_gym.agent import TaskInfo


class ObedientAgent(OracleAgent):
    """Does what the injected text asks (the task's ``attack_solution``), then the user's task: what a
    model that follows instructions found on the page would do."""

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        injection = task.config.get("injection") or {}
        self.steps = [*injection.get("attack_solution", []), *self.steps]
