"""The run engine as a library: run(RunConfig) -> RunResult, typed records, exit codes, no environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmarks.run import main as run_main
from symbiotic_gym.agent import AgentStep, register_agent
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.runner import SCHEMA_VERSION, EpisodeRecord, RunConfig, run


@register_agent("always-crashes")
class CrashingAgent:
    def reset(self, task) -> None:
        pass

    def act(self, obs) -> AgentStep:
        raise RuntimeError("this agent is broken")


def test_run_from_python_returns_typed_results(tmp_path: Path) -> None:
    events: list[str] = []
    env_before = dict(os.environ)
    result = run(
        RunConfig(
            agent="oracle",
            suite="embedded",
            tasks="shop.*",
            limit=3,
            workers=0,
            out=tmp_path / "api",
            progress=lambda kind, data: events.append(kind),
        )
    )
    assert dict(os.environ) == env_before
    assert result.success_rate == 1.0 and result.n == 3 and result.successes == 3
    assert result.stderr == 0.0 and result.wilson95[1] == 1.0 and result.errors_by_kind == {}
    assert not result.all_errors
    assert [type(e) for e in result.episodes] == [EpisodeRecord] * 3
    assert all(e.task_id.startswith("shop.") and e.success and e.steps > 0 for e in result.episodes)
    assert events[0] == "run_start" and events.count("episode") == 3
    lines = [json.loads(x) for x in (tmp_path / "api" / "results.jsonl").read_text().splitlines()]
    assert {r["schema_version"] for r in lines} == {SCHEMA_VERSION}
    summary = json.loads((tmp_path / "api" / "summary.json").read_text())
    assert summary["success_rate"] == 1.0 and summary["all_errors"] is False
    config = json.loads((tmp_path / "api" / "config.json").read_text())
    assert config["tasks"] == [e.task_id for e in result.episodes] and config["audit"] is True
    # models are named (a local adapter by its folder name and content hash), never located
    assert config["models"]["small"].startswith("local:embedded-student@") and "/" not in json.dumps(config["models"])
    assert all(e.models == config["models"] for e in result.episodes)

    with pytest.raises(SymbioticGymError, match="already holds a run"):
        run(RunConfig(agent="oracle", tasks="shop.*", limit=3, workers=0, out=tmp_path / "api"))
    again = run(RunConfig(agent="oracle", tasks="shop.*", limit=3, workers=0, out=tmp_path / "api", resume=True))
    assert again.success_rate == 1.0 and len(again.episodes) == 3  # nothing re-run, nothing lost


def test_records_without_a_version_read_as_version_0() -> None:
    rec = EpisodeRecord.from_dict({"task_id": "t", "agent": "a", "success": True, "future_field": 1})
    assert rec.schema_version == 0 and rec.extra == {"future_field": 1}
    assert rec.to_dict()["future_field"] == 1 and rec.to_dict()["success"] is True


def test_bad_settings_fail_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(SymbioticGymError, match="split must be"):
        RunConfig(split="dev")
    with pytest.raises(SymbioticGymError, match="eval_mode"):
        RunConfig(eval_mode="lenient")
    with pytest.raises(SymbioticGymError, match=r"Unknown argument 'retrys'.*Did you mean 'retries'"):
        run(RunConfig(agent="oracle", agent_args={"retrys": 3}, workers=0, out=tmp_path / "x"))
    with pytest.raises(SymbioticGymError, match=r"Unknown suite 'embeded'.*Did you mean 'embedded'"):
        run(RunConfig(agent="oracle", suite="embeded", workers=0, out=tmp_path / "y"))
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_run_where_every_episode_errors_is_not_a_zero_percent_result(tmp_path: Path, capsys) -> None:
    result = run(RunConfig(agent="always-crashes", tasks="shop.*", limit=2, workers=0, out=tmp_path / "api"))
    assert result.all_errors and result.errors_by_kind == {"agent": 2}
    assert {e.error_kind for e in result.episodes} == {"agent"}
    summary = json.loads((tmp_path / "api" / "summary.json").read_text())
    assert summary["all_errors"] is True and len(summary["errored"]) == 2  # a regress baseline sees them

    code = run_main(
        [
            "--agent",
            "always-crashes",
            "--tasks",
            "shop.*",
            "--limit",
            "2",
            "--workers",
            "0",
            "--quiet",
            "--out",
            str(tmp_path / "cli"),
        ]
    )
    assert code == 3
    err = capsys.readouterr().err
    assert "every episode ended in an error (agent 2)" in err and "broken setup" in err

    # one success among errors is a result: exit 0
    code = run_main(
        [
            "--agent",
            "oracle",
            "--tasks",
            "shop.*",
            "--limit",
            "1",
            "--workers",
            "0",
            "--quiet",
            "--out",
            str(tmp_path / "ok"),
        ]
    )
    assert code == 0
