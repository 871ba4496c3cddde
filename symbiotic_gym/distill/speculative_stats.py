"""Per-run statistics of speculative data synthesis: acceptance rate, teacher calls and tokens."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.results.stats import mcnemar_exact, rate_summary

JUDGED = ("accepted", "rejected", "detour")  # a detour is a refused action that ran anyway (agents.speculative)


def speculative_stats(root: str | Path) -> dict[str, Any]:
    """Counts over every step that recorded a speculative decision (empty counts: not a speculative run)."""
    run = RunDir(root)
    decisions: Counter[str] = Counter()
    teacher_calls = 0
    tokens = {"student_in": 0, "student_out": 0, "teacher_in": 0, "teacher_out": 0}
    per_task: dict[str, float] = {}
    for rec in run.results():
        acc = tot = 0
        for step in run.trajectory(rec["task_id"]):
            spec = (step.get("meta") or {}).get("speculative")
            if not isinstance(spec, dict):
                continue
            decisions[spec.get("decision", "?")] += 1
            teacher_calls += int(spec.get("teacher_calls", 0))
            for who in ("student", "teacher"):
                usage = spec.get(f"{who}_usage") or {}
                tokens[f"{who}_in"] += int(usage.get("tokens_in", 0))
                tokens[f"{who}_out"] += int(usage.get("tokens_out", 0))
            if spec.get("decision") in JUDGED:
                tot += 1
                acc += spec.get("decision") == "accepted"
        if tot:
            per_task[rec["task_id"]] = acc / tot
    judged = sum(decisions[d] for d in JUDGED)
    return {
        "steps": sum(decisions.values()),
        "decisions": dict(decisions),
        "acceptance": rate_summary(decisions["accepted"], judged) if judged else None,
        "teacher_calls": teacher_calls,
        "tokens": tokens,
        "tasks": len(per_task),
        "tasks_fully_accepted": sum(1 for v in per_task.values() if v == 1.0),
    }


def _decisions_by_state(root: str | Path) -> dict[tuple[str, int, str], bool]:
    """(task, step, page hash) -> accepted, for every judged step of a speculative run."""
    run = RunDir(root)
    out: dict[tuple[str, int, str], bool] = {}
    for rec in run.results():
        for n, step in enumerate(run.trajectory(rec["task_id"])):
            spec = (step.get("meta") or {}).get("speculative")
            if isinstance(spec, dict) and spec.get("decision") in JUDGED:
                page = f"{step.get('url', '')}\n{step.get('axtree_txt', '')}".encode()
                out[(rec["task_id"], n, hashlib.sha1(page).hexdigest())] = spec["decision"] == "accepted"
    return out


def paired_acceptance(a: str | Path, b: str | Path) -> dict[str, Any]:
    """Two students' acceptance on the states both were judged on, with an exact McNemar test.

    With a deterministic teacher that executes its own action whenever a student's is refused, two students
    on the same tasks walk the same pages until one of them proposes an accepted action the teacher would
    not have preferred; steps are paired only where task, step number and page (URL and tree) are identical.
    """
    da, db = _decisions_by_state(a), _decisions_by_state(b)
    common = sorted(set(da) & set(db))
    a_only = sum(da[k] and not db[k] for k in common)
    b_only = sum(db[k] and not da[k] for k in common)
    return {
        "paired": len(common),
        "a": rate_summary(sum(da[k] for k in common), len(common)) if common else None,
        "b": rate_summary(sum(db[k] for k in common), len(common)) if common else None,
        "a_only": a_only,
        "b_only": b_only,
        "p_value": mcnemar_exact(a_only, b_only) if common else None,
    }
