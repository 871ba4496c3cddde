"""Run BrowserGym agents and AgentLab ``AgentArgs`` unchanged: ``get_action(obs) -> (action, info)``.

The adapter turns our observation into BrowserGym's (``goal_object``, ``chat_messages``,
``open_pages_urls``, ``active_page_index`` and ``elapsed_time`` as arrays, ``axtree_txt``, and the raw
keys ``dom_object``, ``axtree_object``, ``extra_element_properties``, ``screenshot``,
``focused_element_bid``, which the env computes because the adapter declares them: :attr:`obs_keys`),
calls the agent's own ``obs_preprocessor`` when it has one, and maps ``info`` (a dict or AgentLab's
``AgentInfo``) to the rationale (``think``) and usage (``stats``).

AgentLab agents are given as their ``AgentArgs`` (e.g. ``GenericAgentArgs``): as AgentLab does, the adapter
calls ``set_benchmark(benchmark, demo_mode=False)`` with a BrowserGym ``Benchmark`` describing the suite
being run (its name and its BrowserGym action set, :func:`suite_action_set`), then ``make_agent()``.

Use it with ``--agent browsergym -A agent=package.module:AgentClass -A args='{"temperature": 0}'``, or pass
``--agent package.module:AgentClass`` (or ``package.module:AGENT_ARGS_OBJECT``) directly: classes with
``get_action`` and no ``act``, and AgentLab ``AgentArgs``, are wrapped automatically. ``-A obs_keys=``
(empty) keeps a text-only agent on the fast path; an agent may also declare ``obs_keys`` itself.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from symbiotic_gym.agent.types import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.loading import import_object
from symbiotic_gym.web.raw_obs import BROWSERGYM_KEYS, RAW_KEYS, obs_keys_of

# BrowserGym's action subsets per suite: embedded and WebArena tasks use BrowserGym's WebArena set, MiniWoB++
# BrowserGym's miniwob_all (coordinates included), the sets AgentLab's benchmarks of the same name use
DEFAULT_ACTION_SET = "webarena"


def _not_requested(key: str) -> SymbioticGymError:
    return SymbioticGymError(
        f"This BrowserGym agent reads obs[{key!r}], which was not requested: run it with "
        f"-A obs_keys={key} (or obs_keys=browsergym for all of stock BrowserGym's keys)."
    )


class _StrictObs(dict):
    """A dict that explains, instead of a bare KeyError, which BrowserGym keys were not requested."""

    def __missing__(self, key: str) -> Any:
        if key in RAW_KEYS:
            raise _not_requested(key)
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
        last_action=obs.get("last_action", ""),
        last_action_error=obs.get("last_action_error", ""),
        elapsed_time=np.asarray([float(obs.get("elapsed_time", 0.0))]),
    )
    for key in RAW_KEYS:
        if key in obs:
            out[key] = obs[key]
    return out


@runtime_checkable
class BrowserGymSuite(Protocol):
    """What the adapter reads of a suite to describe it to a BrowserGym/AgentLab agent (every built-in
    suite has it through :class:`symbiotic_gym.suites.SuiteHooks`); any other suite is described as the
    embedded one is: the ``webarena`` action set, several tabs."""

    name: str
    browsergym_action_set: str
    multi_tab: bool


@dataclass(frozen=True)
class _SuiteDescription:
    name: str
    browsergym_action_set: str
    multi_tab: bool


def _describe(suite: object) -> BrowserGymSuite:
    if isinstance(suite, BrowserGymSuite):
        return suite
    return _SuiteDescription("embedded", DEFAULT_ACTION_SET, True)


def suite_action_set(suite: object) -> tuple[str, bool]:
    """The BrowserGym action subset a suite is run with, and whether it is multi-tab."""
    described = _describe(suite)
    return str(described.browsergym_action_set), bool(described.multi_tab)


_EMBEDDED = _SuiteDescription("embedded", DEFAULT_ACTION_SET, True)


def make_benchmark(suite: Any) -> Any:
    """A BrowserGym ``Benchmark`` describing ``suite`` for ``AgentArgs.set_benchmark``: its name, action set
    and tabs (the tasks themselves are run by symbiotic-gym, so its task list is empty)."""
    import pandas as pd
    from browsergym.experiments.benchmark import Benchmark, HighLevelActionSetArgs

    subset, multi_tab = suite_action_set(suite)
    return Benchmark(
        name=str(_describe(suite).name),
        high_level_action_set_args=HighLevelActionSetArgs(subsets=[subset], multiaction=False, strict=False),
        is_multi_tab=multi_tab,
        supports_parallel_seeds=True,
        backends=[],
        env_args_list=[],
        task_metadata=pd.DataFrame({"task_name": pd.Series([], dtype=str)}),
    )


def offline_defaults() -> None:
    """Point third-party agent code at the files its libraries ship, so that it runs with no network:
    litellm's bundled tiktoken files (``TIKTOKEN_CACHE_DIR``; AgentLab sizes its prompts with tiktoken, which
    otherwise downloads ``cl100k_base``). litellm's bundled cost map is set by the package itself
    (``symbiotic_gym/__init__.py``). Values the user set are kept."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        import importlib.util

        spec = importlib.util.find_spec("litellm")
        if spec is not None and spec.submodule_search_locations:
            folder = os.path.join(next(iter(spec.submodule_search_locations)), "litellm_core_utils", "tokenizers")
            if os.path.isdir(folder):
                os.environ["TIKTOKEN_CACHE_DIR"] = folder


@runtime_checkable
class BrowserGymAgent(Protocol):
    """BrowserGym's agent interface (``browsergym.experiments.Agent``), as third-party agents implement it
    without inheriting anything of ours: ``get_action(obs) -> (action, info)``. BrowserGym's optional parts
    (``obs_preprocessor``, ``reset``, AgentLab's ``obs_keys``) are looked up on the object where used: they
    belong to those libraries, which declare no type for them."""

    def get_action(self, obs: Any) -> Any: ...


@runtime_checkable
class AgentLabArgs(Protocol):
    """AgentLab's ``AgentArgs``: an object that builds the agent with ``make_agent()`` (``set_benchmark`` is
    optional)."""

    def make_agent(self) -> Any: ...


def is_agent_args(obj: Any) -> bool:
    """An AgentLab ``AgentArgs`` (an object that builds the agent with ``make_agent()``)."""
    return not isinstance(obj, type) and isinstance(obj, AgentLabArgs) and not isinstance(obj, BrowserGymAgent)


def _info_fields(info: Any) -> tuple[str, dict[str, Any]]:
    if info is None:
        return "", {}
    if isinstance(info, Mapping):
        think, stats = info.get("think", ""), info.get("stats", {})
    else:
        think, stats = getattr(info, "think", ""), getattr(info, "stats", {})
    return str(think or ""), dict(stats or {})


def _load(spec: str) -> Any:
    offline_defaults()
    if ":" not in spec:
        raise SymbioticGymError(f"-A agent={spec!r} must look like package.module:Class")
    try:
        return import_object(spec)
    except (ImportError, AttributeError) as err:
        raise SymbioticGymError(f"Cannot load the BrowserGym agent {spec!r}: {err}") from err


class BrowserGymAdapter(ConfiguredAgent):
    """Wraps a BrowserGym agent (``get_action(obs) -> (action, info)``) or AgentLab ``AgentArgs``."""

    @dataclass
    class Config:
        agent: Any = ""  # package.module:Class or :OBJECT (a factory, an AgentArgs), or an agent object
        args: Any = "{}"  # JSON keyword arguments for it (or a mapping)
        route: str = "cloud"  # where its model runs (for token accounting): cloud or local
        # raw observation keys to compute: "browsergym" (stock BrowserGym's), "" (none: text-only agents),
        # a comma list, or None: what the agent declares as obs_keys, else "browsergym"
        obs_keys: Any = None

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        offline_defaults()
        agent, args, route = self.config.agent, self.config.args, self.config.route
        if route not in ("cloud", "local"):
            raise SymbioticGymError(f"route must be cloud or local, got {route!r}")
        if isinstance(agent, str):
            if not agent:
                raise SymbioticGymError("The browsergym adapter needs -A agent=package.module:Class")
            kwargs = json.loads(args) if isinstance(args, str) else dict(args)
            agent = _load(agent)
            if callable(agent) and not is_agent_args(agent):
                agent = agent(**kwargs)
            elif kwargs:
                raise SymbioticGymError(f"{self.config.agent} is an object, not a class: it takes no args")
        self.agent_args: Any = None  # AgentLab AgentArgs: the agent is built per suite (set_benchmark)
        self.inner: Any = None
        self._suite_name: str | None = None
        if is_agent_args(agent):
            self.agent_args = copy.deepcopy(agent)  # set_benchmark changes its flags: not the caller's object
        elif isinstance(agent, BrowserGymAgent):
            self.inner = agent
        else:
            raise SymbioticGymError(f"{type(agent).__name__} has no get_action(obs) method (nor make_agent())")
        declared = self.config.obs_keys
        if declared is None:
            declared = getattr(self.inner if self.inner is not None else self.agent_args, "obs_keys", None)
        self.obs_keys = obs_keys_of(BROWSERGYM_KEYS if declared is None else declared)

    def bind_suite(self, suite: Any) -> None:
        """Called by the harness before each episode: an AgentArgs is told the benchmark (once per suite)
        and builds its agent, as AgentLab's experiment loop does."""
        name = str(_describe(suite).name)
        if self.agent_args is None or name == self._suite_name:
            return
        args = copy.deepcopy(self.agent_args)
        set_benchmark = getattr(args, "set_benchmark", None)
        if callable(set_benchmark):
            set_benchmark(make_benchmark(suite), demo_mode=False)
        self.inner = args.make_agent()
        self._suite_name = name

    def reset(self, task: TaskInfo) -> None:
        if self.inner is None:  # used outside the harness without bind_suite(suite): the embedded suite's
            self.bind_suite(_EMBEDDED)
        reset = getattr(self.inner, "reset", None)
        if callable(reset):
            reset()

    def act(self, obs: Observation) -> AgentStep:
        bg_obs = to_browsergym_obs(obs)
        pre = getattr(self.inner, "obs_preprocessor", None)
        try:
            if callable(pre):
                bg_obs = pre(bg_obs)
            action, info = self.inner.get_action(bg_obs)
        except KeyError as err:  # BrowserGym's default preprocessor copies obs into a plain dict first
            key = err.args[0] if err.args else None
            if key in RAW_KEYS and key not in self.obs_keys:
                raise _not_requested(key) from err
            raise
        think, stats = _info_fields(info)
        usage = {
            "tokens_in": int(stats.get("input_tokens", stats.get("tokens_in", 0)) or 0),
            "tokens_out": int(stats.get("output_tokens", stats.get("tokens_out", 0)) or 0),
            "cost": float(stats.get("cost", 0.0) or 0.0),
        }
        return AgentStep(
            "" if action is None else str(action),
            think,
            {"usage": usage, "route": self.config.route, "browsergym_stats": stats},
        )
