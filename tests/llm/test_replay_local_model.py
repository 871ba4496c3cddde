"""The README's CI recipe with the model a user without a key has: record with the real bundled local model
(the shipped student on SmolLM2-135M) in one process, replay strictly in another -- which never builds the
model -- and get every answer back, with 0 misses, then pass ``benchmarks.regress``.

The observation budget is small, so every prompt is cut: the cut must fall at the same place whether the
model was built or not. The second recording asks for 2 tokens an answer, so every reply is unparseable and
is retried once with the parse error (the retry prompt, and the next step's history of an unreadable reply,
replay too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from symbiotic_gym.results.run_dir import RunDir

ROOT = Path(__file__).resolve().parents[2]
RUNS = {
    "answers": ["--tasks", "shop.product_price.0", "-A", "max_tokens=24"],
    "unparseable": ["--tasks", "shop.product_price.1", "-A", "max_tokens=2"],
}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def run_args(which: str, mode: str, cache: Path, out: Path) -> list[str]:
    return [
        "benchmarks.run", "--agent", "vanilla", "--suite", "embedded", *RUNS[which], "--max-steps", "2",
        "-A", "max_obs_tokens=300", "--workers", "0", "--llm-cache", str(cache), "--llm-cache-mode", mode,
        "--out", str(out), "--quiet",
    ]  # fmt: skip


def calls(out: Path) -> list[dict]:
    run = RunDir(out)
    return [s["meta"] for r in run.results() for s in run.trajectory(r["task_id"])]


@pytest.mark.slow  # records with the real model: ~4.5 min on a loaded 2-core machine
@pytest.mark.timeout(1500)
def test_record_with_the_local_model_then_replay_strict_in_another_process(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="the local extra is not installed")
    from symbiotic_gym.llm.local import bundled_gguf

    bundled_gguf()  # the bundled model must be installed (scripts/setup.sh): fails with the command if not
    cache = tmp_path / "llm-cache"
    for which in RUNS:
        rec = cli(*run_args(which, "record", cache, tmp_path / f"REC-{which}"), cwd=tmp_path)
        assert rec.returncode == 0, rec.stderr[-3000:]
    recorded = {w: calls(tmp_path / f"REC-{w}") for w in RUNS}
    assert all(m["usage"]["cached_calls"] == 0 for metas in recorded.values() for m in metas)
    assert all(m["model"].startswith("local:embedded-student@") for metas in recorded.values() for m in metas)
    retried = [m for m in recorded["unparseable"] if len(m["parse_errors"]) == 2]
    assert retried and all(m["usage"]["calls"] == 2 for m in retried)  # unparseable, retried with the error
    stored = sorted(p.name for p in cache.rglob("*.json"))

    for which in RUNS:
        rep = cli(*run_args(which, "replay-strict", cache, tmp_path / f"REP-{which}"), cwd=tmp_path)
        assert rep.returncode == 0, rep.stderr[-3000:]
        replayed_results = RunDir(tmp_path / f"REP-{which}").results()
        misses = [r["error"] for r in replayed_results if r["error"]]
        assert misses == [], misses  # a CacheMissError would end the episode in an error
        replayed = calls(tmp_path / f"REP-{which}")
        assert [m["usage"]["calls"] for m in replayed] == [m["usage"]["calls"] for m in recorded[which]]
        assert all(m["usage"]["cached_calls"] == m["usage"]["calls"] for m in replayed)  # every call a hit
        assert [m["raw"] for m in replayed] == [m["raw"] for m in recorded[which]]
        gate = cli(
            "benchmarks.regress", "--baseline", str(tmp_path / f"REC-{which}"), "--candidate",
            str(tmp_path / f"REP-{which}"), cwd=tmp_path,
        )  # fmt: skip
        assert gate.returncode == 0 and "PASS" in gate.stdout, gate.stdout + gate.stderr
    assert sorted(p.name for p in cache.rglob("*.json")) == stored  # replay wrote nothing
    config = json.loads((tmp_path / "REP-answers" / "config.json").read_text())
    assert str(ROOT) not in json.dumps([config["models"], config["llm"]])  # the model is named, not located
