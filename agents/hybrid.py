"""``hybrid``: AgentSymbiotic's privacy mode. Private steps go to the local small model, the rest to the cloud.

Each step, before any model is asked, the local detector scans everything the prompt would carry: the
goal, the URL, the observation, the last error and the history of earlier actions and their rationales.

* No private data found: the step goes to the ``large`` model (cloud).
* Private data found: the step goes to the ``small`` model (local), as do all later steps of the episode
  in sticky mode (the default): a cloud model should not see the rest of a private flow.
* The cloud model's proposed action is scanned too, before it is executed or logged; if it holds
  private data, it is discarded and the local model decides the step instead.

Both sides are the same prompting agent (``style``: ``occam`` or ``vanilla``) sharing one history, so
switching models mid-episode loses nothing. Every step records its route and the private-data types
found (``meta["privacy"]``), never the values. The run's audit log (``cloud_requests.jsonl``) records what
was actually sent to the cloud; ``python -m benchmarks.privacy_audit`` checks it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo, make_agent
from symbiotic_gym.privacy import Detector, Policy, default_detector


def _state(agent: Any) -> dict[str, Any]:
    """The agent's episode state, without its model handle (restorable after a discarded step)."""
    return {k: copy.deepcopy(v) for k, v in vars(agent).items() if k not in ("_llm", "task")}


class HybridAgent(ConfiguredAgent):
    @dataclass
    class Config:
        style: str = "occam"  # the prompting agent both models run: occam or vanilla
        large: str = "large"  # cloud side: a role or a model spec
        small: str = "small"  # local side: a role, a model spec, or local:/path/to/adapter
        sticky: bool = True  # once a step is private, stay local for the rest of the episode
        private_types: str = ""  # comma-separated finding types that count (default: all)
        min_score: float = 0.5
        temperature: float = 0.0

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        c = self.config
        if c.style not in ("occam", "vanilla"):
            raise ValueError(f"style must be occam or vanilla, got {c.style!r}")
        self.agent: Any = make_agent(c.style, {"model": c.large, "temperature": c.temperature})
        types = frozenset(t.strip() for t in c.private_types.split(",") if t.strip())
        self.detector: Detector = (
            Detector(Policy(private_types=types, min_score=c.min_score))
            if types or c.min_score != 0.5
            else default_detector()
        )
        self.private_episode = False
        self.seen_types: set[str] = set()

    def reset(self, task: TaskInfo) -> None:
        self.agent.reset(task)
        self.private_episode = False
        self.seen_types = set()

    def _use(self, model: str) -> None:
        self.agent.use_model(model)

    def outgoing_texts(self, obs: Observation) -> list[str]:
        """Everything a prompt built from this observation could carry."""
        texts = [str(obs.get(k) or "") for k in ("goal", "url", "axtree_txt", "last_action_error")]
        task = getattr(self.agent, "task", None)
        if task is not None:
            texts.append(task.intent)
        for item in getattr(self.agent, "history", []) or []:
            texts.append(str(item if isinstance(item, str) else vars(item) if hasattr(item, "__dict__") else item))
        texts += [str(n) for n in getattr(self.agent, "notes", []) or []]
        texts.append(str(getattr(self.agent, "pending_error", "") or ""))
        return texts

    def act(self, obs: Observation) -> AgentStep:
        found = self.detector.types(self.outgoing_texts(obs))
        self.seen_types.update(found)
        private = bool(found) or (self.config.sticky and self.private_episode)
        reason = "private data in the prompt" if found else ("sticky: earlier step was private" if private else "")
        discarded: list[str] = []
        if not private:
            saved = _state(self.agent)
            self._use(self.config.large)
            step = self.agent.act(obs)
            leaked = self.detector.types([step.action, step.rationale])
            if not leaked:
                return self._record(step, "cloud", found, reason="no private data", discarded=[])
            # the cloud model proposed private data: drop its step, let the local model decide
            for k, v in saved.items():
                setattr(self.agent, k, v)
            discarded, reason, private = leaked, "the cloud model's action held private data", True
            self.seen_types.update(leaked)
        self.private_episode = self.private_episode or private
        self._use(self.config.small)
        step = self.agent.act(obs)
        return self._record(step, "local", found, reason=reason, discarded=discarded)

    def _record(
        self, step: AgentStep, decided: str, found: list[str], *, reason: str, discarded: list[str]
    ) -> AgentStep:
        meta = dict(step.meta) if isinstance(step.meta, dict) else {}
        meta["privacy"] = {
            "decided_route": decided,
            "types": found,
            "episode_types": sorted(self.seen_types),
            "sticky": self.config.sticky and self.private_episode,
            "reason": reason,
            "discarded_cloud_action_types": discarded,
        }
        return AgentStep(step.action, step.rationale, meta)
