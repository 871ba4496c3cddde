"""A local private-data detector: validated pattern recognizers over free text and accessibility trees.

Each recognizer finds candidate spans with a regular expression and keeps those that pass a validation
(Luhn for cards, mod-97 for IBANs, SSN area/group rules, entropy for secrets) or that sit in a labelled
context (a password field, "phone:", "born on"). Findings carry a type, a span, a score and the name of
the recognizer; a :class:`Policy` says which types count as private and the minimum score of each.
Values are never logged by this module: callers keep types, and :func:`symbiotic_gym.privacy.redact`
replaces spans by typed placeholders.

Everything here is plain ``re`` and arithmetic, so scanning a 5 kB page takes well under a millisecond.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from symbiotic_gym.privacy.addresses import find_streets
from symbiotic_gym.privacy.dates import find_dobs
from symbiotic_gym.privacy.fields import find_labelled, read_structure
from symbiotic_gym.privacy.finding import (
    NON_DIGITS,
    Finding,
    Recognizer,
    Substrings,
    digit_runs,
    last_match,
    leading_word,
    long_tokens,
    longest_token,
    lower_holds_ascii_matches,
    lowered,
    most_digits,
    token_lengths,
    token_text,
    tokens,
    word_matches,
)
from symbiotic_gym.privacy.labels import LEXICON, nearest_cue, vetoed
from symbiotic_gym.privacy.national_ids import ID_CUE, find_national_ids
from symbiotic_gym.privacy.phones import find_phones

TYPES = (
    "payment_card",
    "iban",
    "us_ssn",
    "national_id",
    "email",
    "phone",
    "street_address",
    "date_of_birth",
    "password",
    "one_time_code",
    "secret",
)


@dataclass(frozen=True)
class Policy:
    """Which finding types are private, and the score each needs to count."""

    private_types: frozenset[str] = frozenset(TYPES)
    min_score: float = 0.5
    thresholds: dict[str, float] = field(default_factory=dict)

    def counts(self, f: Finding) -> bool:
        return f.type in self.private_types and f.score >= self.thresholds.get(f.type, self.min_score)


# --- validators --------------------------------------------------------------------------------------


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(raw: str) -> bool:
    """A valid IBAN (country length and mod-97 check, by python-stdnum), spaced or not, any case."""
    from stdnum import iban

    # the country's length and the mod-97 check; not the national check digits (a typo'd national part is
    # still a bank account number)
    return iban.is_valid(raw, check_country=False)


def ssn_ok(raw: str) -> bool:
    area, group, serial = raw[:3], raw[4:6], raw[7:]
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


def entropy(s: str) -> float:
    counts: dict[str, int] = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


# --- recognizers -------------------------------------------------------------------------------------

# 12-19 digits in any common grouping: unbroken, 4-4-4-4, 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-4-3, with
# spaces, dashes or dots (one separator between groups)
CARD = re.compile(r"(?<![\d.-])\d(?:[ .-]?\d){11,18}(?![\d]|[.-]\d)")
CARD_CONTEXT = re.compile(
    r"(?i)\b(?:card|cards|cc|credit|debit|visa|master ?card|amex|american express|discover|maestro|diners|jcb|"
    r"payment|pay with|kreditkarte|carte|tarjeta|carta|creditcard|pan)\b"
)
NOT_CARD_BEFORE = re.compile(r"(?i)\b(?:isbn|ean|upc|gtin|barcode|sku|order|invoice|tracking|imei|serial)\b\W{0,12}$")
IBAN = re.compile(r"(?i)(?<![\w])[a-z]{2}\d{2}(?:[ -]?[a-z0-9]{4}){2,7}(?:[ -]?[a-z0-9]{1,4})?(?![\w])")
SSN = re.compile(r"(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d-])")
SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|ssns|social security|soc\.? sec\.?|ss#|ss no|taxpayer id|itin)\b")
# what every SSN_CONTEXT term holds: in a text without one of these there is no cue to look for
SSN_CUE_WORDS = Substrings(("ssn", "soc", "ss#", "ss no", "taxpayer id", "itin"))
# bounded by what cannot be part of an address rather than by \b: an address touching CJK text
# (an address written right after a Chinese word) has no word boundary at either end
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# labels of password / one-time-code inputs (the element lines themselves are read by symbiotic_gym.web.observation)
SECRET_LABEL = re.compile(
    r"(?i)password|passcode|passphrase|pin\b|one[- ]time|otp|verification code|security code|cvc|cvv"
)


def _password_words() -> tuple[str, str, tuple[str, ...]]:
    """The password words of symbiotic_gym.privacy.labels as pattern alternations (Latin, CJK) and as the
    substrings of the recognizer's gate."""
    latin, cjk, gate = [], [], []
    for term in LEXICON["password"]:
        low = term.lower()
        if re.search(r"[\u3040-\u9fff\uac00-\ud7af]", low):
            cjk.append(re.escape(low))
            gate.append(low)
        else:
            body = r"[\s-]?".join(re.escape(w) for w in re.split(r"[\s-]", low.rstrip("*")))
            latin.append(body + (r"\w*" if low.endswith("*") else ""))
            if low.endswith("*"):
                gate.append(low.rstrip("*"))
    return "|".join(sorted(latin, key=len, reverse=True)), "|".join(cjk), tuple(sorted(set(gate)))


_LATIN_PASSWORD, _CJK_PASSWORD, PASSWORD_GATE = _password_words()
# the whole-word password terms (and the first words of those of several words), tested against a text's words
PASSWORD_TOKENS = frozenset(
    re.split(r"[\s-]", t.lower())[0] for t in LEXICON["password"] if not t.endswith("*") and t.isascii()
) | frozenset(t.lower() for t in LEXICON["password"] if not t.endswith("*") and not t.isascii())
# "password: x", "password is x", "Passwort ist x", "mot de passe est x", "hasło to x", "パスワードはx"
SAID_PASSWORD = re.compile(
    rf"(?i)(?:\b(?:{_LATIN_PASSWORD})\b|{_CJK_PASSWORD})(?P<link>\s+(?:is|was|to|from|ist|lautet|war|est|es|era|è|é|"
    r"er|var|är|jest|to|wynosi|wordt|was|on)\b|\s*[:=：]|\s*(?:は|是|는|은|为|為|を|改成|改为))?\s*['\"「]?"
    r"(?P<v>[^\s'\",;\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]{4,64})"
)
# the word each SAID_PASSWORD match begins with: the first word of a password term
PASSWORD_STARTS = Substrings(sorted({re.split(r"[\s-]", t.lower().rstrip("*"))[0] for t in LEXICON["password"]}))
NEW_PASSWORD_WORDS = ("password", "passcode", "passphrase")
NEW_PASSWORD = re.compile(
    rf"(?i)\b(?:{'|'.join(NEW_PASSWORD_WORDS)})\b[^.\n]{{0,40}}?\bto\s+['\"]?(?P<v>[^\s'\",;]{{4,64}})"
)
OTP_TERMS = ("one[- ]time (?:code|password)", "otp", "verification code", "2fa code")
SAID_OTP = re.compile(rf"(?i)\b(?:{'|'.join(OTP_TERMS)})\b\D{{0,20}}(?P<v>\d{{4,8}})\b")
SECRET_PATTERNS = (
    (
        "private_key",
        re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----"),
    ),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")),
    ("aws_key", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
    ("github_token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("gitlab_token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("slack_token", re.compile(r"\bxox[abpors]-[A-Za-z0-9-]{10,}\b")),
    ("openai_key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b")),
    ("google_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("stripe_key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("bearer", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{16,}=*")),
)
# vendor-style tokens with a short prefix (sgp_..., pat-..., tok_...): kept when random-looking
PREFIXED_TOKEN = re.compile(r"\b[a-z]{2,6}[_-][A-Za-z0-9]{20,}\b")
CREDENTIAL_TERMS = ("token", "api[ _-]?key", "secret", "access[ _-]?key", "client[ _-]?secret", "auth(?:orization)?")
CREDENTIAL_CONTEXT = re.compile(
    rf"(?i)\b(?:{'|'.join(CREDENTIAL_TERMS)})\b[\s\S]{{0,40}}?"
    r"[:=' ]\s*['\"]?(?P<v>[A-Za-z0-9_+/=.-]{20,})"
)
# the separator of a PREFIXED_TOKEN match and the 20 letters or digits after it, as they read in the text's
# lower-cased words (the match has no space or punctuation in it: it lies inside one, of 23 characters or more)
PREFIXED_TOKEN_TAIL = re.compile(r"[_-][a-z0-9]{20}")
WORD_CHARS = re.compile(r"[A-Za-z]")


def _in_runs(pattern: re.Pattern[str], text: str, min_digits: int, before: int = 0) -> Iterator[re.Match[str]]:
    """``pattern``'s matches inside the text's digit runs that hold at least ``min_digits`` digits."""
    for start, end, n in digit_runs(text):
        if n >= min_digits:
            yield from pattern.finditer(text, max(0, start - before), end)


def find_cards(text: str) -> Iterator[Finding]:
    for m in _in_runs(CARD, text, 12):
        raw = m.group()
        digits = NON_DIGITS.sub("", raw)
        if not (12 <= len(digits) <= 19) or len(set(digits)) < 3 or not luhn_ok(digits):
            continue
        seps = set(re.findall(r"[ .-]", raw))
        if len(seps) > 1:
            continue  # "12-34 5678.9012": mixed separators are not a printed card number
        groups = [len(g) for g in re.split(r"[ .-]", raw)]
        if seps == {"."} and any(g < 4 for g in groups[:-1]):
            continue  # dotted groups shorter than 4: an IP address or a version, not a card
        before = text[max(0, m.start() - 50) : m.start()]
        line = before.rsplit("\n", 1)[-1]
        if NOT_CARD_BEFORE.search(line) or ID_CUE.search(line):  # "EAN 4006381333931", "SSN: 1720232013..."
            continue
        context = CARD_CONTEXT.search(before) is not None
        # issuer prefixes: Visa 4, Mastercard 51-55 / 2221-2720, Amex 34/37, Diners 30/36/38, Discover 6011/65,
        # JCB 35, Maestro 50/56-69, UnionPay 62, Mir 2200-2204
        issuer = digits[0] in "3456" or digits[:2] in ("22", "23", "24", "25", "26", "27")
        score = 0.95 if (issuer and len(digits) >= 13) or context else (0.75 if issuer else 0.6)
        if len(groups) > 1 and any(g not in (3, 4, 5, 6) for g in groups) and not context:
            score -= 0.3  # odd groupings are more often ids
        yield Finding("payment_card", m.start(), m.end(), score, "luhn")


# the first four characters of every IBAN (two letters, two check digits) as they read in the lower-cased text
IBAN_HEAD = re.compile(r"[a-z]{2}\d\d")


def find_ibans(text: str) -> Iterator[Finding]:
    # those four characters lie inside one of the text's words (no space or punctuation in them): where no word
    # holds them, no window below holds an IBAN, and one scan of the words spares a scan of each window
    if lower_holds_ascii_matches(text) and not IBAN_HEAD.search(token_text(text)):
        return
    seen = -1
    for start, end, n in digit_runs(text):
        if end <= seen or n < 8:  # every country's IBAN holds a run of at least 8 digits
            continue
        for m in IBAN.finditer(text, max(0, start - 40, seen), min(len(text), end + 12)):
            seen = m.end()
            yield from _iban_prefix(m)


def _iban_prefix(m: re.Match[str]) -> Iterator[Finding]:
    """The longest valid IBAN at the start of ``m`` (the pattern may have run into a following word:
    "... 8035 SKU")."""
    candidate = m.group()
    while candidate:
        if iban_ok(candidate):
            yield Finding("iban", m.start(), m.start() + len(candidate), 0.95, "iban_mod97")
            return
        if not re.search(r"[ -]", candidate):
            return
        candidate = re.split(r"[ -](?=[^ -]*$)", candidate)[0]


def find_ssns(text: str) -> Iterator[Finding]:
    # whether the text may hold a cue (SSN_CUE_WORDS); without one only a dashed number can count (below), so
    # only the digit runs with a dash in them are read
    cues = not lower_holds_ascii_matches(text) or SSN_CUE_WORDS.any_in(text)
    for start, end, n in digit_runs(text):
        if n < 9 or not (cues or text.find("-", start, end) != -1):
            continue
        for m in SSN.finditer(text, start, end):
            before = text[max(0, m.start() - 45) : m.start()]
            cue = last_match(SSN_CONTEXT, before) if cues else None
            # undashed (123456789, 123 45 6789): only right after the words that name it, no other number between
            named = cue is not None and (m.group(1) == "-" or not re.search(r"\d", before[cue.end() :]))
            if named and NON_DIGITS.sub("", m.group()) != "000000000":
                yield Finding("us_ssn", m.start(), m.end(), 0.95, "ssn_context")
            elif m.group(1) == "-" and ssn_ok(m.group()):
                yield Finding("us_ssn", m.start(), m.end(), 0.75, "ssn_rules")


def find_emails(text: str) -> Iterator[Finding]:
    for m in EMAIL.finditer(text):
        yield Finding("email", m.start(), m.end(), 0.9, "email")


def find_ax_secret_fields(text: str) -> Iterator[Finding]:
    """Password / one-time-code inputs of an accessibility tree: their values (if any) are private. An empty
    field scores 0.45, below the default policy's minimum: a login page is not private by itself (what is
    typed into the field is, and the router reads an action with the field it writes into); raise
    ``Policy.thresholds`` to route every page with a password field locally."""
    from symbiotic_gym.web.observation import ROLE_ALIASES, iter_elements

    for e in iter_elements(text, rest_of_line=True, roles=ROLE_ALIASES["textbox"]):
        if not SECRET_LABEL.search(e.name):
            continue
        label = e.name.lower()
        kind = "one_time_code" if re.search(r"one[- ]time|otp|verification|security code", label) else "password"
        span = e.prop_span("value")
        if span and span[1] > span[0]:
            yield Finding(kind, span[0], span[1], 0.95, "ax_field_value")
        else:
            yield Finding(kind, e.name_start + 1, e.name_start + 1 + len(e.name), 0.45, "ax_field")


def find_said_passwords(text: str) -> Iterator[Finding]:
    said = word_matches(SAID_PASSWORD, text, PASSWORD_STARTS)
    for m in [*said, *word_matches(NEW_PASSWORD, text, _NEW_PASSWORD_STARTS)]:
        v = m.group("v").rstrip(".,;:)")
        if v.lower() in {"field", "fields", "reset", "change", "changed", "forgot", "required", "confirm", "again"} or (
            m.groupdict().get("link") is None and not re.search(r"\d", v) and v[:1].islower()
        ):
            continue
        linked = m.groupdict().get("link") is not None or m.re is NEW_PASSWORD
        # "password managers" is not a password; "password is Sunflower!2024" and "password: hunter2" are
        if re.search(r"[\d\W]", v) or (linked and len(v) >= 6):
            yield Finding("password", m.start("v"), m.start("v") + len(v), 0.85, "said_password")
    for m in word_matches(SAID_OTP, text, _OTP_STARTS):
        yield Finding("one_time_code", m.start("v"), m.end("v"), 0.85, "said_otp")


SECRET_PATTERN_HINTS = {
    "private_key": ("PRIVATE KEY",),
    "jwt": ("eyJ",),
    "aws_key": ("AKIA", "ASIA"),
    "github_token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "gitlab_token": ("glpat-",),
    "slack_token": ("xox",),
    "openai_key": ("sk-",),
    "google_key": ("AIza",),
    "stripe_key": ("_live_", "_test_"),
    "bearer": ("earer",),
}


def find_secrets(text: str) -> Iterator[Finding]:
    for name, pattern in SECRET_PATTERNS:
        if not any(h in text for h in SECRET_PATTERN_HINTS[name]):
            continue
        for m in pattern.finditer(text):
            yield Finding("secret", m.start(), m.end(), 0.95, name)
    # each pattern would scan the whole text: the first only where a word holds the tail of a prefixed token,
    # the second only where a credential word begins (see word_matches); neither can drop a match
    for m in PREFIXED_TOKEN.finditer(text) if any(PREFIXED_TOKEN_TAIL.search(w) for w in long_tokens(text)) else ():
        body = m.group()[m.group().index("_" if "_" in m.group()[:7] else "-") + 1 :]
        # hex tokens (24 random hex digits) have an entropy near 3.5 bits; words and ids stay far below 3
        if entropy(body) >= 3.0 and re.search(r"\d", body) and re.search(r"[A-Za-z]", body):
            yield Finding("secret", m.start(), m.end(), 0.85, "prefixed_token")
    for m in word_matches(CREDENTIAL_CONTEXT, text, _CREDENTIAL_STARTS):
        v = m.group("v")
        if re.search(r"/[a-z]{3,}", v):  # a URL path (".../settings/tokens"), not a credential
            continue
        if entropy(v) >= 3.0 and WORD_CHARS.search(v) and re.search(r"\d", v):
            yield Finding("secret", m.start("v"), m.end("v"), 0.8, "entropy_in_credential_context")


RECOGNIZERS: dict[str, Recognizer] = {
    "payment_card": find_cards,
    "iban": find_ibans,
    "us_ssn": find_ssns,
    "national_id": find_national_ids,
    "email": find_emails,
    "phone": find_phones,
    "street_address": find_streets,
    "date_of_birth": find_dobs,
    "ax_secret_field": find_ax_secret_fields,
    "said_password": find_said_passwords,
    "secret": find_secrets,
    "labelled": find_labelled,
}


# cheap tests that most texts fail: a recognizer only runs where its gate opens (keeps a 5 kB page < 1 ms)
SECRET_HINTS = tuple(h for hints in SECRET_PATTERN_HINTS.values() for h in hints)
CREDENTIAL_WORDS = (
    "token",
    "api key",
    "api_key",
    "apikey",
    "api-key",
    "secret",
    "access key",
    "access_key",
    "bearer",
    "authoriz",
)
PASSWORD_WORDS = (
    "password",
    "passcode",
    "passphrase",
    "pwd",
    "otp",
    "one-time",
    "one time",
    "verification code",
    "2fa",
    " pin",
)

# gates see (text, text.lower()); substring tests are far cheaper than regular expressions in Python
GATES: dict[str, Callable[[str, str], bool]] = {
    "payment_card": lambda t, low: most_digits(t) >= 12,
    "iban": lambda t, low: most_digits(t) >= 8,
    # the SSN recognizer reads only digit runs of 9 digits or more (a dashed number or one after its words)
    "us_ssn": lambda t, low: most_digits(t) >= 9,
    "national_id": lambda t, low: digit_runs(t) != () or 16 in token_lengths(t),
    "email": lambda t, low: "@" in t,
    "phone": lambda t, low: digit_runs(t) != (),
    "street_address": lambda t, low: True,  # gated word by word inside (symbiotic_gym.privacy.addresses)
    "date_of_birth": lambda t, low: _YEARISH.search(t) is not None,
    "ax_secret_field": lambda t, low: "textbox" in t and (SECRET_FIELD_WORDS.any_in(t, low) or "pin" in tokens(t)),
    "said_password": lambda t, low: (
        _PASSWORD_SUBSTRINGS.any_in(t, low)
        or bool(tokens(t) & PASSWORD_TOKENS)
        or (not t.isascii() and _PASSWORD_CJK.any_in(t, low))
    ),
    "secret": lambda t, low: (
        # a prefixed token ("sgp_" + 20 characters) is one word of 21 characters or more: a test of the words
        # already split costs far less than a pattern over the whole text
        longest_token(t) > 20
        # a hint is in the text only if its lower-case form is in the lower-cased text: that test first (cheaper)
        or (_SECRET_HINTS_LOWER.any_in(t, low) and any(h in t for h in SECRET_HINTS))
        or _CREDENTIAL_WORDS.any_in(t, low)
    ),
}


def _fewest(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words none of which holds another (one substring test stands for all that hold it)."""
    return tuple(w for w in set(words) if not any(o != w and o in w for o in words))


_PASSWORD_SUBSTRINGS = Substrings(_fewest(tuple(w for w in (*PASSWORD_WORDS, *PASSWORD_GATE) if w.isascii())))
_PASSWORD_CJK = Substrings(_fewest(tuple(w for w in PASSWORD_GATE if not w.isascii())))
_SECRET_HINTS_LOWER = Substrings(h.lower() for h in SECRET_HINTS)
# the first words of the terms the patterns of said passwords, one-time codes and credentials begin with
_NEW_PASSWORD_STARTS = Substrings(NEW_PASSWORD_WORDS)
_OTP_STARTS = Substrings(map(leading_word, OTP_TERMS))
_CREDENTIAL_STARTS = Substrings(map(leading_word, CREDENTIAL_TERMS))
_CREDENTIAL_WORDS = Substrings(CREDENTIAL_WORDS)
SECRET_FIELD_WORDS = Substrings((
    "password", "passcode", "passphrase", "one-time", "one time", "otp", "verification", "security code", "cvc", "cvv",
))  # fmt: skip
_YEARISH = re.compile(r"(?:1[89]|20)\d\d")


class Detector:
    """Runs the recognizers; :meth:`scan` returns the findings that the policy counts, non-overlapping."""

    def __init__(self, policy: Policy | None = None, recognizers: dict[str, Recognizer] | None = None) -> None:
        self.policy = policy or Policy()
        self.recognizers = dict(recognizers or RECOGNIZERS)

    def all_findings(self, text: str) -> list[Finding]:
        if "\\n" in text:
            # escaped line breaks (JSON in a page or a prompt) read as line breaks; same length, same spans
            text = text.replace("\\n", "\n ")
        low = lowered(text)
        found = [f for name, rec in self.recognizers.items() if GATES.get(name, _always)(text, low) for f in rec(text)]
        found = _widen_labelled([f for f in found if not _vetoed(text, f)])
        found.sort(key=lambda f: (-f.score, f.start))
        kept: list[Finding] = []
        for f in found:  # the best-scored finding wins an overlap (a card is not also a phone) ...
            if not any(_shadows(k, f) for k in kept):
                kept.append(f)
        return sorted(kept, key=lambda f: f.start)

    def scan(self, text: str) -> list[Finding]:
        return [f for f in self.all_findings(text) if self.policy.counts(f)]

    def scan_many(self, texts: Iterable[str]) -> list[Finding]:
        return [f for t in texts for f in self.scan(t)]

    def types(self, texts: Iterable[str]) -> list[str]:
        """The private types present in any of the texts (sorted, unique): what a step's record keeps."""
        return sorted({f.type for f in self.scan_many(texts)})


def _shadows(kept: Finding, f: Finding) -> bool:
    """... unless ``f`` mostly lies outside it: an address block that holds a phone number stays an address."""
    overlap = min(kept.end, f.end) - max(kept.start, f.start)
    return overlap > 0 and (f.type == kept.type or overlap * 2 >= f.end - f.start)


# the types a label can veto (a number under "IMEI", a date under "Published")
VETOABLE = frozenset(("payment_card", "phone", "national_id", "us_ssn", "iban", "one_time_code", "date_of_birth"))


def _widen_labelled(found: list[Finding]) -> list[Finding]:
    """A labelled value (the shape its label asks for) covers what a recognizer of its type found over it
    too ("Fax: 765-024-1209x579": the label's digits and the phone recognizer's extension)."""
    labelled = [f for f in found if f.recognizer.startswith("label:")]
    if not labelled:
        return found
    out = [f for f in found if not f.recognizer.startswith("label:")]
    for lab in labelled:
        start, end = lab.start, lab.end
        for f in out:
            if f.type == lab.type and f.start < end and start < f.end:
                start, end = min(start, f.start), max(end, f.end)
        out.append(Finding(lab.type, start, end, lab.score, lab.recognizer))
    return out


def _vetoed(text: str, f: Finding) -> bool:
    """Whether the value's label, or the cue nearest before it on its line, says it is something else."""
    if f.type not in VETOABLE or f.recognizer.startswith("label:"):
        return False
    if read_structure(text).vetoed(f):
        return True
    line_start = text.rfind("\n", 0, f.start) + 1
    return vetoed(nearest_cue(text[max(line_start, f.start - 80) : f.start]), f.type)


def _always(text: str, low: str) -> bool:
    return True


_default: Detector | None = None


def default_detector() -> Detector:
    global _default
    if _default is None:
        _default = Detector()
    return _default
