"""Labelled texts for evaluating the detector: checksum-valid private values in page-like contexts, mixed
with look-alikes that must not fire (order numbers, SKUs, prices, dates, tracking numbers, ISBNs...).

``generate(n, seed)`` returns :class:`Sample` objects whose ``labels`` are the (type, start, end) spans of
the private values placed in the text. Everything is generated from a seed; nothing is downloaded.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

from symbiotic_gym.privacy.detector import luhn_check_digit

FIRST = ("emma", "liam", "olivia", "noah", "ava", "mia", "lucas", "sofia", "arjun", "mei", "omar", "ines")
LAST = ("lopez", "chen", "smith", "garcia", "patel", "nguyen", "kim", "novak", "haddad", "okafor")
DOMAINS = ("example.com", "mail.example.org", "corp.example.net", "uni.example.edu")
STREETS = ("Maple", "Oak", "Pine", "Cedar", "Elm", "Harbor", "Lakeview", "Hillcrest", "Sunset", "Riverside")
SUFFIXES = ("Street", "St", "Avenue", "Ave", "Road", "Lane", "Drive", "Court", "Way", "Boulevard")
WORDS = ("Copper", "Velvet", "Granite", "Maple", "Quiet", "Amber", "Falcon", "River", "Harbor", "Moon")


@dataclass
class Sample:
    text: str
    labels: list[tuple[str, int, int]] = field(default_factory=list)


def card(r: random.Random) -> str:
    prefix, length = r.choice((("4", 16), ("51", 16), ("55", 16), ("6011", 16), ("34", 15), ("37", 15)))
    body = prefix + "".join(r.choice(string.digits) for _ in range(length - len(prefix) - 1))
    number = body + luhn_check_digit(body)
    style = r.choice(("plain", "space", "dash"))
    if style == "plain" or length == 15:
        return number
    sep = " " if style == "space" else "-"
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def luhn_invalid(r: random.Random) -> str:
    body = str(r.randint(100000000000000, 999999999999999))
    return body + str((int(luhn_check_digit(body)) + r.randint(1, 9)) % 10)


def iban(r: random.Random) -> str:
    country, length = r.choice((("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("ES", 24)))
    if country in ("GB", "NL"):
        bban = "".join(r.choice(string.ascii_uppercase) for _ in range(4))
        bban += "".join(r.choice(string.digits) for _ in range(length - 8))
    else:
        bban = "".join(r.choice(string.digits) for _ in range(length - 4))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)) if r.random() < 0.6 else raw


def ssn(r: random.Random) -> str:
    return f"{r.randint(1, 665):03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"


def email(r: random.Random) -> str:
    return f"{r.choice(FIRST)}.{r.choice(LAST)}{r.randint(1, 99) if r.random() < 0.3 else ''}@{r.choice(DOMAINS)}"


def phone(r: random.Random) -> str:
    a, b, c = r.randint(201, 989), r.randint(200, 999), r.randint(0, 9999)
    return r.choice((f"({a}) {b}-{c:04d}", f"{a}-{b}-{c:04d}", f"+1 {a} {b} {c:04d}", f"{a}.{b}.{c:04d}"))


def street(r: random.Random) -> str:
    return f"{r.randint(1, 9999)} {r.choice(STREETS)} {r.choice(SUFFIXES)}"


def date(r: random.Random) -> str:
    y, m, d = r.randint(1950, 2005), r.randint(1, 12), r.randint(1, 28)
    return r.choice((f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"March {d}, {y}"))


def password(r: random.Random) -> str:
    return f"{r.choice(WORDS)}{r.choice('!@#%+=~')}{r.choice(WORDS)}{r.randint(10, 99)}"


def otp(r: random.Random) -> str:
    return "".join(r.choice(string.digits) for _ in range(r.choice((6, 6, 8))))


def secret(r: random.Random) -> str:
    alnum = string.ascii_letters + string.digits
    rand = lambda n: "".join(r.choice(alnum) for _ in range(n))  # noqa: E731
    return r.choice(
        (
            "AKIA" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
            "ghp_" + rand(36),
            "glpat-" + rand(20),
            "sk-" + rand(40),
            f"eyJ{rand(20)}.eyJ{rand(30)}.{rand(30)}",
            "xoxb-" + rand(12) + "-" + rand(12),
        )
    )


# type -> (value generator, contexts with {v})
POSITIVES: dict[str, tuple[Callable[[random.Random], str], tuple[str, ...]]] = {
    "payment_card": (
        card,
        ("Card number: {v}", "[31] textbox 'Card number' value='{v}'", "Pay with my card {v} please."),
    ),
    "iban": (iban, ("IBAN: {v}", "Transfer to {v} by Friday.", "StaticText 'Account {v}'")),
    "us_ssn": (ssn, ("SSN: {v}", "My social security number is {v}.")),
    "email": (email, ("Contact: {v}", "[18] textbox 'Email' value='{v}'", "Send it to {v} today.")),
    "phone": (phone, ("Phone: {v}", "Call me at {v}.", "[22] textbox 'Phone number' value='{v}'")),
    "street_address": (street, ("Ship to {v}, Portland, OR 97205", "StaticText '{v}'", "I live at {v}.")),
    "date_of_birth": (date, ("Date of birth: {v}", "I was born on {v}.", "DOB: {v}")),
    "password": (
        password,
        ("My password is {v}.", "[13] textbox 'Password' value='{v}'", "Change the password to {v}"),
    ),
    "one_time_code": (otp, ("Your verification code is {v}.", "Enter the one-time code {v} to continue.")),
    "secret": (secret, ("API key: {v}", "export TOKEN={v}", "Authorization: Bearer {v}")),
}

NEGATIVES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"Order #{r.randint(1, 999999):09d} placed on 2023-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
    lambda r: f"SKU {r.randint(10, 99)}-{r.choice('ABCDMW')}{r.choice('BSTJ')}{r.randint(1, 99):02d}, in stock",
    lambda r: f"Price: ${r.randint(1, 999)}.{r.randint(0, 99):02d} ({r.randint(1, 40)} reviews)",
    lambda r: f"Tracking number 1Z{''.join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16))}",
    lambda r: f"ISBN 978-{r.randint(0, 9)}-{r.randint(10, 99)}-{r.randint(100000, 999999)}-{r.randint(0, 9)}",
    lambda r: f"Issue #{r.randint(1, 9999)} opened {r.randint(1, 30)} days ago",
    lambda r: f"Invoice {luhn_invalid(r)}",  # 16 digits that fail the Luhn check
    lambda r: f"Updated 2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} 14:{r.randint(10, 59)}",
    lambda r: f"Version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}",
    lambda r: (
        f"Zip code {r.randint(10000, 99999)}, {r.randint(1, 9)} items, total {r.randint(1, 9)},{r.randint(100, 999)}.00"
    ),
    lambda r: "Reset your password below. The password field is required.",
    lambda r: f"[{r.randint(1, 200)}] link 'Order {r.randint(100, 999)}-{r.randint(1000, 9999)}'",
)


def generate(n: int = 2000, seed: int = 0) -> list[Sample]:
    r = random.Random(seed)
    kinds = list(POSITIVES)
    out = []
    for _ in range(n):
        parts: list[tuple[str, str | None, str | None]] = []  # (text, type, value)
        for _ in range(r.choice((0, 1, 1, 2))):
            kind = r.choice(kinds)
            make, contexts = POSITIVES[kind]
            value = make(r)
            parts.append((r.choice(contexts), kind, value))
        for _ in range(r.choice((1, 1, 2))):
            parts.append((r.choice(NEGATIVES)(r).replace("{", "{{").replace("}", "}}"), None, None))
        r.shuffle(parts)
        text, labels = "", []
        for template, kind, value in parts:
            if text:
                text += "\n" if r.random() < 0.5 else " "
            if kind is None:
                text += template.format()
                continue
            head, tail = template.split("{v}")
            start = len(text) + len(head)
            text += head + str(value) + tail
            labels.append((kind, start, start + len(str(value))))
        out.append(Sample(text, labels))
    return out
