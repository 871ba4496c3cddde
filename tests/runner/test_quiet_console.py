"""The console shows the run's own progress and results; what workers and libraries print (warnings, model
conversion progress bars) goes to the run's run.log, and to the console with --verbose."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOISE = ("noisy_library", "de-quantizing GGUF tensors")


def run_cli(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    args = ["--suite", "faults:FaultSuite", "--agent", "faults:FaultyAgent", "--tasks", "fault.ok.0"]
    args += ["-A", "noisy=true"]
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *args, "--out", str(out), "--quiet", *extra],
        cwd=out.parent, env=env, capture_output=True, text=True, timeout=280,
    )  # fmt: skip


@pytest.mark.parametrize("workers", ["1", "0"])
def test_library_noise_goes_to_the_run_log(tmp_path: Path, workers: str) -> None:
    done = run_cli(tmp_path / "run", "--workers", workers)
    assert done.returncode == 0, done.stderr[-3000:]
    console = done.stdout + done.stderr
    assert "success 100.0%" in console  # the run's own results
    log = (tmp_path / "run" / "run.log").read_text()
    assert "noisy_library" in log and "noisy_library" not in console
    if workers == "1":  # a worker's raw stderr (progress bars, Chromium) is redirected whole
        assert "de-quantizing GGUF tensors" in log and "de-quantizing" not in console


def test_verbose_shows_it_on_the_console(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "run", "--workers", "1", "--verbose")
    assert done.returncode == 0, done.stderr[-3000:]
    assert all(n in done.stderr for n in NOISE)
