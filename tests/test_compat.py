"""Modules that moved into packages by job stay importable under their old names for one release."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from symbiotic_gym._compat import MOVED


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_gives_the_new_module_with_a_deprecation_warning(old: str) -> None:
    new = importlib.import_module(MOVED[old])
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=MOVED[old].replace(".", r"\.")):
        assert importlib.import_module(old) is new


def test_the_old_llm_agent_base_path_still_imports() -> None:
    sys.modules.pop("baselines.llm_agent", None)
    with pytest.warns(DeprecationWarning, match=r"symbiotic_gym\.agent\.llm_base"):
        from baselines.llm_agent import LLMAgentBase
    from symbiotic_gym.agent.llm_base import LLMAgentBase as moved

    assert LLMAgentBase is moved


def test_no_moved_module_is_left_at_its_old_place() -> None:
    root = Path(importlib.import_module("symbiotic_gym").__path__[0])
    left = [old for old in MOVED if (root.parent / (old.replace(".", "/") + ".py")).exists()]
    assert left == []
