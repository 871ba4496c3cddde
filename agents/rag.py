"""``rag``: the large model (AgentOccam-style prompting) helped by trajectories retrieved from a knowledge base.

Each step the knowledge base (``-A kb=DIR``, built with ``python -m benchmarks.kb build``) is queried with
the task intent, the URL and the start of the observation; the top ``k`` trajectories are rendered and cut
to ``budget`` tokens, and shown to the model before the task as worked examples. ``-A retrieval=false``
keeps everything else identical (the ablation). The ids of the retrieved entries are saved in every
step's ``meta["retrieved"]``. The knowledge base holds redacted text only, so retrieval adds no private
data to a cloud prompt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baselines.occam import OccamAgent
from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm import Message
from symbiotic_gym.llm.tokens import truncate_to_tokens

_KB_CACHE: dict[str, Any] = {}


def load_kb(folder: str) -> Any:
    """The knowledge base saved in ``folder``, loaded once per process while it stays as saved (one saved
    again in the same folder, as a symbiosis iteration does, is loaded again)."""
    from symbiotic_gym.knowledge.base import KnowledgeBase

    files = (f for f in Path(folder).glob("*") if f.is_file())
    stamp = tuple(sorted((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    key = f"{folder}\0{stamp}"
    if key not in _KB_CACHE:
        _KB_CACHE[key] = KnowledgeBase.load(folder)
    return _KB_CACHE[key]


class RAGAgent(OccamAgent):
    @dataclass
    class Config(OccamAgent.Config):
        kb: str = ""  # knowledge-base folder
        retrieval: bool = True  # false: the same agent without retrieved examples (ablation)
        k: int = 3
        budget: int = 800  # tokens of retrieved examples in the prompt
        mode: str = "hybrid"  # bm25 | dense | hybrid

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        c = self.config
        if c.retrieval and not c.kb:
            raise SymbioticGymError("the rag agent needs -A kb=DIR (a knowledge base), or -A retrieval=false")
        self.kb = load_kb(c.kb) if c.retrieval else None
        self.examples = ""
        self.retrieved: list[str] = []

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        self.examples, self.retrieved = "", []

    def _retrieve(self, obs: Observation) -> None:
        if self.kb is None:
            return
        intent = str(obs.get("goal") or (self.task.intent if self.task else ""))
        query = f"{intent} {obs.get('url', '')} {str(obs.get('axtree_txt', ''))[:300]}"
        # an episode never retrieves its own task's earlier runs as examples of itself
        hits = [
            h
            for h in self.kb.search(query, self.config.k + 3, self.config.mode)
            if not self.task or h.entry.task_id != self.task.task_id
        ]
        hits = hits[: self.config.k]
        self.retrieved = [h.entry.id for h in hits]
        text = "\n\n".join(f"Example {i}:\n{h.entry.render()}" for i, h in enumerate(hits, 1))
        self.examples = truncate_to_tokens(text, self.config.budget, self.llm) if text else ""

    def build_messages(self, obs: Observation, pruned: str) -> list[Message]:
        messages = super().build_messages(obs, pruned)
        if self.examples:
            intro = (
                "EXAMPLES of earlier trajectories on similar tasks (they may be on other pages or fail; "
                "use them as hints, act on the current observation):\n"
            )
            messages[-1] = {"role": "user", "content": intro + self.examples + "\n\n" + messages[-1]["content"]}
        return messages

    def act(self, obs: Observation) -> AgentStep:
        self._retrieve(obs)
        step = super().act(obs)
        meta = dict(step.meta) if isinstance(step.meta, dict) else {}
        meta["retrieved"] = list(self.retrieved)
        c = self.config
        meta["retrieval"] = {"enabled": c.retrieval, "mode": c.mode, "k": c.k, "kb": c.kb}
        return AgentStep(step.action, step.rationale, meta)
