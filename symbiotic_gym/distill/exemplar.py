"""Exemplar guidance: the student's own candidate actions, re-ranked by a retrieved worked example.

A small student often has the right action among its few likeliest answers but not first (the shipped
student's greedy next action was right on 62.7% of held-out steps). A trajectory of a similar task, taken
from the knowledge base (``benchmarks.kb``) by its intent, says what kind of step usually comes next
(``fill`` the field named 'Email', ``click`` 'Save', answer). This module turns such a trajectory into a
plan of ``(action kind, element name)`` steps and follows an episode along it; the ``distilled`` agent then
prefers, among its own ranked answers, one that does the plan's next step. An exemplar's values belong
to another task: by default the values typed, chosen or sent come from the student, and a step the student
did not propose at all is not forced on it (the agent's ``exemplar_force`` forces the step, its
``exemplar_values`` takes a value from this task's intent where the exemplar's came from its own intent:
:func:`slot_value` aligns the two intents of one template and finds the value's place in ours).

Retrieval with memory of past trajectories as worked examples is the idea of Synapse (Zheng et al. 2024,
"trajectory-as-exemplar") and Agent Workflow Memory (Wang et al. 2024, whose workflows abstract values into
variables); what is ours is using the example to choose among a small model's own beam candidates, and
filling its variables by aligning intents instead of asking the model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from symbiotic_gym.knowledge.entries import Entry, fill_goal_values, goal_values, has_goal_values, numbered_intent
from symbiotic_gym.web.actions import Action, ActionError, parse_action
from symbiotic_gym.web.observation import parse_elements

_TOKEN = re.compile(r"[A-Za-z]+")
_IDENTIFIER = re.compile(r"[0-9@_/<>\[\]]|\w\.\w")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+(?:_\d+)?\]")  # [PHONE], [VALUE], [GOAL_VALUE_1]
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # 'a value', "a value"
# an intent's tokens for aligning two intents of one template: words and numbers with their inner marks
# (146.97, emma.lopez, store's, 5-star) are one token each, any other mark is a token of its own
_INTENT_TOKEN = re.compile(r"\w(?:[\w.@'-]*\w)?|[^\w\s]")
_NO_VALUE = {"done", "n/a", ""}  # answers that report rather than read a value


@dataclass(frozen=True)
class PlanStep:
    """One step of an exemplar: the action's name and the element's name (``None``: no element, or the
    element's name is unknown)."""

    kind: str
    element: str | None = None
    # the value this task gives the step, found in its intent where the exemplar's value sat in the
    # exemplar's (the product searched, the comment typed); None: the value is not the intent's
    value: str | None = None
    # the exemplar answered with a value it read on its page (not 'Done', not one from its intent)
    reads_page: bool = False
    # the element is named by this task's intent (the exemplar's was named by its own: the product it opened)
    named_by_goal: bool = False
    shape: str = ""  # of the exemplar's answer read on its page (answer_shape): this task's has the same

    def matches(self, action: Action) -> bool:
        """Whether a named action (``click('Save')``) does this step; the element compared ignoring case."""
        if action.name != self.kind:
            return False
        if self.element is None or action.bid is None:
            return True
        return str(action.args[0]).strip().casefold() == self.element.casefold()

    def __str__(self) -> str:
        return f"{self.kind}({self.element!r})" if self.element is not None else f"{self.kind}(...)"


def plan_of(
    entry: Entry, intent: str = "", peers: list[Entry] | None = None, *, values: bool = False
) -> list[PlanStep]:
    """An entry's steps as a plan for the task ``intent``: the element each step acted on, named by its
    observation line. A name that is the exemplar task's value (the product it opened, the issue it closed)
    is not the procedure's, so such a step keeps its kind only: a name the exemplar's intent has and
    ``intent`` has not, or, with ``peers`` (trajectories of alike tasks), one that fewer than half of them
    acted on. With ``values``, a step whose element was named by a value of the exemplar's intent is named
    by the value at the same place in ``intent`` (the exemplar opened project 'Web Shop', this task opens
    'Auth Gateway'); without, or when that place is not found, it keeps its kind only."""
    theirs, ours = entry.intent.casefold(), intent.casefold()
    counts = Counter(n for peer in peers or [] for n in {m.casefold() for m in _names(peer)})
    plan = []
    for kind, name, value in _steps(entry):
        by_goal = False
        if name is not None:
            folded = name.casefold()
            is_value = folded in theirs and folded not in ours
            is_value = is_value or (bool(peers) and counts[folded] * 2 < len(peers or []))
            if is_value:
                name = slot_value(entry.intent, name, intent) if values and intent else None
                by_goal = name is not None
        ours_value = _our_value(entry.intent, value, intent) if value and intent else None
        reads_page = kind == "send_msg_to_user" and ours_value is None and value is not None
        reads_page = reads_page and value.strip().casefold() not in _NO_VALUE and not _PLACEHOLDER.search(value)
        shape = answer_shape(value) if reads_page and value is not None else ""
        plan.append(PlanStep(kind, name, ours_value, reads_page, by_goal, shape))
    return plan


def _our_value(their_intent: str, their_value: str, our_intent: str) -> str | None:
    """Where ``their_value`` stands in ``their_intent``, the text of ``our_intent`` (:func:`slot_value`). A value
    a private task's entry kept as a stretch of its goal with the goal's private values numbered
    (``[GOAL_VALUE_1]``, :func:`symbiotic_gym.knowledge.entries.goal_stretch`) is placed between the two
    intents numbered alike, and our own private values are put back in."""
    if not has_goal_values(their_value):
        return slot_value(their_intent, their_value, our_intent)
    values, numbered = goal_values(our_intent)
    slot = slot_value(numbered_intent(their_intent), their_value, numbered)
    return fill_goal_values(slot, values) if slot is not None else None


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def answer_shape(answer: str) -> str:
    """What kind of value an answer is: 'price' ($12.50), 'number' (42) or 'text' (anything else); the
    answer to "How many open issues" is a number whatever the page offers beside it ('v1.0')."""
    answer = answer.strip()
    if answer.startswith("$") and _NUMBER.fullmatch(answer[1:].strip()):
        return "price"
    return "number" if _NUMBER.fullmatch(answer) else "text"


def slot_value(their_intent: str, their_value: str, our_intent: str) -> str | None:
    """The text of ``our_intent`` that stands where ``their_value`` stands in ``their_intent``, two intents of
    one template ('Add 2 units of the Bright Mouse', value 'Bright Mouse'; 'Add 6 units of the Pro Hammock'
    gives 'Pro Hammock'), or None when the value is not in their intent or the intents do not align there.

    The intents are aligned token by token (difflib's longest matching blocks): the tokens both share are
    the template, and a value spans the same template-delimited stretch in both. A value inside a changed
    stretch of another length than ours cannot be placed and gives None; text the value shares with the
    template (the subject 'Address' both tasks send) comes back as it is."""
    span = _token_span(their_intent, their_value)
    if span is None:
        return None
    theirs, (first, last) = _tokens(their_intent), span  # their tokens [first, last) are the value
    ours = _tokens(our_intent)
    matcher = SequenceMatcher(
        None,
        [their_intent[a:b].casefold() for a, b in theirs],
        [our_intent[a:b].casefold() for a, b in ours],
        autojunk=False,
    )
    start = stop = None
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 == i2:  # tokens only ours has, at or inside the value's stretch, belong to the value
            if first <= i1 <= last:
                start = j1 if start is None else min(start, j1)
                stop = j2 if stop is None else max(stop, j2)
            continue
        lo, hi = max(i1, first), min(i2, last)
        if lo >= hi:
            continue  # this block is outside the value
        if tag == "equal" or (lo, hi) == (i1, i2):
            a, b = (j1 + lo - i1, j1 + hi - i1) if tag == "equal" else (j1, j2)
        elif i2 - i1 == j2 - j1:  # part of a changed stretch as long as ours: token for token
            a, b = j1 + lo - i1, j1 + hi - i1
        else:
            return None
        if a < b:
            start = a if start is None else min(start, a)
            stop = b if stop is None else max(stop, b)
    if start is None or stop is None or start >= stop:
        return None
    return our_intent[ours[start][0] : ours[stop - 1][1]]


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _INTENT_TOKEN.finditer(text)]


def _token_span(text: str, part: str) -> tuple[int, int] | None:
    """The tokens [first, last) of ``text`` that ``part`` is, compared ignoring case (its first occurrence
    as whole tokens); None when it is not there as whole tokens."""
    part, folded, tokens = part.strip().casefold(), text.casefold(), _tokens(text)
    starts = {a: i for i, (a, _) in enumerate(tokens)}
    ends = {b: i for i, (_, b) in enumerate(tokens)}
    at = folded.find(part) if part else -1
    while at >= 0:
        if at in starts and at + len(part) in ends:
            return starts[at], ends[at + len(part)] + 1
        at = folded.find(part, at + 1)
    return None


def nearest_span(text: str, value: str, *, min_ratio: float = 0.8, max_tokens: int = 16) -> str | None:
    """The stretch of whole tokens of ``text`` likeliest a garbled copy of ``value`` (difflib's similarity
    ratio of the two, at least ``min_ratio``), or None; ``value`` itself when ``text`` says it. A small
    model copying a value from its goal slips a digit or a word ('(312) 555-0146' for the goal's
    '(602) 555-0146'); a value that is not a copy (a price read off a page) is like no stretch."""
    value = value.strip()
    if not value or says(text, value):
        return value or None
    tokens, folded = _tokens(text), value.casefold()
    best, best_ratio = None, min_ratio
    for i in range(len(tokens)):
        for j in range(i + 1, min(len(tokens), i + max_tokens) + 1):
            span = text[tokens[i][0] : tokens[j - 1][1]]
            matcher = SequenceMatcher(None, span.casefold(), folded, autojunk=False)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = span, ratio
    return best


def reports(answer: str) -> bool:
    """Whether an answer only reports that the agent is done ('Done', or nothing) instead of giving a value."""
    return " ".join(answer.split()).casefold() in ("", "done")


def says(text: str, part: str) -> bool:
    """Whether ``part`` is in ``text`` as whole words ('2' is in 'number 2', not in 'v2.0')."""
    return _token_span(text, part) is not None


def _steps(entry: Entry) -> list[tuple[str, str | None, str | None]]:
    """(action name, element name or None, the value typed, chosen or sent or None) of each parsable step."""
    out = []
    for step in entry.steps:
        try:
            action = parse_action(step.action)
        except ActionError:
            continue
        name = None
        if action.bid is not None:
            elements = parse_elements(step.context)
            if elements and elements[0].name.strip() and not _PLACEHOLDER.fullmatch(elements[0].name.strip()):
                name = elements[0].name.strip()  # a redacted name ([PASSWORD]) is unknown, not a name
        rest = action.args[1:] if action.bid is not None else action.args
        value = rest[0] if rest and isinstance(rest[0], str) and action.name != "goto" else None
        out.append((action.name, name, value))
    return out


def _names(entry: Entry) -> list[str]:
    return [name for _, name, _ in _steps(entry) if name is not None]


def procedure_words(intent: str) -> set[str]:
    """An intent's words without its values: quoted text, capitalised words after the first (names: 'the
    Auth Gateway project'), and anything with a digit or an identifier's marks (user_names, e-mail and web
    addresses, redaction placeholders such as [EMAIL], phone numbers) go."""
    words = []
    for i, chunk in enumerate(_QUOTED.sub(" ", intent).split()):
        chunk = chunk.strip(".,;:!?()")
        if not chunk or _IDENTIFIER.search(chunk) or (i > 0 and chunk[0].isupper()):
            continue
        words.extend(w.casefold() for w in _TOKEN.findall(chunk))
    return set(words)


def intent_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two intents' procedure words (how alike two tasks are, whatever their values)."""
    wa, wb = procedure_words(a), procedure_words(b)
    return len(wa & wb) / len(wa | wb) if wa or wb else 0.0


def position(plan: list[PlanStep], done: list[Action | None]) -> int:
    """How far along ``plan`` the actions ``done`` so far are: each plan step is passed by the first later
    action that does it (actions that do no plan step -- a retry, a detour -- are skipped)."""
    at = 0
    for action in done:
        if at < len(plan) and action is not None and plan[at].matches(action):
            at += 1
    return at


def parse_or_none(text: str) -> Action | None:
    try:
        return parse_action(text)
    except ActionError:
        return None


@dataclass
class ExemplarGuide:
    """The plan of the retrieved exemplar for one task, if one alike enough was found."""

    plan: list[PlanStep]
    source: str  # the exemplar's task id
    overlap: float

    def expected(self, history: list[str]) -> PlanStep | None:
        """The plan's next step after the (named) actions in ``history``; None when the plan is done."""
        at = position(self.plan, [parse_or_none(h) for h in history])
        return self.plan[at] if at < len(self.plan) else None


def retrieve_guide(
    kb: object,
    intent: str,
    *,
    min_overlap: float,
    candidates: int = 30,
    exclude: str = "",
    values: bool = False,
    sites: tuple[str, ...] | list[str] = (),
) -> ExemplarGuide | None:
    """The plan of a successful knowledge-base trajectory whose intent is likeliest the same task (BM25 over
    the knowledge base, then the best overlap of procedure words), or None below ``min_overlap``. Among the
    equally alike ones, the one that ends as most of them do (an answer, not a report that the task is
    infeasible, when most answer); the others tell the procedure's element names from the task's values.
    Entries of task ``exclude`` (the episode's own) are never its example; ``values`` as for :func:`plan_of`.
    With ``sites`` (the task's sites), only an entry recorded on the same sites is an example: a procedure of
    one suite's site (the embedded shop) never guides a task of another (a WebArena shop) whose words it shares."""
    hits = kb.search(intent, k=candidates, mode="bm25", candidates=10 * candidates)  # type: ignore[attr-defined]
    alike = [
        (intent_overlap(intent, h.entry.intent), h.entry)
        for h in hits
        if h.entry.success and h.entry.task_id != exclude and (not sites or set(h.entry.sites) == set(sites))
    ]
    alike = sorted((a for a in alike if a[0] >= min_overlap), key=lambda a: -a[0])
    if not alike:
        return None
    top = [e for overlap, e in alike if overlap == alike[0][0]]
    endings = Counter(_ending(e) for e in top)
    best = next(e for e in top if _ending(e) == endings.most_common(1)[0][0])
    peers = [e for e in top if e.task_id != best.task_id]
    plan = plan_of(best, intent, peers or None, values=values)
    return ExemplarGuide(plan, best.task_id, round(alike[0][0], 3)) if plan else None


def _ending(entry: Entry) -> str:
    steps = _steps(entry)
    return steps[-1][0] if steps else ""


__all__ = [
    "ExemplarGuide",
    "PlanStep",
    "answer_shape",
    "intent_overlap",
    "nearest_span",
    "plan_of",
    "position",
    "procedure_words",
    "reports",
    "retrieve_guide",
    "says",
    "slot_value",
]
