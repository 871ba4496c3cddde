"""Task suites by name. ``embedded`` ships with the package; ``miniwob`` and ``webarena`` are extras."""

from __future__ import annotations

import fnmatch

from symbiotic_gym.errors import SymbioticGymError

SUITES = ("embedded", "miniwob", "webarena")


def select_tasks(suite: str, split: str = "all", pattern: str | None = None, limit: int | None = None) -> list[str]:
    """Task ids of a suite, filtered by split, glob pattern(s) (comma-separated) and limit."""
    if suite != "embedded":
        if suite in SUITES:
            raise SymbioticGymError(f"Suite {suite!r} is not available in this version; use --suite embedded.")
        raise SymbioticGymError(f"Unknown suite {suite!r}. Available: {', '.join(SUITES)}")
    from symbiotic_gym.suites.embedded.tasks import load_tasks

    if split not in ("train", "test", "all"):
        raise SymbioticGymError(f"--split must be train, test or all, got {split!r}")
    tasks = load_tasks()
    ids = [tid for tid, cfg in tasks.items() if split == "all" or cfg.split == split]
    if pattern:
        globs = [g.strip() for g in pattern.split(",") if g.strip()]
        ids = [tid for tid in ids if any(fnmatch.fnmatchcase(tid, g) for g in globs)]
        if not ids:
            raise SymbioticGymError(f"No {suite} task matches --tasks {pattern!r} (split {split}).")
    return ids[:limit] if limit else ids
