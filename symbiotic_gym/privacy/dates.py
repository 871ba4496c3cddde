"""Dates of birth: a full date with a birth cue anywhere in its sentence or field label, or a bare full
date whose year makes it a plausible birth date.

Dates: ``4/24/1960``, ``24.04.1960``, ``1960-04-24``, ``April 24, 1960``, ``24 April 1960``, ``24th of April
1960`` (English, German, French, Italian, Spanish and Dutch month names). A date followed by a time
(``2016-02-26 13:05``) is a timestamp, never a birth date.

- With a cue (``born``, ``date of birth``, ``DOB``, ``birthday``, ``geboren``, ``né(e) le``, ``nato il``,
  ``fecha de nacimiento``, ``geboortedatum`` ...) up to 120 characters before the date on its line (its
  sentence or the one before: "Please tell me your date of birth. It's 4/24/1960"; the label of the
  accessibility-tree field that holds it): score 0.9.
- Without one: a date whose year lies 13 to 110 years back from today scores 0.55 (counts under the default
  policy, whose minimum is 0.5; raise ``Policy.thresholds["date_of_birth"]`` to 0.6 for cue-only). Pages
  of the past-dated kind (histories, archives) then route locally: a false alarm costs a local step, a
  miss would send a birth date to the cloud.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from symbiotic_gym.privacy.finding import Finding, last_match, tokens

MONTHS = (
    r"(?:jan(?:uary|uar|vier|naio|ero)?|feb(?:ruary|ruar|braio|rero)?|f[ée]v(?:rier)?|m[aä]r(?:ch|z|s|zo)?|"
    r"apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mei|mag(?:gio)?|mayo|jun(?:e|i|io)?|juin|giu(?:gno)?|"
    r"jul(?:y|i|io)?|juil(?:let)?|lug(?:lio)?|aug(?:ust|ustus)?|ao[uû]t|ago(?:sto)?|sep(?:t|tember|tembre|tiembre)?|"
    r"set(?:tembre)?|o[ck]t(?:ober|obre|tobre|ubre)?|nov(?:ember|embre|iembre)?|de[cz](?:ember|embre)?|dic(?:iembre|embre)?)\.?"
)
YEAR = r"(?:1[89]\d{2}|20\d{2})"
DATE = re.compile(
    rf"(?i)(?<![\d/.-])(?:"
    rf"(?P<n1>\d{{1,2}})[/.-](?P<n2>\d{{1,2}})[/.-](?P<y1>{YEAR})"
    rf"|(?P<y2>{YEAR})-(?P<n3>\d{{1,2}})-(?P<n4>\d{{1,2}})"
    rf"|{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<y3>{YEAR})"
    rf"|\d{{1,2}}(?:st|nd|rd|th|er|\.)?(?:\s+of|\s+de)?\s+{MONTHS}(?:\s+de)?,?\s+(?P<y4>{YEAR})"
    rf")(?![\d/])"
)
TIME_AFTER = re.compile(r"^(?:,?\s*(?:at\s+)?|T)\d{1,2}:\d{2}")
BIRTH_CUE = re.compile(
    r"(?i)\b(?:born|birth|birthday|birthdate|date of birth|d\.?o\.?b\.?|geboren|geburt\w*|geb\.|n[ée]e? (?:le|en)|"
    r"naissance|nato|nata|nascita|nacid[oa]|nacimiento|geboortedatum|verjaardag)\b"
)
CUE_WINDOW = 120  # characters before the date, within its line: its sentence, the one before, a field label


def plausible_birth_year(year: int, today: datetime.date | None = None) -> bool:
    this_year = (today or datetime.date.today()).year
    return this_year - 110 <= year <= this_year - 13


def _cued(text: str, start: int) -> bool:
    """A birth cue before the date on its line, with no other date between them (in "Date of birth:
    1961-01-15, order placed on 2023-07-20" the cue names the first date only)."""
    window = text[max(0, start - CUE_WINDOW) : start]
    window = window[window.rfind("\n") + 1 :]
    cue = last_match(BIRTH_CUE, window)
    return cue is not None and YEAR_ANCHOR.search(window, cue.end()) is None


YEAR_ANCHOR = re.compile(YEAR)  # digits around it are checked in _dates (faster than look-arounds)
# the words of BIRTH_CUE as tokens (symbiotic_gym.privacy.finding.tokens): no cue word, no cue to look for
BIRTH_WORDS = frozenset(
    [
        "born",
        "birth",
        "birthday",
        "birthdate",
        "dob",
        "geboren",
        "geb",
        "née",
        "né",
        "naissance",
        "nato",
        "nata",
        "nascita",
        "nacido",
        "nacida",
        "nacimiento",
        "geboortedatum",
        "verjaardag",
    ]
)


def _may_be_cued(text: str) -> bool:
    words = tokens(text)
    return bool(words & BIRTH_WORDS) or {"d", "o", "b"} <= words or "geburt" in text.lower()


def _dates(text: str, plausible_only: bool = False) -> Iterator[re.Match[str]]:
    """Full dates, found around their years (the date pattern runs only in a small window at each year);
    ``plausible_only``: only those of a plausible birth year."""
    last_end = 0
    for y in YEAR_ANCHOR.finditer(text):
        if y.start() < last_end:
            continue
        before, after = text[y.start() - 1 : y.start()], text[y.end() : y.end() + 1]
        if before.isdigit() or after.isdigit() or (plausible_only and not plausible_birth_year(int(y.group()))):
            continue
        # a year ends "4/24/1960" or "April 24, 1960" / "24 April 1960", or starts "1960-04-24"
        if not (before in ("/", ".", "-", " ", ",") or after == "-"):
            continue
        for m in DATE.finditer(text, max(0, y.start() - 32, last_end), min(len(text), y.end() + 6)):
            if m.start() <= y.start() and m.end() >= y.end():
                last_end = m.end()
                yield m
                break


def find_dobs(text: str) -> Iterator[Finding]:
    may_be_cued = _may_be_cued(text)
    for m in _dates(text, plausible_only=not may_be_cued):
        if TIME_AFTER.match(text[m.end() : m.end() + 12]):
            continue
        year = int(next(y for y in (m.group("y1"), m.group("y2"), m.group("y3"), m.group("y4")) if y))
        if may_be_cued and _cued(text, m.start()):
            yield Finding("date_of_birth", m.start(), m.end(), 0.9, "dob_context")
        elif plausible_birth_year(year):
            yield Finding("date_of_birth", m.start(), m.end(), 0.55, "dob_year")
