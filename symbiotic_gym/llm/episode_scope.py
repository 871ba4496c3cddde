"""The episode an LLM call belongs to: its name, seed and per-request occurrence counters.

The record/replay cache keys a request by its occurrence within the episode, and in-process sampling seeds
itself from the episode (``llm.local.sampling_seed``); both read this one scope, which the harness resets
before each episode (``begin_episode``). It is its own module so that neither of them imports the other.
"""

from __future__ import annotations

import threading


class _Scope:
    """The current episode (its name and seed) and occurrence counters per request key; reset at the start of
    every episode."""

    def __init__(self) -> None:
        self.name = ""
        self.seed = 0
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def next_index(self, key: str) -> int:
        with self.lock:
            i = self.counts.get(key, 0)
            self.counts[key] = i + 1
            return i

    def reset(self, name: str, seed: int = 0) -> None:
        with self.lock:
            self.name, self.seed, self.counts = name, seed, {}


SCOPE = _Scope()


def begin_episode(name: str, seed: int = 0) -> None:
    """Restart occurrence counting (the harness calls this before each episode, with the run's seed). The
    episode's name keys the cache; name and seed also seed in-process sampling (llm.local.sampling_seed)."""
    SCOPE.reset(name, seed)
