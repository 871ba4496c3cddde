"""Typed episode records: one line of ``results.jsonl``.

Records are written as JSON objects (the run directory format stays plain JSONL, readable by any tool);
:class:`EpisodeRecord` is the typed view a Python caller gets back from :func:`symbiotic_gym.runner.run`.
Every record carries ``schema_version``; a record written before versioning (no field) is version 0 and
reads the same. Fields a later version adds are kept in ``extra`` by an older reader, never dropped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class EpisodeRecord:
    """The outcome of one task: score, cost, time and, when it failed to run, the error and its kind.

    ``error_kind`` says which side failed: ``agent`` (the agent raised), ``env`` (the env or site),
    ``browser`` (Chromium died), ``worker`` (its process died), ``timeout``, or ``harness``. An episode
    with an error has no score; ``eval_status`` ``not_scored``/``needs_judge`` is left out of rates.
    """

    task_id: str
    agent: str
    success: bool = False
    reward: float = 0.0
    steps: int = 0
    split: str = ""
    sites: list[str] = field(default_factory=list)
    template: str = ""
    private: list[str] = field(default_factory=list)
    eval_types: list[str] = field(default_factory=list)
    eval_mode: str = "stock"
    eval_status: str | None = None
    answer: str | None = None
    error: str | None = None
    error_kind: str | None = None
    tokens_in_local: int = 0
    tokens_out_local: int = 0
    tokens_in_cloud: int = 0
    tokens_out_cloud: int = 0
    cost: float = 0.0
    steps_local: int = 0  # steps a routing agent (hybrid) decided on the local side
    steps_cloud: int = 0  # ... and on the cloud side (both 0 for agents that do not route)
    blocked_requests: int = 0  # refused by the navigation boundary
    blocked_urls: list[str] = field(default_factory=list)  # the first of them (runner.episode), redacted
    site_errors: list[Any] = field(default_factory=list)  # HTTP errors the sites answered during the episode
    terminated: bool = False  # the episode ended by itself (an answer, a terminal action)
    truncated: bool = False  # ... or ran out of steps
    wall_s: float = 0.0
    agent_s: float = 0.0
    env_s: float = 0.0
    seed: int = 0
    attempt: int = 1
    models: dict[str, Any] = field(default_factory=dict)  # the run's model roles (large, small) as configured
    # the models the episode's steps called, by route: an agent argument (``-A model=local``) can call another
    # model than its role's, and this is what ran
    models_called: dict[str, list[str]] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)  # every other field of the line (eval details, ...)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EpisodeRecord:
        names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        known = {k: v for k, v in data.items() if k in names}
        known.setdefault("schema_version", 0)
        return cls(**known, extra={k: v for k, v in data.items() if k not in names})

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        return {**self.extra, **out}

    @property
    def errored(self) -> bool:
        return self.error is not None

    @property
    def tokens_local(self) -> int:
        return self.tokens_in_local + self.tokens_out_local

    @property
    def tokens_cloud(self) -> int:
        return self.tokens_in_cloud + self.tokens_out_cloud
