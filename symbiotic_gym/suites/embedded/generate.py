"""Generate the embedded task files from the template modules and the seeded site databases.

Run ``python -m symbiotic_gym.suites.embedded.generate`` after changing a site's seed data or a template;
a test fails when the stored files differ from what this script produces.

Splits: a template of the ``train``/``test`` kind has at least twelve instantiations, the last two held out
for ``test``; no value of a held-out instantiation appears in that template's train tasks (except the
closed choices a template declares ``shared``, like a star rating or a label). A template marked
``unseen`` never appears in train: all its instantiations (at least three) form the ``unseen`` split,
which measures generalisation to new tasks rather than recall of seen ones. The prompt-injection
templates are a security benchmark and keep three instantiations (two train, one test).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from symbiotic_gym.suites.embedded.task_configs import TASK_DIR
from symbiotic_gym.suites.embedded.templates import admin, cross_site, forum, injection, multi_page, shop, tracker
from symbiotic_gym.suites.embedded.templates.base import META, TEMPLATES

# the template modules, in the order their tasks are generated
TEMPLATE_MODULES: tuple[ModuleType, ...] = (shop, forum, tracker, cross_site, admin, injection, multi_page)

N_TRAIN, N_TEST, N_UNSEEN = 10, 2, 3
SHARED_KEYS: dict[str, tuple[str, ...]] = {}  # template id -> its shared keys (filled by generate())


def split_plan(name: str, meta: dict[str, Any], n: int) -> list[str]:
    """The split of each of a template's ``n`` instantiations, in order."""
    if meta["unseen"]:
        if n < N_UNSEEN:
            raise RuntimeError(f"unseen template {name} produced {n} tasks, expected at least {N_UNSEEN}")
        return ["unseen"] * n
    if meta["security"]:
        if n != 3:
            raise RuntimeError(f"injection template {name} produced {n} tasks, expected 3")
        return ["train", "train", "test"]
    if n < N_TRAIN + N_TEST:
        raise RuntimeError(f"template {name} produced {n} tasks, expected at least {N_TRAIN + N_TEST}")
    return ["train"] * (n - N_TEST) + ["test"] * N_TEST


def held_out_overlap(
    insts: list[dict[str, Any]], splits: list[str], shared: tuple[str, ...] = ()
) -> list[tuple[str, Any]]:
    """(key, value) pairs a test instantiation shares with the train ones of its template.

    Keys whose value is the same in every instantiation (the user's current password) and the template's
    ``shared`` keys (closed choices) are not held out."""
    keys = {k for inst in insts for k in inst}
    varying = {k for k in keys if len({json.dumps(i.get(k)) for i in insts}) > 1} - set(shared)
    train = {(k, json.dumps(i.get(k))) for i, sp in zip(insts, splits, strict=True) if sp == "train" for k in varying}
    return sorted(
        {
            (k, i.get(k))
            for i, sp in zip(insts, splits, strict=True)
            if sp == "test"
            for k in varying
            if (k, json.dumps(i.get(k))) in train
        },
        key=str,
    )


def check_held_out(name: str, items: list[dict[str, Any]], splits: list[str], shared: tuple[str, ...]) -> None:
    overlap = held_out_overlap([it["instantiation_dict"] for it in items], splits, shared)
    if overlap:
        raise RuntimeError(f"template {name}: test values also used in train: {overlap}")


def registered_templates() -> list[Callable[[], Iterator[dict[str, Any]]]]:
    """Every registered template, module by module in :data:`TEMPLATE_MODULES` order."""
    return [fn for module in TEMPLATE_MODULES for fn in TEMPLATES if fn.__module__ == module.__name__]


def generate() -> dict[str, dict[str, Any]]:
    """All task configs, keyed by task id."""
    out: dict[str, dict[str, Any]] = {}
    for fn in registered_templates():
        items = list(fn())
        meta = META[fn]
        splits = split_plan(fn.__name__, meta, len(items))
        check_held_out(fn.__name__, items, splits, meta["shared"])
        for k, item in enumerate(items):
            name = item.pop("name")
            SHARED_KEYS[name] = meta["shared"]
            tid = f"{name}.{k}"
            out[tid] = {
                "task_id": tid,
                "sites": item["sites"],
                "start_url": item["start_url"],
                "intent_template": item["intent_template"],
                "intent_template_id": name,
                "instantiation_dict": item["instantiation_dict"],
                "intent": item["intent"],
                "require_login": item["require_login"],
                "split": splits[k],
                "private": item["private"],
                "eval": item["eval"],
                "reference_solution": item["reference_solution"],
            }
            if "injection" in item:
                out[tid]["injection"] = item["injection"]
    return out


def render(cfg: dict[str, Any]) -> str:
    return json.dumps(cfg, indent=2, ensure_ascii=False) + "\n"


def main(task_dir: Path = TASK_DIR) -> None:
    tasks = generate()
    task_dir.mkdir(parents=True, exist_ok=True)
    for old in task_dir.glob("*.json"):
        if old.stem not in tasks:
            old.unlink()
    for tid, cfg in tasks.items():
        (task_dir / f"{tid}.json").write_text(render(cfg), encoding="utf-8")
    templates = {c["intent_template_id"] for c in tasks.values()}
    splits = {sp: sum(c["split"] == sp for c in tasks.values()) for sp in ("train", "test", "unseen")}
    print(f"wrote {len(tasks)} tasks ({len(templates)} templates; {splits}) to {task_dir}")


if __name__ == "__main__":
    main()
