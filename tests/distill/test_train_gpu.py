"""CUDA training: bf16 and gradient checkpointing switch on by themselves (tox -e gpu)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import dataset as dataset_cli
from benchmarks import train as train_cli
from benchmarks.run import main as run_main

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from tiny_model import build_tiny_chat_model

pytestmark = pytest.mark.gpu


def test_cuda_training_uses_bf16_and_checkpointing(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.fail("tox -e gpu needs a CUDA device (torch.cuda.is_available() is False)")
    run = tmp_path / "oracle"
    assert (
        run_main(
            ["--agent", "oracle", "--tasks", "shop.product_price.*", "--workers", "0", "--out", str(run), "--quiet"]
        )
        == 0
    )
    data = tmp_path / "data"
    assert (
        dataset_cli.main(
            ["build", str(run), "--out", str(data), "--max-obs-chars", "300", "--exclude-splits", "", "--no-hf"]
        )
        == 0
    )
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
