"""Per-run statistics of speculative data synthesis: acceptance rate, teacher calls and tokens."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from symbiotic_gym.stats import rate_summary
from symbiotic_gym.trajectory import RunDir


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
            if spec.get("decision") in ("accepted", "rejected"):
                tot += 1
                acc += spec.get("decision") == "accepted"
        if tot:
            per_task[rec["task_id"]] = acc / tot
    judged = decisions["accepted"] + decisions["rejected"]
    return {
        "steps": sum(decisions.values()),
        "decisions": dict(decisions),
        "acceptance": rate_summary(decisions["accepted"], judged) if judged else None,
        "teacher_calls": teacher_calls,
        "tokens": tokens,
        "tasks": len(per_task),
        "tasks_fully_accepted": sum(1 for v in per_task.values() if v == 1.0),
    }
