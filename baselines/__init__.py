"""Reference agents: oracle, random, vanilla prompting and AgentOccam-style.

They reach the agent registry as entry points (``[project.entry-points."symbiotic_gym.agents"]`` in
``pyproject.toml``), like any third-party agent; importing this package registers nothing.
"""

from symbiotic_gym._compat import alias_moved

# the shared LLM-agent base moved into the core (symbiotic_gym.agent.llm_base); the old path works for one release
alias_moved({"baselines.llm_agent": "symbiotic_gym.agent.llm_base"})
