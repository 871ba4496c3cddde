"""The detector on formats of the real world: phones of other regions, continental and military addresses,
P.O. boxes, birth dates with a distant cue, cards in every grouping, SSNs named by context, IBANs of any
case; and the look-alikes of real pages that must not fire."""

from __future__ import annotations

import pytest

from symbiotic_gym.privacy import Detector, default_detector, redact


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in default_detector().scan(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # phones: international form, national forms of other regions, unseparated and short numbers with a cue
        ("Phone: +44 20 7946 0123", "phone", "+44 20 7946 0123"),
        ("Desk: +41 (0)61 827 54 80", "phone", "+41 (0)61 827 54 80"),
        ("Tel. 07700 900123", "phone", "07700 900123"),
        ("Can someone call me on 06-82237745?", "phone", "06-82237745"),
        ("Mobile: (73) 4746-3459", "phone", "(73) 4746-3459"),
        ("You can call 5418306419", "phone", "5418306419"),
        ("Reach me at 84 23 30 after six", "phone", "84 23 30"),
        ("041 052 4919 office", "phone", "041 052 4919"),
        ("[22] textbox 'Telefon' value='0664 121 30 48'", "phone", "0664 121 30 48"),
        ("columnheader 'Phone'\n\tgridcell '(415) 555-0142'", "phone", "(415) 555-0142"),
        ("Fax: 765-024-1209x579", "phone", "765-024-1209x579"),
        # addresses: English suffixes beyond the common ones, continental forms, boxes, military, blocks
        ("19 Maple Crescent, Leeds LS6 2AB", "street_address", "19 Maple Crescent, Leeds LS6 2AB"),
        ("I live at 221 184th Street, Apt 4", "street_address", "221 184th Street, Apt 4"),
        ("Ship to Via Leopardi 83, 20123 Milano", "street_address", "Via Leopardi 83, 20123 Milano"),
        ("Invalidenstrasse 19, 10115 Berlin", "street_address", "Invalidenstrasse 19, 10115 Berlin"),
        ("Reinprechtsdorfer Strasse 32", "street_address", "Reinprechtsdorfer Strasse 32"),
        ("12 rue de la Paix, 75002 Paris", "street_address", "12 rue de la Paix, 75002 Paris"),
        ("Calle Mayor 5, 28013 Madrid", "street_address", "Calle Mayor 5, 28013 Madrid"),
        ("Olmstraat 69, 6101 BS Echt", "street_address", "Olmstraat 69, 6101 BS Echt"),
        ("He lives on Hundbergsvägen 13.", "street_address", "Hundbergsvägen 13"),
        ("P.O. Box 255, Kangerlussuaq", "street_address", "P.O. Box 255, Kangerlussuaq"),
        ("Postfach 12 04 in Bonn", "street_address", "Postfach 12"),
        ("PSC 2221, Box 9693\nAPO AA 76936", "street_address", "PSC 2221, Box 9693\nAPO AA 76936"),
        ("USS Hafliðason\nFPO AA 01663", "street_address", "USS Hafliðason\nFPO AA 01663"),
        ("the bus stops at 31 rue tachkent", "street_address", "31 rue tachkent"),
        ("[4] textbox 'Shipping address' value='Bergebakken 48B, 6280 Kristofferdal'", "street_address",
         "Bergebakken 48B, 6280 Kristofferdal"),
        ("36238 Naustskaret 88\n Apt. 923\n MOLDE\n Norway 69184", "street_address",
         "36238 Naustskaret 88\n Apt. 923\n MOLDE\n Norway 69184"),
        # dates of birth: the cue anywhere before it on the line, a field label, other languages
        ("Please tell me your date of birth. It's 4/24/1960", "date_of_birth", "4/24/1960"),
        ("[9] textbox 'Geburtsdatum' value='24.04.1960'", "date_of_birth", "24.04.1960"),
        ("Born in Lyon on 3 March 1961, she moved", "date_of_birth", "3 March 1961"),
        # cards: 12-19 digits, any common grouping and separator
        ("Card 3782 822463 10005", "payment_card", "3782 822463 10005"),
        ("Maestro 502006181759", "payment_card", "502006181759"),
        ("card 4539.1488.0343.6467", "payment_card", "4539.1488.0343.6467"),
        ("What is the limit for card 4107835674300038967?", "payment_card", "4107835674300038967"),
        # SSNs without dashes when a context names them
        ("SSN 123456789", "us_ssn", "123456789"),
        ("My social security number is 123 45 6789", "us_ssn", "123 45 6789"),
        # other countries' national ids: named by a cue, or validated by python-stdnum where unmistakable
        ("His social security number is ZZ 91 41 77 T", "national_id", "ZZ 91 41 77 T"),
        ("Numéro de sécurité sociale : 172023201312126", "national_id", "172023201312126"),
        ("[7] textbox 'AHV-Nummer' value='756.2140.3579.85'", "national_id", "756.2140.3579.85"),
        ("Codice fiscale BCCFRC15M25E852P", "national_id", "BCCFRC15M25E852P"),
        ("Henkilötunnus 231002A5848", "national_id", "231002A5848"),
        ("CPF 187.244.670-14", "national_id", "187.244.670-14"),
        ("BSN: 214035797", "national_id", "214035797"),
        # IBANs spaced, unspaced, lower case
        ("iban de89370400440532013000", "iban", "de89370400440532013000"),
        ("IBAN: DE89 3704 0044 0532 0130 00", "iban", "DE89 3704 0044 0532 0130 00"),
        ("Transfer to GB82WEST12345698765432 today", "iban", "GB82WEST12345698765432"),
    ],
)  # fmt: skip
def test_real_world_values_are_found_whole(text: str, kind: str, value: str) -> None:
    assert (kind, value) in spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Order #000000170 placed on 2023-03-11",
        "EAN 4006381333931",
        "Server 192.168.10.254 is down",
        "Updated 2024-07-15 14:13",
        "Price: $1,249.99 (12 reviews)",
        "3 items in the park",
        "Windows 10 Pro",
        "Chapter 5, Verse 3",
        "Room 101 is booked",
        "Sent via email 5 times",
        "posted 2 days ago in the forum",
        "Tracking 1Z999AA10123456784",
        "ZIP 97205",
        "Founded in 1987",
        "Top 10 Best Ways to Save",
        "Qty 2, total 1,240.00",
        "Invoice 2023-00123",
        "Order 123-4567",
        "uptime 99.95%",
        "Pixel 7, Galaxy S22 and iPhone 14",
        "Flight LH 4567 departs 14:05",
        "I'd like to call a taxi",
        "My driver's license number is 548581932",
        "The meeting was on 2024-03-14",
    ],
)
def test_real_page_look_alikes_do_not_fire(text: str) -> None:
    assert spans(text) == []


def test_a_date_is_a_birth_date_by_its_context_not_by_its_age() -> None:
    assert spans("He scored 12 points on 3 March 1990") == []
    assert spans("Member since 05.05.2007") == [] and spans("Erstellt am 03.04.1961") == []
    assert spans("Geboren am 3. April 1961") == [("date_of_birth", "3. April 1961")]


def test_escaped_line_breaks_read_as_line_breaks_and_keep_positions() -> None:
    text = "Name: Ann Lee\\nPhone: 0483 77 27 47\\nE-mail: ann@example.org"
    assert ("phone", "0483 77 27 47") in spans(text)


def test_an_address_block_holding_a_phone_keeps_both_and_redaction_covers_the_union() -> None:
    text = "Unit 8570 Box 7427\nDPO AE 81915\n050 747 3879 office"
    kinds = [k for k, _ in spans(text)]
    assert kinds == ["street_address", "phone"]
    out = redact(text)
    assert "7427" not in out and "3879" not in out


def test_phone_regions_are_configurable() -> None:
    """Without a cue, a number counts where it is valid in the default regions (US unless told)."""
    from symbiotic_gym.privacy.detector import RECOGNIZERS
    from symbiotic_gym.privacy.phones import make_phone_recognizer

    danish = Detector(recognizers={**RECOGNIZERS, "phone": make_phone_recognizer(("DK",))})
    text = "Kontor 32 12 34 56"  # a Copenhagen number; no phone word, no trunk prefix
    assert default_detector().scan(text) == []
    assert [f.type for f in danish.scan(text)] == ["phone"]


def test_a_number_is_judged_whole_not_cut_at_a_neighbours_window() -> None:
    """The first 15 of the invoice's 16 digits pass the French NIR check; seen from the SSN's window the
    number was cut there and reported as a national id."""
    text = "My social security number is 104-40-8503.\nInvoice 7896250922511311"
    assert spans(text) == [("us_ssn", "104-40-8503")]
