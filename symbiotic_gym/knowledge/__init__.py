"""Knowledge base over trajectories: redacted entries, BM25 + dense retrieval fused by reciprocal rank."""

from __future__ import annotations

from symbiotic_gym.knowledge.entries import Entry, Step, entries_from_run

__all__ = ["Entry", "Step", "entries_from_run"]
