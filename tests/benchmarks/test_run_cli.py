from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.run import main
from symbiotic_gym.results.run_dir import RunDir


def test_run_writes_a_complete_run_directory_and_resumes(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    args = [
        "--agent",
        "oracle",
        "--tasks",
        "tracker.*",
        "--split",
        "test",
        "--limit",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(args) == 0
    run = RunDir(out)
    config = run.load_config()
    assert config["agent"] == "oracle" and config["agent_args"] == {} and len(config["tasks"]) == 2
    assert "packages" in config["environment"] and "git" in config["environment"]
    results = run.results()
    assert [r["success"] for r in results] == [True, True]
    for r in results:
        steps = run.trajectory(r["task_id"])
        assert len(steps) == r["steps"] and steps[0]["axtree_txt"] and steps[-1]["action"].startswith("send_msg")
    summary = json.loads(run.summary_path.read_text())
    assert summary["n"] == 2 and summary["success_rate"] == 1.0
    out_text = capsys.readouterr().out
    assert "success 100.0% ± 0.0%" in out_text
    # the printed time is this invocation's clock time, with the episodes' summed time beside it
    assert summary["resumed_episodes"] == 0 and summary["elapsed_s"] > 0
    assert f"{summary['elapsed_s']:.0f}s elapsed ({summary['wall_s']:.0f}s of episodes)" in out_text

    # a torn line (kill -9 mid-append) and a missing episode: resume finishes it, without duplicates
    lines = run.results_path.read_text().splitlines()
    run.results_path.write_text(lines[0] + "\n" + lines[1][:40])
    assert main(args) == 2  # refuses without --resume
    assert main([*args, "--resume"]) == 0
    assert ", 1 resumed)" in capsys.readouterr().out
    assert json.loads(run.summary_path.read_text())["resumed_episodes"] == 1
    ids = [r["task_id"] for r in run.results()]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 2
    # a changed configuration is refused
    assert main([*args, "--resume", "--max-steps", "5"]) == 2
    assert "max_steps" in capsys.readouterr().err


def test_unknown_agent_suggests_the_closest(capsys) -> None:
    assert main(["--agent", "oracel", "--limit", "1"]) == 2
    err = capsys.readouterr().err
    assert "Unknown agent 'oracel'" in err and "Did you mean 'oracle'" in err


def test_agent_args_are_typed_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert (
        main(["--agent", "random", "-A", "seed=3", "-A", "stop_prob=0.5", "--limit", "1", "--out", str(out), "--quiet"])
        == 0
    )
    assert RunDir(out).load_config()["agent_args"] == {"seed": 3, "stop_prob": 0.5}
    assert main(["--agent", "random", "-A", "sed=3", "--limit", "1", "--out", str(tmp_path / "x")]) == 2


def test_unwritable_output_fails_before_work(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the run directory's parent should be")  # fails even for root
    code = main(["--agent", "oracle", "--limit", "1", "--out", str(blocker / "run"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Cannot write the run directory" in err
    assert "episodes" not in err  # no work started


def test_module_class_spec_and_help_is_fast(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert main(["--agent", "baselines.oracle:OracleAgent", "--limit", "1", "--out", str(out), "--quiet"]) == 0
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--agent" in proc.stdout
