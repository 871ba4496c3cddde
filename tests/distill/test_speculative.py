"""Speculative data synthesis on real embedded episodes: the oracle as offline teacher, and a model teacher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ScriptedLLM

from benchmarks import dataset as dataset_cli
from benchmarks.run import main as run_main
from symbiotic_gym import llm
from symbiotic_gym.agent import make_agent
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.run_dir import RunDir
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


def test_detours_run_a_wrong_link_click_and_label_the_way_back(tmp_path: Path) -> None:
    run = tmp_path / "detours"
    args = ["--agent", "speculative", "-A", "student=random", "-A", "detours=true", "--tasks", TASK]
    assert run_main([*args, "--workers", "0", "--max-steps", "30", "--out", str(run), "--quiet"]) == 0
    steps = RunDir(run).trajectory(TASK)
    spec = [s["meta"]["speculative"] for s in steps]
    assert RunDir(run).results()[0]["success"]  # the teacher still finishes the task after every detour
    detours = [i for i, s in enumerate(spec) if s["decision"] == "detour"]
    assert detours
    for i in detours:
        assert steps[i]["action"] == spec[i]["student_action"] != spec[i]["label"]  # the mistake ran
        assert steps[i + 1]["url"] != steps[i]["url"] and spec[i + 1]["label"] == "go_back()"
        assert steps[i + 2]["url"] == steps[i]["url"] and spec[i + 2]["label"] == spec[i]["label"]
    assert len({spec[i]["label"] for i in detours}) == len(detours)  # one detour per step of the plan

    data = tmp_path / "data"
    assert dataset_cli.main(["build", str(run), "--out", str(data), "--kinds", "action", "--no-hf"]) == 0
    rows = [json.loads(line) for f in ("train.jsonl", "validation.jsonl") for line in (data / f).open()]
    first = next(r for r in rows if r["step"] == detours[0] + 1)
    assert first["decision"] == "detour"
    target = first["messages"][-1]["content"]
    assert "click" not in target.split("Action:")[-1]  # the teacher's label, not the student's click
    back = next(r for r in rows if r["step"] == detours[0] + 2)
    assert "go_back()" in back["messages"][-1]["content"]


def test_detours_need_the_oracle_teacher() -> None:
    with pytest.raises(SymbioticGymError, match="detours need the oracle teacher"):
        make_agent("speculative", {"student": "random", "teacher": "large", "detours": True})
