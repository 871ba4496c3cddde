"""Task suites by name. ``embedded`` ships with the package; ``miniwob`` and ``webarena`` are extras.

A suite can also be given as ``package.module:attribute`` (a :class:`Suite` instance, or a class or
function returning one), which is how tests and third parties plug in their own tasks.
"""

from __future__ import annotations

import importlib

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites.base import SPLITS, Suite, TaskMeta, filter_ids

SUITES = ("embedded", "miniwob", "webarena")


def get_suite(name: str) -> Suite:
    """The suite called ``name`` (or loaded from ``module:attribute``)."""
    if name == "embedded":
        from symbiotic_gym.suites.embedded.suite import EmbeddedSuite

        return EmbeddedSuite()
    if name == "miniwob":
        from symbiotic_gym.suites.miniwob import MiniwobSuite

        return MiniwobSuite()
    if name == "webarena":
        from symbiotic_gym.suites.webarena.suite import WebArenaSuite

        return WebArenaSuite()
    if name in SUITES:
        raise SymbioticGymError(f"Suite {name!r} is not available in this version; use --suite embedded.")
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            obj = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as err:
            raise SymbioticGymError(f"Cannot load suite {name!r}: {err}") from err
        suite = obj() if isinstance(obj, type) or (callable(obj) and not isinstance(obj, Suite)) else obj
        if not isinstance(suite, Suite):
            raise SymbioticGymError(f"{name!r} is not a Suite (it needs task_ids, meta, task_info, make_env ...).")
        return suite
    raise SymbioticGymError(f"Unknown suite {name!r}. Available: {', '.join(SUITES)}, or package.module:attribute")


def select_tasks(suite: str, split: str = "all", pattern: str | None = None, limit: int | None = None) -> list[str]:
    """Task ids of a suite, filtered by split, glob pattern(s) (comma-separated) and limit."""
    if split not in SPLITS:
        raise SymbioticGymError(f"--split must be train, test or all, got {split!r}")
    s = get_suite(suite)
    return filter_ids(s.task_ids(split), pattern, limit, what=s.name, split=split, meta=s.meta)


__all__ = ["SPLITS", "SUITES", "Suite", "TaskMeta", "filter_ids", "get_suite", "select_tasks"]
