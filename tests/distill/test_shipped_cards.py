"""The cards shipped with the packaged student name no path of the machine that trained it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symbiotic_gym.distill.dataset import portable_path
from symbiotic_gym.distill.shipped import _strip_machine_paths
from symbiotic_gym.llm.local import cache_root


def test_portable_path_is_relative_inside_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs" / "oracle").mkdir(parents=True)
    assert portable_path(tmp_path / "runs" / "oracle") == "runs/oracle"
    outside = tmp_path.parent / "elsewhere" / "oracle"
    assert portable_path(outside) == str(outside.resolve())
    assert portable_path(outside, outside="name") == "oracle"


def test_shipped_cards_lose_machine_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    (work / "runs" / "s5" / "oracle").mkdir(parents=True)
    monkeypatch.chdir(work)
    dest = tmp_path / "shipped"
    dest.mkdir()
    runs = [
        {"run": str(work / "runs" / "s5" / "oracle"), "agent": "oracle"},
        {"run": "/somewhere/else/spec", "agent": "speculative"},
        {"run": "runs/s5/already-relative", "agent": "oracle"},
    ]
    (dest / "data_card.json").write_text(json.dumps({"runs": runs}))
    (dest / "train_stats.json").write_text(json.dumps({"base_model": str(cache_root() / "models" / "x")}))
    _strip_machine_paths(dest)
    card = json.loads((dest / "data_card.json").read_text())
    assert [r["run"] for r in card["runs"]] == ["runs/s5/oracle", "spec", "runs/s5/already-relative"]
    assert json.loads((dest / "train_stats.json").read_text())["base_model"] == "local"
