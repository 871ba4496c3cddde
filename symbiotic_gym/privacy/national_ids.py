"""National identification numbers other than the US SSN, validated by python-stdnum.

- Next to a word that names such a number (``social security number``, ``national insurance``, ``NIR``,
  ``codice fiscale``, ``personnummer``, ``CPF``, ``PESEL``, ``BSN``, ``AHV`` ... ; before it on its line): any
  identifier of 6-20 characters holding at least 6 digits, validated or not (score 0.9).
- Without one: numbers whose format and check digits python-stdnum validates and that are rarely anything
  else -- French NIR (15 digits), Italian codice fiscale, Swiss AHV/AVS (``756.xxxx.xxxx.xx``), Finnish
  henkilötunnus (``231002A5848``), Swedish personnummer with its dash, Brazilian CPF with its dots (0.7).
  Bare 9-11 digit ids with a weak check (Dutch BSN, Polish PESEL, Norwegian, Danish, Austrian numbers)
  need the cue: one random number in ten passes an 11-test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from symbiotic_gym.privacy.finding import (
    Finding,
    Substrings,
    digit_runs,
    last_match,
    leading_word,
    long_tokens,
    token_lengths,
    tokens,
    word_matches,
)

# the words that name such a number (pattern terms)
ID_TERMS = (
    "ssn", "social security", r"soc\.? sec\.?", "national insurance", "ni number", "nino", "national id(?:entity)?",
    "id(?:entity)? (?:card )?number", "personal (?:id|number|identity code)", "personnummer", "henkilötunnus", "hetu",
    "cpf", "pesel", "bsn", "burgerservicenummer", "nir", "sécurité sociale", "securite sociale", "codice fiscale",
    "steuer-?id", "sozialversicherungsnummer", "versicherungsnummer", "ahv", "avs", "dni", "nie", "cpr",
    "fødselsnummer", "personnummer", "sin", "social insurance", "tax id", "tin", "itin",
)  # fmt: skip
ID_CUE = re.compile(rf"(?i)\b(?:{'|'.join(ID_TERMS)})\b[^\n\d]{{0,30}}$")
# digits with separators, an optional two-letter prefix and letter suffix (UK NINO "ZZ 91 41 77 T"), the
# Finnish form with its century sign inside ("231002A5848"), or letters inside digits (Corsican NIR "2B")
CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9_.-])(?:(?:[A-Z]{2} ?)?\d[\d .\-/+]{4,20}\d(?: ?[A-Za-z])?|\d{6}[-+A]\d{3}[\dA-Za-z]"
    r"|\d+[A-Za-z]{1,2}\d+)(?![A-Za-z0-9_])"
)
CODICE_FISCALE = re.compile(r"(?<![\w])[A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z]\d{3}[A-Za-z](?![\w])")
# the same 16 characters as they read in the text's lower-cased words (they lie inside one, of 16 or more)
CODICE_FISCALE_WORD = re.compile(r"[a-z]{6}\d{2}[a-z]\d{2}[a-z]\d{3}[a-z]")
SSN_LIKE = re.compile(r"^\d{3}[- ]?\d{2}[- ]?\d{4}$")  # the US recognizer's


def _strong(value: str) -> bool:
    """Validated by a format with strong check digits and an unmistakable shape."""
    from stdnum.br import cpf
    from stdnum.ch import ssn as ahv
    from stdnum.fi import hetu
    from stdnum.fr import nir
    from stdnum.se import personnummer

    compact = re.sub(r"[\s]", "", value)
    if re.fullmatch(r"\d{15}|\d \d{2} \d{2} \d{2} \d{3} \d{3} \d{2}", value) and nir.is_valid(compact):
        return True
    if compact.startswith("756") and "." in value and ahv.is_valid(compact):
        return True
    if re.fullmatch(r"\d{6}[-+A]\d{3}[\dA-Za-z]", compact) and hetu.is_valid(compact):
        return True
    if re.fullmatch(r"\d{6}-\d{4}", compact) and personnummer.is_valid(compact):
        return True
    return bool(re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d{2}", compact) and cpf.is_valid(compact))


# the words of ID_CUE as tokens (symbiotic_gym.privacy.finding.tokens): without one, no cue to look for
ID_TOKENS = frozenset(
    [
        "ssn",
        "social",
        "security",
        "sec",
        "insurance",
        "nino",
        "national",
        "identity",
        "personnummer",
        "henkilötunnus",
        "hetu",
        "cpf",
        "pesel",
        "bsn",
        "burgerservicenummer",
        "nir",
        "sécurité",
        "securite",
        "fiscale",
        "steuer-id",
        "steuerid",
        "sozialversicherungsnummer",
        "versicherungsnummer",
        "ahv",
        "avs",
        "dni",
        "nie",
        "cpr",
        "fødselsnummer",
        "sin",
        "tin",
        "itin",
    ]
)
ID_WORDS = re.compile(ID_CUE.pattern.replace(r"\b[^\n\d]{0,30}$", r"\b"))
ID_STARTS = Substrings(map(leading_word, ID_TERMS))  # what a match of ID_WORDS begins with
# what a digit run must look like to be worth validating without a cue
STRONG_SHAPE = re.compile(
    r"\d{15}|\d \d{2} \d{2} \d{2} \d{3} \d{3} \d{2}|756\.\d{4}\.\d{4}\.\d{2}|\d{3}\.\d{3}\.\d{3}-\d{2}|\d{6}-\d{4}"
)
STRONG_SHAPE_LENGTH = 11  # the shortest of those shapes (\d{6}-\d{4}): a shorter run cannot be one


def find_national_ids(text: str) -> Iterator[Finding]:
    words = tokens(text)
    cue_ends = [m.end() for m in word_matches(ID_WORDS, text, ID_STARTS)] if words & ID_TOKENS else []
    seen: set[tuple[int, int]] = set()
    for start, end, _ in digit_runs(text):
        cued = bool(cue_ends) and any(0 <= start - c <= 60 and "\n" not in text[c:start] for c in cue_ends)
        if not cued and not (
            text[end : end + 1] in ("-", "+", "A")
            or (end - start >= STRONG_SHAPE_LENGTH and STRONG_SHAPE.fullmatch(text[start:end].strip(" .-/")))
        ):
            continue
        window_end = min(len(text), end + 24)
        for m in CANDIDATE.finditer(text, max(0, start - 7), window_end):
            if m.start() >= end or (m.end() == window_end < len(text)):
                continue  # another run's number, or one cut short by the window's end
            span = (m.start(), m.end())
            value = m.group().strip(" .-/")
            if span in seen or sum(c.isdigit() for c in value) < 6 or (SSN_LIKE.match(value) and not cued):
                continue
            seen.add(span)
            line = text[max(0, m.start() - 60) : m.start()].rsplit("\n", 1)[-1]
            cue = last_match(ID_CUE, line) if cued else None
            if cue is not None and not re.search(r"\d", line[cue.end() :]):
                yield Finding("national_id", m.start(), m.start() + len(value), 0.9, "id_context")
            elif _strong(value):
                yield Finding("national_id", m.start(), m.start() + len(value), 0.7, "stdnum")
    # a codice fiscale is a word of 16 characters: the text is scanned only where one of its long words holds one
    if 16 in token_lengths(text) and any(CODICE_FISCALE_WORD.search(w) for w in long_tokens(text)):
        from stdnum.it import codicefiscale

        for m in CODICE_FISCALE.finditer(text):
            if codicefiscale.is_valid(m.group()):
                yield Finding("national_id", m.start(), m.end(), 0.8, "codice_fiscale")
