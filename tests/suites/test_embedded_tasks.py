from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from symbiotic_gym.errors import TaskConfigError
from symbiotic_gym.suites import select_tasks
from symbiotic_gym.suites.embedded import generate, stats
from symbiotic_gym.suites.embedded.task_configs import PRIVATE_KINDS, TASK_DIR, load_task_file, load_tasks

TASKS = load_tasks()


TASK_TEMPLATES = {t.template_id for t in TASKS.values() if t.injection is None}


def test_suite_size_and_coverage() -> None:
    assert len(TASKS) >= 500
    assert len(TASK_TEMPLATES) >= 60, "prompt-injection templates are not counted"
    sites = Counter(s for t in TASKS.values() for s in t.sites)
    assert set(sites) == {"shop", "forum", "tracker", "admin"}
    assert sum(len(t.sites) > 1 for t in TASKS.values()) >= 30, "cross-site tasks are required"
    types = Counter(et for t in TASKS.values() for et in t.raw["eval"]["eval_types"])
    assert {"string_match", "url_match", "program_html"} <= set(types)


def test_every_seen_template_has_ten_train_and_held_out_test_instantiations() -> None:
    for tid in TASK_TEMPLATES:
        splits = Counter(t.split for t in TASKS.values() if t.template_id == tid)
        if "unseen" in splits:
            continue
        assert splits["train"] >= 10 and splits["test"] >= 2, (tid, splits)


def test_test_values_are_held_out_from_train() -> None:
    """No key of a test instantiation takes a value that key has in a train task of the same template
    (closed choices a template declares shared, like a star rating, aside)."""
    generate.generate()  # records each template's shared keys
    for tid in {t.template_id for t in TASKS.values()}:
        tasks = sorted((t for t in TASKS.values() if t.template_id == tid), key=lambda t: t.task_id)
        if not any(t.split == "test" for t in tasks):
            continue
        assert any(t.split == "train" for t in tasks), f"{tid}: template not in train"
        insts, splits = [t.raw["instantiation_dict"] for t in tasks], [t.split for t in tasks]
        overlap = generate.held_out_overlap(insts, splits, generate.SHARED_KEYS[tid])
        assert not overlap, f"{tid}: test values also in train: {overlap}"


def test_unseen_split_holds_templates_absent_from_train() -> None:
    unseen = Counter(t.template_id for t in TASKS.values() if t.split == "unseen")
    assert len(unseen) >= 12 and min(unseen.values()) >= 3, unseen
    seen = {t.template_id for t in TASKS.values() if t.split in ("train", "test")}
    assert not set(unseen) & seen
    tasks = [t for t in TASKS.values() if t.split == "unseen"]
    assert {s for t in tasks for s in t.sites} == {"shop", "forum", "tracker", "admin"}
    assert {et for t in tasks for et in t.raw["eval"]["eval_types"]} == {"string_match", "url_match", "program_html"}
    assert set(select_tasks("embedded", "unseen", None)) == {t.task_id for t in tasks}


def test_infeasible_tasks_answer_na_through_report_infeasible() -> None:
    infeasible = [t for t in TASKS.values() if stats.is_infeasible(t)]
    assert len(infeasible) >= 0.05 * len(TASKS)
    for t in infeasible:
        assert t.raw["eval"]["reference_answers"] == {"exact_match": "N/A"}, t.task_id
        assert t.raw["reference_solution"][-1]["action"] == "infeasible", t.task_id
    assert {t.split for t in infeasible} == {"train", "test"}


def test_long_horizon_templates() -> None:
    longest: dict[str, int] = {}
    for t in TASKS.values():
        longest[t.template_id] = max(longest.get(t.template_id, 0), stats.oracle_steps(t))
    assert sum(n >= 8 for n in longest.values()) >= 10


def test_private_tasks() -> None:
    private = [t for t in TASKS.values() if t.private]
    assert len(private) >= 60
    assert set(PRIVATE_KINDS) <= {k for t in private for k in t.private}


def test_stats_table_counts_what_is_stored() -> None:
    st = stats.suite_stats()
    assert st["tasks"] == len(TASKS) and sum(st["by_split"].values()) == len(TASKS)
    assert sum(r["train"] + r["test"] + r["unseen"] for r in st["by_site"].values()) == len(TASKS)
    table = stats.markdown(st)
    assert "| admin |" in table and "| unseen |" in table and "Infeasible tasks" in table


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


def test_the_quick_subset_samples_every_site_of_the_held_out_splits() -> None:
    test = select_tasks("embedded", "test", "quick")
    unseen = select_tasks("embedded", "unseen", "quick")
    assert (len(test), len(unseen)) == (22, 22)
    assert {s for t in test for s in TASKS[t].sites} == {"shop", "forum", "tracker", "admin"}
    assert len({TASKS[t].template_id for t in test}) >= 20  # nearly one task per template
    assert {TASKS[t].split for t in select_tasks("embedded", "all", "quick")} == {"test", "unseen"}
