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
from dataclasses import dataclass

from symbiotic_gym.actions import Action, ActionError, parse_action
from symbiotic_gym.knowledge.entries import Entry
from symbiotic_gym.observation import parse_elements

_WORD = re.compile(r"[a-z0-9]+")


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


def plan_of(entry: Entry, intent: str = "") -> list[PlanStep]:
    """An entry's steps as a plan for the task ``intent``: the element each step acted on, named by its
    observation line. A name that the exemplar's intent has and ``intent`` has not is that task's value (the
    product it opened, the issue it closed), not the procedure's, so such a step keeps its kind only."""
    theirs, ours = entry.intent.casefold(), intent.casefold()
    plan = []
    for step in entry.steps:
        try:
            action = parse_action(step.action)
        except ActionError:
            continue
        name = None
        if action.bid is not None:
            elements = parse_elements(step.context)
            if elements and elements[0].name.strip():
                name = elements[0].name.strip()
                if name.casefold() in theirs and name.casefold() not in ours:
                    name = None
        plan.append(PlanStep(action.name, name))
    return plan


def intent_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two intents' word sets (how alike two task descriptions are)."""
    wa, wb = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
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


def retrieve_guide(kb: object, intent: str, *, min_overlap: float, candidates: int = 5) -> ExemplarGuide | None:
    """The plan of the successful knowledge-base trajectory whose intent is likeliest the same task (BM25
    over the knowledge base, then the best word overlap), or None below ``min_overlap``."""
    hits = kb.search(intent, k=candidates, mode="bm25")  # type: ignore[attr-defined]
    best: tuple[float, Entry] | None = None
    for hit in hits:
        if not hit.entry.success:
            continue
        overlap = intent_overlap(intent, hit.entry.intent)
        if best is None or overlap > best[0]:
            best = (overlap, hit.entry)
    if best is None or best[0] < min_overlap:
        return None
    plan = plan_of(best[1], intent)
    return ExemplarGuide(plan, best[1].task_id, round(best[0], 3)) if plan else None


__all__ = ["ExemplarGuide", "PlanStep", "intent_overlap", "plan_of", "position", "retrieve_guide"]
