from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from symbiotic_gym.errors import TaskConfigError
from symbiotic_gym.suites import select_tasks
from symbiotic_gym.suites.embedded import generate
from symbiotic_gym.suites.embedded.tasks import PRIVATE_KINDS, TASK_DIR, load_task_file, load_tasks

TASKS = load_tasks()


def test_suite_size_and_coverage() -> None:
    assert len(TASKS) >= 90
    templates = {t.template_id for t in TASKS.values()}
    assert len(templates) >= 30
    sites = Counter(s for t in TASKS.values() for s in t.sites)
    assert set(sites) == {"shop", "forum", "tracker"}
    assert any(len(t.sites) > 1 for t in TASKS.values()), "cross-site tasks are required"
    types = Counter(et for t in TASKS.values() for et in t.raw["eval"]["eval_types"])
    assert {"string_match", "url_match", "program_html"} <= set(types)


def test_test_split_templates_also_appear_in_train_with_other_instantiations() -> None:
    test = [t for t in TASKS.values() if t.split == "test"]
    assert len(test) >= 30
    for t in test:
        train = [o for o in TASKS.values() if o.split == "train" and o.template_id == t.template_id]
        assert train, f"{t.task_id}: template not in train"
        assert all(o.raw["instantiation_dict"] != t.raw["instantiation_dict"] for o in train)


def test_private_tasks() -> None:
    private = [t for t in TASKS.values() if t.private]
    assert len(private) >= 20
    assert set(PRIVATE_KINDS) <= {k for t in private for k in t.private}


def test_stored_task_files_match_the_generator(tmp_path: Path) -> None:
    generated = generate.generate()
    assert set(generated) == set(TASKS)
    for tid, cfg in generated.items():
        assert (TASK_DIR / f"{tid}.json").read_text(encoding="utf-8") == generate.render(cfg), (
            f"{tid} is stale: run python -m symbiotic_gym.suites.embedded.generate"
        )


def _broken(tmp_path: Path, mutate) -> Path:
    src = TASK_DIR / "shop.product_price.0.json"
    raw = json.loads(src.read_text())
    mutate(raw)
    dst = tmp_path / src.name
    dst.write_text(json.dumps(raw))
    return dst


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.pop("intent"), "intent"),
        (lambda r: r.update(sites=["bank"]), "sites"),
        (lambda r: r.update(split="dev"), "split"),
        (lambda r: r["eval"].update(eval_types=["magic"]), "eval.eval_types"),
        (lambda r: r["reference_solution"][0].pop("name"), "reference_solution[0].name"),
        (lambda r: r.update(private=["dna"]), "private"),
        (lambda r: r.update(task_id="other"), "task_id"),
    ],
)
def test_malformed_task_names_file_and_field(tmp_path: Path, mutate, field: str) -> None:
    path = _broken(tmp_path, mutate)
    with pytest.raises(TaskConfigError) as err:
        load_task_file(path)
    assert str(path) in str(err.value) and f"'{field}'" in str(err.value)


def test_invalid_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.0.json"
    shutil.copy(TASK_DIR / "shop.product_price.0.json", path)
    path.write_text(path.read_text()[:-10])
    with pytest.raises(TaskConfigError, match=r"x\.0\.json.*invalid JSON"):
        load_task_file(path)


def test_select_tasks_filters() -> None:
    assert all(t.startswith("forum.") for t in select_tasks("embedded", "test", "forum.*"))
    assert len(select_tasks("embedded", "all", None, 5)) == 5
    with pytest.raises(Exception, match="No embedded task matches"):
        select_tasks("embedded", "all", "nothing*")
