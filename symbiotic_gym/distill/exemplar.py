"""Exemplar guidance: the student's own candidate actions, re-ranked by a retrieved worked example.

A small student often has the right action among its few likeliest answers but not first (the shipped
student's greedy next action was right on 62.7% of held-out steps). A trajectory of a similar task, taken
from the knowledge base (``benchmarks.kb``) by its intent, says what kind of step usually comes next
(``fill`` the field named 'Email', ``click`` 'Save', answer). This module turns such a trajectory into a
plan of ``(action kind, element name)`` steps and follows an episode along it; the ``distilled`` agent then
prefers, among its own ranked answers, one that does the plan's next step. The values typed, chosen or
sent always come from the student (an exemplar's values belong to another task), and a step the student
did not propose at all is not forced on it.

Retrieval with memory of past trajectories as worked examples is the idea of Synapse (Zheng et al. 2024,
"trajectory-as-exemplar") and Agent Workflow Memory (Wang et al. 2024); what is ours is using the example
only to choose among a small model's own beam candidates.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from symbiotic_gym.actions import Action, ActionError, parse_action
from symbiotic_gym.knowledge.entries import Entry
from symbiotic_gym.observation import parse_elements

_TOKEN = re.compile(r"[A-Za-z]+")
_IDENTIFIER = re.compile(r"[0-9@_/<>\[\]]|\w\.\w")
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # 'a value', "a value"


@dataclass(frozen=True)
class PlanStep:
    """One step of an exemplar: the action's name and the element's name (``None``: no element, or the
    element's name is unknown)."""

    kind: str
    element: str | None = None

    def matches(self, action: Action) -> bool:
        """Whether a named action (``click('Save')``) does this step; the element compared ignoring case."""
        if action.name != self.kind:
            return False
        if self.element is None or action.bid is None:
            return True
        return str(action.args[0]).strip().casefold() == self.element.casefold()

    def __str__(self) -> str:
        return f"{self.kind}({self.element!r})" if self.element is not None else f"{self.kind}(...)"


def plan_of(entry: Entry, intent: str = "", peers: list[Entry] | None = None) -> list[PlanStep]:
    """An entry's steps as a plan for the task ``intent``: the element each step acted on, named by its
    observation line. A name that is the exemplar task's value (the product it opened, the issue it closed)
    is not the procedure's, so such a step keeps its kind only: a name the exemplar's intent has and
    ``intent`` has not, or, with ``peers`` (trajectories of alike tasks), one that fewer than half of them
    acted on."""
    theirs, ours = entry.intent.casefold(), intent.casefold()
    counts = Counter(n for peer in peers or [] for n in {m.casefold() for m in _names(peer)})
    plan = []
    for kind, name in _steps(entry):
        if name is not None:
            folded = name.casefold()
            is_value = folded in theirs and folded not in ours
            is_value = is_value or (bool(peers) and counts[folded] * 2 < len(peers or []))
            name = None if is_value else name
        plan.append(PlanStep(kind, name))
    return plan


def _steps(entry: Entry) -> list[tuple[str, str | None]]:
    """(action name, element name or None) of each parsable step of an entry."""
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
        out.append((action.name, name))
    return out


def _names(entry: Entry) -> list[str]:
    return [name for _, name in _steps(entry) if name is not None]


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
    kb: object, intent: str, *, min_overlap: float, candidates: int = 30, exclude: str = ""
) -> ExemplarGuide | None:
    """The plan of a successful knowledge-base trajectory whose intent is likeliest the same task (BM25 over
    the knowledge base, then the best overlap of procedure words), or None below ``min_overlap``. Among the
    equally alike ones, the one that ends as most of them do (an answer, not a report that the task is
    infeasible, when most answer); the others tell the procedure's element names from the task's values.
    Entries of task ``exclude`` (the episode's own) are never its example."""
    hits = kb.search(intent, k=candidates, mode="bm25", candidates=10 * candidates)  # type: ignore[attr-defined]
    alike = [
        (intent_overlap(intent, h.entry.intent), h.entry)
        for h in hits
        if h.entry.success and h.entry.task_id != exclude
    ]
    alike = sorted((a for a in alike if a[0] >= min_overlap), key=lambda a: -a[0])
    if not alike:
        return None
    top = [e for overlap, e in alike if overlap == alike[0][0]]
    endings = Counter(_ending(e) for e in top)
    best = next(e for e in top if _ending(e) == endings.most_common(1)[0][0])
    peers = [e for e in top if e.task_id != best.task_id]
    plan = plan_of(best, intent, peers or None)
    return ExemplarGuide(plan, best.task_id, round(alike[0][0], 3)) if plan else None


def _ending(entry: Entry) -> str:
    steps = _steps(entry)
    return steps[-1][0] if steps else ""


__all__ = ["ExemplarGuide", "PlanStep", "intent_overlap", "plan_of", "position", "procedure_words", "retrieve_guide"]
