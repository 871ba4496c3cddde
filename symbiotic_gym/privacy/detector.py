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

TYPES = (
    "payment_card",
    "iban",
    "us_ssn",
    "email",
    "phone",
    "street_address",
    "date_of_birth",
    "password",
    "one_time_code",
    "secret",
)


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    score: float
    recognizer: str

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end


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


IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}  # fmt: skip


def iban_ok(raw: str) -> bool:
    iban = re.sub(r"\s+", "", raw).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


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

Recognizer = Callable[[str], Iterator[Finding]]

CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)")
PHONE_CONTEXT = re.compile(r"(?i)\b(?:phone|tel|mobile|cell|call me|number is)\b")
STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|"
    r"Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail)"
)
STREET = re.compile(rf"\b\d{{1,6}}(?: [A-Z][a-z]+){{1,4}} {STREET_SUFFIX}\b\.?(?:,? (?:Apt|Suite|Unit) ?\w+)?")
DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2},? (?:19|20)\d{2})"  # noqa: E501
DOB = re.compile(
    rf"(?i)\b(?:born(?: on)?|date of birth|birth ?date|birthday|d\.?o\.?b\.?)\s*[:,]?\s*(?:is\s+)?({DATE})"
)
# labels of password / one-time-code inputs (the element lines themselves are read by symbiotic_gym.observation)
SECRET_LABEL = re.compile(
    r"(?i)password|passcode|passphrase|pin\b|one[- ]time|otp|verification code|security code|cvc|cvv"
)
SAID_PASSWORD = re.compile(
    r"(?i)\b(?:password|passcode|passphrase|pwd|pin)\b(?P<link>\s+(?:is|was|to|from)\b|\s*[:=])?\s*['\"]?"
    r"(?P<v>[^\s'\",;]{4,64})"
)
NEW_PASSWORD = re.compile(r"(?i)\b(?:password|passcode|passphrase)\b[^.\n]{0,40}?\bto\s+['\"]?(?P<v>[^\s'\",;]{4,64})")
SAID_OTP = re.compile(
    r"(?i)\b(?:one[- ]time (?:code|password)|otp|verification code|2fa code)\b\D{0,20}(?P<v>\d{4,8})\b"
)
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
CREDENTIAL_CONTEXT = re.compile(
    r"(?i)\b(?:token|api[ _-]?key|secret|access[ _-]?key|client[ _-]?secret|auth(?:orization)?)\b[\s\S]{0,40}?"
    r"[:=' ]\s*['\"]?(?P<v>[A-Za-z0-9_+/=.-]{20,})"
)
WORD_CHARS = re.compile(r"[A-Za-z]")


def find_cards(text: str) -> Iterator[Finding]:
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_ok(digits):
            groups = re.split(r"[ -]", m.group())
            # 16 digits in blocks of 4 (or unbroken) look like a card; odd groupings are more often ids
            score = 0.95 if digits[0] in "3456" else 0.7
            if len(groups) > 1 and any(len(g) not in (4, 5, 6) for g in groups):
                score -= 0.3
            yield Finding("payment_card", m.start(), m.end(), score, "luhn")


def find_ibans(text: str) -> Iterator[Finding]:
    for m in IBAN.finditer(text):
        candidate = m.group()
        while candidate:  # the pattern may have run into a following word ("... 8035 SKU"): shorten
            if iban_ok(candidate):
                yield Finding("iban", m.start(), m.start() + len(candidate), 0.95, "iban_mod97")
                break
            if " " not in candidate:
                break
            candidate = candidate.rsplit(" ", 1)[0]


def find_ssns(text: str) -> Iterator[Finding]:
    for m in SSN.finditer(text):
        if ssn_ok(m.group()):
            before = text[max(0, m.start() - 40) : m.start()].lower()
            score = 0.95 if ("ssn" in before or "social security" in before) else 0.75
            yield Finding("us_ssn", m.start(), m.end(), score, "ssn_rules")


def find_emails(text: str) -> Iterator[Finding]:
    for m in EMAIL.finditer(text):
        yield Finding("email", m.start(), m.end(), 0.9, "email")


def find_phones(text: str) -> Iterator[Finding]:
    for m in PHONE.finditer(text):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        if len(set(digits)) < 3:
            continue
        context = PHONE_CONTEXT.search(text[max(0, m.start() - 40) : m.start()])
        formatted = "(" in raw or raw.startswith("+") or re.fullmatch(r"\d{3}[ .-]\d{3}[ .-]\d{4}", raw)
        score = 0.9 if context else (0.7 if formatted else 0.4)
        yield Finding("phone", m.start(), m.end(), score, "phone")


def find_streets(text: str) -> Iterator[Finding]:
    for m in STREET.finditer(text):
        yield Finding("street_address", m.start(), m.end(), 0.8, "street")


def find_dobs(text: str) -> Iterator[Finding]:
    for m in DOB.finditer(text):
        yield Finding("date_of_birth", m.start(1), m.end(1), 0.9, "dob_context")


def find_ax_secret_fields(text: str) -> Iterator[Finding]:
    """Password / one-time-code inputs of an accessibility tree: their values (if any) are private, and the
    field itself marks the step as touching credentials."""
    from symbiotic_gym.observation import ROLE_ALIASES, iter_elements

    for e in iter_elements(text, rest_of_line=True):
        if e.role not in ROLE_ALIASES["textbox"] or not SECRET_LABEL.search(e.name):
            continue
        label = e.name.lower()
        kind = "one_time_code" if re.search(r"one[- ]time|otp|verification|security code", label) else "password"
        span = e.prop_span("value")
        if span and span[1] > span[0]:
            yield Finding(kind, span[0], span[1], 0.95, "ax_field_value")
        else:
            yield Finding(kind, e.name_start + 1, e.name_start + 1 + len(e.name), 0.6, "ax_field")


def find_said_passwords(text: str) -> Iterator[Finding]:
    for m in [*SAID_PASSWORD.finditer(text), *NEW_PASSWORD.finditer(text)]:
        v = m.group("v").rstrip(".,;:)")
        if v.lower() in {"field", "fields", "reset", "change", "changed", "forgot", "required", "confirm", "again"}:
            continue
        linked = m.groupdict().get("link") is not None or m.re is NEW_PASSWORD
        # "password managers" is not a password; "password is Sunflower!2024" and "password: hunter2" are
        if re.search(r"[\d\W]", v) or (linked and len(v) >= 6):
            yield Finding("password", m.start("v"), m.start("v") + len(v), 0.85, "said_password")
    for m in SAID_OTP.finditer(text):
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
    for m in PREFIXED_TOKEN.finditer(text):
        body = m.group()[m.group().index("_" if "_" in m.group()[:7] else "-") + 1 :]
        # hex tokens (24 random hex digits) have an entropy near 3.5 bits; words and ids stay far below 3
        if entropy(body) >= 3.0 and re.search(r"\d", body) and re.search(r"[A-Za-z]", body):
            yield Finding("secret", m.start(), m.end(), 0.85, "prefixed_token")
    for m in CREDENTIAL_CONTEXT.finditer(text):
        v = m.group("v")
        if re.search(r"/[a-z]{3,}", v):  # a URL path (".../settings/tokens"), not a credential
            continue
        if entropy(v) >= 3.0 and WORD_CHARS.search(v) and re.search(r"\d", v):
            yield Finding("secret", m.start("v"), m.end("v"), 0.8, "entropy_in_credential_context")


RECOGNIZERS: dict[str, Recognizer] = {
    "payment_card": find_cards,
    "iban": find_ibans,
    "us_ssn": find_ssns,
    "email": find_emails,
    "phone": find_phones,
    "street_address": find_streets,
    "date_of_birth": find_dobs,
    "ax_secret_field": find_ax_secret_fields,
    "said_password": find_said_passwords,
    "secret": find_secrets,
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
STREET_WORDS = tuple(f" {w}" for w in STREET_SUFFIX.strip("(?:)").split("|"))
_TOKENISH = re.compile(r"[_-][A-Za-z0-9]{20}")

# gates see (text, text.lower()); substring tests are far cheaper than regular expressions in Python
GATES: dict[str, Callable[[str, str], bool]] = {
    "payment_card": lambda t, low: _CARDISH.search(t) is not None,
    "iban": lambda t, low: _IBANISH.search(t) is not None,
    "us_ssn": lambda t, low: _SSNISH.search(t) is not None,
    "email": lambda t, low: "@" in t,
    "phone": lambda t, low: _PHONEISH.search(t) is not None,
    "street_address": lambda t, low: any(w in t for w in STREET_WORDS),
    "date_of_birth": lambda t, low: "born" in low or "birth" in low or "dob" in low or "d.o.b" in low,
    "ax_secret_field": lambda t, low: "textbox" in t,
    "said_password": lambda t, low: any(w in low for w in PASSWORD_WORDS),
    "secret": lambda t, low: (
        any(h in t for h in SECRET_HINTS) or any(w in low for w in CREDENTIAL_WORDS) or _TOKENISH.search(t) is not None
    ),
}
_CARDISH = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}")
_IBANISH = re.compile(r"[A-Z]{2}\d{2}")
_SSNISH = re.compile(r"\d{3}-\d{2}-\d{4}")
_PHONEISH = re.compile(r"\d{3}[ .-]\d{4}")


class Detector:
    """Runs the recognizers; :meth:`scan` returns the findings that the policy counts, non-overlapping."""

    def __init__(self, policy: Policy | None = None, recognizers: dict[str, Recognizer] | None = None) -> None:
        self.policy = policy or Policy()
        self.recognizers = dict(recognizers or RECOGNIZERS)

    def all_findings(self, text: str) -> list[Finding]:
        low = text.lower()
        found = [f for name, rec in self.recognizers.items() if GATES.get(name, _always)(text, low) for f in rec(text)]
        found.sort(key=lambda f: (-f.score, f.start))
        kept: list[Finding] = []
        for f in found:  # the best-scored finding wins an overlap (a card is not also a phone)
            if not any(f.overlaps(k) for k in kept):
                kept.append(f)
        return sorted(kept, key=lambda f: f.start)

    def scan(self, text: str) -> list[Finding]:
        return [f for f in self.all_findings(text) if self.policy.counts(f)]

    def scan_many(self, texts: Iterable[str]) -> list[Finding]:
        return [f for t in texts for f in self.scan(t)]

    def types(self, texts: Iterable[str]) -> list[str]:
        """The private types present in any of the texts (sorted, unique): what a step's record keeps."""
        return sorted({f.type for f in self.scan_many(texts)})


def _always(text: str, low: str) -> bool:
    return True


_default: Detector | None = None


def default_detector() -> Detector:
    global _default
    if _default is None:
        _default = Detector()
    return _default
