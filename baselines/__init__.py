"""Reference agents: the scripted oracle and the random baseline (more baselines register here)."""

from __future__ import annotations

from baselines import oracle, random_agent  # noqa: F401  (registration side effect)
