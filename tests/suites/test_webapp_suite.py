"""The webapp suite: docs/webapp-example's five tasks (YAML and JSONL) against its app, served here, through
``python -m benchmarks.run --suite webapp`` with a scripted agent (5/5) and the random agent; and the task
file's rules and errors."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites import SuiteOptions, get_suite
from symbiotic_gym.suites.webapp import SuccessRule, load_task_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "webapp-example"


def _example_app() -> Any:
    spec = importlib.util.spec_from_file_location("webapp_example_app", EXAMPLE / "app.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    server, _ = _example_app().serve(0)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def test_the_yaml_and_jsonl_files_hold_the_same_five_tasks() -> None:
    yaml_file, jsonl_file = load_task_file(EXAMPLE / "tasks.yaml"), load_task_file(EXAMPLE / "tasks.jsonl")
    assert yaml_file.tasks == jsonl_file.tasks and len(yaml_file.tasks) == 5
    cart = next(t for t in yaml_file.tasks if t.id == "cart.add-kettle")
    assert cart.setup == "/reset" and len(cart.success.any) == 2


def test_the_scripted_agent_solves_the_five_tasks_through_the_cli(app_url: str, tmp_path: Path) -> None:
    out = tmp_path / "scripted"
    proc = run_cli(
        "--suite", "webapp", "-S", f"tasks={EXAMPLE / 'tasks.yaml'}", "-S", f"base_url={app_url}",
        "--agent", "webapp_agents:ScriptedWebAppAgent", "--workers", "1", "--max-steps", "6", "--out", str(out),
        "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {r["task_id"]: r["success"] for r in results} == {
        "about.founded": True,
        "search.blue-mug": True,
        "counter.two": True,
        "cart.add-kettle": True,
        "about/../city": True,
    }, [(r["task_id"], r.get("error"), r.get("steps")) for r in results]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n"] == 5 and summary["successes"] == 5
    config = json.loads((out / "config.json").read_text())
    assert config["suite_args"]["base_url"] == app_url
    # the hostile id's trajectory is inside trajectories/, under an encoded name
    files = {p.relative_to(out).as_posix() for p in out.rglob("*.jsonl")}
    assert "trajectories/about%2F..%2Fcity.jsonl" in files
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_the_random_agent_runs_the_jsonl_file_through_the_cli(app_url: str, tmp_path: Path) -> None:
    out = tmp_path / "random"
    proc = run_cli(
        "--suite", "webapp", "-S", f"tasks={EXAMPLE / 'tasks.jsonl'}", "-S", f"base_url={app_url}",
        "--agent", "random", "--workers", "0", "--max-steps", "4", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(results) == 5 and not [r for r in results if r.get("error")], results
    assert json.loads((out / "summary.json").read_text())["n"] == 5


def test_a_success_rule_checks_page_answer_url_and_script(app_url: str) -> None:
    suite = get_suite("webapp", SuiteOptions(suite_args={"tasks": str(EXAMPLE / "tasks.yaml"), "base_url": app_url}))
    assert suite.origins("counter.two") == [app_url]
    env = suite.make_env("counter.two", max_steps=5)
    try:
        obs, _ = env.reset(seed=0)
        rule = SuccessRule.parse({"page_text": "add ONE", "url": "/counter", "js": "window.count === 0"}, "t")
        assert rule.check(env.page, None)[0]
        assert not SuccessRule.parse({"js": "() => { throw new Error('x') }"}, "t").check(env.page, None)[0]
        assert SuccessRule.parse({"answer_text": "lyon"}, "t").check(env.page, "In  Lyon.")[0]
        assert SuccessRule.parse({"url": f"{app_url}/count*"}, "t").check(env.page, None)[0]
        obs, *_ = env.step("goto('http://127.0.0.2:9/')")  # the boundary is the app's origin
        assert "127.0.0.2" in obs["last_action_error"] and obs["url"].startswith(app_url)
    finally:
        env.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "a", "start": "/", "goal": "g"}\n', "'success' is required"),
        ('{"id": "a", "start": "/", "goal": "g", "success": {"page_txt": "x"}}\n', "Did you mean 'page_text'"),
        ('{"id": "a", "start": "/", "goal": "g", "success": {"url_regex": "("}}\n', "not a regular expression"),
        ('{"id": "a", "start": "/", "goal": "g", "succes": {}}\n', "Did you mean 'success'"),
        ('{"id": "a", "start": "/", "goal": "g", "success": {"url": "/"}}\n' * 2, "appears twice"),
        ("not json\n", "not a JSON object"),
    ],
)
def test_a_bad_task_file_says_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text(text)
    with pytest.raises(SymbioticGymError, match=message):
        load_task_file(path)


def test_options_are_typed_and_checked(tmp_path: Path) -> None:
    with pytest.raises(SymbioticGymError, match="needs a task file"):
        get_suite("webapp")
    with pytest.raises(SymbioticGymError, match="Did you mean 'base_url'"):
        get_suite("webapp", SuiteOptions(suite_args={"tasks": str(EXAMPLE / "tasks.yaml"), "base_uri": "x"}))
    with pytest.raises(SymbioticGymError, match="give the app's address"):
        get_suite("webapp", SuiteOptions(suite_args={"tasks": str(EXAMPLE / "tasks.jsonl")}))
