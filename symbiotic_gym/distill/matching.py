"""When do two actions mean the same thing? Element ids become the element's (role, name).

Speculative data synthesis accepts the student's action when it matches one of the teacher's candidates.
Ids differ between equivalent elements (two "Add to cart" buttons for the same product, a page re-render),
so an id is compared as the (role, accessible name) of the element it points at in the current
observation; strings are compared with whitespace collapsed and, for answers, case folded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from symbiotic_gym.web import observation
from symbiotic_gym.web.actions import ActionError, parse_action

# fill and type with the same text leave a field in the same state
SAME_AS = {"type": "fill"}
FOLD_CASE = {"send_msg_to_user", "report_infeasible"}


def element_index(axtree: str) -> dict[str, tuple[str, str]]:
    """bid -> (role, name) for every element line of an observation."""
    return {
        bid: (observation.CANONICAL_ROLE.get(e.role, e.role), " ".join(e.name.split()))
        for bid, e in observation.element_index(axtree).items()
    }


def _norm(value: Any, fold: bool) -> Any:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text.casefold() if fold else text
    if isinstance(value, list | tuple):
        return tuple(_norm(v, fold) for v in value)
    return value


def action_key(action: str, elements: dict[str, tuple[str, str]]) -> tuple[Any, ...] | None:
    """A hashable meaning of an action in the current observation; None when it does not parse."""
    try:
        parsed = parse_action(action)
    except ActionError:
        return None
    name = SAME_AS.get(parsed.name, parsed.name)
    args: list[Any] = list(parsed.args)
    if parsed.name in ("type", "fill"):
        if parsed.name == "type" and len(args) > 2 and args[2]:  # press_enter=True also submits
            name = "type_enter"
        args = args[:2]  # fill's enable_autocomplete_menu leaves the same text in the field
    if parsed.bid is not None:
        args[0] = ("element", *elements.get(parsed.bid, ("id", parsed.bid)))
    fold = parsed.name in FOLD_CASE
    return (name, *(_norm(a, fold) for a in args))


def match_candidate(action: str, candidates: Iterable[str], axtree: str) -> int | None:
    """Index of the first candidate that means the same as ``action`` (None: no match or not parseable)."""
    elements = element_index(axtree)
    key = action_key(action, elements)
    if key is None:
        return None
    for i, cand in enumerate(candidates):
        if action_key(cand, elements) == key:
            return i
    return None
