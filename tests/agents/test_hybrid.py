"""The hybrid agent routes private steps to the local model, and the audit proves what the cloud saw."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import OracleResponder, ScriptedLLM

from benchmarks import privacy_audit
from benchmarks.run import main as run_main
from symbiotic_gym import llm
from symbiotic_gym.agent import make_agent
from symbiotic_gym.privacy.audit import AuditedLLM, cloud_wrapper
from symbiotic_gym.runner import RunConfig, WorkerSpec, run, run_episode
from symbiotic_gym.runner.pool import EpisodeRunner
from symbiotic_gym.suites.embedded.data import CARDS
from symbiotic_gym.suites.embedded.task_configs import get_task

PRIVATE = "forum.change_password.0"  # the goal holds two passwords
PUBLIC = "shop.product_price.1"


def pair(task_ids: list[str]) -> tuple[ScriptedLLM, ScriptedLLM]:
    """A cloud and a local fake that play one competent model (they share the oracle's progress)."""
    responders = {get_task(t).intent.split("(")[0][:60]: OracleResponder(t, "occam") for t in task_ids}

    def respond(messages: list[dict]) -> str:
        prompt = messages[-1]["content"]
        for key, r in responders.items():
            if key in prompt:
                return r(messages)
        raise AssertionError("no responder for this prompt")

    cloud, local = ScriptedLLM(respond, "fake-cloud", "cloud"), ScriptedLLM(respond, "fake-local", "local")
    llm.register_llm("fake-cloud", cloud, route="cloud")
    llm.register_llm("fake-local", local, route="local")
    return cloud, local


def test_private_task_stays_local_and_public_task_goes_to_the_cloud(tmp_path: Path) -> None:
    llm.configure(cloud_wrapper=cloud_wrapper(tmp_path / "audit.jsonl"))  # what a run installs
    cloud, _local = pair([PRIVATE, PUBLIC])
    agent = make_agent("hybrid", {"large": "fake-cloud", "small": "fake-local", "small_agent": "occam"})
    rec, steps = run_episode(agent, "hybrid", PRIVATE, max_steps=20, seed=0)
    assert rec["success"], [s["action"] for s in steps]
    assert {s["meta"]["privacy"]["decided_route"] for s in steps} == {"local"}
    assert "password" in steps[0]["meta"]["privacy"]["types"]
    assert cloud.calls == [] and rec["tokens_in_cloud"] == 0 and rec["tokens_in_local"] > 0
    for s in steps:  # types only, never values, in what is recorded
        assert "Sunflower" not in json.dumps(s["meta"]["privacy"])

    rec, steps = run_episode(agent, "hybrid", PUBLIC, max_steps=20, seed=0)
    assert rec["success"]
    assert {s["meta"]["privacy"]["decided_route"] for s in steps} == {"cloud"}
    assert cloud.calls and rec["tokens_in_cloud"] > 0
    log = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert len(log) == len(cloud.calls) and all(e["findings"] == [] and len(e["sha256"]) == 64 for e in log)


def test_a_cloud_action_with_private_data_is_discarded(tmp_path: Path, monkeypatch) -> None:
    card = CARDS[0][0]
    cloud = ScriptedLLM(lambda m: f"Highlights: \nReason: pay\nAction: stop('{card}')", "fake-cloud", "cloud")
    local = ScriptedLLM(lambda m: "Highlights: \nReason: unsure\nAction: stop('no answer')", "fake-local", "local")
    llm.register_llm("fake-cloud", cloud, route="cloud")
    llm.register_llm("fake-local", local, route="local")
    agent = make_agent("hybrid", {"large": "fake-cloud", "small": "fake-local", "small_agent": "occam"})
    _rec, steps = run_episode(agent, "hybrid", PUBLIC, max_steps=3, seed=0)
    assert steps[0]["action"] == "send_msg_to_user('no answer')"
    privacy = steps[0]["meta"]["privacy"]
    assert privacy["decided_route"] == "local" and privacy["discarded_cloud_action_types"] == ["payment_card"]
    assert card not in json.dumps(steps)


def test_hybrid_run_audit_reports_zero_leaks_and_a_cloud_only_run_leaks(tmp_path: Path, capsys) -> None:
    tasks = [PRIVATE, "forum.message_phone.0", PUBLIC, "tracker.issue_assignee.0"]
    pair(tasks)
    out = tmp_path / "hybrid"
    args = [
        "--agent",
        "hybrid",
        "-A",
        "large=fake-cloud",
        "-A",
        "small=fake-local",
        "-A",
        "small_agent=occam",
        "--tasks",
        ",".join(tasks),
    ]
    assert run_main([*args, "--workers", "0", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    routing = json.loads((out / "summary.json").read_text())["routing"]  # what benchmarks.run prints
    assert routing["private_task_share_local"] == 1.0 and routing["steps_cloud"] > 0
    assert routing["share_local"] == routing["steps_local"] / (routing["steps_local"] + routing["steps_cloud"])
    png = tmp_path / "routing.png"
    assert privacy_audit.main([str(out), "--plot", str(png)]) == 0
    report = capsys.readouterr().out
    assert "leaks: 0" in report and "private tasks routed locally" in report
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert privacy_audit.main([str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cloud_requests"] > 0 and doc["private_task_steps"]["share_local"] == 1.0
    assert doc["by_type"]["password"]["share_local"] == 1.0 and doc["by_type"]["phone"]["share_local"] == 1.0

    pair([PRIVATE])  # a cloud-only agent on a private task: the audit must catch it
    leaky = tmp_path / "cloud-only"
    assert (
        run_main(
            [
                "--agent",
                "occam",
                "-A",
                "model=fake-cloud",
                "--tasks",
                PRIVATE,
                "--workers",
                "0",
                "--out",
                str(leaky),
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert privacy_audit.main([str(leaky)]) == 1
    out_text = capsys.readouterr().out
    assert "LEAK" in out_text and "password" in out_text


def test_a_hybrid_run_from_python_writes_the_audit_log_and_sets_no_environment(tmp_path: Path) -> None:
    import os

    tasks = [PRIVATE, PUBLIC]
    cloud, _local = pair(tasks)
    env_before = dict(os.environ)
    result = run(
        RunConfig(
            agent="hybrid",
            agent_args={"large": "fake-cloud", "small": "fake-local", "small_agent": "occam"},
            tasks=tasks,
            workers=0,
            out=tmp_path / "api",
        )
    )
    assert dict(os.environ) == env_before  # settings travel in the config, never through the environment
    assert result.n == 2 and result.success_rate == 1.0 and not result.all_errors
    log = [json.loads(line) for line in (tmp_path / "api" / "cloud_requests.jsonl").read_text().splitlines()]
    assert cloud.calls and len(log) == len(cloud.calls)
    assert {e["episode"] for e in log} == {PUBLIC} and all(e["findings"] == [] for e in log)
    assert privacy_audit.main([str(tmp_path / "api")]) == 0
    # the run gave the process back as it found it: a model built now is not audited
    llm.register_llm("fake-cloud-2", ScriptedLLM(lambda m: "x", "fake-cloud-2", "cloud"), route="cloud")
    assert not isinstance(llm.get_llm("fake-cloud-2"), AuditedLLM)

    pair([PUBLIC])  # fresh responders: the oracle behind them has finished its task
    no_audit = run(
        RunConfig(
            agent="hybrid",
            agent_args={"large": "fake-cloud", "small": "fake-local", "small_agent": "occam"},
            tasks=[PUBLIC],
            workers=0,
            audit=False,
            out=tmp_path / "off",
        )
    )
    assert no_audit.success_rate == 1.0 and not (tmp_path / "off" / "cloud_requests.jsonl").exists()


def test_a_worker_installs_the_audit_its_spec_names(tmp_path: Path) -> None:
    """What a spawned process or Ray actor does first: the audit comes from the spec, not the environment."""
    llm.register_llm("fake-cloud", ScriptedLLM(lambda m: "x", "fake-cloud", "cloud"), route="cloud")
    spec = WorkerSpec(
        agent="oracle", agent_args={}, suite="embedded", max_steps=3, seed=0, audit_log=str(tmp_path / "a.jsonl")
    )
    EpisodeRunner(spec)
    model = llm.get_llm("fake-cloud")
    assert isinstance(model, AuditedLLM)
    model.complete([{"role": "user", "content": "hello"}])
    assert json.loads((tmp_path / "a.jsonl").read_text())["model"] == "fake-cloud"


@pytest.mark.parametrize("style", ["vanilla", "occam"])
def test_sticky_off_returns_to_the_cloud(style: str) -> None:
    agent = make_agent("hybrid", {"style": style, "sticky": False})
    assert agent.config.sticky is False and agent.agent.__class__.__name__.lower().startswith(style[:4])


@pytest.mark.slow
def test_hybrid_on_the_whole_embedded_suite_never_leaks(tmp_path: Path, capsys) -> None:
    """Every embedded task (the prompt-injection ones too) with a competent scripted model on both sides:
    every step of every private task is local and the audit of what reached the cloud finds nothing
    (tox -e slow; prints the routing table)."""
    from symbiotic_gym.suites.embedded.task_configs import load_tasks, task_ids

    tasks = list(task_ids())
    pair(tasks)
    out = tmp_path / "hybrid-all"
    args = [
        "--agent",
        "hybrid",
        "-A",
        "large=fake-cloud",
        "-A",
        "small=fake-local",
        "-A",
        "small_agent=occam",
        "--workers",
        "0",
    ]
    assert run_main([*args, "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    code = privacy_audit.main([str(out), "--plot", str(tmp_path / "routing.png")])
    report = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + report)
    assert code == 0
    assert "leaks: 0" in report
    doc_code = privacy_audit.main([str(out), "--json"])
    doc = json.loads(capsys.readouterr().out)
    n_private = sum(bool(t.private) for t in load_tasks().values())
    assert doc_code == 0 and doc["private_tasks"] == n_private and not doc["leaks"]
    # every step that carried private data ran locally (steps of private tasks before any private data
    # appears, e.g. navigating to the account page, may go to the cloud: the audit shows they held none)
    assert all(v["share_local"] == 1.0 for v in doc["by_type"].values())
