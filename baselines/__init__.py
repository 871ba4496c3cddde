"""Reference agents: oracle, random, vanilla prompting and AgentOccam-style.

They reach the agent registry as entry points (``[project.entry-points."symbiotic_gym.agents"]`` in
``pyproject.toml``), like any third-party agent; importing this package registers nothing.
"""
