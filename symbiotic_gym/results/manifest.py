"""``config.json``: what a run was (agent and its arguments, suite, tasks, models, settings, where it ran).

:class:`RunManifest` is the one owner of the file's fields; the run engine fills it from the typed
:class:`~symbiotic_gym.runner.RunConfig` and the configured LLM settings, and :meth:`RunManifest.to_dict`
is what the run directory stores. Readers (leaderboards, datasets, resume) read the stored JSON, so a run
written by an older version reads the same. A suite's ``before_run`` hook may add its own keys
(``extra``), stored beside the others.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BoundaryRecord:
    """The navigation boundary: each task's own sites (declared by the suite's task) plus ``extra_origins``."""

    extra_origins: list[str]
    task_origins: list[str] | str  # their union over the run's tasks, or why it is not known


@dataclass
class ExecutionRecord:
    """How the episodes ran: workers, timeouts, retries and the in-process models' threads and precision."""

    workers: int
    backend: str
    step_timeout: float | None
    episode_timeout: float | None
    retries: int
    torch_threads: int
    local_dtype: str
    cpu_native_bf16: bool


@dataclass
class RunManifest:
    agent: str
    agent_class: str  # module:QualifiedName of the agent class the spec resolved to
    agent_args: dict[str, Any]  # as settled for this run (model-dependent defaults filled in)
    suite: str
    split: str
    tasks: list[str]
    max_steps: int
    seed: int
    models: dict[str, str | None]  # the model roles: large, small
    llm: dict[str, Any]  # the LLM layer's settings (symbiotic_gym.llm.LLMSettings.to_dict)
    eval_mode: str
    judge: str | None
    na_hint: bool
    save_screenshots: bool
    record_network: bool
    boundary: BoundaryRecord
    execution: ExecutionRecord
    audit: bool
    created: str  # ISO time, seconds
    command: list[str]
    environment: dict[str, Any]  # Python, platform, Chromium, package versions, git revision
    suite_args: dict[str, Any] = field(default_factory=dict)  # the suite's own options (-S KEY=VALUE)
    extra: dict[str, Any] = field(default_factory=dict)  # what the suite's before_run hook recorded

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        if not self.suite_args:  # written only for suites that take options, as before they existed
            del out["suite_args"]
        out["boundary"] = dataclasses.asdict(self.boundary)
        out["execution"] = dataclasses.asdict(self.execution)
        return {**out, **self.extra}
