"""What a recognizer reports: a typed span with a score and the recognizer's name (never the value)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    score: float
    recognizer: str

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end


Recognizer = Callable[[str], Iterator[Finding]]


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last non-overlapping match of ``pattern`` in ``text`` (the cue nearest to what follows)."""
    found = None
    for found in pattern.finditer(text):  # noqa: B007
        pass
    return found


TOKEN_PUNCTUATION = "'\"‘’“”.,;:!?()[]{}<>：，。、（）「」『』【】"
_PUNCTUATION_TO_SPACE = str.maketrans(TOKEN_PUNCTUATION, " " * len(TOKEN_PUNCTUATION))
_DELETE_DIGITS = str.maketrans("", "", "0123456789")


@lru_cache(maxsize=16)
def tokens(text: str) -> frozenset[str]:
    """The lower-cased words of ``text``, split at whitespace and punctuation (``P.O.`` gives ``p`` and ``o``):
    what the recognizers' cheap gates test keywords against (one split per text, shared by all). A
    hyphenated word counts whole and by its parts (``cpr-nummer``: ``cpr-nummer``, ``cpr``, ``nummer``)."""
    words = frozenset(text.lower().translate(_PUNCTUATION_TO_SPACE).split())
    # the parts of the hyphenated words only (splitting the whole text again at "-" cost as much as the first split)
    parts = [p for w in words if "-" in w for p in w.split("-") if p]
    return words | frozenset(parts) if parts else words


# a run of digits with the punctuation phone and card numbers are printed with; at least 6 characters
_DIGIT_RUN = re.compile(r"[\d+(][\d \t().+/-]{5,}")


@lru_cache(maxsize=16)
def digit_runs(text: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, number of digits) of each run of digits and number punctuation (spaces, dots, dashes,
    slashes, brackets, plus) with at least 6 digits: one scan per text, the anchors of the number
    recognizers (phones, cards, SSNs, IBANs), which then run their own patterns only inside these runs."""
    runs = []
    for m in _DIGIT_RUN.finditer(text):
        n = len(m[0]) - len(m[0].translate(_DELETE_DIGITS))
        if n >= 6:
            runs.append((m.start(), m.end(), n))
    return tuple(runs)
