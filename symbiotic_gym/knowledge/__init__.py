"""Knowledge base over trajectories: redacted entries, BM25 + dense retrieval fused by reciprocal rank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from symbiotic_gym.knowledge.entries import Entry, Step, entries_from_run

__all__ = ["Entry", "Step", "entries_from_run", "grow_knowledge_base"]


def grow_knowledge_base(
    folder: str | Path,
    runs: list[str | Path],
    *,
    iteration: int = 0,
    successful_only: bool = False,
    dense: bool = True,
) -> tuple[Any, int, int]:
    """Add the episodes of ``runs`` to the knowledge base in ``folder`` (created if missing) and save it.

    Returns (knowledge base, entries added, entries read); entries already present are not added twice.
    """
    from symbiotic_gym.knowledge.base import KnowledgeBase

    folder = Path(folder)
    kb = KnowledgeBase.load(folder) if (folder / "meta.json").exists() else KnowledgeBase(dense=dense)
    entries: list[Entry] = []
    for run in runs:
        entries += entries_from_run(run, iteration=iteration, successful_only=successful_only)
    added = kb.add(entries)
    kb.save(folder)
    return kb, added, len(entries)
