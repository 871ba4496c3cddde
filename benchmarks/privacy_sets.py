"""Labelled sets for ``python -m benchmarks.privacy_eval --set NAME``.

- ``synthetic``: this project's own generator (:mod:`symbiotic_gym.privacy.synthetic`): a regression test,
  written by the detector's authors.
- ``presidio``: Microsoft Presidio's evaluation generator (``presidio-evaluator``: ~200 template sentences
  written by the Presidio team, filled with values from FakeNameGenerator.com records of 30 countries and
  Faker), the set third parties use to score PII detectors. Needs ``pip install presidio-evaluator`` (it
  pulls spaCy; no model download); in another environment, ``--set presidio --export FILE.jsonl`` there
  and ``--set FILE.jsonl`` here.
- ``faker``: values drawn by Faker (20 locales: phones, addresses, IBANs, cards of every issuer, SSNs,
  e-mails, dates of birth) and libphonenumber's own example numbers of every region, placed in
  web-page contexts (accessibility-tree lines, form fields, table rows, sentences) beside Faker's
  non-private values (prices, ISBNs, EAN codes, recent dates, IP addresses, zip codes alone, company
  names). The values are third-party; the contexts are ours.
- ``web`` and ``web-mimesis``: multilingual web contexts in 16 locales with hard look-alike negatives, values
  from Faker and from mimesis (:mod:`benchmarks.privacy_web_set`); reported per locale too.
- ``PATH.jsonl``: any saved set, one ``{"text": ..., "labels": [[type, start, end], ...]}`` per line.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from importlib import metadata
from pathlib import Path

from symbiotic_gym.privacy.evaluation import LabelledText, read_jsonl

# the range of the faker set's non-private dates and timestamps (a fixed one: the set is a function of its seed)
FIXED_DATES = (date(2020, 1, 1), date(2026, 12, 31))
FIXED_TIMES = (datetime(2020, 1, 1), datetime(2029, 12, 31, 23, 59, 59))

NAMED_SETS = ("synthetic", "faker", "presidio", "web", "web-mimesis")


def versions(names: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def synthetic_set(n: int, seed: int) -> list[LabelledText]:
    from symbiotic_gym.privacy.synthetic import generate

    return [LabelledText(s.text, list(s.labels), "synthetic") for s in generate(n, seed)]


# --- presidio-evaluator ---------------------------------------------------------------------------

PRESIDIO_TYPES = {
    "PHONE_NUMBER": "phone",
    "STREET_ADDRESS": "street_address",
    "CREDIT_CARD": "payment_card",
    "IBAN_CODE": "iban",
    "US_SSN": "us_ssn",
    "EMAIL_ADDRESS": "email",
}


def presidio_set(n: int, seed: int) -> list[LabelledText]:
    try:
        from presidio_evaluator.data_generator import PresidioSentenceFaker
        from presidio_evaluator.data_generator.presidio_sentence_faker import presidio_additional_entity_providers
    except ImportError as e:
        raise SystemExit(
            f"--set presidio needs presidio-evaluator ({e}): pip install presidio-evaluator "
            "(or export the set where it is installed: --set presidio --export FILE.jsonl, then --set FILE.jsonl)"
        ) from e
    import contextlib
    import io
    import re

    # its HospitalProvider queries wikidata.org when built (no template of the set uses it): left out, so
    # generating the set sends nothing over the network
    providers = [p for p in presidio_additional_entity_providers if p.__name__ != "HospitalProvider"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        faker = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=seed, entity_providers=providers)
        results = faker.generate_new_fake_sentences(n)
        templates = faker._sentence_templates  # the template each result was filled from (for date_of_birth)
    out = []
    for r in results:
        keys = re.findall(r"{{(.*?)}}", templates[r.template_id].replace("<", "{{").replace(">", "}}").lower())
        dob_template = "date_of_birth" in keys and not {"date_time", "year", "day_of_week"} & set(keys)
        labels = []
        for span in r.spans:
            kind = PRESIDIO_TYPES.get(span.entity_type)
            if span.entity_type == "DATE_TIME" and dob_template:
                kind = "date_of_birth"
            labels.append((kind or f"other:{span.entity_type}", span.start_position, span.end_position))
        out.append(LabelledText(r.full_text, labels, f"presidio:{r.template_id}"))
    return out


# --- Faker values in page contexts ----------------------------------------------------------------

LOCALES = (
    "en_US", "en_GB", "en_CA", "en_AU", "en_IE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "it_IT", "es_ES",
    "nl_NL", "nl_BE", "pt_BR", "sv_SE", "da_DK", "no_NO", "fi_FI", "pl_PL",
)  # fmt: skip
IBAN_LOCALES = ("de_DE", "fr_FR", "nl_NL", "en_GB", "es_ES", "it_IT", "de_AT", "de_CH", "nl_BE", "pl_PL", "fi_FI")
CARD_TYPES = ("amex", "diners", "discover", "jcb15", "jcb16", "maestro", "mastercard", "visa13", "visa16", "visa19")
# how cards are printed: unbroken, or in the issuer's usual groups with spaces, dashes or dots
CARD_GROUPS = {15: (4, 6, 5), 14: (4, 6, 4), 16: (4, 4, 4, 4), 19: (4, 4, 4, 4, 3), 13: (4, 4, 5), 12: (4, 4, 4)}
DOB_FORMATS = ("%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y", "%d/%m/%Y")

# contexts: {v} is the value, {label} a field label; ax = accessibility-tree line, form = filled field,
# table = a row under a header, prose = a sentence
CONTEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (labels, templates)
    "phone": (
        ("Phone", "Telephone", "Mobile", "Tel.", "Contact number", "Telefon", "Téléphone", "Telefono", "Teléfono"),
        ("StaticText '{label}: {v}'", "[{n}] textbox '{label}' value='{v}'", "columnheader '{label}'\n\tgridcell '{v}'",
         "Please call me on {v} after six.", "You can reach our office at {v}.", "{label}: {v}"),
    ),
    "street_address": (
        ("Address", "Shipping address", "Billing address", "Adresse", "Indirizzo", "Dirección", "Adres"),
        ("StaticText '{v}'", "[{n}] textbox '{label}' value='{v}'", "{label}:\n{v}", "Please ship it to {v}.",
         "I moved last year; I now live at {v}.", "columnheader '{label}'\n\tgridcell '{v}'"),
    ),
    "payment_card": (
        ("Card number", "Credit card", "Kartennummer", "Numéro de carte"),
        ("[{n}] textbox '{label}' value='{v}'", "StaticText '{label} {v}'", "Charge it to {v}, please.",
         "My card {v} was declined.", "{v}"),
    ),
    "iban": (
        ("IBAN", "Account", "Bank account"),
        ("[{n}] textbox '{label}' value='{v}'", "StaticText '{label}: {v}'", "Wire the refund to {v} by Friday.",
         "{v}"),
    ),
    "us_ssn": (
        ("SSN", "Social Security number", "Social security no."),
        ("[{n}] textbox '{label}' value='{v}'", "StaticText '{label}: {v}'", "My social security number is {v}."),
    ),
    "email": (
        ("E-mail", "Email address", "Contact"),
        ("[{n}] textbox '{label}' value='{v}'", "StaticText '{v}'", "Write to {v} for the invoice.",
         "link '{v}', url='mailto:{v}'"),
    ),
    "date_of_birth": (
        ("Date of birth", "Birthday", "DOB", "Geburtsdatum", "Date de naissance", "Fecha de nacimiento"),
        ("[{n}] textbox '{label}' value='{v}'", "StaticText '{label}: {v}'", "columnheader '{label}'\n\tgridcell '{v}'",
         "I was born on {v} in a small town.", "She asked for my date of birth, which is {v}."),
    ),
}  # fmt: skip
NEGATIVE_CONTEXTS = (
    "StaticText '{v}'", "[{n}] link '{v}'", "gridcell '{v}'", "Item {v} is back in stock.", "{v}",
)  # fmt: skip


def _group(number: str, sep: str) -> str:
    sizes = CARD_GROUPS.get(len(number))
    if not sizes:
        return number
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i : i + size])
        i += size
    return sep.join(p for p in parts if p)


def faker_set(n: int, seed: int) -> list[LabelledText]:
    try:
        from faker import Faker
    except ImportError as e:
        raise SystemExit(f"--set faker needs Faker ({e}): pip install faker") from e
    import phonenumbers

    r = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed * 1000 + i)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    us = fakers["en_US"]

    def phone() -> str:
        if r.random() < 0.5:
            return fakers[r.choice(LOCALES)].phone_number()
        kind = r.choice((phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))
        for _ in range(20):
            example = phonenumbers.example_number_for_type(r.choice(regions), kind)
            if example is not None:
                fmt = r.choice((phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
                return phonenumbers.format_number(example, fmt)
        return us.phone_number()

    def address() -> str:
        f = fakers[r.choice(LOCALES)]
        return f.address() if r.random() < 0.6 else f.street_address()

    def card() -> str:
        number = us.credit_card_number(card_type=r.choice(CARD_TYPES))
        return number if r.random() < 0.4 else _group(number, r.choice((" ", " ", "-", ".")))

    def iban() -> str:
        value = fakers[r.choice(IBAN_LOCALES)].iban()
        style = r.random()
        if style < 0.4:
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return value.lower() if style < 0.55 else value

    def ssn() -> str:
        value = us.ssn()
        return value if r.random() < 0.7 else value.replace("-", r.choice(("", " ")))

    def dob() -> str:
        return fakers[r.choice(LOCALES)].date_of_birth(minimum_age=18, maximum_age=90).strftime(r.choice(DOB_FORMATS))

    values: dict[str, Callable[[], str]] = {
        "phone": phone,
        "street_address": address,
        "payment_card": card,
        "iban": iban,
        "us_ssn": ssn,
        "email": lambda: fakers[r.choice(LOCALES)].email(),
        "date_of_birth": dob,
    }
    negatives: tuple[Callable[[], str], ...] = (
        lambda: us.pricetag(),
        lambda: f"ISBN {us.isbn13()}",
        lambda: f"EAN {us.ean13()}",
        # fixed ranges, not Faker's *_this_year / *_this_decade: those are relative to the clock, so the same
        # seed gave a different set from one second (and one year) to the next
        lambda: us.date_between_dates(FIXED_DATES[0], FIXED_DATES[1]).strftime(r.choice(DOB_FORMATS)),
        lambda: str(us.date_time_between_dates(FIXED_TIMES[0], FIXED_TIMES[1])),
        lambda: f"Server {us.ipv4()}",
        lambda: f"ZIP {fakers[r.choice(LOCALES)].postcode()}",
        lambda: fakers[r.choice(LOCALES)].company(),
        lambda: fakers[r.choice(LOCALES)].city(),
        lambda: f"Order #{us.random_number(digits=9, fix_len=True)}",
        lambda: f"SKU {us.bothify('??-####-??').upper()}",
        lambda: us.catch_phrase(),
        lambda: f"{us.random_int(1, 40)} items, {us.random_int(2, 300)} reviews",
        lambda: f"Version {us.numerify('#.##.###')}",
        lambda: f"Tracking {us.bothify('1Z###??########').upper()}",
        lambda: fakers[r.choice(LOCALES)].job(),
    )
    out = []
    for i in range(n):
        parts: list[tuple[str, str | None, str]] = []  # (template, type, value)
        for _ in range(r.choice((0, 1, 1, 1, 2))):
            kind = r.choice(list(values))
            labels, templates = CONTEXTS[kind]
            template = r.choice(templates).replace("{label}", r.choice(labels))
            value = values[kind]().strip()
            if "'" in template:  # an accessibility tree shows a multi-line value on one line
                value = value.replace("\n", ", ")
            parts.append((template, kind, value))
        for _ in range(r.choice((1, 1, 2))):
            parts.append((r.choice(NEGATIVE_CONTEXTS), None, negatives[r.randrange(len(negatives))]()))
        r.shuffle(parts)
        text, labels_out = "", []
        for template, kind, value in parts:
            if text:
                text += "\n"
            template = template.replace("{n}", str(r.randint(2, 400)))
            head, _, tail = template.partition("{v}")
            tail = tail.replace("{v}", value)
            if kind is not None:
                labels_out.append((kind, len(text) + len(head), len(text) + len(head) + len(value)))
                if "{v}" in template.partition("{v}")[2]:  # mailto: the value appears twice
                    second = len(text) + len(head) + len(value) + tail.index(value)
                    labels_out.append((kind, second, second + len(value)))
            text += head + value + tail
        out.append(LabelledText(text, labels_out, f"faker:{i}"))
    return out


def load_set(name: str, n: int, seed: int) -> list[LabelledText]:
    if name == "synthetic":
        return synthetic_set(n, seed)
    if name == "faker":
        return faker_set(n, seed)
    if name == "presidio":
        return presidio_set(n, seed)
    if name in ("web", "web-mimesis"):
        from benchmarks.privacy_web_set import web_set

        return web_set(n, seed, "faker" if name == "web" else "mimesis")
    path = Path(name)
    if not path.is_file():
        raise SystemExit(f"--set {name}: not one of {', '.join(NAMED_SETS)} and not a file")
    with path.open(encoding="utf-8") as f:
        try:
            return read_jsonl(f, str(path))
        except ValueError as e:
            raise SystemExit(str(e)) from e
