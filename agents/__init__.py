"""AgentSymbiotic's agents: ``hybrid`` (privacy routing) and ``rag`` (knowledge-base retrieval)."""

from __future__ import annotations

from agents import hybrid, rag  # noqa: F401  (registration)
