"""CUDA training: bf16 and gradient checkpointing switch on by themselves (tox -e gpu)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import train as train_cli

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from tiny_model import build_tiny_chat_model

pytestmark = pytest.mark.gpu
FIXTURE = Path(__file__).parent / "fixtures" / "gpu-data"


def test_cuda_training_uses_bf16_and_checkpointing(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.fail("tox -e gpu needs a CUDA device (torch.cuda.is_available() is False)")
    # eight examples that `benchmarks.dataset build` wrote from an oracle run of the train split (one per
    # template, the shortest prompts): a GPU machine needs no browser for this test
    data = FIXTURE
    base = build_tiny_chat_model(tmp_path / "tiny", max_positions=2048)
    out = tmp_path / "model"
    assert (
        train_cli.main(
            [
                "--data",
                str(data),
                "--out",
                str(out),
                "--base-model",
                str(base),
                "--full",
                "--max-steps",
                "20",
                "--lr",
                "3e-3",
                "--max-length",
                "1024",
            ]
        )
        == 0
    )
    stats = json.loads((out / "train_stats.json").read_text())
    assert stats["device"] == "cuda" and stats["bf16"] and stats["gradient_checkpointing"]
    assert stats["final_loss"] < stats["first_loss"]
