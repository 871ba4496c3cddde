"""Reference agents: oracle, random, vanilla prompting, AgentOccam-style, and the BrowserGym adapter."""

from __future__ import annotations

from baselines import browsergym_adapter, occam, oracle, random_agent, vanilla  # noqa: F401  (registration)
