"""The README's CI workflow, end to end, as a user runs it: record a real client's calls in one process,
commit the cache and summary, replay-strict in fresh processes with the server gone, gate with regress.

The model is scripted but served like a provider (an OpenAI-compatible server on 127.0.0.1, reached
through litellm), so the real client path is what gets recorded and replayed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fakes import OracleResponder
from openai_server import ScriptedOpenAIServer

from symbiotic_gym.suites.embedded.task_configs import get_task

TASKS = ["shop.product_price.0", "shop.product_price.1", "forum.post_author.0"]
ROOT = Path(__file__).resolve().parents[2]


def competent(tasks: list[str], wrong: frozenset[str] = frozenset()):
    """Answers like a good model (the oracle's next action, in vanilla's format); tasks in ``wrong`` get a
    confident wrong answer (a worse model)."""
    responders = {get_task(t).intent: (t, OracleResponder(t, "vanilla")) for t in tasks}

    def respond(messages: list[dict]) -> str:
        prompt = str(messages[-1]["content"])
        for intent, (tid, r) in responders.items():
            if f"OBJECTIVE: {intent}" in prompt:
                if tid in wrong:
                    return "I am sure. In summary, the next action I will perform is ```send_msg_to_user('42')```"
                return r(messages)
        raise AssertionError(f"no responder for this prompt: {prompt[-200:]}")

    return respond


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test-not-a-real-key", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def run_args(model: str, cache: Path, mode: str, out: Path, *extra: str) -> list[str]:
    return [
        "benchmarks.run", "--agent", "vanilla", "-A", f"model={model}", *extra, "--tasks", ",".join(TASKS),
        "--max-steps", "8", "--llm-cache", str(cache), "--llm-cache-mode", mode, "--out", str(out), "--quiet",
    ]  # fmt: skip


def results(out: Path) -> dict[str, dict]:
    return {r["task_id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}


def test_record_commit_replay_strict_and_gate(tmp_path: Path) -> None:
    server = ScriptedOpenAIServer(competent(TASKS))
    model = f"openai/scripted@{server.base_url}"
    rec = cli(*run_args(model, tmp_path / "cache", "record", tmp_path / "REC"), cwd=tmp_path)
    assert rec.returncode == 0, rec.stderr[-3000:]
    recorded = results(tmp_path / "REC")
    assert all(r["success"] for r in recorded.values()), recorded
    calls = server.requests
    assert calls >= len(TASKS)
    server.stop()  # CI has no provider: everything below must come from the cache

    ci = tmp_path / "ci"  # what a user commits: the cache and the baseline summary
    shutil.copytree(tmp_path / "cache", ci / "llm-cache")
    shutil.copy(tmp_path / "REC" / "summary.json", ci / "baseline-summary.json")

    rep = cli(*run_args(model, ci / "llm-cache", "replay-strict", tmp_path / "REP"), cwd=tmp_path)
    assert rep.returncode == 0, rep.stderr[-3000:]
    replayed = results(tmp_path / "REP")
    assert all(r["error"] is None and r["success"] for r in replayed.values()), replayed
    assert {t: r["steps"] for t, r in replayed.items()} == {t: r["steps"] for t, r in recorded.items()}
    gate = cli("benchmarks.regress", "--baseline", str(ci / "baseline-summary.json"), "--candidate",
               str(tmp_path / "REP"), cwd=tmp_path)  # fmt: skip
    assert gate.returncode == 0 and "PASS" in gate.stdout, gate.stdout + gate.stderr

    # a prompt change (a smaller observation budget) misses the recording: loud errors, and the gate fails
    changed = cli(*run_args(model, ci / "llm-cache", "replay-strict", tmp_path / "CHG", "-A", "max_obs_tokens=200"),
                  cwd=tmp_path)  # fmt: skip
    assert changed.returncode == 3, changed.stderr[-3000:]
    assert all("CacheMissError" in str(r["error"]) for r in results(tmp_path / "CHG").values())
    gate = cli("benchmarks.regress", "--baseline", str(ci / "baseline-summary.json"), "--candidate",
               str(tmp_path / "CHG"), cwd=tmp_path)  # fmt: skip
    assert gate.returncode == 1 and "ended in an error" in gate.stdout, gate.stdout

    # the cache deleted: replay-strict errors on every episode and the gate fails
    shutil.rmtree(ci / "llm-cache")
    gone = cli(*run_args(model, ci / "llm-cache", "replay-strict", tmp_path / "GONE"), cwd=tmp_path)
    assert gone.returncode == 3
    gate = cli("benchmarks.regress", "--baseline", str(ci / "baseline-summary.json"), "--candidate",
               str(tmp_path / "GONE"), cwd=tmp_path)  # fmt: skip
    assert gate.returncode == 1


def test_a_real_regression_fails_the_gate_with_the_flipped_tasks(tmp_path: Path) -> None:
    worse = ScriptedOpenAIServer(competent(TASKS, wrong=frozenset(TASKS)))
    model = f"openai/scripted@{worse.base_url}"
    try:
        cand = cli(*run_args(model, tmp_path / "cache", "record", tmp_path / "WORSE"), cwd=tmp_path)
    finally:
        worse.stop()
    assert cand.returncode == 0, cand.stderr[-3000:]
    assert not any(r["success"] for r in results(tmp_path / "WORSE").values())
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(dict.fromkeys(TASKS, True)))
    gate = cli("benchmarks.regress", "--baseline", str(baseline), "--candidate", str(tmp_path / "WORSE"),
               "--alpha", "0.3", cwd=tmp_path)  # fmt: skip
    assert gate.returncode == 1, gate.stdout
    assert "3 regressions, 0 fixes" in gate.stdout and all(t in gate.stdout for t in TASKS)
