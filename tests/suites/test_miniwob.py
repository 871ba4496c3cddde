"""MiniWoB++ offline through the harness: task pages from the miniwob package, BrowserGym's task classes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

if importlib.util.find_spec("miniwob") is None or importlib.util.find_spec("browsergym.miniwob") is None:
    pytest.skip("the miniwob extra is not installed", allow_module_level=True)

from benchmarks.run import main as run_main
from symbiotic_gym.agent import AgentStep, TaskInfo
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.suites import get_suite, select_tasks


class ClickTheButton:
    """Solves click-test: clicks the page's only button."""

    def reset(self, task: TaskInfo) -> None:
        pass

    def act(self, obs: dict) -> AgentStep:
        line = next(line for line in obs["axtree_txt"].splitlines() if " button " in line)
        bid = line.strip().split("]")[0].lstrip("[")
        return AgentStep(f"click({bid!r})", "the only button")


def test_suite_lists_all_125_tasks_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MINIWOB_URL", raising=False)
    ids = select_tasks("miniwob", "all")
    assert len(ids) == 125 and "miniwob.click-test" in ids
    suite = get_suite("miniwob")
    suite.make_env("miniwob.click-test", max_steps=3)
    import os

    assert os.environ["MINIWOB_URL"] == "http://miniwob.test/miniwob/"  # the same on every machine, no install path
    with pytest.raises(Exception, match=r"Did you mean 'miniwob\.click-test'"):
        suite.meta("miniwob.click-tset")


def test_solved_task_passes_and_seeds_are_recorded(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = run_main(
        [
            "--agent",
            "test_miniwob:ClickTheButton",
            "--suite",
            "miniwob",
            "--tasks",
            "miniwob.click-test",
            "--seed",
            "3",
            "--workers",
            "0",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    rec = RunDir(out).results()[0]
    assert rec["success"] and rec["eval_status"] == "pass" and rec["seed"] == 3 and rec["steps"] == 1
    assert rec["goal"] and rec["error"] is None
    assert rec["eval_details"][0]["check"] == "miniwob_reward"


def test_random_baseline_on_a_subset_in_workers(tmp_path: Path) -> None:
    out = tmp_path / "random"
    tasks = "miniwob.click-button,miniwob.click-link,miniwob.enter-text,miniwob.focus-text,miniwob.click-dialog"
    code = run_main(
        [
            "--agent",
            "random",
            "--suite",
            "miniwob",
            "--tasks",
            tasks,
            "--max-steps",
            "5",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    results = RunDir(out).results()
    assert len(results) == 5 and all(r["error"] is None for r in results)
    assert all(r["goal"] for r in results)
    assert all(r["eval_status"] in ("pass", "fail", None) for r in results)


def test_what_the_agent_sees_is_the_same_in_every_process() -> None:
    """Recorded model calls replay only if the prompt is identical: no install path, port or clock in it."""
    import subprocess
    import sys

    code = (
        "import hashlib\n"
        "from symbiotic_gym.suites import get_suite\n"
        "env = get_suite('miniwob').make_env('miniwob.click-button', max_steps=3)\n"
        "obs, _ = env.reset(seed=5)\n"
        "obs, *_ = env.step('noop()')\n"
        "print(obs['url'], hashlib.sha256((obs['goal'] + obs['axtree_txt']).encode()).hexdigest())\n"
        "env.close()\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "MINIWOB_URL"}
    seen = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120).stdout
        for _ in range(2)
    ]
    assert seen[0] == seen[1] and seen[0].startswith("http://miniwob.test/miniwob/click-button.html ")
