"""Dates of birth: a full date with a birth cue before it on its line, in any of the languages of
:mod:`symbiotic_gym.privacy.labels`, or (see :mod:`symbiotic_gym.privacy.fields`) under a field label,
label line or column header that names a birth date.

Dates: ``4/24/1960``, ``24.04.1960``, ``1960-04-24``, ``1960/04/24``, ``1960. 4. 24.`` (Korean),
``1960年4月24日`` / ``1960년 4월 24일``, ``April 24, 1960``, ``24 April 1960``, ``24. april 1960``,
``24 de abril de 1960``, ``29 czerwca 2002`` -- month names of 17 languages, wide and abbreviated, in
their format and stand-alone forms (Polish genitive ``czerwca``), from CLDR through Babel. A date
followed by a time (``2016-02-26 13:05``) is a timestamp, never a birth date.

A date counts by its context, never by its age alone: a birth cue (``born``, ``date of birth``, ``DOB``,
``Geburtsdatum``, ``né(e) le``, ``data di nascita``, ``fødselsdato``, ``生年月日``, ``생년월일`` ...) up to 120
characters before it on its line, with no other date and no non-birth cue (``Member since``,
``Published``, ``Erstellt am``, 登録日 ...) in between, scores 0.9. Old dates without one (``Published
02/02/2003``) are not birth dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from symbiotic_gym.privacy.finding import Finding, Substrings, matches_at, tokens

# the languages whose month names a date may use (CLDR, through Babel)
MONTH_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pl", "pt", "sv", "da", "nb", "fi", "cs", "ro", "hu", "ca", "gl")
YEAR = r"(?:1[89]\d{2}|20\d{2})"
TIME_AFTER = re.compile(r"^(?:,?\s*(?:at\s+|um\s+|à\s+|a las\s+)?|T)\d{1,2}:\d{2}")
CUE_WINDOW = 120  # characters before the date, within its line: its sentence, the one before, a field label


@lru_cache(maxsize=1)
def month_names() -> tuple[str, ...]:
    """Month names and abbreviations of :data:`MONTH_LOCALES`, lower case, longest first."""
    from babel.dates import get_month_names

    names = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for name in get_month_names(width, context=context, locale=locale).values():
                    name = re.sub(r"^(?:de |d['’])", "", name.lower()).rstrip(".")
                    if len(name) >= 3:
                        names.add(name)
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def date_pattern() -> re.Pattern[str]:
    months = r"(?<![^\W\d_])(?:" + "|".join(re.escape(n) for n in month_names()) + r")\.?(?![^\W\d_])"
    day = r"\d{1,2}(?:st|nd|rd|th|er|º|\.)?"
    return re.compile(
        rf"(?i)(?<![\d/.-])(?:"
        rf"(?P<y1>)\d{{1,2}}(?P<s1>[/.-])\s?\d{{1,2}}(?P=s1)\s?(?P<ya>{YEAR})"
        rf"|(?P<yb>{YEAR})\s?(?P<s2>[-/.])\s?\d{{1,2}}\s?(?P=s2)\s?\d{{1,2}}(?:\.(?!\d))?"
        rf"|(?P<yc>{YEAR})\s?[年년]\s?\d{{1,2}}\s?[月월]\s?\d{{1,2}}\s?[日일]?"
        rf"|{months}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<yd>{YEAR})"
        rf"|{day}(?:\s+of|\s+de)?\s+{months}(?:\s+de)?,?\s+(?P<ye>{YEAR})"
        rf"|(?P<yf>{YEAR})\.?\s+{months}\s+\d{{1,2}}\.?"
        rf")(?![\d/])"
    )


@lru_cache(maxsize=1)
def date_starts() -> re.Pattern[str]:
    """Where a match of :func:`date_pattern` can begin: every form starts with a digit or with a month name
    (after no letter), so at a digit or at the first letter of a month name that starts a word."""
    first = "|".join(sorted({re.escape(n[0]) for n in month_names()}))
    return re.compile(rf"(?i)\d|(?<![^\W\d_])(?:{first})")


YEAR_ANCHOR = re.compile(YEAR)  # digits around it are checked in _dates (faster than look-arounds)


def _dates(text: str) -> Iterator[re.Match[str]]:
    """Full dates, found around their years (the date pattern runs only in a small window at each year)."""
    last_end = 0
    pattern = None
    for y in YEAR_ANCHOR.finditer(text):
        if y.start() < last_end:
            continue
        before, after = text[y.start() - 1 : y.start()], text[y.end() : y.end() + 1]
        if before.isdigit() or after.isdigit():
            continue
        # a year ends "4/24/1960" or "April 24, 1960", or starts "1960-04-24", "1960年", "1960. 4. 24."
        if not (before in ("/", ".", "-", " ", ",", "\u00a0") or after in ("-", "/", ".", "年", "년", " ")):
            continue
        pattern = pattern or date_pattern()
        # the date pattern's matches in the window, from the positions where one can begin up to the year (a
        # match that begins after it cannot hold it): the same matches, for a fraction of a scan of the window
        starts = (s.start() for s in date_starts().finditer(text, max(0, y.start() - 32, last_end), y.start() + 1))
        for m in matches_at(pattern, text, starts, min(len(text), y.end() + 16)):
            if m.start() <= y.start() < m.end():
                last_end = m.end()
                yield m
                break


def find_dates(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each full date in ``text`` that is not a timestamp."""
    for m in _dates(text):
        if not TIME_AFTER.match(text[m.end() : m.end() + 12]):
            yield m.start(), m.end()


@lru_cache(maxsize=1)
def birth_terms() -> tuple[frozenset[str], tuple[str, ...]]:
    """The cheap gate (no cue word, no cue to look for): the first words of the birth cues, to test
    against a text's words, and the substrings to look for (word stems, CJK terms)."""
    from symbiotic_gym.privacy.labels import LEXICON

    words, stems = set(), set()
    for term in LEXICON["date_of_birth"]:
        low = term.lower()
        if low.endswith("*") or (not low.isascii() and not low[0].isalpha()):
            stems.add(low.rstrip("*"))
        elif re.search(r"[\u3040-\u9fff\uac00-\ud7af]", low):
            stems.add(low)
        else:  # the word that says "birth" ("date of birth": birth; "data di nascita": nascita)
            words.add(max(re.findall(r"[^\W\d_]+", low), key=len))
    return frozenset(words), tuple(sorted(stems))


@lru_cache(maxsize=1)
def _stems() -> tuple[Substrings, Substrings]:
    """The stems of :func:`birth_terms` to look for in ASCII text (the ASCII ones) and in any other text."""
    stems = birth_terms()[1]
    return Substrings(s for s in stems if s.isascii()), Substrings(stems)


def _may_be_cued(text: str) -> bool:
    if tokens(text) & birth_terms()[0]:
        return True
    ascii_stems, all_stems = _stems()
    return (ascii_stems if text.isascii() else all_stems).any_in(text)


def _cue(text: str, start: int) -> str | None:
    """The kind of the nearest birth or non-birth cue before the date on its line, with no other date
    between them (in "Date of birth: 1961-01-15, order placed on 2023-07-20" the cue names the first date)."""
    from symbiotic_gym.privacy.labels import cues

    window = text[max(0, start - CUE_WINDOW) : start]
    window = window[window.rfind("\n") + 1 :]
    if not _may_be_cued(window):
        return None
    found = [c for c in cues(window) if c[2] in ("date_of_birth", "not_date")]
    if not found:
        return None
    _, end, kind = found[-1]
    return kind if YEAR_ANCHOR.search(window, end) is None else None


def find_dobs(text: str) -> Iterator[Finding]:
    if not _may_be_cued(text):
        return
    for s, e in find_dates(text):
        if _cue(text, s) == "date_of_birth":
            yield Finding("date_of_birth", s, e, 0.9, "dob_context")
