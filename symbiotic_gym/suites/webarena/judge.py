"""WebArena's LLM-judged checks (``fuzzy_match``, and the reason check of "N/A" answers) through our LLM layer.

The judge is any model spec our LLM layer takes (``anthropic/...``, ``openai/...``,
``openai/NAME@http://host/v1``, ``local``). It reaches the task in the run's settings
(``RunConfig.judge_model``; the CLI's ``--judge-model``, whose default is ``SYMBIOTIC_JUDGE_MODEL``), and
is in force while that task evaluates (:func:`using`): libwebarena's judge functions are module globals,
so the model they call is held in a context variable, not in the environment. Its calls go through the
run's record/replay cache like every other call. With no judge configured the
checks raise :class:`NoJudgeError`, and the task is reported as *not scored* (left out of the success
rate, and counted), never silently as a pass or a fail.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from symbiotic_gym.errors import SymbioticGymError

JUDGE_ENV = "SYMBIOTIC_JUDGE_MODEL"  # the CLI's default for --judge-model (read there, never here)
_JUDGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("symbiotic_judge_model", default=None)


class NoJudgeError(SymbioticGymError):
    """A check needs an LLM judge and none is configured."""


def judge_model() -> str | None:
    """The judge in force (inside :func:`using`), or None."""
    return _JUDGE.get()


@contextlib.contextmanager
def using(model: str | None) -> Iterator[None]:
    """Make ``model`` the judge of the checks run inside the block."""
    token = _JUDGE.set(model or None)
    try:
        yield
    finally:
        _JUDGE.reset(token)


SYSTEM = "You grade answers to web tasks. Reply with exactly one of: correct, incorrect, partially correct."


def _verdict(prompt: str) -> tuple[float, str]:
    model = judge_model()
    if not model:
        raise NoJudgeError(
            f"this check needs an LLM judge: pass --judge-model SPEC (or set {JUDGE_ENV}; RunConfig.judge_model)"
        )
    from symbiotic_gym.llm import get_llm

    reply = get_llm(model).complete(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}], temperature=0.0, max_tokens=16
    )[0]
    text = reply.text.strip().lower()
    # "incorrect" and "partially correct" both contain "correct": only a plain "correct" passes
    passed = "correct" in text and "incorrect" not in text and "partially" not in text
    return float(passed), text


def fuzzy_match(pred: str, reference: str, question: str) -> float:
    """1.0 when the judge finds ``pred`` semantically equivalent to ``reference`` for ``question``."""
    prompt = (
        f"Question: {question}\n"
        f"Reference answer: {reference}\n"
        f"Answer to grade: {pred}\n"
        "The answer is correct if it states the same facts as the reference answer, even if worded "
        "differently or with extra detail that does not contradict it. Verdict:"
    )
    return _verdict(prompt)[0]


def unachievable_match(pred: str, reference: str, question: str) -> float:
    """1.0 when the judge finds that ``pred`` reports the task as unachievable for the reason in ``reference``."""
    prompt = (
        f"Task: {question}\n"
        f"The task cannot be done, because: {reference}\n"
        f"Answer to grade: {pred}\n"
        "The answer is correct if it says the task cannot be done and gives this reason (or an equivalent "
        "one). Verdict:"
    )
    return _verdict(prompt)[0]
