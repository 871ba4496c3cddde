"""What a task may add to BrowserGym's task interface for :class:`~symbiotic_gym.web.env.WebEnv`.

A task is a BrowserGym ``AbstractBrowserTask`` (``setup``, ``validate``, ``teardown``, ...). The env calls
the hooks below on tasks that inherit :class:`TaskHooks` (every built-in suite's tasks do); any other task
gets the defaults: no declared origins, nobody told about refused requests, no scoring of an answer.
"""

from __future__ import annotations

from typing import Any, Protocol


class AnswerScore(Protocol):
    """The result of scoring an answer (a suite's evaluator result)."""

    score: float | None

    def to_info(self) -> dict[str, Any]: ...


class TaskHooks:
    """Optional task hooks with do-nothing defaults.

    ``allowed_origins()``: the origins the task's browser may reach (its sites); empty: only what the env
    was given as its extra boundary. ``on_blocked(blocked)``: told each request the navigation boundary
    refused (``{"method", "url"}``; a prompt-injection task scores security from them).
    ``evaluate_answer(page, answer)``: scores ``answer`` on ``page`` when an episode runs out of steps
    (WebArena semantics: as the empty answer); None when the task scores only in ``validate``.
    """

    def allowed_origins(self) -> list[str]:
        return []

    def on_blocked(self, blocked: list[dict[str, str]]) -> None:
        return None

    def evaluate_answer(self, page: Any, answer: str) -> AnswerScore | None:
        return None
