"""The suite interface the harness runs: task selection, task metadata, and an env per task."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from symbiotic_gym.errors import SymbioticGymError

if TYPE_CHECKING:
    from symbiotic_gym.agent import TaskInfo
    from symbiotic_gym.web.env import WebEnv

SPLITS = ("train", "test", "unseen", "all")  # unseen: templates absent from train (embedded suite)
EVAL_MODES = ("stock", "rectified", "verified")


@dataclass(frozen=True)
class SuiteOptions:
    """Run settings a suite needs to build its envs; they travel to workers inside the run's config.

    ``eval_mode``: WebArena scoring (``stock`` or ``rectified``); ``judge_model``: the LLM judge of
    WebArena's ``fuzzy_match`` checks (a model spec, or None: such tasks are not scored); ``na_hint``:
    add WebArena's "answer N/A if impossible" note to the goal; ``allow_origins``: origins the browser may
    reach besides the task's own sites (:mod:`symbiotic_gym.web.boundary`); ``suite_args``: the suite's own
    options (``-S KEY=VALUE``), which a suite types with its own config (e.g. the webapp suite's task file and
    base URL). Suites ignore what does not apply.
    """

    eval_mode: str = "stock"
    judge_model: str | None = None
    na_hint: bool = False
    allow_origins: tuple[str, ...] = ()
    suite_args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.eval_mode not in EVAL_MODES:
            raise SymbioticGymError(f"eval_mode must be one of {', '.join(EVAL_MODES)}, got {self.eval_mode!r}")
        from symbiotic_gym.web.boundary import Boundary, BoundaryConfigError

        object.__setattr__(self, "allow_origins", tuple(self.allow_origins))
        try:
            Boundary.of(self.allow_origins)
        except BoundaryConfigError as err:
            raise SymbioticGymError(f"allow_origins: {err}") from err

    def extra_boundary(self) -> Any:
        """The :class:`~symbiotic_gym.web.boundary.Boundary` of ``allow_origins`` (None when empty)."""
        from symbiotic_gym.web.boundary import Boundary

        return Boundary.of(self.allow_origins) if self.allow_origins else None


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

    def make_env(
        self, task_id: str, *, max_steps: int, obs_keys: tuple[str, ...] = (), record_network: bool = False
    ) -> WebEnv:
        """``obs_keys``: BrowserGym raw keys the agent reads (:mod:`symbiotic_gym.web.raw_obs`); a suite that
        takes no ``obs_keys`` serves text agents only. ``record_network``: record the episode's HAR
        (:meth:`~symbiotic_gym.web.env.WebEnv.take_network_trace`)."""
        ...

    def eval_config(self, task_id: str) -> dict[str, Any]: ...

    def site_urls(self) -> dict[str, str]: ...


class SuiteHooks:
    """What a suite may add to :class:`Suite`, with do-nothing defaults. The harness calls these on suites
    that inherit this class (every built-in suite does) and uses the defaults for any other suite.

    ``preflight(task_ids, logins=...)`` returns :class:`~symbiotic_gym.suites.checks.Check` results; a failed
    blocking check stops a run before its first episode (``logins=False``: no check signs in to a site, for
    ``benchmarks.doctor --no-logins``; suites without logins ignore it). ``before_run()`` runs once before a
    new run's first episode (WebArena resets its instance there) and returns what to record in ``config.json``
    (or None).
    ``finalize_episode(task_id, record, har, steps)`` scores an episode after its browser context closed
    (WebArena-Verified scores from the network trace), updating ``record`` in place. ``origins(task_id)``
    lists the origins a task's browser may reach, for ``config.json`` (None: each task declares its own,
    if at all). ``browsergym_action_set`` and ``multi_tab`` describe the suite to BrowserGym/AgentLab
    agents (the action subset they are prompted with; whether tasks use several tabs).
    """

    browsergym_action_set: str = "webarena"
    multi_tab: bool = True

    def preflight(self, task_ids: list[str] | None = None, *, logins: bool = True) -> list[Any]:
        from symbiotic_gym.suites.checks import chromium_check

        return [chromium_check()]

    def before_run(self) -> dict[str, Any] | None:
        return None

    def finalize_episode(
        self, task_id: str, record: dict[str, Any], har: dict[str, Any] | None, steps: list[dict[str, Any]]
    ) -> None:
        return None

    def origins(self, task_id: str) -> list[str] | None:
        return None


_DEFAULT_HOOKS = SuiteHooks()


def suite_hooks(suite: object) -> SuiteHooks:
    """The suite's hooks: the suite itself when it inherits :class:`SuiteHooks`, else the defaults."""
    return suite if isinstance(suite, SuiteHooks) else _DEFAULT_HOOKS


def read_id_list(path: str | Path) -> list[str]:
    """The task ids an ``@FILE`` list holds: one per line, ``#`` starts a comment, blank lines skipped
    (the one reader of that format: ``--tasks @FILE`` and ``dataset build --exclude-tasks @FILE``)."""
    lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    ids = (line.split("#", 1)[0].strip() for line in lines)
    return [task_id for task_id in ids if task_id]


def filter_ids(
    ids: list[str],
    pattern: str | None,
    limit: int | None,
    *,
    what: str,
    split: str = "all",
    meta: Callable[[str], TaskMeta] | None = None,
) -> list[str]:
    """Keep the ids matching any comma-separated selector of ``pattern``; then the first ``limit``.

    Selectors: a glob on the task id (``shop.*``), ``site:NAME`` (tasks using that site), ``template:ID``
    (tasks of one intent template), ``subset:NAME`` or just ``NAME`` (a subset the suite names in its task
    metadata, e.g. WebArena-Verified's ``hard``), or ``@FILE`` (task ids listed in a file, one per line;
    ``#`` comments).
    """
    if pattern:
        selectors = [g.strip() for g in pattern.split(",") if g.strip()]
        globs: list[str] = []
        for sel in selectors:
            if sel.startswith("@"):
                try:
                    globs += read_id_list(sel[1:])
                except OSError as err:
                    raise SymbioticGymError(f"--tasks {sel}: cannot read the id list: {err}") from err
            else:
                globs.append(sel)
        keep = []
        for tid in ids:
            for g in globs:
                if g.startswith(("site:", "template:", "subset:")):
                    if meta is None:
                        continue
                    m = meta(tid)
                    kind, _, value = g.partition(":")
                    if (
                        (kind == "site" and value in m.sites)
                        or (kind == "template" and value == m.template)
                        or (kind == "subset" and value in m.extra.get("subsets", ()))
                    ):
                        keep.append(tid)
                        break
                elif (
                    fnmatch.fnmatchcase(tid, g)
                    or (g.isdigit() and tid.endswith(f".{g}"))
                    or (meta is not None and g in meta(tid).extra.get("subsets", ()))  # --tasks hard
                ):
                    keep.append(tid)
                    break
        ids = keep
        if not ids:
            raise SymbioticGymError(f"No {what} task matches --tasks {pattern!r} (split {split}).")
    if limit is not None and limit < 0:
        raise SymbioticGymError(f"--limit must be >= 0, got {limit}")
    return ids[:limit] if limit else ids
