"""AgentSymbiotic's agents: ``hybrid`` (privacy routing), ``rag`` (knowledge-base retrieval), ``distilled``
(a trained small model) and ``speculative`` (student/teacher data synthesis).

They reach the agent registry as entry points declared in ``pyproject.toml``; importing this package
registers nothing.
"""
