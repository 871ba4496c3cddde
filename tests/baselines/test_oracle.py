"""For every embedded task: the oracle succeeds, stopping at once fails, and a wrong outcome fails.

The default run checks a deterministic sample that covers every template (``tests/embedded_sample.py``);
the rest of the 600+ tasks carry the ``slow`` mark (``tox -e slow``); ``python -m benchmarks.run --agent
oracle --split all`` checks them all in one run.

Tasks scored on the answer alone (``string_match``: nothing of the page or the sites is read) have their empty
and spoiled answers scored by the suite's evaluator directly, without a browser: the oracle's live episode of
the same task already shows that the episode runs and its answer reaches the evaluator, so a second and third
live episode would only say again what the evaluator says about the answer (about a minute of the default run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from embedded_sample import FIRST_OF_EACH_TEMPLATE, SAMPLE, TASKS, params
from oracle_variants import STOP_ANSWER, WRONG_ANSWER, StopAtOnce, WrongOutcome

from baselines.oracle import OracleAgent
from benchmarks.rescore import score_offline
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.runner import RunConfig, run, run_episode
from symbiotic_gym.suites.evaluators import EvalResult

Episode = tuple[dict[str, Any], list[dict[str, Any]]]  # (record, steps), as run_episode returns them


def answer_only(task_id: str) -> bool:
    """Whether the task is scored on the agent's answer alone (no page, URL or site state is read)."""
    return TASKS[task_id].raw["eval"]["eval_types"] == ["string_match"]


def score_answer(task_id: str, answer: str) -> EvalResult:
    """The suite's evaluator on an answer, as an episode that ends with it would be scored (an evaluator that
    reads the site raises: there is none)."""
    return score_offline(TASKS[task_id].raw["eval"], intent=TASKS[task_id].intent, answer=answer, final_url="")


LIVE_NEGATIVES = {tid for tid in FIRST_OF_EACH_TEMPLATE if not answer_only(tid)}


# The first test that asks a batch for an episode runs the whole batch, so its time limit is the batch's,
# not one episode's: 15 s per episode is ~3x what a slow CI machine took (2 workers, ~9 s per episode each).
SECONDS_PER_EPISODE = 15
BATCH_TIMEOUT = pytest.mark.timeout(60 + SECONDS_PER_EPISODE * max(len(SAMPLE), len(FIRST_OF_EACH_TEMPLATE)))


class Batch:
    """One agent's episodes on a sampled set of tasks, run through the runner with two worker processes
    (the episodes mostly wait on the browser, so two overlap well on two cores) the first time a test asks
    for one of them; a task outside the set (a ``slow`` one) runs in this process. A batch cut short (a
    timeout, an interrupt) is resumed by the next test that asks, not started again: its finished episodes
    are kept and only the missing ones run."""

    def __init__(self, agent: type, tasks: set[str], max_steps: int, out: Path) -> None:
        self.agent, self.tasks, self.max_steps, self.out = agent, tasks, max_steps, out
        self.run: RunDir | None = None

    def episode(self, task_id: str) -> Episode:
        if task_id not in self.tasks:
            return run_episode(self.agent(), self.agent.__name__, task_id, max_steps=self.max_steps, seed=0)
        if self.run is None:
            spec = f"{self.agent.__module__}:{self.agent.__name__}"  # the workers import the agent by name
            tasks = sorted(self.tasks)
            resume = self.out.exists()  # a batch cut short: run only what it lacks
            run(
                RunConfig(
                    agent=spec, tasks=tasks, max_steps=self.max_steps, seed=0, workers=2, out=self.out, resume=resume
                )
            )
            self.run = RunDir(self.out)
        record = next(r for r in self.run.results() if r["task_id"] == task_id)
        return record, self.run.trajectory(task_id)


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Batch]:
    root = tmp_path_factory.mktemp("oracle-batches")
    return {
        "oracle": Batch(OracleAgent, SAMPLE, 30, root / "oracle"),
        "stop": Batch(StopAtOnce, LIVE_NEGATIVES, 5, root / "stop"),
        "wrong": Batch(WrongOutcome, LIVE_NEGATIVES, 30, root / "wrong"),
    }


@pytest.mark.parametrize("task_id", params(SAMPLE))
@BATCH_TIMEOUT
def test_oracle_solves(task_id: str, batches: dict[str, Batch]) -> None:
    record, steps = batches["oracle"].episode(task_id)
    assert record["error"] is None, record["error"]
    assert record["success"], (record.get("eval_details"), [s["action"] for s in steps])
    assert all(not s["error_after"] for s in steps), [s["error_after"] for s in steps]


@pytest.mark.parametrize("task_id", params(FIRST_OF_EACH_TEMPLATE))
@BATCH_TIMEOUT
def test_stopping_at_once_fails(task_id: str, batches: dict[str, Batch]) -> None:
    if answer_only(task_id):
        result = score_answer(task_id, STOP_ANSWER)
        assert result.status == "fail", result.details
        return
    record, _ = batches["stop"].episode(task_id)
    assert record["error"] is None and record["terminated"]
    assert not record["success"] and record["eval_status"] == "fail"


@pytest.mark.parametrize("task_id", params(FIRST_OF_EACH_TEMPLATE))
@BATCH_TIMEOUT
def test_wrong_outcome_fails(task_id: str, batches: dict[str, Batch]) -> None:
    if answer_only(task_id):
        result = score_answer(task_id, WRONG_ANSWER)
        assert result.status == "fail", result.details
        return
    record, _ = batches["wrong"].episode(task_id)
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
