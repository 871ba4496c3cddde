"""WebArena's LLM-judged checks (``fuzzy_match``, and the reason check of "N/A" answers) through our LLM layer.

The judge is any model spec our LLM layer takes (``anthropic/...``, ``openai/...``,
``openai/NAME@http://host/v1``, ``local``), set with ``--judge-model`` or ``SYMBIOTIC_JUDGE_MODEL``. Its
calls go through the run's record/replay cache like every other call. With no judge configured the
checks raise :class:`NoJudgeError`, and the task is reported as *not scored* (left out of the success
rate, and counted), never silently as a pass or a fail.
"""

from __future__ import annotations

import os

from symbiotic_gym.errors import SymbioticGymError

JUDGE_ENV = "SYMBIOTIC_JUDGE_MODEL"


class NoJudgeError(SymbioticGymError):
    """A check needs an LLM judge and none is configured."""


def judge_model() -> str | None:
    return os.environ.get(JUDGE_ENV) or None


SYSTEM = "You grade answers to web tasks. Reply with exactly one of: correct, incorrect, partially correct."


def _verdict(prompt: str) -> tuple[float, str]:
    model = judge_model()
    if not model:
        raise NoJudgeError(f"this check needs an LLM judge: pass --judge-model SPEC (or set {JUDGE_ENV})")
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
