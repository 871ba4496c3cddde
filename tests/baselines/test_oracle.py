"""For every embedded task: the oracle succeeds, stopping at once fails, and a wrong outcome fails.

The default run checks a deterministic sample that covers every template (``tests/embedded_sample.py``);
the rest of the 600+ tasks carry the ``slow`` mark (``tox -e slow``); ``python -m benchmarks.run --agent
oracle --split all`` checks them all in one run.
"""

from __future__ import annotations

import pytest
from embedded_sample import FIRST_OF_EACH_TEMPLATE, SAMPLE, params

from baselines.oracle import OracleAgent
from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.runner import run_episode


class StopAtOnce:
    def reset(self, task: TaskInfo) -> None:
        pass

    def act(self, obs: Observation) -> AgentStep:
        return AgentStep("send_msg_to_user('')")


class WrongOutcome(OracleAgent):
    """The reference solution, spoiled: a wrong answer, or its last effective step left out."""

    def reset(self, task: TaskInfo) -> None:
        steps = [dict(s) for s in task.config["reference_solution"]]
        if "string_match" in task.config["eval"]["eval_types"]:
            steps[-1] = {"action": "answer", "text": "certainly not the answer"}  # also for an infeasible task
        else:
            del steps[-2]  # e.g. the Save / Submit click, or the last navigation
        super().reset(TaskInfo(task.task_id, task.intent, config={**task.config, "reference_solution": steps}))


@pytest.mark.parametrize("task_id", params(SAMPLE))
def test_oracle_solves(task_id: str) -> None:
    record, steps = run_episode(OracleAgent(), "oracle", task_id, max_steps=30, seed=0)
    assert record["error"] is None, record["error"]
    assert record["success"], (record.get("eval_details"), [s["action"] for s in steps])
    assert all(not s["error_after"] for s in steps), [s["error_after"] for s in steps]


@pytest.mark.parametrize("task_id", params(FIRST_OF_EACH_TEMPLATE))
def test_stopping_at_once_fails(task_id: str) -> None:
    record, _ = run_episode(StopAtOnce(), "stop", task_id, max_steps=5, seed=0)
    assert record["error"] is None and record["terminated"]
    assert not record["success"] and record["eval_status"] == "fail"


@pytest.mark.parametrize("task_id", params(SAMPLE))
def test_wrong_outcome_fails(task_id: str) -> None:
    record, _ = run_episode(WrongOutcome(), "wrong", task_id, max_steps=30, seed=0)
    assert record["error"] is None
    assert not record["success"] and record["eval_status"] == "fail", record.get("eval_details")


def test_rationale_is_the_plan_and_where_the_oracle_is_in_it() -> None:
    """The teacher's rationale (what a multi-task student learns) names the step, its place and the whole plan,
    in the page's names and without the task's values."""
    record, steps = run_episode(OracleAgent(), "oracle", "forum.change_email.0", max_steps=30, seed=0)
    assert record["success"]
    plan = "Plan: open link 'Settings'; fill textbox 'Email'; click button 'Save settings'; report done."
    assert [s["rationale"] for s in steps] == [
        f"Step 1 of 4: open link 'Settings'. {plan}",
        f"Step 2 of 4: fill textbox 'Email'. {plan}",
        f"Step 3 of 4: click button 'Save settings'. {plan}",
        f"Step 4 of 4: report done. {plan}",
    ]
