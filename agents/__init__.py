"""AgentSymbiotic's agents: ``hybrid`` (privacy routing) so far; rag, distilled and speculative follow."""

from __future__ import annotations

from agents import hybrid  # noqa: F401  (registration)
