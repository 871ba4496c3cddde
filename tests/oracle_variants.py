"""Agents the oracle tests compare the oracle with: one that stops at once, one that spoils the reference
solution. A module of its own (not the test file) so that a run's worker processes can import them by
``oracle_variants:StopAtOnce`` (tests/ is on the path of pytest and of the workers it starts)."""

from __future__ import annotations

from baselines.oracle import OracleAgent
from symbiotic_gym.agent import AgentStep, Observation, TaskInfo

STOP_ANSWER = ""  # what StopAtOnce answers
WRONG_ANSWER = "certainly not the answer"  # what WrongOutcome answers where the task asks for an answer


class StopAtOnce:
    def reset(self, task: TaskInfo) -> None:
        pass

    def act(self, obs: Observation) -> AgentStep:
        return AgentStep(f"send_msg_to_user({STOP_ANSWER!r})")


class WrongOutcome(OracleAgent):
    """The reference solution, spoiled: a wrong answer, or its last effective step left out."""

    def reset(self, task: TaskInfo) -> None:
        steps = [dict(s) for s in task.config["reference_solution"]]
        if "string_match" in task.config["eval"]["eval_types"]:
            steps[-1] = {"action": "answer", "text": WRONG_ANSWER}  # also for an infeasible task
        else:
            del steps[-2]  # e.g. the Save / Submit click, or the last navigation
        super().reset(TaskInfo(task.task_id, task.intent, config={**task.config, "reference_solution": steps}))
