"""Run BrowserGym/AgentLab-style agents unchanged: ``get_action(obs) -> (action, info)``.

The adapter turns our observation into BrowserGym's observation keys (``goal_object``, ``chat_messages``,
``open_pages_urls``, ``active_page_index`` as an array, ``axtree_txt``...), calls the agent's own
``obs_preprocessor`` when it has one, and maps ``info`` (a dict or AgentLab's ``AgentInfo``) to the
rationale (``think``) and usage (``stats``). Raw CDP objects (``axtree_object``, ``dom_object``,
``screenshot``) are not part of our text observation; an agent that reads them gets a clear error.

Use it with ``--agent browsergym -A agent=package.module:AgentClass -A args='{"temperature": 0}'``, or pass
``--agent package.module:AgentClass`` directly: classes with ``get_action`` and no ``act`` are wrapped
automatically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent_types import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.loading import import_object

NOT_PROVIDED = ("axtree_object", "dom_object", "screenshot", "extra_element_properties")


class _StrictObs(dict):
    """A dict that explains, instead of a bare KeyError, which BrowserGym keys we do not provide."""

    def __missing__(self, key: str) -> Any:
        if key in NOT_PROVIDED:
            raise SymbioticGymError(
                f"This BrowserGym agent reads obs[{key!r}], which symbiotic-gym's text observation does not "
                "provide. Use an agent configuration that reads obs['axtree_txt'] instead."
            )
        raise KeyError(key)


def to_browsergym_obs(obs: Observation) -> dict[str, Any]:
    import numpy as np

    goal = str(obs.get("goal", ""))
    chat = [
        {"role": m.get("role", ""), "message": m.get("message", m.get("content", ""))}
        for m in obs.get("chat_messages", ())
    ]
    out = _StrictObs(
        goal=goal,
        goal_object=[{"type": "text", "text": goal}],
        chat_messages=chat,
        url=obs.get("url", ""),
        open_pages_urls=list(obs.get("open_pages_urls", ())),
        open_pages_titles=list(obs.get("open_pages_titles", ())),
        active_page_index=np.asarray([int(obs.get("active_page_index", 0))]),
        axtree_txt=obs.get("axtree_txt", ""),
        pruned_html="",
        last_action=obs.get("last_action", ""),
        last_action_error=obs.get("last_action_error", ""),
        elapsed_time=np.asarray([float(obs.get("elapsed_time", 0.0))]),
        focused_element_bid="",
    )
    return out


def _info_fields(info: Any) -> tuple[str, dict[str, Any]]:
    if info is None:
        return "", {}
    if isinstance(info, Mapping):
        think, stats = info.get("think", ""), info.get("stats", {})
    else:
        think, stats = getattr(info, "think", ""), getattr(info, "stats", {})
    return str(think or ""), dict(stats or {})


def _load(spec: str) -> Any:
    if ":" not in spec:
        raise SymbioticGymError(f"-A agent={spec!r} must look like package.module:Class")
    try:
        return import_object(spec)
    except (ImportError, AttributeError) as err:
        raise SymbioticGymError(f"Cannot load the BrowserGym agent {spec!r}: {err}") from err


class BrowserGymAdapter(ConfiguredAgent):
    """Wraps any object with ``get_action(obs) -> (action, info)`` as a symbiotic-gym agent."""

    @dataclass
    class Config:
        agent: Any = ""  # package.module:Class (or a factory function), or an agent object
        args: Any = "{}"  # JSON keyword arguments for it (or a mapping)
        route: str = "cloud"  # where its model runs (for token accounting): cloud or local

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        agent, args, route = self.config.agent, self.config.args, self.config.route
        if route not in ("cloud", "local"):
            raise SymbioticGymError(f"route must be cloud or local, got {route!r}")
        if isinstance(agent, str):
            if not agent:
                raise SymbioticGymError("The browsergym adapter needs -A agent=package.module:Class")
            kwargs = json.loads(args) if isinstance(args, str) else dict(args)
            agent = _load(agent)(**kwargs)
        if not callable(getattr(agent, "get_action", None)):
            raise SymbioticGymError(f"{type(agent).__name__} has no get_action(obs) method")
        self.inner = agent

    def reset(self, task: TaskInfo) -> None:
        reset = getattr(self.inner, "reset", None)
        if callable(reset):
            reset()

    def act(self, obs: Observation) -> AgentStep:
        bg_obs = to_browsergym_obs(obs)
        pre = getattr(self.inner, "obs_preprocessor", None)
        if callable(pre):
            bg_obs = pre(bg_obs)
        action, info = self.inner.get_action(bg_obs)
        think, stats = _info_fields(info)
        usage = {
            "tokens_in": int(stats.get("input_tokens", stats.get("tokens_in", 0)) or 0),
            "tokens_out": int(stats.get("output_tokens", stats.get("tokens_out", 0)) or 0),
            "cost": float(stats.get("cost", 0.0) or 0.0),
        }
        return AgentStep(
            str(action or ""), think, {"usage": usage, "route": self.config.route, "browsergym_stats": stats}
        )
