"""Task suites by name, held as data: ``name -> "module:attribute"`` (a Suite class or factory).

``embedded`` ships with the package; ``miniwob`` and ``webarena`` need their extras; ``webapp`` runs a task
file against any web app (``-S tasks=FILE -S base_url=URL``, docs/webapp-suite.md). A suite can also be
given as ``package.module:attribute`` (a :class:`Suite` instance, or a class or function returning one),
or registered under a name with :func:`register_suite` -- how tests and third parties plug in their own
tasks. A class or factory receives the run's :class:`SuiteOptions` when it accepts an ``options``
argument.
"""

from __future__ import annotations

import inspect
from typing import Any

from symbiotic_gym.errors import SymbioticGymError, did_you_mean
from symbiotic_gym.loading import import_object
from symbiotic_gym.suites.base import (
    EVAL_MODES,
    SPLITS,
    Suite,
    SuiteHooks,
    SuiteOptions,
    TaskMeta,
    filter_ids,
    suite_hooks,
)

BUILTIN_SUITES: dict[str, str] = {
    "embedded": "symbiotic_gym.suites.embedded.suite:EmbeddedSuite",
    "miniwob": "symbiotic_gym.suites.miniwob:MiniwobSuite",
    "webarena": "symbiotic_gym.suites.webarena.suite:WebArenaSuite",
    "webapp": "symbiotic_gym.suites.webapp:WebAppSuite",
}
_SUITES: dict[str, str | Any] = dict(BUILTIN_SUITES)
SUITES = tuple(BUILTIN_SUITES)


def register_suite(name: str, target: str | Any) -> None:
    """Make ``name`` a suite: ``target`` is ``"module:attribute"`` or the object itself."""
    _SUITES[name] = target


def clear_suites() -> None:
    """Forget registered suites, keeping the built-in ones (tests)."""
    _SUITES.clear()
    _SUITES.update(BUILTIN_SUITES)


def available_suites() -> list[str]:
    return sorted(_SUITES)


def _load(spec: str) -> Any:
    try:
        return import_object(spec)
    except (ImportError, AttributeError) as err:
        raise SymbioticGymError(f"Cannot load suite {spec!r}: {err}") from err


def _build(obj: Any, options: SuiteOptions) -> Any:
    if isinstance(obj, Suite) and not isinstance(obj, type):
        return obj
    if not callable(obj):
        return obj
    try:
        takes_options = "options" in inspect.signature(obj).parameters
    except (TypeError, ValueError):
        takes_options = False
    return obj(options=options) if takes_options else obj()


def get_suite(name: str, options: SuiteOptions | None = None) -> Suite:
    """The suite called ``name`` (registered, or ``module:attribute``), built with ``options``."""
    options = options or SuiteOptions()
    if name in _SUITES:
        target = _SUITES[name]
        where = target if isinstance(target, str) else name
    elif ":" in name:
        target, where = name, name
    else:
        hint = did_you_mean(name, _SUITES)
        raise SymbioticGymError(
            f"Unknown suite {name!r}. Available: {', '.join(sorted(_SUITES))}, or package.module:attribute.{hint}"
        )
    obj = _load(target) if isinstance(target, str) else target
    suite = _build(obj, options)
    if not isinstance(suite, Suite):
        raise SymbioticGymError(f"{where!r} is not a Suite (it needs task_ids, meta, task_info, make_env ...).")
    return suite


def select_tasks(
    suite: str | Suite,
    split: str = "all",
    pattern: str | None = None,
    limit: int | None = None,
) -> list[str]:
    """Task ids of a suite, filtered by split, selectors (comma-separated) and limit."""
    if split not in SPLITS:
        raise SymbioticGymError(f"--split must be one of {', '.join(SPLITS)}, got {split!r}")
    s = get_suite(suite) if isinstance(suite, str) else suite
    return filter_ids(s.task_ids(split), pattern, limit, what=s.name, split=split, meta=s.meta)


def preflight(suite: Suite, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
    """The suite's pre-flight checks (its ``preflight`` hook, or the default ones); ``logins=False``: none
    that signs in to a site."""
    return list(suite_hooks(suite).preflight(task_ids, logins=logins))


def before_run(suite: Suite) -> dict[str, Any] | None:
    """The suite's once-per-new-run hook (None when it has none)."""
    return suite_hooks(suite).before_run()


__all__ = [
    "EVAL_MODES",
    "SPLITS",
    "SUITES",
    "Suite",
    "SuiteHooks",
    "SuiteOptions",
    "TaskMeta",
    "available_suites",
    "before_run",
    "clear_suites",
    "filter_ids",
    "get_suite",
    "preflight",
    "register_suite",
    "select_tasks",
    "suite_hooks",
]
