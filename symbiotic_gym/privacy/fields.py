"""Values with their labels: how a page says what a value is.

A value on a web page is rarely next to a word that names it. Its label may be

- its own accessible name: ``[12] textbox 'Teléfono', value='0418 247 111'``;
- the label line before it: ``LabelText 'Date of birth'`` (or a ``StaticText`` label) above an unnamed
  textbox or above a ``StaticText`` that holds the value;
- the header of its table column: ``columnheader 'Telefon'`` ... ``row`` ... the n-th ``gridcell``;
- the text before a colon on its line: ``StaticText 'CPR-nummer: 010203-1234'``, ``電話番号`` with a full-width colon;
- the element an action writes into: ``fill('12', 'Xk7#pq...')`` where element 12 of the same text (or the
  same step's observation, see :func:`action_with_target`) is ``textbox 'Passwort'``.

:func:`labelled_values` finds these (label, value span) pairs; the lines are read with the observation
format's own reader (:mod:`symbiotic_gym.web.observation`: its line, name and property patterns) and actions
with the action grammar's parser (:func:`symbiotic_gym.web.actions.parse_action`).
:func:`find_labelled` turns them into findings: a value under a label that names a private type counts
when it has that type's rough shape (a phone label needs 6-15 digits, an id label 4+ digits, a password
label any word), whatever its check digits say -- the field says what it is, and people mistype.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from symbiotic_gym.privacy.finding import Finding, Substrings, word_matches
from symbiotic_gym.privacy.labels import VETOES, label_kind
from symbiotic_gym.web.observation import LINE, LOOSE_PROP, NAME, element_index, unquote


@dataclass(frozen=True)
class LabelledValue:
    label: str
    start: int
    end: int
    source: str  # name | label_line | column_header | inline | said | action_target
    kind: str | None = None  # what the label says, where it is already known (a cue in running text)


# roles whose name is a value shown on the page (a cell, a text run), not an element's label
TEXT_ROLES = frozenset(("StaticText", "paragraph", "definition", "listitem", "time", "term", "emphasis", "strong"))
CELL_ROLES = frozenset(("gridcell", "cell", "rowheader"))
FIELD_ROLES = frozenset(("textbox", "searchbox", "textarea", "combobox", "spinbutton", "listbox"))
# "Label: value" inside a text run or a plain line (ASCII and full-width colons)
# a label line: short, with no long number in it
MAX_LABEL = 48
_VALUE_LIKE = re.compile(r"[\d@]")
_DIGIT = re.compile(r"\d")
ACTIONS_WITH_VALUES = ("fill", "type", "select_option")
_ACTION_START = re.compile(rf"(?<![\w.])(?:{'|'.join(ACTIONS_WITH_VALUES)})\s*\(")
_ACTION_NAMES = Substrings(ACTIONS_WITH_VALUES)  # what a match of _ACTION_START begins with


def _label_like(name: str) -> bool:
    """Short, with no long number and no colon inside ("Password: x" is a label with its value), and no
    sentence (a label has at most five words and does not end with a full stop)."""
    stripped = name.rstrip(":： *")
    return (
        0 < len(stripped) <= MAX_LABEL
        and stripped.count(" ") <= 4
        and not (stripped.count(" ") >= 2 and stripped.endswith((".", "!", "?", "。", "！", "？")))
        and not re.search(r"\d|[:：]", stripped[:-1])  # "Address line 2" is a label, "ZIP Y63 KHA4" is not
    )


# the roles whose names the walk reads (the others only end a pending label)
READ_ROLES = TEXT_ROLES | CELL_ROLES | FIELD_ROLES | {"columnheader", "row", "LabelText", "group", "generic", "none"}


# the observation reader's line and name patterns (symbiotic_gym.web.observation), compiled to run over a
# whole text: every line in one scan, a name read where its line's rest starts
LINES = re.compile(LINE.pattern, re.M)
NAME_AT = re.compile(NAME.pattern.removeprefix("^"))


def _unquote(quoted: str) -> str:
    return quoted[1:-1] if "\\" not in quoted else unquote(quoted)  # literal_eval only where escapes are


def _lines(text: str) -> Iterator[tuple[int, int, int, re.Match[str] | None]]:
    """(start, end, depth, line match) of each non-empty line; the match is None for a line the
    observation's line pattern does not read (one that starts with spaces: plain text)."""
    expected = 0
    for m in LINES.finditer(text):
        start = m.start()
        if start > expected:  # lines the pattern skipped
            yield from _plain_lines(text, expected, start - 1)
        expected = m.end() + 1
        depth = m.end("indent") - start
        yield start + depth, expected - 1, depth, m
    if expected < len(text):
        yield from _plain_lines(text, expected, len(text))


def _plain_lines(text: str, start: int, end: int) -> Iterator[tuple[int, int, int, None]]:
    for line in re.finditer(r"[^\n]+", text[start:end]):
        content = line.group().lstrip(" \t")
        if content.strip():
            s = start + line.end() - len(content)
            yield s, start + line.end(), s - start - line.start(), None


def _axtree_line(text: str, m: re.Match[str]) -> tuple[str, str, str | None, int, int, int] | None:
    """(role, name, bid, name start, name end, rest start) of an observation line, or None for plain text."""
    rest = m.start("rest")
    role = m.group("role")
    nm = NAME_AT.match(text, rest, m.end())
    if nm is None:
        if m.group("bid") is None and text[rest : m.end()].strip():
            return None  # "Hello there": a sentence, not "role 'name'"
        return role, "", m.group("bid"), rest, rest, rest
    ns, ne = nm.start("name"), nm.end("name")
    return role, _unquote(nm.group("name")), m.group("bid"), ns + 1, ne - 1, ne


def _value_span(text: str, rest_start: int, end: int) -> tuple[int, int] | None:
    rest = text[rest_start:end]
    if "value=" not in rest:
        return None
    for m in LOOSE_PROP.finditer(rest):
        if m.group("key") == "value" and m.group("value"):
            s, e = rest_start + m.start("value"), rest_start + m.end("value")
            return (s + 1, e - 1) if text[s] in "'\"" else (s, e)
    return None


_SEGMENT_END = re.compile(r"[.!?]\s+|[。！？:：,，、;；]\s*|\s[-–—|]\s")
_COLON = re.compile(r"\s?[:：]")


def _inline(text: str, start: int, end: int, source: str) -> Iterator[LabelledValue]:
    """Each "Label: value" in ``text[start:end]``: the label is what stands between the colon and the end
    of the sentence or clause before it ("Thanks! New password: x" -> "New password")."""
    previous = start
    for colon in _COLON.finditer(text, start, end):
        segment = text[max(previous, colon.start() - MAX_LABEL) : colon.start()]
        cut = None
        for cut in _SEGMENT_END.finditer(segment):  # noqa: B007
            pass
        label = segment[cut.end() :] if cut else segment
        previous = colon.end()
        value_start = colon.end()
        while value_start < end and text[value_start] in " \t":
            value_start += 1
        if value_start < end and label.strip() and not _DIGITS.search(label) and label_kind(label) is not None:
            yield LabelledValue(label.strip(), value_start, end, source)


def labelled_values(text: str) -> list[LabelledValue]:
    """Every labelled value of an observation, a form, a table or a message, in order."""
    values, _, prose = _walk(text)
    return [*values, *(v for s, e in prose for v in _said(text, s, e))]


@lru_cache(maxsize=8)
def _walk(text: str) -> tuple[tuple[LabelledValue, ...], dict[str, str], tuple[tuple[int, int], ...]]:
    """The labelled values, for each element id its label (what an action on it writes into), and the
    spans of running text (sentences of posts and messages, read by :func:`_said`).

    A label line labels the line right after it only: the value (a text run, a cell), or the field (an
    unnamed textbox) -- an unnamed ``LabelText`` labels with its text child."""
    out: list[LabelledValue] = []
    labels: dict[str, str] = {}
    prose: list[tuple[int, int]] = []
    headers: list[str] = []
    in_header_row = rows = False
    cell = 0
    pending = ""  # a label line waiting for its value
    pending_below = -1  # a cell's label waits for a line nested deeper than this (the cell's content)
    label_next = False  # an unnamed LabelText: its text child is the label
    for start, end, depth, m in _lines(text):
        if m is not None and m.group("role") not in READ_ROLES and text.startswith((" '", ' "'), m.start("rest")):
            pending, pending_below, label_next = "", -1, False  # a link, a button ... names nothing
            continue
        label, pending = pending, ""
        if pending_below >= 0 and depth <= pending_below:
            label = ""
        pending_below = -1
        line = _axtree_line(text, m) if m is not None else None
        if line is None:  # plain text: "Label: value", or a "Label:" line above its value
            stripped = text[start:end].rstrip()
            if label and _label_like(label) and label_kind(label):
                out.append(LabelledValue(label.rstrip(":： *"), start, start + len(stripped), "label_line"))
            if ":" in stripped or "：" in stripped:
                out.extend(_inline(text, start, end, "inline"))
            if _is_prose(stripped):
                prose.append((start, start + len(stripped)))
            if stripped.endswith((":", "：")) and _label_like(stripped[:-1]):
                pending = stripped[:-1]
            continue
        role, name, bid, ns, ne, rest = line
        if role == "columnheader":
            if not in_header_row:
                headers, in_header_row, rows = [], True, False
            headers.append(name)
            cell = 0
            continue
        if role == "row":
            cell, in_header_row, rows = 0, False, True
            continue
        if role in CELL_ROLES:
            in_header_row = False
            # cells of rows take their column's header; without row lines, the first cells only
            header = headers[cell % len(headers)] if headers and (rows or cell < len(headers)) else ""
            cell += 1
            if name and header:
                out.append(LabelledValue(header, ns, ne, "column_header"))
            if ":" in name or "：" in name:
                out.extend(_inline(text, ns, ne, "inline"))
            if not name:
                pending, pending_below = header, depth  # the cell's content
            continue
        if role == "StaticText" and in_header_row:
            continue  # the text of a header cell
        if role == "LabelText":
            pending, label_next = name, not name
            continue
        if label_next and role in TEXT_ROLES and name:
            pending, label_next = name, False
            continue
        label_next = False
        if role in FIELD_ROLES:
            field_label = name or (label.rstrip(":： *") if _label_like(label) else "")
            if bid is not None:
                labels[bid] = field_label
            value = _value_span(text, rest, end)
            if value is not None and field_label:
                out.append(LabelledValue(field_label, value[0], value[1], "name" if name else "label_line"))
            continue
        if name and role in TEXT_ROLES:
            # a value under a label line: one with a digit or an "@", or one word (a password shown)
            if label and (_VALUE_LIKE.search(name) or " " not in name) and _label_like(label) and label_kind(label):
                out.append(LabelledValue(label.rstrip(":： *"), ns, ne, "label_line"))
            if ":" in name or "：" in name:
                out.extend(_inline(text, ns, ne, "inline"))
            if _is_prose(name):
                prose.append((ns, ne))
            # a label for the next line, if it is one (checked there); a name with digits is none
            pending = name if not _DIGIT.search(name, 0, len(name) - 1) else ""
        elif not name:
            pending = label if role in ("generic", "group", "none") else ""
        elif role in ("group", "term"):
            pending = name
    return tuple(out), labels, tuple(prose)


def _is_prose(line: str) -> bool:
    """A sentence: five words or more, or four CJK characters in a row, and a digit, an "@" or a word of
    mixed case and symbols in it (a value worth asking a label for)."""
    long_enough = line.count(" ") >= 4 or (not line.isascii() and _CJK_RUN.search(line) is not None)
    return long_enough and _PROSE_VALUE.search(line) is not None


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{4}")
_PROSE_VALUE = re.compile(r"[\d@]|(?=\S*[a-z])(?=\S*[A-Z])\S*[^\w\s]\S*")
# value candidates in running text: a run of non-space characters with a digit, an "@" or mixed case
_CANDIDATE = re.compile(
    r"[+(]?[^\s\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]*?[\d@][^\s\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]*"
    r"(?:[ .-]\d[^\s\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]*)*"
    r"|(?=\S*[a-z])(?=\S*[A-Z])(?=\S*[^A-Za-z\s])[^\s\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af]{6,}"
)
# the words between a label and its value in running text ("Meine Adresse lautet ...", "Mi dirección es ...")
_CONNECTOR = re.compile(
    r"(?:\s|[:=：]|\b(?:is|ist|lautet|est|es|è|é|är|er|on|to|jest|wordt|was|war|era|at|in|en|in der|am|the)\b)*",
    re.IGNORECASE,
)
# "Please use X as my password", "X is my new phone number": the label after the value
_AFTER = re.compile(
    r"\s*(?P<link>as|is|als|ist|est|es|è|é|är|er|jako|=)\s*(?:my|mein\w*|mon|ma|mi|mio|mia|meu|minha|mijn|mitt|min|mit|mój|"
    r"moja|moje)?\s*(?:new|neue\w*|nouveau|nouvelle|nueva|nuevo|nuovo|nuova|nova|novo|nieuwe|nya|ny|nowe|nowy|uusi|"
    r"confirm|current|old|primary|personal)?\s*",
    re.IGNORECASE,
)


def _said(text: str, start: int, end: int) -> Iterator[LabelledValue]:
    """Values named in running text: "Mi teléfono es 612 345 678", "我的电话是131...", "Please use X as my
    password" -- the nearest label word before the value (a few connecting words apart), or right after it."""
    from symbiotic_gym.privacy.labels import cues, nearest_cue_at

    for m in _CANDIDATE.finditer(text, start, end):
        value_start = m.start()
        found = nearest_cue_at(text[max(start, m.start() - 80) : m.start()], max_gap=40)
        kind = None
        if found is not None and (found[1] <= 20 or found[0] == "street_address"):
            kind = found[0]
            if kind == "street_address":  # "lautet Kolonie Bartas Grund 155": the street name before its number
                value_start = m.start() - found[1] + len(_CONNECTOR.match(text, m.start() - found[1]).group())
        if kind is None:  # "use X as my serial number": the words after it say what it is
            after = _AFTER.match(text, m.end(), min(end, m.end() + 40))
            named = cues(text[after.end() : min(end, after.end() + 40)]) if after and after.group("link") else []
            named = [c for c in named if c[0] == 0]  # the label right after the connecting words
            if named and not text.startswith((":", "："), after.end() + named[0][1]):  # not "X SSN: Y"
                kind = max(named, key=lambda c: c[1])[2]
        if kind in VETOES:
            yield LabelledValue(text[m.start() : m.end()], m.start(), m.end(), "said", kind)
        elif kind is not None:
            if kind == "date_of_birth":  # "Oct 10, 1988 as my birthday": the candidate may be its year
                value_start = max(start, m.start() - 16)
            yield LabelledValue(text[m.start() : m.end()], value_start, end, "said", kind)


def action_values(text: str) -> Iterator[tuple[str, int, int]]:
    """(target element id, value start, value end) of each fill / type / select_option call in ``text``."""
    from symbiotic_gym.web.actions import ActionError, parse_action

    for m in word_matches(_ACTION_START, text, _ACTION_NAMES):
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end == -1 else line_end
        close = text.find(")", m.end(), line_end)
        while close != -1:  # the first ")" that closes a parseable call (values may hold ")")
            try:
                action = parse_action(text[m.start() : close + 1])
                break
            except ActionError:
                close = text.find(")", close + 1, line_end)
        if close == -1 or len(action.args) < 2 or not isinstance(action.args[1], str) or not action.args[1]:
            continue
        value = action.args[1]
        at = text.find(value, m.end(), close + 1)
        if at == -1:  # escapes in the literal: the call's arguments stand for the value
            at, value = m.end(), text[m.end() : close]
        yield str(action.args[0]), at, at + len(value)


def action_with_target(action: str, observation: str) -> str:
    """The action with the lines that say what its target is (the element's own line and the label line
    above it, from the same step's observation), so a detector reads ``fill('12', '0418247111')`` as a value
    written into ``textbox 'Telefon'``."""
    if not _ACTION_START.search(action):
        return action
    index = element_index(observation)
    lines = []
    for bid, _, _ in action_values(action):
        e = index.get(bid)
        if e is None:
            continue
        if not e.name:  # an unnamed field: the label line above it names it
            line_start = observation.rfind("\n", 0, e.start) + 1
            before = observation.rfind("\n", 0, max(0, line_start - 1)) + 1
            previous = observation[before : max(before, line_start - 1)].strip()
            if LINE.match(previous):
                lines.append(previous)
        lines.append(f"[{e.bid}] {e.role} {e.name!r}")
    return "\n".join([*lines, action]) if lines else action


# the rough shape a labelled value needs for each type (the label already says what it is)
_DIGITS = re.compile(r"\d")
_PHONE_SPAN = re.compile(r"[+(]?\d[\d\s().\-/]{4,24}\d")
_EMAIL_SPAN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_TOKEN = re.compile(r"\S+")
_ID_SPAN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .\-/]{3,28}[A-Za-z0-9]|[A-Za-z0-9]{5}")
_DATE_SHAPE = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}")
_US_SSN = re.compile(r"\d{3}-\d{2}-\d{4}")
_CARD_SPAN = re.compile(r"\d(?:[ .\-]?\d){11,18}")
_IBAN_SPAN = re.compile(r"(?i)[a-z]{2}\d{2}(?:[ \-]?[a-z0-9]){10,30}")


def _shape(kind: str, value: str) -> tuple[int, int] | None:
    """Where in ``value`` the labelled value of type ``kind`` lies, or None if it does not look like one."""
    stripped = value.strip()
    if not stripped or len(stripped) > 200:
        return None
    lead = value.index(stripped[0])
    if kind == "password":
        token = stripped.split()[0]  # "Password: x7#Lm! (changed today)": the first word
        token = re.split(r"[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]", token)[0] or token  # "x7#Lm!に変更"
        if len(stripped.split()) > 1 or token[-1:] in ".,;!?。、":
            token = token.rstrip(".,;!?。、") or token  # the end of a sentence
        if len(token) > 128 or set(token) <= set("•*·●○"):
            return None  # masked: the field is flagged by the accessibility-tree recognizer
        return lead, lead + len(token)
    if kind == "one_time_code":
        m = re.search(r"\d{4,8}", value)
        return m.span() if m else None
    if kind == "phone":
        m = _PHONE_SPAN.search(value)
        if m and 6 <= len(_DIGITS.findall(m.group())) <= 15 and not _DATE_SHAPE.fullmatch(m.group()):
            return m.span()
        return None
    if kind == "email":
        m = _EMAIL_SPAN.search(value)
        return m.span() if m else None
    if kind == "street_address":
        if re.match(r"\d{1,3}(?:\.\d{1,3}){3}\b|[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,}", stripped):
            return None  # an IP address
        # a street name and a number ("Hetteikkö 277", "Rua Mestra, 276"), or a CJK address (北海道...3番11号)
        if re.search(r"[^\W\d_]{2}", stripped) and (
            re.search(r"(?<![A-Za-z0-9_:])\d{1,5}[A-Za-z]?(?![A-Za-z0-9_:])", stripped)
            or re.search(r"[\u3040-\u9fff\uac00-\ud7af]{4}", stripped)
        ):
            return lead, lead + len(stripped)
        return None
    if kind == "date_of_birth":
        from symbiotic_gym.privacy.dates import find_dates

        for s, e in find_dates(value):
            return s, e
        m = _DATE_SHAPE.search(value)  # two-digit years: "03.04.61", "4/3/61"
        return m.span() if m else None
    if kind == "national_id":
        m = _ID_SPAN.search(value)
        if m and len(_DIGITS.findall(m.group())) >= 4:
            return m.start(), m.end() - len(m.group()) + len(m.group().rstrip(" .-/"))
        return None
    if kind == "payment_card":
        m = _CARD_SPAN.search(value)
        return m.span() if m else None
    if kind == "iban":
        m = _IBAN_SPAN.search(value)
        return m.span() if m else None
    return None


@dataclass(frozen=True)
class Structure:
    """What the labels of a text say: findings for labelled private values, and the spans whose label
    vetoes a type (a date under *Published* is no birth date; a number under *IMEI* no card)."""

    findings: tuple[Finding, ...]
    vetoes: tuple[tuple[int, int, frozenset[str]], ...]

    def vetoed(self, f: Finding) -> bool:
        return any(s < f.end and f.start < e and f.type in types for s, e, types in self.vetoes)


@lru_cache(maxsize=8)
def read_structure(text: str) -> Structure:
    values, labels, prose = _walk(text)
    pairs = [(v.kind or label_kind(v.label), v.start, v.end, v.source) for v in values]
    for s, e in prose:
        pairs.extend((v.kind, v.start, v.end, v.source) for v in _said(text, s, e))
    if "(" in text:
        for bid, s, e in action_values(text):
            label = labels.get(bid, "")
            pairs.append((label_kind(label) if label else None, s, e, "action_target"))
    findings: list[Finding] = []
    vetoes: list[tuple[int, int, frozenset[str]]] = []
    for kind, s, e, source in pairs:
        if kind is None:
            if source == "action_target":
                findings.extend(_typed_secret(text, s, e))
            continue
        if kind in VETOES:
            vetoes.append((s, e, VETOES[kind]))
            continue
        span = _shape(kind, text[s:e])
        if span is not None and label_kind(text[s : s + span[0]]) not in VETOES:  # "EAN 4006381333931"
            if kind == "national_id" and _US_SSN.fullmatch(text[s + span[0] : s + span[1]]):
                kind = "us_ssn"  # the US recognizer's type for the US number
            # a field's label scores above every pattern (a card-shaped number under "IMEI" is an IMEI); a
            # word in running text ("my number is ...") as a cued pattern does
            score = 0.9 if source == "said" else 0.97
            findings.append(Finding(kind, s + span[0], s + span[1], score, f"label:{source}"))
    return Structure(tuple(findings), tuple(vetoes))


def _typed_secret(text: str, start: int, end: int) -> Iterator[Finding]:
    """A value an action types into a field we know nothing of: a password if it looks generated (no
    spaces, 8-64 characters, upper and lower case letters and a digit or a symbol: ``Xk7#pq2!Lm``)."""
    value = text[start:end]
    if not 8 <= len(value) <= 64 or any(c.isspace() for c in value) or "@" in value or "://" in value:
        return
    has_digit = any(c.isdigit() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    uppers = sum(c.isupper() for c in value)
    camel = any(a.islower() and b.isupper() for a, b in pairwise(value))
    mixed = uppers and any(c.islower() for c in value) and (has_digit or has_symbol)
    if mixed and has_digit + has_symbol + (uppers > 1) + camel >= 3:
        yield Finding("password", start, end, 0.7, "typed_secret")


def find_labelled(text: str) -> Iterator[Finding]:
    yield from read_structure(text).findings
