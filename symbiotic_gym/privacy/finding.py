"""What a recognizer reports: a typed span with a score and the recognizer's name (never the value)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
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
_DELETE_DIGITS = str.maketrans("", "", "0123456789")
NON_DIGITS = re.compile(r"\D")


@lru_cache(maxsize=16)
def lowered(text: str) -> str:
    """``text.lower()``, once per text for all the recognizers (tens of microseconds on a page with a "©")."""
    return text.lower()


@lru_cache(maxsize=16)
def tokens(text: str) -> frozenset[str]:
    """The lower-cased words of ``text``, split at whitespace and punctuation (``P.O.`` gives ``p`` and ``o``):
    what the recognizers' cheap gates test keywords against (one split per text, shared by all). A
    hyphenated word counts whole and by its parts (``cpr-nummer``: ``cpr-nummer``, ``cpr``, ``nummer``)."""
    words = frozenset(_punctuation_to_spaces(lowered(text)).split())
    # the parts of the hyphenated words only (splitting the whole text again at "-" cost as much as the first split)
    parts = [p for w in words if "-" in w for p in w.split("-") if p]
    return words | frozenset(parts) if parts else words


def _punctuation_to_spaces(text: str) -> str:
    """``text`` with a space for each :data:`TOKEN_PUNCTUATION` character: one ``str.replace`` per character
    that occurs (``str.translate`` maps a text that is not all ASCII character by character through a
    dictionary, some 30 times slower on a page with one "©")."""
    for c in TOKEN_PUNCTUATION:
        if c in text:
            text = text.replace(c, " ")
    return text


@lru_cache(maxsize=16)
def token_text(text: str) -> str:
    """The distinct words of ``text`` (:func:`tokens`) joined by spaces: on a page, a fraction of its length."""
    return " ".join(tokens(text))


@lru_cache(maxsize=16)
def token_lengths(text: str) -> frozenset[int]:
    """The lengths of the text's words (:func:`tokens`)."""
    return frozenset(map(len, tokens(text)))


@lru_cache(maxsize=16)
def long_tokens(text: str) -> tuple[str, ...]:
    """The text's words (:func:`tokens`) of 16 characters or more: on a page a few, where a key or an id can be."""
    return tuple(w for w in tokens(text) if len(w) >= 16)


def longest_token(text: str) -> int:
    """The length of the longest of the text's words (:func:`tokens`), 0 for none."""
    return max(token_lengths(text), default=0)


_SEPARATORS = re.compile(rf"[\s{re.escape(TOKEN_PUNCTUATION)}]")
# below this length a text is searched directly (joining its words would cost more than it saves)
_SHORT_TEXT = 400


class Substrings:
    """A gate's words, looked for in a text's lower-cased form: ``any_in(text)`` is ``any(w in text.lower() ...)``.

    A word with no whitespace or :data:`TOKEN_PUNCTUATION` in it cannot span two of the text's words, so it
    occurs in ``text.lower()`` exactly when it occurs in :func:`token_text` (each occurrence lies inside one
    word); those are looked for there, in a string a fraction of a page's length. A word with such characters
    ("one time") is looked for in the text only where each of its parts ("one", "time") is in one of its words."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(dict.fromkeys(words))
        self.in_words = tuple(w for w in self.words if not _SEPARATORS.search(w))
        self.in_text = tuple(
            (w, tuple(p for p in _SEPARATORS.split(w) if p)) for w in self.words if _SEPARATORS.search(w)
        )

    def any_in(self, text: str, low: str | None = None) -> bool:
        if len(text) < _SHORT_TEXT:
            low = text.lower() if low is None else low
            return any(w in low for w in self.words)
        joined = token_text(text)
        if any(w in joined for w in self.in_words):
            return True
        for w, parts in self.in_text:
            if all(p in joined for p in parts):
                low = lowered(text) if low is None else low
                if w in low:
                    return True
        return False

    def found(self, text: str, low: str | None = None) -> list[str]:
        """The words that occur in ``text.lower()``."""
        if len(text) < _SHORT_TEXT:
            low = text.lower() if low is None else low
            return [w for w in self.words if w in low]
        low = lowered(text) if low is None else low
        joined = token_text(text)
        return [w for w in self.in_words if w in joined] + [
            w for w, parts in self.in_text if all(p in joined for p in parts) and w in low
        ]


# the letters, digits and underscores a pattern term begins with, up to one a quantifier follows
_LEADING_WORD = re.compile(r"(?:\w(?![?*+{]))*")


def leading_word(term: str) -> str:
    """The plain word every match of the pattern term ``term`` begins with ("soc\\.? sec" -> "soc", "ssns?" ->
    "ssn", "(?:a|b)" -> "": every position), for :func:`word_matches`."""
    return _LEADING_WORD.match(term).group()


def word_matches(pattern: re.Pattern[str], text: str, starts: Substrings) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern whose every match is not empty and begins with one of the
    lower-case words ``starts`` (in any case; none with U+0131 or U+017F, which match "i" and "s"): in a text
    whose characters outside ASCII have no case (most pages, see :func:`caseless_outside_ascii`) the pattern
    is tried only where one of them begins.

    The matches are the same: finditer tries each position in turn and continues after each match, and no
    other position can begin one. A pattern with a long alternation costs tens of microseconds per kB at
    every position, finding a few words a fraction of that."""
    if not caseless_outside_ascii(text):
        yield from pattern.finditer(text)
        return
    low = lowered(text)
    at = set()
    for word in starts.found(text, low):
        i = low.find(word)
        while i != -1:
            at.add(i)
            i = low.find(word, i + 1)
    yield from matches_at(pattern, text, sorted(at))


def matches_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, starts[0], endpos)`` for a pattern that cannot match empty and can only begin a
    match at one of ``starts`` (ascending): tried there only. Like finditer, a match is looked for after the end
    of the one before; and ``pattern.match`` at a position sees the text before it (its look-behinds do)."""
    endpos = len(text) if endpos is None else endpos
    end = 0
    for i in starts:
        if i >= end and (m := pattern.match(text, i, endpos)) is not None:
            end = m.end()
            yield m


_ASCII_BYTES = bytes(range(128))


@lru_cache(maxsize=16)
def non_ascii(text: str) -> frozenset[str]:
    """The characters of ``text`` outside ASCII (on a page a few: ©, “, ♡ ...)."""
    if text.isascii():
        return frozenset()
    # the UTF-8 form without its ASCII bytes decodes to the other characters (all in C: a pattern or a set of
    # the whole text would cost several times more)
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return frozenset(rest.decode("utf-8", "surrogatepass"))


def caseless_outside_ascii(text: str) -> bool:
    """Whether every character of ``text`` outside ASCII has no case (©, “, •, ♡, CJK ...). Then
    ``text.lower()`` keeps every position, and an (?i) pattern matches a lower-case word made of ASCII and
    such characters only where ``text.lower()`` holds it (no other character folds to one of them)."""
    return all(c.lower() == c == c.upper() for c in non_ascii(text))


# the characters an IGNORECASE pattern matches to an ASCII letter that str.lower() maps elsewhere (U+0130 and
# U+0131 match "i", U+017F "s"): in a text without them, a word that an (?i) pattern finds is in text.lower()
_FOLDED_ELSEWHERE = frozenset("\u0130\u0131\u017f")


def lower_holds_ascii_matches(text: str) -> bool:
    """Whether every ASCII word that an (?i) pattern matches in ``text`` occurs in ``text.lower()``: what a
    prefilter testing such words on the lower-cased text relies on."""
    return _FOLDED_ELSEWHERE.isdisjoint(non_ascii(text))


# a run of digits with the punctuation phone and card numbers are printed with; at least 6 characters
_RUN_START, _RUN_BODY = "+(", r" \t().+/-"
_DIGIT_RUN = re.compile(rf"[\d{_RUN_START}][\d{_RUN_BODY}]{{5,}}")
# the same runs in a text with no digits outside ASCII, where \d is 0-9: a plain character class scans
# about twice as fast as \d's Unicode check
_ASCII_DIGIT_RUN = re.compile(rf"[0-9{_RUN_START}][0-9{_RUN_BODY}]{{5,}}")


@lru_cache(maxsize=16)
def digit_runs(text: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, number of digits) of each run of digits and number punctuation (spaces, dots, dashes,
    slashes, brackets, plus) with at least 6 digits: one scan per text, the anchors of the number
    recognizers (phones, cards, SSNs, IBANs), which then run their own patterns only inside these runs."""
    runs = []
    ascii_digits = not any(c.isdecimal() for c in non_ascii(text))  # then \d is 0-9
    for m in (_ASCII_DIGIT_RUN if ascii_digits else _DIGIT_RUN).finditer(text):
        run = m[0]
        n = len(run) - len(run.translate(_DELETE_DIGITS))
        if n >= 6:
            runs.append((*m.span(), n))
    return tuple(runs)


@lru_cache(maxsize=16)
def most_digits(text: str) -> int:
    """The number of digits of the text's longest digit run (:func:`digit_runs`), 0 for none."""
    return max((n for _, _, n in digit_runs(text)), default=0)
