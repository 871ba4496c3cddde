"""Token counts for prompt budgets: the model's own tokenizer when it has one, else ~4 characters a token."""

from __future__ import annotations

from typing import Any


def count_tokens(text: str, llm: Any | None = None) -> int:
    counter = getattr(llm, "count_tokens", None) if llm is not None else None
    if counter is not None:
        try:
            return int(counter(text))
        except Exception:
            pass  # a replay-strict cache has no tokenizer: fall back to the estimate
    return max(0, (len(text) + 3) // 4)


def truncate_to_tokens(text: str, budget: int, llm: Any | None = None) -> str:
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
