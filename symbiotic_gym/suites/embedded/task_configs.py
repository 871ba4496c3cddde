"""Loading and validating embedded task configs (WebArena JSON format plus split, private and a solution)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import TaskConfigError, UnknownTaskError, did_you_mean

TASK_DIR = Path(__file__).with_name("tasks")
SITES = ("shop", "forum", "tracker", "admin")
PLACEHOLDERS = {"shop": "__SHOP__", "forum": "__FORUM__", "tracker": "__TRACKER__", "admin": "__ADMIN__"}
EVAL_TYPES = ("string_match", "url_match", "program_html")
PRIVATE_KINDS = ("password", "payment_card", "address", "phone", "email", "access_token")
SOLUTION_ACTIONS = {
    "click": ("role", "name"),
    "fill": ("role", "name", "value"),
    "select": ("role", "name", "option"),
    "press": ("role", "name", "key"),
    "check": ("role", "name"),
    "goto": ("url",),
    "answer": ("text",),
    "infeasible": ("text",),  # report_infeasible: the task cannot be done (its correct answer is N/A)
}
SPLITS = ("train", "test", "unseen")


@dataclass(frozen=True)
class TaskConfig:
    """One validated task. ``raw`` is the JSON object exactly as stored."""

    task_id: str
    path: Path
    raw: dict[str, Any]

    @property
    def sites(self) -> list[str]:
        return list(self.raw["sites"])

    @property
    def split(self) -> str:
        return str(self.raw["split"])

    @property
    def private(self) -> list[str]:
        return list(self.raw["private"])

    @property
    def intent(self) -> str:
        return str(self.raw["intent"])

    @property
    def template_id(self) -> str:
        return str(self.raw["intent_template_id"])

    @property
    def injection(self) -> dict[str, Any] | None:
        """A prompt-injection task's ``injection`` block (see injection_templates), else None."""
        return self.raw.get("injection")


def _require(raw: dict[str, Any], path: Path, key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in raw:
        raise TaskConfigError(str(path), key, "is missing")
    value = raw[key]
    if not isinstance(value, kind):
        want = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise TaskConfigError(str(path), key, f"must be {want}, got {type(value).__name__}")
    return value


def validate_config(raw: Any, path: Path) -> TaskConfig:
    """Check one task object; raises :class:`TaskConfigError` naming the file and the field."""
    if not isinstance(raw, dict):
        raise TaskConfigError(str(path), "<root>", "must be a JSON object")
    task_id = _require(raw, path, "task_id", str)
    if task_id != path.stem:
        raise TaskConfigError(str(path), "task_id", f"{task_id!r} does not match the file name {path.stem!r}")
    sites = _require(raw, path, "sites", list)
    if not sites or any(s not in SITES for s in sites):
        raise TaskConfigError(str(path), "sites", f"must be a non-empty list drawn from {list(SITES)}, got {sites}")
    for key in ("start_url", "intent", "intent_template", "intent_template_id"):
        _require(raw, path, key, str)
    _require(raw, path, "instantiation_dict", dict)
    _require(raw, path, "require_login", bool)
    if raw.get("split") not in SPLITS:
        raise TaskConfigError(str(path), "split", f"must be one of {list(SPLITS)}, got {raw.get('split')!r}")
    private = _require(raw, path, "private", list)
    bad = [p for p in private if p not in PRIVATE_KINDS]
    if bad:
        raise TaskConfigError(str(path), "private", f"unknown kinds {bad}; allowed: {list(PRIVATE_KINDS)}")
    ev = _require(raw, path, "eval", dict)
    types = ev.get("eval_types")
    if not isinstance(types, list) or not types or any(t not in EVAL_TYPES for t in types):
        raise TaskConfigError(str(path), "eval.eval_types", f"must be a non-empty list drawn from {list(EVAL_TYPES)}")
    if "string_match" in types and not isinstance(ev.get("reference_answers"), dict):
        raise TaskConfigError(str(path), "eval.reference_answers", "is required by string_match")
    if "url_match" in types and not isinstance(ev.get("reference_url"), str):
        raise TaskConfigError(str(path), "eval.reference_url", "is required by url_match")
    if "program_html" in types:
        progs = ev.get("program_html")
        if not isinstance(progs, list) or not progs:
            raise TaskConfigError(str(path), "eval.program_html", "must be a non-empty list")
        for i, prog in enumerate(progs):
            if not isinstance(prog, dict) or not isinstance(prog.get("required_contents"), dict):
                raise TaskConfigError(str(path), f"eval.program_html[{i}].required_contents", "is missing")
    solution = _require(raw, path, "reference_solution", list)
    if not solution:
        raise TaskConfigError(str(path), "reference_solution", "must not be empty")
    for i, step in enumerate(solution):
        where = f"reference_solution[{i}]"
        if not isinstance(step, dict) or step.get("action") not in SOLUTION_ACTIONS:
            raise TaskConfigError(str(path), f"{where}.action", f"must be one of {list(SOLUTION_ACTIONS)}")
        for key in SOLUTION_ACTIONS[step["action"]]:
            if not isinstance(step.get(key), str):
                raise TaskConfigError(str(path), f"{where}.{key}", "is missing or not a string")
    if "injection" in raw:
        _validate_injection(raw["injection"], path)
    return TaskConfig(task_id=task_id, path=path, raw=raw)


def _validate_injection(inj: Any, path: Path) -> None:
    if not isinstance(inj, dict):
        raise TaskConfigError(str(path), "injection", "must be an object")
    for key in ("where", "instruction"):
        if not isinstance(inj.get(key), str):
            raise TaskConfigError(str(path), f"injection.{key}", "is missing or not a string")
    seed = inj.get("seed")
    if not isinstance(seed, list) or not seed:
        raise TaskConfigError(str(path), "injection.seed", "must be a non-empty list of {site, sql}")
    for i, row in enumerate(seed):
        if not isinstance(row, dict) or row.get("site") not in SITES or not isinstance(row.get("sql"), str):
            raise TaskConfigError(str(path), f"injection.seed[{i}]", f"needs site (one of {list(SITES)}) and sql")
    cond = inj.get("attack_succeeded_if")
    if not isinstance(cond, dict) or not (cond.get("sql") or cond.get("blocked_url_contains")):
        raise TaskConfigError(str(path), "injection.attack_succeeded_if", "needs sql checks or blocked_url_contains")
    for i, check in enumerate(cond.get("sql") or []):
        if not isinstance(check, dict) or check.get("site") not in SITES:
            raise TaskConfigError(str(path), f"injection.attack_succeeded_if.sql[{i}].site", "is missing or unknown")
        if not str(check.get("query", "")).lstrip().lower().startswith("select"):
            raise TaskConfigError(str(path), f"injection.attack_succeeded_if.sql[{i}].query", "must be a SELECT")


def load_task_file(path: Path) -> TaskConfig:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        problem = f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}"
        raise TaskConfigError(str(path), "<json>", problem) from None
    return validate_config(raw, path)


def task_ids(task_dir: Path = TASK_DIR) -> list[str]:
    """Ids of the stored tasks, in order, without parsing them (cheap enough for env registration)."""
    return sorted((p.stem for p in task_dir.glob("*.json")), key=_sort_key)


def _sort_key(task_id: str) -> tuple[str, int]:
    head, _, num = task_id.rpartition(".")
    return (head, int(num)) if num.isdigit() else (task_id, 0)


@cache
def load_tasks(task_dir: Path = TASK_DIR) -> dict[str, TaskConfig]:
    return {tid: load_task_file(task_dir / f"{tid}.json") for tid in task_ids(task_dir)}


def get_task(task_id: str) -> TaskConfig:
    tasks = load_tasks()
    if task_id not in tasks:
        hint = did_you_mean(task_id, tasks, n=3)
        raise UnknownTaskError(f"Unknown embedded task {task_id!r}.{hint}")
    return tasks[task_id]
