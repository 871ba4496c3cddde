from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parent))  # tests/fakes.py: the shared scripted LLM


@pytest.fixture(autouse=True)
def _fresh_llm_registry(monkeypatch: pytest.MonkeyPatch):
    """Every test starts with no configured models, no cached LLM instances and none of the user-facing
    defaults the CLI reads from the environment."""
    from symbiotic_gym import llm

    for key in ("SYMBIOTIC_JUDGE_MODEL", "SYMBIOTIC_TORCH_THREADS", "SYMBIOTIC_LARGE_MODEL", "SYMBIOTIC_SMALL_MODEL"):
        monkeypatch.delenv(key, raising=False)
    llm.reset()
    yield
    llm.reset()
