"""Old import paths of modules that moved into packages by job, kept working for one release.

``import symbiotic_gym.env`` still gives the module now at ``symbiotic_gym.web.env`` (the same module
object, so monkeypatching either name patches both) with a :class:`DeprecationWarning` naming the new
path. The finder claims only the names in :data:`MOVED` and imports nothing until an old name is actually
imported, so ``import symbiotic_gym`` stays cheap. Remove in 0.3.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Mapping
from importlib.machinery import ModuleSpec
from types import ModuleType

# old dotted name -> new dotted name (0.1 -> 0.2)
MOVED: dict[str, str] = {
    "symbiotic_gym.env": "symbiotic_gym.web.env",
    "symbiotic_gym.browser": "symbiotic_gym.web.browser",
    "symbiotic_gym.actions": "symbiotic_gym.web.actions",
    "symbiotic_gym.observation": "symbiotic_gym.web.observation",
    "symbiotic_gym.obs_pruning": "symbiotic_gym.web.pruning",
    "symbiotic_gym.raw_obs": "symbiotic_gym.web.raw_obs",
    "symbiotic_gym.boundary": "symbiotic_gym.web.boundary",
    "symbiotic_gym.boundary_proxy": "symbiotic_gym.web.boundary_proxy",
    "symbiotic_gym.network_trace": "symbiotic_gym.web.network_trace",
    "symbiotic_gym.screenshots": "symbiotic_gym.web.screenshots",
    "symbiotic_gym.checker": "symbiotic_gym.web.checker",
    "symbiotic_gym.agent_types": "symbiotic_gym.agent.types",
    "symbiotic_gym.action_text": "symbiotic_gym.agent.reply",
    "symbiotic_gym.browsergym_adapter": "symbiotic_gym.agent.browsergym",
    "symbiotic_gym.trajectory": "symbiotic_gym.results.run_dir",
    "symbiotic_gym.stats": "symbiotic_gym.results.stats",
    "symbiotic_gym.runner.records": "symbiotic_gym.results.records",
    "symbiotic_gym.runner.summary": "symbiotic_gym.results.summary",
    "symbiotic_gym.runner.paired": "symbiotic_gym.results.paired",
    "symbiotic_gym.runner.results": "symbiotic_gym.results.runs",
    "symbiotic_gym.evaluation": "symbiotic_gym.suites.evaluators",
    "symbiotic_gym.precision": "symbiotic_gym.llm.precision",
    "symbiotic_gym.suites.embedded.admin_templates": "symbiotic_gym.suites.embedded.templates.admin",
    "symbiotic_gym.suites.embedded.injection_templates": "symbiotic_gym.suites.embedded.templates.injection",
    "symbiotic_gym.suites.embedded.multi_page_templates": "symbiotic_gym.suites.embedded.templates.multi_page",
    "symbiotic_gym.suites.embedded.tasks": "symbiotic_gym.suites.embedded.task_configs",
    "symbiotic_gym.suites.embedded.task": "symbiotic_gym.suites.embedded.browser_task",
}


class _AliasLoader:
    """Loads an old name as the module at its new name (the standard loader protocol, written out because
    importlib has no alias loader)."""

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # a placeholder; exec_module swaps in the real module

    def exec_module(self, module: ModuleType) -> None:
        old = module.__name__
        warnings.warn(
            f"{old} moved to {self.new}; import it from there ({old} stops working in 0.3)",
            DeprecationWarning,
            stacklevel=2,
        )
        # the import system returns what sys.modules holds under the old name once exec_module is done
        sys.modules[old] = importlib.import_module(self.new)


class _MovedModuleFinder:
    def __init__(self, moved: Mapping[str, str]) -> None:
        self.moved = dict(moved)

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        new = self.moved.get(fullname)
        return None if new is None else ModuleSpec(fullname, _AliasLoader(new))  # type: ignore[arg-type]


_FINDER = _MovedModuleFinder(MOVED)


def alias_moved(moved: Mapping[str, str]) -> None:
    """Keep more old module names importable (a package outside the core adds its own moves)."""
    _FINDER.moved.update(moved)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` once: it claims only the old names, which no file holds
    any more (a stale copy of an old install, or an editable install of an older checkout, must not win)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)  # type: ignore[arg-type]
