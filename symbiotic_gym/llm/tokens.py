"""Token counts for prompt budgets, the same in every cache mode.

A prompt is cut to its budget before it is hashed for the LLM cache, so the count must not depend on
whether the model was built: a local model's prompts are counted with its own tokenizer, loaded alone from
its ``tokenizer.json`` (no weights, no torch; :func:`symbiotic_gym.llm.local.tokenizer_file`); every other
model's with the estimate of ~4 characters a token. Record, replay, replay-strict and no cache therefore cut
the same observation at the same place, and a recording replays byte for byte.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

TokenCounter = Callable[[str], int]

_counters: dict[str, TokenCounter] = {}
_lock = threading.Lock()


@runtime_checkable
class CountsTokens(Protocol):
    """A model that counts prompt tokens itself (an in-process model, a cache); others are estimated."""

    def count_tokens(self, text: str) -> int: ...


def estimate_tokens(text: str) -> int:
    """~4 characters a token: the budget of models whose tokenizer is not at hand (providers)."""
    return max(0, (len(text) + 3) // 4)


def counter_for(spec: str, *, local: bool) -> TokenCounter:
    """The prompt-token counter of a model spec: its tokenizer for a ``local`` one, else the estimate."""
    if not local:
        return estimate_tokens
    with _lock:
        counter = _counters.get(spec)
    if counter is None:
        from tokenizers import Tokenizer

        from symbiotic_gym.llm.local import tokenizer_file

        tokenizer = Tokenizer.from_file(str(tokenizer_file(spec)))

        def counter(text: str, tokenizer: Tokenizer = tokenizer) -> int:
            return len(tokenizer.encode(text, add_special_tokens=False).ids)

        with _lock:
            _counters[spec] = counter
    return counter


def count_tokens(text: str, llm: object | None = None) -> int:
    """``text``'s tokens for ``llm`` (its own count when it :class:`CountsTokens`, else the estimate)."""
    if isinstance(llm, CountsTokens):
        return int(llm.count_tokens(text))
    return estimate_tokens(text)


def truncate_to_tokens(text: str, budget: int, llm: object | None = None) -> str:
    """Cut ``text`` (at a line boundary when possible) so that it fits ``budget`` tokens."""
    if count_tokens(text, llm) <= budget:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # binary search on characters; counts are monotone enough for a budget
        mid = (lo + hi + 1) // 2
        if count_tokens(text[:mid], llm) <= budget:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    nl = cut.rfind("\n")
    if nl > lo // 2:
        cut = cut[:nl]
    return cut + "\n[... observation truncated to fit the prompt budget ...]"
