"""WebArena-Verified through our harness on local stand-ins: three real verified task ids (7: answer only,
44: open a page, 389: post a comment checked in the network trace), a real Chromium HAR, passing and
failing runs scored by the package's own evaluators, and offline re-scoring from the saved files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

if importlib.util.find_spec("webarena") is None or importlib.util.find_spec("webarena_verified") is None:
    pytest.skip("the webarena and webarena-verified extras are not installed", allow_module_level=True)

import webarena_standins as standins

from benchmarks import rescore
from benchmarks.doctor import checks_for
from benchmarks.run import main as run_main
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.suites import SuiteOptions, get_suite, select_tasks
from symbiotic_gym.suites.webarena import verified

TASKS = "webarena.7,webarena.44,webarena.389"


@pytest.fixture
def sites(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return standins.use(monkeypatch)


def run(out: Path, good: bool) -> int:
    return run_main(
        ["--suite", "webarena", "--eval-mode", "verified", "--agent", "webarena_standins:VerifiedScript",
         "-A", f"good={good}", "--tasks", TASKS, "--max-steps", "6", "--out", str(out), "--quiet", "--workers", "0"]
    )  # fmt: skip


def results(out: Path) -> dict[str, dict]:
    return {r["task_id"]: r for r in RunDir(out).results()}


def test_verified_runs_score_from_har_and_response_and_rescore_offline(sites: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "good"
    assert run(good, True) == 0
    recs = results(good)
    assert {t: r["success"] for t, r in recs.items()} == {t: True for t in TASKS.split(",")}, {
        t: (r["error"], r["eval_details"]) for t, r in recs.items()
    }
    assert all(r["eval_mode"] == "verified" for r in recs.values())
    note = json.loads(standins.NOTES[-1])
    assert note["note"]["note"] == "Thanks, working on reviews"
    har = json.loads((good / recs["webarena.389"]["network_trace"]).read_text())
    posts = [e for e in har["log"]["entries"] if e["request"]["method"] == "POST"]
    assert posts and "/primer/design/notes?" in posts[-1]["request"]["url"]
    assert json.loads(posts[-1]["request"]["postData"]["text"])["note"]["noteable_type"] == "MergeRequest"
    assert not any("/users/sign_in" in e["request"]["url"] for e in har["log"]["entries"])  # login is setup's
    response = json.loads((good / "trajectories" / "webarena.44.response.json").read_text())
    assert response["response"]["task_type"] == "NAVIGATE" and response["parse_error"] is None
    config = json.loads((good / "config.json").read_text())
    assert config["record_network"] is True and config["eval_mode"] == "verified"

    bad = tmp_path / "bad"
    assert run(bad, False) == 0  # failing episodes are results, not errors
    recs = results(bad)
    assert not any(r["success"] for r in recs.values())
    failed = {t: {d["check"] for d in r["eval_details"] if d.get("status") == "failure"} for t, r in recs.items()}
    assert failed == {
        "webarena.7": {"AgentResponseEvaluator"},
        "webarena.44": {"NetworkEventEvaluator"},
        "webarena.389": {"NetworkEventEvaluator"},
    }

    for out in (good, bad):  # offline: no site needed, the stored scores come back exactly
        assert rescore.main([str(out), "--eval-mode", "verified"]) == 0
    tampered = good / "trajectories" / "webarena.7.response.json"
    data = json.loads(tampered.read_text())
    data["response"]["retrieved_data"][0]["postcode"] = "00000"
    tampered.write_text(json.dumps(data))
    assert rescore.main([str(good), "--eval-mode", "verified"]) == 1  # it recomputes, it does not copy


def test_verified_goal_selection_and_doctor(sites: dict[str, str]) -> None:
    suite = get_suite("webarena", SuiteOptions(eval_mode="verified"))
    hard = select_tasks(suite, "all", "hard")
    assert len(hard) == 258 and "webarena.44" in hard
    assert len(select_tasks(suite, "all", "subset:non-hard")) == 554
    info = suite.task_info("webarena.7")
    assert "postcode" in info.intent and '"task_type"' in info.intent and "retrieved_data" in info.intent
    ids = suite.task_ids()
    mutate = [verified.changes_state(verified.load_tasks()[int(t.split(".")[1])]) for t in ids]
    assert mutate == sorted(mutate)  # read-only tasks first
    checks = {c.name: c for c in checks_for("webarena", "webarena.7", logins=False, eval_mode="verified")}
    assert checks["package webarena-verified"].ok and "812 tasks" in checks["package webarena-verified"].detail
    assert not any("judge" in name for name in checks)  # verified scoring uses no LLM judge


@pytest.mark.parametrize(
    ("text", "infeasible", "status", "problem"),
    [
        ('{"task_type": "retrieve", "status": "SUCCESS", "retrieved_data": [3]}', False, "SUCCESS", None),
        ('Here it is:\n```json\n{"task_type": "MUTATE", "status": "SUCCESS"}\n```', False, "SUCCESS", None),
        ('{"task_type": "RETRIEVE"}', True, "NOT_FOUND_ERROR", None),
        ("There is no such order.", True, "NOT_FOUND_ERROR", "task type is missing"),
        ("42", False, None, "not the JSON object"),
        ('{"task_type": "FETCH", "status": "DONE"}', False, "DONE", "task_type must be one of"),
    ],
)
def test_structured_response_parsing(text: str, infeasible: bool, status: str | None, problem: str | None) -> None:
    response, why = verified.structured_response(text, infeasible=infeasible)
    assert (response or {}).get("status") == status
    assert (why is None) if problem is None else (problem in why)
