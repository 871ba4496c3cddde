"""The suite interface the harness runs: task selection, task metadata, and an env per task."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from symbiotic_gym.errors import SymbioticGymError

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.env import WebEnv

SPLITS = ("train", "test", "all")


@dataclass(frozen=True)
class TaskMeta:
    """What results and leaderboards need to know about a task (no live resources)."""

    task_id: str
    split: str
    sites: tuple[str, ...]
    template: str
    private: tuple[str, ...] = ()
    eval_types: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Suite(Protocol):
    """A task suite. ``make_env`` and ``task_info`` may start live resources (sites, a browser) in this process."""

    name: str
    eval_mode: str

    def task_ids(self, split: str = "all") -> list[str]: ...

    def meta(self, task_id: str) -> TaskMeta: ...

    def task_info(self, task_id: str) -> TaskInfo: ...

    def make_env(self, task_id: str, *, max_steps: int) -> WebEnv: ...

    def eval_config(self, task_id: str) -> dict[str, Any]: ...

    def site_urls(self) -> dict[str, str]: ...


def filter_ids(ids: list[str], pattern: str | None, limit: int | None, *, what: str, split: str = "all") -> list[str]:
    """Keep ids matching any comma-separated glob of ``pattern``; then the first ``limit``."""
    if pattern:
        globs = [g.strip() for g in pattern.split(",") if g.strip()]
        ids = [tid for tid in ids if any(fnmatch.fnmatchcase(tid, g) for g in globs)]
        if not ids:
            raise SymbioticGymError(f"No {what} task matches --tasks {pattern!r} (split {split}).")
    if limit is not None and limit < 0:
        raise SymbioticGymError(f"--limit must be >= 0, got {limit}")
    return ids[:limit] if limit else ids
