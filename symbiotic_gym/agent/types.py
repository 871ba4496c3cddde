"""The Agent protocol and the types agents exchange with the harness: TaskInfo, observations, AgentStep.

Also :class:`AgentHooks`, the optional hooks the harness calls (with do-nothing defaults), and
:class:`ConfiguredAgent`, the base of agents built from their ``Config`` dataclass. This module
depends on nothing else of ours but the errors, so the registry, the adapters and agents all build on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from symbiotic_gym.errors import SymbioticGymError, did_you_mean

C = TypeVar("C")
Observation = dict[str, Any]


@dataclass(frozen=True)
class TaskInfo:
    """What an agent is told about a task at reset (the full config is there for oracles and routers)."""

    task_id: str
    intent: str
    sites: tuple[str, ...] = ()
    start_url: str = ""
    private: tuple[str, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class AgentStep:
    action: str
    rationale: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Agent(Protocol):
    def reset(self, task: TaskInfo) -> None: ...

    def act(self, obs: Observation) -> AgentStep: ...


class AgentHooks:
    """What an agent may add to :class:`Agent`, with do-nothing defaults; the harness calls these on agents
    that inherit this class (every :class:`ConfiguredAgent` does) and uses the defaults for any other.

    ``obs_keys``: the raw BrowserGym observation keys the agent reads besides the text
    (:mod:`symbiotic_gym.web.raw_obs`; e.g. ``("screenshot",)``); the env computes only those.
    ``bind_suite(suite)``: called before each episode's ``reset`` with the suite the task comes from.
    ``settle_args(args)``: called once where a run's config is built, with the agent's arguments; returns
    them with defaults that depend on the configured models filled in, as the run records them.
    """

    obs_keys: tuple[str, ...] = ()

    def bind_suite(self, suite: Any) -> None:
        """Adapt to the suite before an episode (default: nothing)."""

    @classmethod
    def settle_args(cls, args: Mapping[str, Any]) -> dict[str, Any]:
        """The agent's arguments with model-dependent defaults settled (default: as given)."""
        return dict(args)


def build_config(
    config_cls: type[C], config: C | Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None
) -> C:
    """A ``Config`` dataclass from an instance or a mapping, with keyword ``overrides`` on top.

    Unknown keys are refused with the closest field name, so a typo never silently falls back to a default.
    """
    names = [f.name for f in dataclasses.fields(config_cls)]  # type: ignore[arg-type]
    base: dict[str, Any] = {}
    if isinstance(config, Mapping):
        base.update(config)
    elif config is not None:
        if not isinstance(config, config_cls):
            raise TypeError(f"expected a {config_cls.__qualname__} or a mapping, got {type(config).__name__}")
        base.update({n: getattr(config, n) for n in names})
    base.update(overrides or {})
    unknown = [k for k in base if k not in names]
    if unknown:
        hint = did_you_mean(unknown[0], names)
        raise SymbioticGymError(
            f"Unknown argument {unknown[0]!r} for {config_cls.__qualname__}. Known: {', '.join(names)}.{hint}"
        )
    return config_cls(**base)


class ConfiguredAgent(AgentHooks):
    """Base of agents built from their ``Config`` dataclass: ``Agent(config)``, ``Agent(**fields)`` or both.

    The fields are written once, in ``Config``; the agent reads them as ``self.config.<field>``.
    """

    Config: ClassVar[type]

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        self.config = build_config(type(self).Config, config, overrides)


def config_class(agent_cls: Any) -> type | None:
    """The ``Config`` dataclass an agent class declares: every :class:`ConfiguredAgent` has one, and a plain
    agent class may follow the same convention; None when there is none (its arguments then pass as given).
    The one place that looks for it: argument checking, the large-role test and the agents that configure
    another agent (speculative's student, hybrid's sides) all ask here."""
    config = getattr(agent_cls, "Config", None)  # a convention, not a hook: a plain class need not inherit
    return config if isinstance(config, type) and dataclasses.is_dataclass(config) else None


def config_field_names(agent_cls: Any) -> set[str]:
    """The argument names an agent class's ``Config`` declares (empty: no ``Config``)."""
    config = config_class(agent_cls)
    return {f.name for f in dataclasses.fields(config)} if config is not None else set()
