"""Phone numbers of any region, validated by Google's libphonenumber (the ``phonenumbers`` package).

A cheap pattern finds digit runs shaped like a phone number (groups of digits with spaces, dots,
dashes, slashes or parentheses, an optional ``+`` or ``00`` country prefix and an extension); what makes a
run a phone number is decided by libphonenumber's per-region metadata and by the words around it:

- ``+44 20 7946 0123`` (international form): a possible number for its country code;
- a run next to a phone word (``Phone:``, ``call me on``, ``Tel.``, ``mobile``, ``... office``/``fax`` after
  it, in English, German, French, Italian, Spanish and Dutch) with 6-15 digits: a phone number, whatever
  its region (``84 23 30`` in Greenland, ``(73) 4746-3459`` in Brazil). The context widens what matches,
  not just the score;
- without a context: a grouped number valid in one of the default regions (US by default), or a national
  number with a trunk prefix (``0664 121 30 48``, ``06-82237745``) valid in a European, Oceanian or South
  American region.

We do not use ``phonenumbers.PhoneNumberMatcher`` on whole texts: it tries every digit run against one
region only, misses numbers of other regions without ``+``, and costs ~10x more on digit-heavy pages
(prices, order numbers) than the pattern gate here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from symbiotic_gym.privacy.finding import NON_DIGITS, Finding, Recognizer, digit_runs
from symbiotic_gym.privacy.labels import nearest_cue

# a digit run with phone punctuation; the look-behind keeps versions (1.2.3-456), prices ($1 234) and ids
# (#000123, SKU-123) out, the look-ahead letters (12ab) and decimals
CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9_+#$€£¥@./\\:-])(?:\+|00)?\s?(?:\(\s?\+?\d{1,5}\s?\)\s?)?\d(?:[ \t]?[-./]?[ \t]?\(?\d{1,6}\)?){1,7}"
    r"(?:\s?(?:x|ext\.?|extension|#)\s?\d{1,6})?(?![A-Za-z0-9_@]|[.,]\d)"
)
# words that say a number is a phone number (before it, or right after: "041 052 4919 office")
PHONE_WORDS = (
    r"phone|phones|telephone|tel|tel\.|mobile|mob|cell|cellphone|ring|dial|fax|sms|text(?:ed)? me|whats ?app|signal|"
    r"contact(?: me| us)?|reach(?: me| us)?|hotline|helpline|landline|registered|messages? to|answering|telefon|"
    r"telefonnummer|handy|téléphone|tél|portable|telefono|cellulare|teléfono|móvil|telefoonnummer|mobiel|bel|ruf"
)
CUE_BEFORE = re.compile(
    rf"(?i)(?:\b(?:{PHONE_WORDS})\b|☎|📞)(?:\s*(?:number|no\.|nr\.|#))?[^\d+()]{{0,18}}$"
    # "call me on", "You can call", "Desk:" -- right before the number
    r"|(?i:\bcall(?:ed|ing)?(?:\s+(?:me|us|him|her|them|back))?(?:\s+(?:on|at))?|\b(?:desk|work|home|office)\s*:)\s*$"
)
CUE_AFTER = re.compile(r"(?i)^\s?(?:[-(]\s?)?(?:office|fax|mobile|cell|home|work|tel|phone|direct|ext)\b")
# what a number next to these words is: an id, not a phone number (also when a phone word is near)
NOT_PHONE_BEFORE = re.compile(
    r"(?i)\b(?:isbn|ean|upc|gtin|sku|order|invoice|tracking|version|serial|licen[cs]e|account|iban|ssn|id|ref|"
    r"reference|zip|postcode|postal code|plz|cap|cp|server|ip|port|issue|ticket|case|page|room)\b"
    r"[^\w]{0,4}(?:no\.?|number|nr\.?|#)?[^\w]{0,3}$"
)
# shapes that are something else: dates, times, IPv4, ISO dates, decimals
NOT_PHONE = re.compile(
    r"^(?:\d{1,2}[./-]\s?\d{1,2}[./-]\s?(?:19|20)\d{2}|(?:19|20)\d{2}[./-]\s?\d{1,2}[./-]\s?\d{1,2}|\d{1,3}(?:\.\d{1,3}){3}$|"
    r"\d+[.,]\d{1,2}$)"
)
# an extension at the end of a number ("... x204", "... ext. 12"), and the digit groups of what is left
EXTENSION = re.compile(r"\s?(?:x|ext\.?|extension|#)\s?\d+$")
DIGIT_GROUP = re.compile(r"\d+")
# regions whose national numbers start with a trunk prefix "0": an uncued 0-number is checked against them
TRUNK_REGIONS = (
    "GB", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "IT", "IE", "SE", "FI", "NZ", "AU", "BR", "AR", "TR", "ZA",
    "PT", "ES", "PL", "CZ", "HU", "SI", "HR", "RS", "RO", "BG", "GR", "UA", "IL", "EG", "NG", "KE", "IN", "JP",
    "KR", "TW", "TH", "ID", "MY", "PH", "PE", "UY", "VE",
)  # fmt: skip


@lru_cache(maxsize=4096)
def _valid_in(raw: str, regions: tuple[str, ...]) -> bool:
    import phonenumbers

    for region in regions:
        try:
            n = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(n):
            return True
    return False


@lru_cache(maxsize=4096)
def _international(raw: str) -> float:
    """Score of a ``+``/``00`` number: 0.9 valid, 0.75 possible, 0 otherwise."""
    import phonenumbers

    text = "+" + raw[2:] if raw.startswith("00") else raw
    try:
        n = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return 0.0
    if phonenumbers.is_valid_number(n):
        return 0.9
    return 0.75 if phonenumbers.is_possible_number(n) else 0.0


def _candidates(text: str) -> Iterator[re.Match[str]]:
    for start, end, _ in digit_runs(text):
        if text[start - 1 : start] in ("/", ":", "#", "$") and " " not in text[start:end].strip():
            continue  # a URL's host or port, an id, a price
        # the run plus room for a country prefix before it and an extension after it
        yield from CANDIDATE.finditer(text, max(0, start - 3), min(len(text), end + 12))


def make_phone_recognizer(default_regions: Sequence[str] = ("US",)) -> Recognizer:
    """A recognizer that treats ``default_regions`` as the regions of numbers written without context."""
    regions = tuple(r.upper() for r in default_regions)

    def find_phones(text: str) -> Iterator[Finding]:
        for m in _candidates(text):
            if m.end() - m.start() < 6:
                continue  # fewer than 6 characters: fewer than the 6 digits checked below
            raw = m.group().strip()
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            core = EXTENSION.split(raw)[0] if "x" in raw or "#" in raw else raw  # an extension has one of them
            if NOT_PHONE.match(core):
                continue
            digits = NON_DIGITS.sub("", core)
            if len(digits) < 6 or len(digits) > 15 or len(set(digits)) < 3:
                continue
            if text.startswith(":", m.end()) and text[m.end() + 1 : m.end() + 2].isdigit():
                continue  # "2024-07-15 14:13": a timestamp
            groups = len(DIGIT_GROUP.findall(core))
            before = text[max(0, start - 40) : start]
            if NOT_PHONE_BEFORE.search(before.rsplit("\n", 1)[-1]):
                continue
            cued = CUE_BEFORE.search(before) is not None or CUE_AFTER.match(text[m.end() : m.end() + 12]) is not None
            score = 0.0
            if core.startswith(("+", "00")):
                score = _international(core)
                if cued and score == 0.0 and len(digits) >= 7:
                    score = 0.8
            elif cued:
                score = 0.9 if _valid_in(core, regions) else 0.8
            elif _valid_in(core, regions):
                # grouped or bracketed like a phone number: (415) 555-0142, 415-555-0142, 415.555.0142
                score = 0.7 if groups >= 3 or "(" in core else (0.5 if groups == 2 else 0.4)
            elif digits[0] == "0" and groups >= 2 and 8 <= len(digits) <= 12 and _valid_in(core, TRUNK_REGIONS):
                score = 0.6
            if score < 0.5 and not cued and len(digits) >= 7 and nearest_cue(before.rsplit("\n", 1)[-1]) == "phone":
                score = 0.8  # a phone word of another language right before it ("llamarme al", "電話番号は")
            if score:
                yield Finding("phone", start, start + len(raw), score, "phonenumbers")

    return find_phones


find_phones = make_phone_recognizer()
