"""The symbiosis loop end to end with a tiny model: every stage runs, results per iteration, resume skips."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import symbiosis

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from tiny_model import build_tiny_chat_model


# two whole iterations (oracle, speculative, exploration and test episodes, two trainings) and a resume: 104 s
# on an idle 2-core machine here, past pytest's 300 s default in a CI run that shared the cores with a live run
@pytest.mark.timeout(900)
def test_two_iterations_then_a_resume_that_redoes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = build_tiny_chat_model(tmp_path / "tiny", max_positions=2048)
    out = tmp_path / "sym"
    argv = [
        "--out",
        str(out),
        "--iterations",
        "2",
        "--base-model",
        str(base),
        "--kinds",
        "action",
        "--train-steps",
        "2",
        "--batch-size",
        "2",
        "--max-length",
        "1024",
        "--max-obs-chars",
        "300",
        "--train-tasks",
        "tracker.open_issue_count.*,shop.category_sorted.*",
        "--test-tasks",
        "tracker.open_issue_count.*",
        "--limit-train",
        "2",
        "--max-steps",
        "4",
        "--workers",
        "0",
        "--no-dense",
    ]
    assert symbiosis.main(argv) == 0
    state = json.loads((out / "state.json").read_text())
    done = sorted(state["done"])
    # the deterministic oracle explores once; the distilled model explores from iteration 1
    assert done == sorted(
        [
            "iter-0/explore-large",
            "iter-0/speculative",
            "iter-0/dataset",
            "iter-0/train",
            "iter-0/kb",
            "iter-0/eval-distilled",
            "iter-0/eval-teacher",
            "iter-0/leaderboard",
            "iter-1/speculative",
            "iter-1/explore-small",
            "iter-1/dataset",
            "iter-1/train",
            "iter-1/kb",
            "iter-1/eval-distilled",
            "iter-1/leaderboard",
        ]
    )
    # iteration 1's student is iteration 0's model, and its data includes iteration 0's runs
    spec_cfg = json.loads((out / "iter-1" / "speculative" / "config.json").read_text())
    assert spec_cfg["agent_args"]["student_model"] == f"local:{out / 'iter-0' / 'model'}"
    card = json.loads((out / "iter-1" / "data" / "data_card.json").read_text())
    assert {Path(r["run"]).parent.name for r in card["runs"]} >= {"iter-0", "iter-1"}
    assert (out / "iter-1" / "model" / "adapter_config.json").exists()
    kb_meta = json.loads((out / "kb" / "meta.json").read_text())
    assert kb_meta and (out / "iter-0" / "leaderboard.md").read_text().count("distilled") >= 1
    series = json.loads((out / "symbiosis.json").read_text())
    assert [p[0] for p in series["distilled"]] == [0, 1]
    assert (out / "symbiosis.png").exists()

    capsys.readouterr()
    assert symbiosis.main(argv) == 0
    log = capsys.readouterr().out
    assert log.count("done earlier, skipped") == len(done)
