"""The Ray backend runs the same episodes on a local 2-CPU Ray instance, with the same timeout rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.run import main
from symbiotic_gym.results.run_dir import RunDir

pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'symbiotic-gym[ray]')")


def test_ray_backend_runs_episodes_and_kills_a_hung_actor(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(
        [
            "--suite",
            "faults:FaultSuite",
            "--agent",
            "faults:FaultyAgent",
            "--tasks",
            "fault.ok.[0-4]",
            "-A",
            "sleep_on=fault.ok.2",
            "--backend",
            "ray",
            "--workers",
            "2",
            "--step-timeout",
            "15",  # above a reset on a busy machine (5-6 s seen in CI), below the agent's hour-long sleep
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    results = {r["task_id"]: r for r in RunDir(out).results()}
    assert len(results) == 5 and len(RunDir(out).raw_results()) == 5
    assert results["fault.ok.2"]["error_kind"] == "timeout"
    assert all(results[f"fault.ok.{i}"]["success"] for i in (0, 1, 3, 4))
    assert RunDir(out).load_config()["execution"]["backend"] == "ray"


def test_ray_backend_stops_when_the_agent_cannot_be_built(tmp_path: Path, capsys) -> None:
    code = main(
        [
            "--suite",
            "faults:FaultSuite",
            "--agent",
            "faults:FaultyAgent",
            "-A",
            "fail_init=1",
            "--backend",
            "ray",
            "--out",
            str(tmp_path / "r"),
            "--quiet",
        ]
    )
    assert code == 2
    assert "a worker could not start" in capsys.readouterr().err
    assert RunDir(tmp_path / "r").raw_results() == []
