"""The actions a page allows: the closed set a small model chooses from (``distilled -A decide=choose``).

A 135M model that writes its action freely spends itself on syntax and invents elements the page does not
have (``fill('Search', ...)`` on a page without a search box). Here every step is a choice among actions
built from the current observation and the goal, each written the way the student was trained to write it
(named element references, :mod:`symbiotic_gym.distill.named_refs`; the action's text is
:class:`symbiotic_gym.web.actions.Action`'s, the grammar's one printer):

* ``click`` on each named interactive element; ``check``/``uncheck`` on each check box or radio button;
* ``fill`` of each text field with each span of the goal (quoted text, every run of up to
  :data:`MAX_SPAN_WORDS` words); ``select_option`` of each list with its options and the goal's spans;
* ``send_msg_to_user`` with ``Done`` (not when the goal asks a question: :func:`asks_question`), each text of
  the page (whole, after a ``label:``, and each number or price in it), each span of the goal and the small
  counts 0..:data:`MAX_COUNT`, each only where it has the form the question asks for (:class:`AnswerForm`: a
  whole number for how many, a bare number only for a quantity, an e-mail address for an e-mail);
* ``report_infeasible`` naming a span of the goal; ``goto`` each URL of the goal; ``go_back``; ``scroll``.

Every candidate parses with the grammar, and every element it names resolves on this page to the element it
was built from (:func:`symbiotic_gym.distill.named_refs.resolve`), so the chosen action always runs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from symbiotic_gym.distill.named_refs import KIND_ROLES, resolve_among
from symbiotic_gym.web.actions import Action
from symbiotic_gym.web.observation import (
    INTERACTIVE,
    AXNode,
    ElementLine,
    page_url,
    parse_axtree_text,
    parse_elements,
)

MAX_SPAN_WORDS = 8  # the longest run of goal words offered as a value (product names, titles)
MAX_TEXT_CHARS = 80  # page texts longer than this are offered only through their numbers and labels
MAX_COUNT = 20  # answers 0..MAX_COUNT are always offered (a count need not be written on the page)
SCROLLS = ((0, 500), (0, -500))
VALUE_KINDS = frozenset(("fill", "select_option"))  # the actions that give a field its value
DONE = "Done"
NOT_AVAILABLE = "N/A"

_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_URL = re.compile(r"https?://[^\s'\"]+")
# a question mark that ends a sentence, not one inside a word ('Harbor?Willow11'); the full-width one anywhere
_QUESTION_MARK = re.compile(r"\?(?=\s|$)|\uff1f")
# what a number field (input type=number, role spinbutton) accepts: Chromium refuses other text, and Playwright's
# fill fails on it ("Cannot type text into input[type=number]")
_NUMERIC = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
# the words of a question whose answer may be a bare number: a count, money, a measure, a date or time, a rank,
# a code or id (the oracle's 139 number answers of every split follow "how many", "price", "total", "revenue")
_QUANTITY = re.compile(
    r"\b(?:how (?:many|much|long|old|far|often)|numbers?|price[sd]?|costs?|total|revenue|amount|sum|spen[dt]|paid|"
    r"pay|fees?|tax|discount|balance|budget|percent(?:age)?|rates?|rating|scores?|stars?|votes?|points?|counts?|"
    r"quantity|units|stock|rank(?:ed|ing)?|ages?|years?|when|dates?|days?|weeks?|months?|hours?|minutes?|times?|"
    r"duration|distance|zip|postal|codes?|ids?|sku|phone|weight|size|height|width|length|version)\b|%",
    re.I,
)
_EMAIL_ASKED = re.compile(r"\be-?mail address", re.I)
# the question words of a question whose answer may be a name; the quantity words above are English, so a
# question in another language keeps every answer form
_WH_WORD = re.compile(r"\b(?:who|whom|whose|which|what)\b", re.I)
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[$€£]?-?\d[\d,]*(?:\.\d+)?%?")
_EDGE = ".,;:!?"  # stripped from the ends of a run of words ("order #83." -> "order #83")
_MARKS = "#$€£"  # a number's mark, also dropped from a one-word value ("#83" -> "83")


def goal_spans(goal: str) -> list[str]:
    """Values a goal gives: its quoted texts, then every run of 1..MAX_SPAN_WORDS words (trailing sentence
    punctuation stripped; a word's own symbols kept: 'Sunflower!2024', '(628) 555-0110', 'emma.lopez')."""
    spans = [m.group(1) or m.group(2) for m in _QUOTED.finditer(goal)]
    words = goal.split()
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + MAX_SPAN_WORDS) + 1):
            run = " ".join(words[i:j])
            spans.append(run)
            bare = run.strip(_EDGE).strip("'\"")
            spans.append(bare)
            if j == i + 1 and bare[:1] in _MARKS and len(bare) > 1:
                spans.append(bare[1:])  # a number's mark is not part of what a field takes: '#39' -> 39, $99.99
            if run.endswith((".", "?", ",", "!")) and j == len(words):
                spans.append(run[:-1])  # a final word's own '!' or '.' may belong to the value: keep both
    return _unique(spans)


def asks_question(goal: str) -> bool:
    """Whether the goal asks a question (a ``?`` that ends a sentence, outside its URLs and quoted texts: a post
    titled 'Any tips?' is a task to carry out): its answer is a value, never ``Done``. No oracle train episode
    whose goal asks a question ends with ``Done`` (docs/student-choose.md, "Questions are not done")."""
    return _QUESTION_MARK.search(_QUOTED.sub(" ", _URL.sub(" ", goal))) is not None


def goal_url(found: str) -> str:
    """A URL as a goal's sentence holds it, without the sentence's punctuation around it: trailing ``.,;:!?``
    and a closing bracket the URL did not open ("... on the tracker (http://tracker.embedded.test).")."""
    url = found
    while True:
        url = url.rstrip(_EDGE)
        closer = url[-1:]
        opener = {")": "(", "]": "["}.get(closer)
        if opener is None or url.count(opener) >= url.count(closer):
            return url
        url = url[:-1]


def page_texts(axtree: str) -> list[str]:
    """Answers the page shows: each node's text (whole when short), the part after a ``label:``, and each
    number, price or percentage in it."""
    out: list[str] = []
    stack = list(parse_axtree_text(axtree))
    while stack:
        node = stack.pop(0)
        stack[:0] = node.children
        text = " ".join(node.name.split())
        if not text:
            continue
        if len(text) <= MAX_TEXT_CHARS:
            out.append(text)
        if ":" in text:
            after = text.split(":", 1)[1].strip()
            if after and len(after) <= MAX_TEXT_CHARS:
                out.append(after)
        out.extend(m.group(0) for m in _NUMBER.finditer(text))
    return _unique(out)


def asks_count(goal: str) -> bool:
    """Whether the goal asks how many (a question, :func:`asks_question`, with "how many"): its answer is a whole
    number. The oracle answers all 117 such questions of every split with one; an instruction that mentions
    how many ("Check how many units are in stock, then post that number") is carried out, not answered."""
    return asks_question(goal) and _HOW_MANY.search(goal) is not None


def asks_quantity(goal: str) -> bool:
    """Whether a bare number or price may answer the goal: it asks no question, or its question names a
    quantity (how many or much, a price, a total, a date, a rank, an id ...). "Who posted ...?", "Which products
    did I buy ...?", "What is the status of order #3?" are answered with names, never with a bare number. A
    question without an English who/which/what (another language, "Is ...?") keeps every form."""
    text = _QUOTED.sub(" ", goal)
    return not asks_question(goal) or not _WH_WORD.search(text) or _QUANTITY.search(text) is not None


def asks_email(goal: str) -> bool:
    """Whether the goal's question asks for an e-mail address: its answer holds an ``@`` (or says N/A)."""
    return asks_question(goal) and _EMAIL_ASKED.search(_QUOTED.sub(" ", goal)) is not None


@dataclass(frozen=True)
class AnswerForm:
    """The form a goal asks its answer to have, read off the goal once (:func:`asks_question`, :func:`asks_count`,
    :func:`asks_email`, :func:`asks_quantity`) and then checked against each answer a page offers."""

    question: bool
    count: bool
    email: bool
    quantity: bool

    @classmethod
    def of(cls, goal: str) -> AnswerForm:
        return cls(
            question=asks_question(goal), count=asks_count(goal), email=asks_email(goal), quantity=asks_quantity(goal)
        )

    def fits(self, answer: str) -> bool:
        """Whether ``answer`` has this form; ``N/A`` fits any question but a count (the object it asks about
        may not exist)."""
        if self.count:
            return _WHOLE_NUMBER.fullmatch(answer) is not None
        if answer == NOT_AVAILABLE:
            return True
        if self.email and "@" not in answer:
            return False
        return self.quantity or _NUMBER.fullmatch(answer) is None


def candidate_actions(
    axtree: str, goal: str, *, refs: str = "name", given: Collection[str] = (), may_end: bool = True
) -> list[str]:
    """Every action this page allows for this goal, as the student writes them (see the module doc), in a
    fixed order without repeats; ``refs`` (a prompt format's) says whether elements are named or given by id.
    ``given``: fields (as ``refs`` writes them) that already got their value on this page: they are not
    filled or set again (no oracle episode of any split gives one field two values on one page).
    ``may_end=False``: ``Done`` is not offered (the agent says so before its first action and right after it
    typed into a field: no oracle episode of any split ends at its first step or after typing)."""
    elements = parse_elements(axtree)
    spans = goal_spans(goal)
    out: list[str] = []
    here = page_url(axtree)
    out.extend(
        _element_actions(elements, spans, by_id=refs == "bid", given=frozenset(given), lists=_lists(axtree), here=here)
    )
    form = AnswerForm.of(goal)
    done = [DONE] if may_end and not form.question else []
    answers = [*done, *page_texts(axtree), *spans, *(str(n) for n in range(MAX_COUNT + 1))]
    answers = [a for a in answers if form.fits(a)]
    out.extend(str(Action("send_msg_to_user", (a,))) for a in _unique(answers))
    out.extend(str(Action("report_infeasible", (f"There is no {s}.",))) for s in spans)
    out.extend(str(Action("goto", (goal_url(u),))) for u in _URL.findall(goal))
    out.append(str(Action("go_back", ())))
    out.extend(str(Action("scroll", xy)) for xy in SCROLLS)
    return _unique(out)


def _element_actions(
    elements: list[ElementLine],
    spans: list[str],
    *,
    by_id: bool,
    given: frozenset[str] = frozenset(),
    lists: frozenset[str] = frozenset(),
    here: str | None = None,
) -> Iterator[str]:
    options = _unique(e.name for e in elements if e.role == "option")
    for e in elements:
        name = e.name.strip()
        if not name or name != e.name:
            continue  # a nameless element cannot be named; a padded name is not written back the same
        kinds = [k for k in ("fill", "select_option", "check", "uncheck") if e.role in KIND_ROLES[k]]
        if e.bid in lists:
            kinds.remove("fill")  # a list of options (a <select>) is chosen from, not typed into
        if e.role in INTERACTIVE and not (here and e.role == "link" and e.prop("url") == here):
            kinds.insert(0, "click")  # a link to this very page would only load it again
        for kind in kinds:
            if not by_id:
                found = resolve_among(kind, name, elements)
                if found is None or found.bid != e.bid:
                    continue  # the name leads to another element first: not this one's action
            ref = e.bid if by_id else name
            if kind in VALUE_KINDS and ref in given:
                continue  # this field got its value on this page already: another value would start a loop
            shown = e.prop("value")
            if kind == "fill":  # not the value the field already shows: that would change nothing
                values = [v for v in spans if _NUMERIC.fullmatch(v)] if e.role == "spinbutton" else spans
                yield from (str(Action(kind, (ref, v))) for v in values if v != shown)
            elif kind == "select_option":
                yield from (str(Action(kind, (ref, v))) for v in _unique([*options, *spans]) if v != shown)
            elif kind in ("check", "uncheck"):
                checked = e.prop("checked") == ""  # a bare flag when checked
                if checked != (kind == "check"):
                    yield str(Action(kind, (ref,)))
            else:
                yield str(Action(kind, (ref,)))


def _lists(axtree: str) -> frozenset[str]:
    """The ids of the comboboxes and list boxes that show their options in the tree (a ``<select>``): Playwright
    cannot fill one ("Element is not an <input>"); an editable combobox (a text field with suggestions) shows
    none until it is typed into."""
    out: set[str] = set()
    stack = list(parse_axtree_text(axtree))
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.bid and node.role in KIND_ROLES["select_option"] and _holds_option(node):
            out.add(node.bid)
    return frozenset(out)


def _holds_option(node: AXNode) -> bool:
    return any(child.role == "option" or _holds_option(child) for child in node.children)


def _unique(items: Iterable[str]) -> list[str]:
    return [s for s in dict.fromkeys(x for x in items if x and x.strip())]


__all__ = [
    "VALUE_KINDS",
    "AnswerForm",
    "asks_count",
    "asks_email",
    "asks_quantity",
    "asks_question",
    "candidate_actions",
    "goal_spans",
    "goal_url",
    "page_texts",
]
