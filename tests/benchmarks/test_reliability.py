"""The harness survives what real runs throw at it: hung and crashing agents, dead browsers and workers,
broken sites, a killed run, an unwritable output directory. Offline, with the fault suite of tests/faults.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from benchmarks.run import main
from symbiotic_gym.results.run_dir import RunDir

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SUITE = ["--suite", "faults:FaultSuite", "--agent", "faults:FaultyAgent"]


def chromium_count() -> int:
    """Live Chromium processes on this machine (zombies awaiting their reaper do not count)."""
    n = 0
    for p in psutil.process_iter(["name", "status"]):
        n += "chrom" in (p.info["name"] or "").lower() and p.info["status"] != psutil.STATUS_ZOMBIE
    return n


def by_task(out: Path) -> dict[str, dict]:
    return {r["task_id"]: r for r in RunDir(out).results()}


def test_hung_agent_is_killed_and_the_run_goes_on(tmp_path: Path) -> None:
    before = chromium_count()
    out = tmp_path / "run"
    start = time.monotonic()
    code = main(
        [
            *SUITE,
            "--tasks",
            "fault.ok.[0-3]",
            "-A",
            "sleep_on=fault.ok.1",
            "--workers",
            "2",
            "--step-timeout",
            "15",  # well above a reset on a busy machine (5-6 s seen in CI), well below the agent's hour
            "--out",
            str(out),
            "--quiet",
        ]
    )
    elapsed = time.monotonic() - start
    assert code == 0
    results = by_task(out)
    assert len(results) == 4
    hung = results["fault.ok.1"]
    assert hung["error_kind"] == "timeout" and "step 1 exceeded the step timeout of 15 s" in hung["error"]
    assert hung["attempt"] == 1  # a timeout is not retried: the agent would hang again
    assert all(results[f"fault.ok.{i}"]["success"] for i in (0, 2, 3))
    assert elapsed < 120  # the hour-long sleep was cut short
    deadline = time.monotonic() + 20
    while chromium_count() > before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert chromium_count() <= before  # the killed worker's Chromium went with it


def test_episode_timeout(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(
        [
            *SUITE,
            "--tasks",
            "fault.ok.0",
            "-A",
            "steps=50",
            "-A",
            "step_sleep=0.5",
            "--max-steps",
            "50",
            "--episode-timeout",
            "10",  # 50 steps of 0.5 s cannot fit; a reset on a busy machine (5-6 s seen in CI) leaves steps to run
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 3  # its only episode ended in an error: the run is finished and recorded, but not a result
    rec = by_task(out)["fault.ok.0"]
    assert rec["error_kind"] == "timeout" and "episode timeout of 10 s" in rec["error"] and rec["steps"] >= 2


def test_agent_that_raises_is_recorded_with_its_traceback(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main([*SUITE, "--tasks", "fault.ok.[01]", "-A", "raise_on=fault.ok.0", "--out", str(out), "--quiet"]) == 0
    results = by_task(out)
    bad = results["fault.ok.0"]
    assert bad["error_kind"] == "agent" and "RuntimeError in agent.act: agent bug on fault.ok.0" in bad["error"]
    assert "faults.py" in bad["traceback"] and bad["attempt"] == 1
    assert results["fault.ok.1"]["success"]
    summary = json.loads(RunDir(out).summary_path.read_text())
    assert summary["errors_by_kind"] == {"agent": 1}


def test_killed_chromium_is_retried_on_a_fresh_browser(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(
        [
            *SUITE,
            "--tasks",
            "fault.ok.[0-2]",
            "-A",
            "kill_browser_on=fault.ok.1",
            "-A",
            f"once_dir={tmp_path}",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    rec = by_task(out)["fault.ok.1"]
    assert rec["success"] and rec["attempt"] == 2, rec
    assert "attempt 1" in rec["previous_attempts"][0]
    assert all(r["success"] for r in by_task(out).values())  # the next episode got a working browser too


def test_crashed_worker_is_retried_then_given_up(tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(
        [
            *SUITE,
            "--tasks",
            "fault.ok.[0-2]",
            "-A",
            "segfault_on=fault.ok.0",
            "-A",
            f"once_dir={tmp_path}",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    rec = by_task(out)["fault.ok.0"]
    assert rec["success"] and rec["attempt"] == 2
    assert "SIGSEGV" in rec["previous_attempts"][0]

    # without the once-marker it crashes every time: recorded as an error after 1 + retries attempts
    out2 = tmp_path / "run2"
    code = main(
        [
            *SUITE,
            "--tasks",
            "fault.ok.0",
            "-A",
            "segfault_on=fault.ok.0",
            "--retries",
            "1",
            "--out",
            str(out2),
            "--quiet",
        ]
    )
    assert code == 3  # every episode (the only one) ended in an error
    rec = by_task(out2)["fault.ok.0"]
    assert rec["error_kind"] == "worker" and "SIGSEGV" in rec["error"] and rec["attempt"] == 2
    assert len(RunDir(out2).raw_results()) == 1


def test_site_answering_http_500_is_a_failed_episode_with_the_site_error(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main([*SUITE, "--tasks", "fault.http500,fault.ok.0", "--out", str(out), "--quiet"]) == 0
    results = by_task(out)
    broken = results["fault.http500"]
    assert broken["error"] is None and not broken["success"]
    assert broken["site_errors"] and broken["site_errors"][0].startswith("HTTP 500 GET http://127.0.0.1")
    assert results["fault.ok.0"]["site_errors"] == []
    assert json.loads(RunDir(out).summary_path.read_text())["site_error_episodes"] == 1


def _cli(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "benchmarks.run",
        *SUITE,
        "--tasks",
        "fault.ok.*",
        "-A",
        "steps=3",
        "-A",
        "step_sleep=0.3",
        "--workers",
        "2",
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}


def test_kill_9_midway_then_resume_completes_every_episode_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.Popen(_cli(out), cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(RunDir(out).raw_results()) < 3:
        time.sleep(0.2)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = RunDir(out).raw_results()
    assert 3 <= len(partial) < 12, "kill the run midway"
    _, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"orphaned worker processes: {alive}"  # workers die with the run

    resumed = subprocess.run(_cli(out, "--resume"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(partial)} already done" in resumed.stderr
    lines = RunDir(out).raw_results()
    ids = [r["task_id"] for r in lines]
    assert sorted(ids) == sorted(f"fault.ok.{i}" for i in range(12))  # complete, and no episode twice
    assert all(r["success"] for r in lines)
    assert all((out / "trajectories" / f"{tid}.jsonl").exists() for tid in ids)
    assert (out / "resumes.jsonl").exists()


def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    # a terminal's Ctrl-C: the run must see SIGINT even when pytest itself was started in the background
    # (a non-interactive shell starts background jobs with SIGINT ignored, and children inherit that)
    proc = subprocess.Popen(
        _cli(out),
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(RunDir(out).raw_results()) < 2:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "continue with the same command and --resume" in " ".join(err.split())
    resumed = subprocess.run(_cli(out, "--resume"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    # every task finished exactly once; the only other lines are the records of the episodes the stop cut
    # short (error_kind interrupted, not scored), each superseded by the resume's run of that episode
    finished = RunDir(out).results()
    assert len(finished) == 12 == len({r["task_id"] for r in finished})
    assert not [r for r in finished if r.get("error_kind") == "interrupted"]
    raw = RunDir(out).raw_results()
    last = {r["task_id"]: i for i, r in enumerate(raw)}
    superseded = [r for i, r in enumerate(raw) if last[r["task_id"]] != i]
    assert all(r.get("error_kind") == "interrupted" for r in superseded) and len(superseded) <= 2  # 2 workers


def _no_work_started(proc: subprocess.CompletedProcess, why: str) -> None:
    assert proc.returncode == 2, proc.stderr
    err = " ".join(proc.stderr.split())
    assert "Cannot write the run directory" in err and why in err, err
    assert "episodes" not in err and "already done" not in err


def test_read_only_output_dir_fails_before_any_work(tmp_path: Path) -> None:
    """Root ignores file modes, so as root the directory is a read-only tmpfs in a private mount namespace."""
    ro = tmp_path / "ro"
    ro.mkdir()
    cmd = [sys.executable, "-m", "benchmarks.run", "--agent", "oracle", "--limit", "1", "--out", str(ro / "run")]
    if os.geteuid() == 0:
        probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip("root without user namespaces: cannot make a read-only directory (see the full-disk test)")
        script = f"mount -t tmpfs -o ro tmpfs {ro} && exec " + " ".join(cmd)
        proc = subprocess.run(
            ["unshare", "-rm", "sh", "-c", script], cwd=ROOT, env=_env(), capture_output=True, text=True
        )
    else:
        os.chmod(ro, 0o555)
        proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
        os.chmod(ro, 0o755)
    _no_work_started(proc, "Read-only file system" if os.geteuid() == 0 else "Permission denied")


def test_full_disk_fails_before_any_work(tmp_path: Path) -> None:
    """No byte can be written (RLIMIT_FSIZE 0 fails writes as a full disk does, for any user)."""
    import resource

    def no_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "benchmarks.run", "--agent", "oracle", "--limit", "1", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, preexec_fn=no_writes)
    _no_work_started(proc, "File too large")
    assert not (out / "config.json").exists() and not (out / "results.jsonl").exists()


def test_agent_that_cannot_be_built_stops_the_run_with_its_error(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main([*SUITE, "-A", "fail_init=1", "--workers", "2", "--out", str(out), "--quiet"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "a worker could not start: ValueError: model weights not found at /nowhere" in err
    assert RunDir(out).raw_results() == []  # nothing recorded as a failed episode


def test_worker_that_crashes_while_starting_is_not_respawned_forever(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    code = main([*SUITE, "-A", "crash_init=1", "--out", str(out), "--quiet"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "died from signal SIGSEGV before it was ready" in err
