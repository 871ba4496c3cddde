"""AgentSymbiotic's agents: ``hybrid`` (privacy routing), ``rag`` (knowledge-base retrieval), ``distilled``
(a trained small model) and ``speculative`` (student/teacher data synthesis)."""

from __future__ import annotations

from agents import distilled, hybrid, rag, speculative  # noqa: F401  (registration)
