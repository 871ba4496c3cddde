"""The exemplars shipped beside the student: train-split trajectories only, found for the held-out test
tasks of their templates, and named by ``exemplars=shipped``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import ship_student
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.exemplar import retrieve_guide
from symbiotic_gym.distill.shipped import SHIPPED_EXEMPLARS, exemplars_folder, export_exemplars
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.knowledge.base import KnowledgeBase
from symbiotic_gym.knowledge.entries import Entry
from symbiotic_gym.suites.embedded.task_configs import load_tasks
from tests.agents.test_distilled import ranking


def test_the_shipped_exemplars_hold_train_tasks_only_and_guide_each_test_template() -> None:
    assert exemplars_folder("shipped") == SHIPPED_EXEMPLARS
    kb = KnowledgeBase.load(SHIPPED_EXEMPLARS)
    tasks = load_tasks()
    assert kb.entries and {tasks[e.task_id].split for e in kb.entries} == {"train"}
    assert all(e.success for e in kb.entries)
    # each test template's first task finds an exemplar of its own template, or an injection variant with
    # its intent template (the injection test tasks, whose intents are another template's, are left out)
    firsts: dict[str, str] = {}
    for tid, cfg in sorted(tasks.items()):
        if cfg.split == "test" and cfg.injection is None:
            firsts.setdefault(cfg.template_id, tid)
    assert len(firsts) >= 40
    missed = []
    for tid in firsts.values():
        guide = retrieve_guide(kb, tasks[tid].intent, min_overlap=0.75, exclude=tid)
        source = tasks[guide.source] if guide is not None else None
        alike = source is not None and (
            source.template_id == tasks[tid].template_id
            or (source.injection is not None and source.raw["intent_template"] == tasks[tid].raw["intent_template"])
        )
        if not alike:
            missed.append(tid)
    assert not missed, missed


def test_exemplars_shipped_names_that_folder_and_a_path_names_itself(tmp_path: Path) -> None:
    _fake, spec = ranking(tmp_path, "click('Settings')", [], refs="name")
    agent = make_agent("distilled", {"model": spec, "exemplars": "shipped"})
    change_email = next(t for t in load_tasks().values() if t.split == "test" and "change_email" in t.task_id)
    agent.reset(TaskInfo(change_email.task_id, change_email.intent))
    assert agent.guide is not None
    assert load_tasks()[agent.guide.source].template_id == change_email.template_id
    assert exemplars_folder(str(tmp_path / "kb")) == tmp_path / "kb"


def test_export_refuses_a_held_out_task_and_ships_train_ones(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    kb = KnowledgeBase.load(SHIPPED_EXEMPLARS)
    train = kb.entries[:3]
    test_id = next(tid for tid, t in load_tasks().items() if t.split == "test")
    held_out = Entry.from_dict({**train[0].to_dict(), "id": "x", "task_id": test_id})
    leaked = KnowledgeBase([*train, held_out], dense=False)
    leaked.save(tmp_path / "leaked")
    with pytest.raises(SymbioticGymError, match=f"not of the embedded suite's train split.*{test_id}"):
        export_exemplars(tmp_path / "leaked", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    KnowledgeBase(train, dense=False).save(tmp_path / "kb")
    dest = tmp_path / "student"
    assert ship_student.main(["--exemplars", str(tmp_path / "kb"), "--dest", str(dest)]) == 0
    shipped = KnowledgeBase.load(dest / "exemplars")
    assert [e.id for e in shipped.entries] == [e.id for e in train]
    assert json.loads((dest / "exemplars" / "meta.json").read_text())["entries"] == 3
    assert "Reproduce:" in (dest / "exemplars" / "README.md").read_text()
    assert ship_student.main(["--exemplars", str(tmp_path / "leaked"), "--dest", str(dest)]) == 2
    assert "train split" in capsys.readouterr().err


def test_no_shipped_exemplars_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from symbiotic_gym.distill import shipped

    monkeypatch.setattr(shipped, "SHIPPED_EXEMPLARS", tmp_path / "none")
    with pytest.raises(SymbioticGymError, match=r"ships no exemplars.*benchmarks\.kb build"):
        shipped.exemplars_folder("shipped")
