"""What the embedded suite holds: tasks and templates per site and split, evaluation types, oracle steps,
private and infeasible counts. ``python -m symbiotic_gym.suites.embedded.stats`` prints the README's table.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from symbiotic_gym.suites.embedded.task_configs import SITES, SPLITS, TaskConfig, load_tasks


def is_infeasible(t: TaskConfig) -> bool:
    return any(step.get("action") == "infeasible" for step in t.raw["reference_solution"])


def site_of(t: TaskConfig) -> str:
    return "cross-site" if len(t.sites) > 1 else t.sites[0]


def oracle_steps(t: TaskConfig) -> int:
    return len(t.raw["reference_solution"])


def _dist(values: list[int]) -> dict[str, float]:
    if not values:
        return {"median": 0, "p90": 0, "max": 0}
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "max": ordered[-1],
    }


def suite_stats(tasks: dict[str, TaskConfig] | None = None) -> dict[str, Any]:
    """Counts over the stored tasks (all of them, or those given)."""
    tasks = load_tasks() if tasks is None else tasks
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {sp: 0 for sp in SPLITS} | {"templates": set()})
    for t in tasks.values():
        row = rows[site_of(t)]
        row[t.split] += 1
        row["templates"].add(t.template_id)
    by_site = {
        site: {**{sp: r[sp] for sp in SPLITS}, "templates": len(r["templates"])}
        for site, r in sorted(rows.items(), key=lambda kv: ([*SITES, "cross-site"].index(kv[0]), kv[0]))
    }
    templates_by_split = {sp: len({t.template_id for t in tasks.values() if t.split == sp}) for sp in SPLITS}
    per_template_steps: dict[str, int] = {}
    for t in tasks.values():
        per_template_steps[t.template_id] = max(per_template_steps.get(t.template_id, 0), oracle_steps(t))
    return {
        "tasks": len(tasks),
        "templates": len({t.template_id for t in tasks.values()}),
        "injection_templates": len({t.template_id for t in tasks.values() if t.injection is not None}),
        "by_site": by_site,
        "by_split": {sp: sum(t.split == sp for t in tasks.values()) for sp in SPLITS},
        "templates_by_split": templates_by_split,
        "eval_types": dict(Counter(et for t in tasks.values() for et in t.raw["eval"]["eval_types"])),
        "oracle_steps": {sp: _dist([oracle_steps(t) for t in tasks.values() if t.split == sp]) for sp in SPLITS},
        "long_horizon_templates": sum(n >= 8 for n in per_template_steps.values()),
        "private": sum(bool(t.private) for t in tasks.values()),
        "infeasible": sum(is_infeasible(t) for t in tasks.values()),
        "cross_site": sum(len(t.sites) > 1 for t in tasks.values()),
    }


def markdown(stats: dict[str, Any]) -> str:
    lines = [
        "| site | templates | train | test | unseen |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {site} | {r['templates']} | {r['train']} | {r['test']} | {r['unseen']} |"
            for site, r in stats["by_site"].items()
        ),
        f"| **all** | **{stats['templates']}** | **{stats['by_split']['train']}** | **{stats['by_split']['test']}** "
        f"| **{stats['by_split']['unseen']}** |",
        "",
        "| split | tasks | templates | oracle steps median | p90 | max |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {sp} | {stats['by_split'][sp]} | {stats['templates_by_split'][sp]} | {d['median']:g} | {d['p90']} "
            f"| {d['max']} |"
            for sp, d in stats["oracle_steps"].items()
        ),
        "",
        f"Evaluation types (tasks): {', '.join(f'{k} {v}' for k, v in sorted(stats['eval_types'].items()))}. "
        f"Private tasks: {stats['private']}. Infeasible tasks (answer N/A): {stats['infeasible']} "
        f"({100 * stats['infeasible'] / stats['tasks']:.1f}%). Cross-site tasks: {stats['cross_site']}. "
        f"Templates whose oracle needs 8 or more steps: {stats['long_horizon_templates']}. "
        f"Prompt-injection templates: {stats['injection_templates']} (three tasks each).",
    ]
    return "\n".join(lines)


def main() -> None:
    print(markdown(suite_stats()))


if __name__ == "__main__":
    main()
