"""The detector finds checksum-valid private values in text and accessibility trees, and leaves look-alikes."""

from __future__ import annotations

import pytest

from symbiotic_gym.privacy import Detector, Policy, default_detector, redact
from symbiotic_gym.privacy.detector import iban_ok, luhn_ok
from symbiotic_gym.suites.embedded.data import CARDS


def kinds(text: str) -> list[str]:
    return [f.type for f in default_detector().scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"card {CARDS[0][0]}", ["payment_card"]),
        ("pay with 4539 1488 0343 6467", ["payment_card"]),
        ("IBAN DE89 3704 0044 0532 0130 00 please", ["iban"]),
        ("SSN: 123-45-6789", ["us_ssn"]),
        ("mail emma.lopez@example.com now", ["email"]),
        ("call me at (415) 555-0142", ["phone"]),
        ("+1 206-555-0187 is my cell", ["phone"]),
        ("ship to 742 Evergreen Terrace, Springfield", ["street_address"]),
        ("I was born on 03/14/1988.", ["date_of_birth"]),
        ("Change my forum password from Sunflower!2024 to Maple@Harbor19.", ["password", "password"]),
        ("your verification code is 482913", ["one_time_code"]),
        ("key AKIAIOSFODNN7EXAMPLE", ["secret"]),
        ("token glpat-abcdefghij1234567890XY", ["secret"]),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", ["secret"]),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", ["secret"]),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456", ["secret"]),
        ("Your new personal access token: sgp_3f9a8b7c6d5e4f3a2b1c0d9e", ["secret"]),
    ],
)
def test_finds_private_values(text: str, expected: list[str]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order #000000170 placed on 2023-03-11",
        "SKU 24-MB01, price $45.00, 3 in stock",
        "tracking number 1Z999AA10123456784",
        "4539 1488 0343 6468",  # Luhn-invalid
        "Issue #1234 opened 5 days ago by liam.chen",
        "Total: 1,249.99 USD for 12 items",
        "The meeting is on 03/14/2024 in room 101",  # a recent date without a birth context
        "Reset your password below. Password field is required.",
        "ISBN 978-3-16-148410-0",
        "version 1.2.3-456-7890",
    ],
)
def test_leaves_look_alikes(text: str) -> None:
    assert kinds(text) == []


def test_accessibility_tree_password_fields() -> None:
    ax = (
        "[12] textbox 'Current password', required\n"
        "[13] textbox 'New password' value='Maple@Harbor19'\n"
        "[14] button 'Save'"
    )
    found = default_detector().scan(ax)
    # an empty password field is no private data (0.45, below the default minimum); its value is
    assert [f.type for f in found] == ["password"]
    assert ax[found[0].start : found[0].end] == "Maple@Harbor19"
    assert redact(ax).count("[PASSWORD]") == 1 and "Maple@Harbor19" not in redact(ax)
    assert [f.type for f in Detector(Policy(min_score=0.4)).scan(ax)] == ["password", "password"]


def test_policy_selects_types_and_thresholds() -> None:
    only_cards = Detector(Policy(private_types=frozenset({"payment_card"})))
    text = f"mail a@b.co card {CARDS[1][0]}"
    assert [f.type for f in only_cards.scan(text)] == ["payment_card"]
    strict = Detector(Policy(thresholds={"phone": 0.95}))
    assert strict.scan("call me at (415) 555-0142") == []


def test_validators() -> None:
    assert luhn_ok("4539148803436467") and not luhn_ok("4539148803436468")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB82 WEST 1234 5698 7654 33")


def test_redaction_keeps_the_kind_and_extra_values() -> None:
    text = f"Card {CARDS[2][0]} for emma.lopez@example.com, code word Tangerine"
    out = redact(text, extra_values=["Tangerine"])
    assert out == "Card [PAYMENT_CARD] for [EMAIL], code word [PRIVATE]"
