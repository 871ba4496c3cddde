"""The agent interface: the protocol and types agents exchange, the registry, reply parsing, the shared
LLM-agent base and the BrowserGym/AgentLab adapter.

``from symbiotic_gym.agent import Agent, AgentStep, TaskInfo, make_agent, register_agent`` is the public
path; the modules behind it are :mod:`~symbiotic_gym.agent.types` (protocol and types),
:mod:`~symbiotic_gym.agent.registry` (names, entry points, ``module:Class``, arguments),
:mod:`~symbiotic_gym.agent.reply` (a model's reply to one action), :mod:`~symbiotic_gym.agent.llm_base`
(the shared model call, retry and prompt budget) and :mod:`~symbiotic_gym.agent.browsergym` (the adapter).
Importing this package loads only the types and the registry.
"""

from __future__ import annotations

from symbiotic_gym.agent.registry import (
    ENTRY_POINT_GROUP,
    UnknownAgentError,
    available_agents,
    check_agent_args,
    make_agent,
    names_large_role,
    parse_agent_args,
    register_agent,
    resolve_agent,
)
from symbiotic_gym.agent.types import (
    Agent,
    AgentHooks,
    AgentStep,
    ConfiguredAgent,
    Observation,
    TaskInfo,
    build_config,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Agent",
    "AgentHooks",
    "AgentStep",
    "ConfiguredAgent",
    "Observation",
    "TaskInfo",
    "UnknownAgentError",
    "available_agents",
    "build_config",
    "check_agent_args",
    "make_agent",
    "names_large_role",
    "parse_agent_args",
    "register_agent",
    "resolve_agent",
]
