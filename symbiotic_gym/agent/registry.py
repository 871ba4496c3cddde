"""The agent registry (decorator, entry points, ``module:Class``) and building agents from their specs.

The protocol and the types agents exchange live in :mod:`symbiotic_gym.agent.types` (the package
re-exports both); :func:`make_agent` wraps BrowserGym-style agents in :mod:`symbiotic_gym.agent.browsergym`.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

from symbiotic_gym.agent.types import Agent, config_class
from symbiotic_gym.errors import SymbioticGymError, did_you_mean
from symbiotic_gym.loading import import_object

ENTRY_POINT_GROUP = "symbiotic_gym.agents"


class UnknownAgentError(SymbioticGymError):
    pass


# name -> agent class, or a lazy "module:Class" from an entry point. Built-in agents are entry points too
# (pyproject.toml), so this module names no package above the core.
_REGISTRY: dict[str, str | Callable[..., Agent]] = {}


def register_agent(name: str) -> Callable[[type], type]:
    """Class decorator for agents defined in your own code: ``@register_agent("my-agent")``.

    Packages declare agents as entry points of the ``symbiotic_gym.agents`` group instead (found without
    importing them); a decorated name takes precedence over an entry point of the same name.
    """

    def deco(cls: type) -> type:
        _REGISTRY[name] = cls
        cls.agent_name = name  # type: ignore[attr-defined]
        return cls

    return deco


def _load_entry_points() -> None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        _REGISTRY.setdefault(ep.name, ep.value)


def available_agents() -> list[str]:
    _load_entry_points()
    return sorted(_REGISTRY)


def resolve_agent(spec: str) -> Callable[..., Agent]:
    """The agent class for a registered name or a ``package.module:Class`` spec."""
    if ":" in spec:
        from symbiotic_gym.agent.browsergym import offline_defaults

        offline_defaults()  # third-party agents (AgentLab) import litellm and tiktoken: their bundled files
        try:
            return import_object(spec)
        except (ImportError, AttributeError) as err:
            raise UnknownAgentError(f"Cannot load agent {spec!r}: {err}") from err
    _load_entry_points()
    if spec not in _REGISTRY:
        hint = did_you_mean(spec, _REGISTRY, n=3)
        raise UnknownAgentError(f"Unknown agent {spec!r}. Available: {', '.join(sorted(_REGISTRY))}.{hint}")
    target = _REGISTRY[spec]
    if isinstance(target, str):
        target = import_object(target)
        _REGISTRY[spec] = target
    return target


def _coerce(value: str, annotation: Any) -> Any:
    if annotation in (bool, "bool"):
        if value.lower() in ("1", "true", "yes", "on"):
            return True
        if value.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected a boolean, got {value!r}")
    if annotation in (int, "int"):
        return int(value)
    if annotation in (float, "float"):
        return float(value)
    return value


def parse_agent_args(cls: Any, pairs: list[str]) -> dict[str, Any]:
    """Turn ``-A key=value`` strings into typed keyword arguments for ``cls`` (via its ``Config`` dataclass)."""
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SymbioticGymError(f"Agent argument {pair!r} must look like key=value")
        raw[key] = value
    return check_agent_args(cls, raw)


def check_agent_args(cls: Any, args: Mapping[str, Any]) -> dict[str, Any]:
    """Validate keyword arguments for ``cls`` against its ``Config``: unknown keys are refused with the
    closest name, and string values are typed from the field's annotation (other values pass as given)."""
    config_cls = config_class(cls)
    fields = {f.name: f for f in dataclasses.fields(config_cls)} if config_cls else {}
    hints = typing.get_type_hints(config_cls) if config_cls else {}
    out: dict[str, Any] = {}
    for key, value in args.items():
        if fields and key not in fields:
            hint = did_you_mean(key, fields)
            raise SymbioticGymError(
                f"Unknown argument {key!r} for agent {cls.__name__}. Known: {', '.join(fields)}.{hint}"
            )
        try:
            out[key] = _coerce(value, hints.get(key, str)) if isinstance(value, str) else value
        except ValueError as err:
            raise SymbioticGymError(f"Agent argument {key}: {err}") from None
    return out


def names_large_role(cls: Any, args: Mapping[str, Any]) -> bool:
    """Whether an agent's settings (its ``Config`` defaults, then ``args``) name the ``large`` model role."""
    config = config_class(cls)
    values: dict[str, Any] = {}
    if config is not None:
        values = {f.name: f.default for f in dataclasses.fields(config) if f.default is not dataclasses.MISSING}
    values.update(args)
    return any(value == "large" for value in values.values())


def make_agent(spec: str, args: Mapping[str, Any] | None = None) -> Agent:
    """Build an agent; objects with BrowserGym's ``get_action`` and no ``act`` are wrapped by the adapter."""
    from symbiotic_gym.agent.browsergym import BrowserGymAdapter, BrowserGymAgent, is_agent_args

    cls = resolve_agent(spec)
    if is_agent_args(cls):  # an AgentLab AgentArgs object, e.g. agentlab.agents.generic_agent:AGENT_4o_MINI
        return BrowserGymAdapter(agent=cls, **dict(args or {}))
    agent = cls(**dict(args or {}))
    if is_agent_args(agent) or (not isinstance(agent, Agent) and isinstance(agent, BrowserGymAgent)):
        return BrowserGymAdapter(agent=agent)
    if not isinstance(agent, Agent):
        raise UnknownAgentError(
            f"{spec!r} built a {type(agent).__name__}, which has neither act(obs)/reset(task) "
            "nor BrowserGym's get_action(obs)"
        )
    return agent


__all__ = [
    "ENTRY_POINT_GROUP",
    "UnknownAgentError",
    "available_agents",
    "check_agent_args",
    "make_agent",
    "names_large_role",
    "parse_agent_args",
    "register_agent",
    "resolve_agent",
]
