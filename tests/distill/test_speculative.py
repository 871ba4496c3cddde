"""Speculative data synthesis on real embedded episodes: the oracle as offline teacher, and a model teacher."""

from __future__ import annotations

from pathlib import Path

from fakes import ScriptedLLM

from benchmarks import dataset as dataset_cli
from benchmarks.run import main as run_main
from symbiotic_gym import llm
from symbiotic_gym.agent import make_agent
from symbiotic_gym.runner import run_episode

TASK = "shop.product_price.0"


def test_a_student_that_agrees_is_always_accepted() -> None:
    agent = make_agent("speculative", {"student": "oracle", "teacher": "oracle"})
    record, steps = run_episode(agent, "speculative", TASK, max_steps=10, seed=0)
    assert record["success"]
    decisions = [s["meta"]["speculative"]["decision"] for s in steps]
    assert decisions and set(decisions) == {"accepted"}
    first = steps[0]["meta"]["speculative"]
    assert first["label"] == steps[0]["action"] == first["student_action"] and first["candidates"]


def test_a_wrong_student_is_overruled_and_the_teacher_finishes_the_task() -> None:
    agent = make_agent("speculative", {"student": "random", "teacher": "oracle"})
    record, steps = run_episode(agent, "speculative", TASK, max_steps=10, seed=0)
    assert record["success"]  # the teacher's actions are the ones executed
    spec = [s["meta"]["speculative"] for s in steps]
    assert any(s["decision"] == "rejected" for s in spec)
    for s, st in zip(spec, steps, strict=True):
        assert st["action"] == s["label"]
        if s["decision"] == "rejected":
            assert s["label"] == s["candidates"][0] and s["student_action"] != s["label"]


def test_a_model_teacher_ranked_and_sampled() -> None:
    def teacher_reply(messages: list[dict[str, str]]) -> str:
        assert "3 best candidate next actions" in messages[-1]["content"]
        return "1. noop() -- wait\n2. click('9999') -- nothing\n3. not an action"

    llm.register_llm("teacher", ScriptedLLM(teacher_reply))
    llm.register_llm("student", ScriptedLLM(["Rationale: wait.\nAction: noop()"] * 3, route="local"))
    agent = make_agent("speculative", {"student_model": "student", "teacher": "teacher", "k": 3})
    from symbiotic_gym.agent import TaskInfo

    agent.reset(TaskInfo(task_id="t", intent="do it"))
    obs = {"goal": "do it", "url": "http://x/", "axtree_txt": "[1] button 'Go'", "last_action_error": ""}
    step = agent.act(obs)
    spec = step.meta["speculative"]
    assert spec["candidates"] == ["noop()", "click('9999')"] and spec["decision"] == "accepted"
    assert spec["teacher_calls"] == 1 and step.meta["route"] == "cloud" and step.meta["usage"]["calls"] == 2

    llm.register_llm("sampler", ScriptedLLM(["Action: click('1')", "Action: click('1')"]))
    llm.register_llm("student2", ScriptedLLM(["Action: noop()"], route="local"))
    agent = make_agent(
        "speculative", {"student_model": "student2", "teacher": "sampler", "candidates": "sample", "k": 2}
    )
    agent.reset(TaskInfo(task_id="t", intent="do it"))
    step = agent.act(obs)
    assert step.meta["speculative"]["decision"] == "rejected" and step.action == "click('1')"
    assert agent.student.history == ["click('1')"]  # the student remembers what was executed


def test_speculative_run_feeds_a_dataset(tmp_path: Path, capsys) -> None:
    run = tmp_path / "spec"
    rc = run_main(
        [
            "--agent",
            "speculative",
            "-A",
            "student=random",
            "--tasks",
            f"{TASK},forum.post_author.1",
            "--workers",
            "0",
            "--out",
            str(run),
            "--quiet",
        ]
    )
    assert rc == 0
    assert dataset_cli.main(["stats", str(run)]) == 0
    out = capsys.readouterr().out
    assert "acceptance" in out and "teacher calls 0" in out
    assert dataset_cli.main(["build", str(run), "--out", str(tmp_path / "data"), "--kinds", "action", "--no-hf"]) == 0
