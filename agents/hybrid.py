"""``hybrid``: AgentSymbiotic's privacy mode. Private steps go to the local agent, the rest to the cloud agent.

Two agents, not two models: the ``large`` side is any registered agent (default ``occam``; ``rag``
works) on the cloud model, the ``small`` side any agent (default ``distilled``) on the local model. Each
builds its own prompt in its own format, so a distilled student receives exactly the prompt it was
trained on. They share the episode: whichever side decides a step, the other is told the action and its
rationale (``note_step``) and shows it in its history next time.

Each step, before any model is asked, the local detector scans everything the cloud prompt would carry:
the goal, the URL, the observation, the last error and the cloud agent's history (which holds the local
agent's steps too).

* No private data found: the step goes to the ``large`` agent (cloud).
* Private data found: the step goes to the ``small`` agent (local), as do all later steps of the episode
  in sticky mode (the default): a cloud model should not see the rest of a private flow.
* The cloud agent's proposed action is scanned too, before it is executed or logged, together with the
  element it acts on in this step's observation (``fill('12', '0418247111')`` into ``textbox 'Telefon'``
  is a phone number); if it holds private data, it is discarded (the cloud agent's state is rolled back)
  and the local agent decides instead.

With no cloud key the large role falls back to the local model (said once on stderr, recorded in the
run's ``config.json``); hybrid then runs the small agent on both sides, as the cloud agent's prompt was
not made for the local model. ``style=occam|vanilla`` keeps the older single-agent mode: one prompting
agent whose model is swapped.

Every step records its route, the side's agent and the private-data types found (``meta["privacy"]``),
never the values. The run's audit log (``cloud_requests.jsonl``) records what was actually sent to the
cloud; ``python -m benchmarks.privacy_audit`` checks it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo, make_agent, resolve_agent
from symbiotic_gym.agent.llm_base import LLMAgentBase
from symbiotic_gym.agent.types import AgentHooks, config_field_names
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.privacy import Detector, Policy, default_detector
from symbiotic_gym.privacy.fields import action_with_target


def _state(agent: Any) -> dict[str, Any]:
    """The agent's episode state, without its model handle (restorable after a discarded step)."""
    return {k: copy.deepcopy(v) for k, v in vars(agent).items() if k not in ("_llm", "task")}


def _side_args(extra: str, field_name: str) -> dict[str, Any]:
    """A side's own arguments: ``extra``, a JSON object (``{"kb": "runs/kb"}`` for rag)."""
    import json

    try:
        more = json.loads(extra) if extra.strip() else {}
    except json.JSONDecodeError as err:
        raise SymbioticGymError(
            f'hybrid: {field_name} must be a JSON object, e.g. \'{{"kb": "runs/kb"}}\' ({err})'
        ) from None
    if not isinstance(more, dict):
        raise SymbioticGymError(f"hybrid: {field_name} must be a JSON object, got {extra!r}")
    return more


def _side_config(spec: str, model: str, temperature: float, more: dict[str, Any]) -> dict[str, Any]:
    """One side's arguments: its model and temperature when its Config has those fields, then ``more``."""
    names = config_field_names(resolve_agent(spec))
    args = {k: v for k, v in (("model", model), ("temperature", temperature)) if k in names}
    return {**args, **more}


def _side(spec: str, model: str, temperature: float, extra: str, field_name: str) -> Any:
    """One side's agent, built from :func:`_side_config` with ``extra`` (a JSON object of its own arguments)."""
    return make_agent(spec, _side_config(spec, model, temperature, _side_args(extra, field_name)))


class HybridAgent(ConfiguredAgent):
    @dataclass
    class Config:
        large_agent: str = "occam"  # cloud side: any registered agent (occam, rag, vanilla, ...)
        small_agent: str = "distilled"  # local side: any agent (default the shipped distilled student)
        large: str = "large"  # the cloud side's model: a role or a model spec
        small: str = "small"  # the local side's model: a role, a spec, or local:/path/to/adapter
        large_args: str = ""  # JSON object of the cloud agent's own arguments, e.g. {"kb": "runs/kb"} for rag
        small_args: str = ""  # JSON object of the local agent's own arguments
        style: str = ""  # occam or vanilla: the single-agent mode (one prompting agent, its model swapped)
        sticky: bool = True  # once a step is private, stay local for the rest of the episode
        private_types: str = ""  # comma-separated finding types that count (default: all)
        min_score: float = 0.5
        temperature: float = 0.0

    config: Config

    @classmethod
    def settle_args(cls, args: Mapping[str, Any]) -> dict[str, Any]:
        """The run's arguments as the runner records them: each side's own installation-dependent defaults
        (the ``settle_args`` of its agent, e.g. the distilled student's exemplar guidance) written into
        ``small_args`` / ``large_args``, so runs that behave differently never share a label."""
        import json

        out = dict(args)
        defaults = cls.Config()
        if out.get("style", defaults.style):
            return out
        for side in ("small", "large"):
            spec = str(out.get(f"{side}_agent", getattr(defaults, f"{side}_agent")))
            agent_cls = resolve_agent(spec)
            if not (isinstance(agent_cls, type) and issubclass(agent_cls, AgentHooks)):
                continue  # an agent without the declared hooks settles nothing
            key = f"{side}_args"
            more = _side_args(str(out.get(key, "")), key)
            model = str(out.get(side, getattr(defaults, side)))
            base = _side_config(spec, model, float(out.get("temperature", defaults.temperature)), {})
            settled = agent_cls.settle_args({**base, **more})
            own = {k: v for k, v in settled.items() if k in more or base.get(k, object()) != v}
            if own != more:
                out[key] = json.dumps(own, sort_keys=True)
        return out

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        c = self.config
        if c.style and c.style not in ("occam", "vanilla"):
            raise ValueError(f"style must be occam or vanilla, got {c.style!r}")
        if c.style:
            self.large_side: Any = make_agent(c.style, {"model": c.large, "temperature": c.temperature})
            self.small_side: Any = self.large_side
            self.large_fallback: str | None = None
        else:
            self.small_side = _side(c.small_agent, c.small, c.temperature, c.small_args, "small_args")
            self.large_side = self._large_side()
        types = frozenset(t.strip() for t in c.private_types.split(",") if t.strip())
        self.detector: Detector = (
            Detector(Policy(private_types=types, min_score=c.min_score))
            if types or c.min_score != 0.5
            else default_detector()
        )
        self.private_episode = False
        self.seen_types: set[str] = set()

    def _large_side(self) -> Any:
        """The cloud agent; with the large role fallen back to the local model, the small agent itself."""
        from symbiotic_gym.llm.registry import settings

        c = self.config
        if c.large == "large" and settings().fallback_reason:
            self.large_fallback = settings().fallback_reason
            return self.small_side
        self.large_fallback = None
        return _side(c.large_agent, c.large, c.temperature, c.large_args, "large_args")

    @property
    def agent(self) -> Any:
        """The cloud side's agent (what the detector scans); kept under its old name."""
        return self.large_side

    def reset(self, task: TaskInfo) -> None:
        self.large_side.reset(task)
        if self.small_side is not self.large_side:
            self.small_side.reset(task)
        self.private_episode = False
        self.seen_types = set()

    def outgoing_texts(self, obs: Observation) -> list[str]:
        """Everything a cloud prompt built from this observation could carry."""
        texts = [str(obs.get(k) or "") for k in ("goal", "url", "axtree_txt", "last_action_error")]
        if isinstance(self.large_side, LLMAgentBase):  # a prompting agent declares what else its prompt carries
            texts += [t for t in self.large_side.prompt_texts() if t]
        return texts

    def _cloud_step(self, obs: Observation) -> AgentStep:
        if self.small_side is self.large_side:
            self.large_side.use_model(self.config.large)
        return self.large_side.act(obs)

    def _local_step(self, obs: Observation) -> AgentStep:
        if self.small_side is self.large_side and isinstance(self.small_side, LLMAgentBase):
            self.small_side.use_model(self.config.small)
        return self.small_side.act(obs)

    def act(self, obs: Observation) -> AgentStep:
        found = self.detector.types(self.outgoing_texts(obs))
        self.seen_types.update(found)
        private = bool(found) or (self.config.sticky and self.private_episode)
        reason = "private data in the prompt" if found else ("sticky: earlier step was private" if private else "")
        discarded: list[str] = []
        fallback = self.small_side is self.large_side and not self.config.style
        if not private and not fallback:
            saved = _state(self.large_side)
            step = self._cloud_step(obs)
            # the action is read with the element it acts on: fill('12', x) into a password or phone field
            action = action_with_target(step.action, str(obs.get("axtree_txt") or ""))
            leaked = self.detector.types([action, step.rationale])
            if not leaked:
                self._tell(self.small_side, step, obs)
                return self._record(step, "cloud", found, reason="no private data", discarded=[])
            # the cloud agent proposed private data: drop its step, let the local agent decide
            for k, v in saved.items():
                setattr(self.large_side, k, v)
            discarded, reason, private = leaked, "the cloud agent's action held private data", True
            self.seen_types.update(leaked)
        elif not private:
            reason = "no cloud model: the large role fell back to the local model"
        self.private_episode = self.private_episode or private
        step = self._local_step(obs)
        self._tell(self.large_side, step, obs)
        return self._record(step, "local", found, reason=reason, discarded=discarded)

    def _tell(self, other: Any, step: AgentStep, obs: Observation) -> None:
        """Share a step with the side that did not decide it (with the page it was taken on, to a side whose
        ``note_step`` takes ``obs``: a student that names elements writes the action by name)."""
        if other is self.large_side and other is self.small_side:
            return
        if isinstance(other, LLMAgentBase):  # the base declares note_step; other agents keep their own history
            other.note_step(step.action, step.rationale, obs=obs)

    def _record(
        self, step: AgentStep, decided: str, found: list[str], *, reason: str, discarded: list[str]
    ) -> AgentStep:
        meta = dict(step.meta) if isinstance(step.meta, dict) else {}
        name = self.config.large_agent if decided == "cloud" else self.config.small_agent
        meta["privacy"] = {
            "decided_route": decided,
            "agent": self.config.style or name,
            "types": found,
            "episode_types": sorted(self.seen_types),
            "sticky": self.config.sticky and self.private_episode,
            "reason": reason,
            "discarded_cloud_action_types": discarded,
        }
        return AgentStep(step.action, step.rationale, meta)
