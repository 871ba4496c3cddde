from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parent))  # tests/fakes.py: the shared scripted LLM


@pytest.fixture(autouse=True)
def _fresh_llm_registry():
    """Every test starts with no configured models and no cached LLM instances."""
    from symbiotic_gym import llm

    llm.reset()
    yield
    llm.reset()
