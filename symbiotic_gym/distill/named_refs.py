"""Named element references: the student's actions name their element instead of giving its id.

A small model finds it hard to pick the one id, among hundreds on a page, that belongs to the element it
means (the shipped v4 student's offline errors were 82% "an element of the right role, but the wrong
one"); writing the element's *name* is a copy from the goal or from a label the procedure always uses
(``click('Settings')``, ``fill('Email', 'a@b.org')``, ``click('Urban Coffee Grinder')``). The agent then
grounds the name in the current page, the way Playwright's ``get_by_role(..., name=...)`` does, and the
browser receives the ordinary id action.

This module is the one owner of that convention, in both directions:

* :func:`to_named` -- a recorded id action on its page -> the named action the student is trained on (or
  ``None`` when the name would not lead back to the same element, e.g. a second 'Edit' link);
* :func:`ground` -- the student's named action on the current page -> the id action to execute (or an
  error message the student sees on its next step).

Actions without an element (``goto``, ``send_msg_to_user``, ``scroll`` ...) are the same in both forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from symbiotic_gym.web.actions import Action, ActionError, parse_action
from symbiotic_gym.web.observation import INTERACTIVE, ElementLine, parse_elements

REF_STYLES = ("bid", "name")  # PromptFormat.refs: how the student's actions point at elements

_TEXT_FIELDS = frozenset({"textbox", "searchbox", "textarea", "combobox", "spinbutton"})
# the roles an action can act on; an action not listed takes any interactive element
KIND_ROLES: dict[str, frozenset[str]] = {
    "fill": _TEXT_FIELDS,
    "type": _TEXT_FIELDS,
    "clear": _TEXT_FIELDS,
    "select_option": frozenset({"combobox", "listbox"}),
    "check": frozenset({"checkbox", "radio", "switch", "menuitemcheckbox"}),
    "uncheck": frozenset({"checkbox", "radio", "switch", "menuitemcheckbox"}),
}


@dataclass(frozen=True)
class Grounded:
    """A named action grounded in a page: ``action`` is what the browser runs; ``error`` is set (and
    ``action`` is the named text unchanged) when no element of the page has that name."""

    action: str
    error: str = ""


def _candidates(kind: str, elements: list[ElementLine]) -> list[ElementLine]:
    roles = KIND_ROLES.get(kind)
    if roles is not None:
        return [e for e in elements if e.role in roles]
    # click, hover, press ...: interactive elements first, then anything with an id (a row, a heading)
    return [e for e in elements if e.role in INTERACTIVE] + [e for e in elements if e.role not in INTERACTIVE]


def resolve(kind: str, name: str, axtree: str) -> ElementLine | None:
    """The element an action ``kind`` (``click``, ``fill`` ...) means by ``name`` on this page: the first, in
    page order, whose name is exactly ``name``, else the first equal ignoring case. (Unlike
    ``observation.find_element``, which the oracle uses with a known role, the roles come from the action and
    there is no prefix match: a model's guess must name the element whole.)"""
    return resolve_among(kind, name, parse_elements(axtree))


def resolve_among(kind: str, name: str, elements: list[ElementLine]) -> ElementLine | None:
    cands = _candidates(kind, elements)
    for e in cands:
        if e.name == name:
            return e
    low = name.casefold()
    for e in cands:
        if e.name.casefold() == low:
            return e
    return None


def to_named(action: str, axtree: str) -> str | None:
    """The named form of a recorded action on its page; ``None`` when it cannot be written by name (the id is
    not on the page, the element has no name, or its name leads to another element first)."""
    try:
        parsed = parse_action(action)
    except ActionError:
        return None
    if parsed.bid is None:
        return str(parsed)
    elements = parse_elements(axtree)
    target = next((e for e in elements if e.bid == parsed.bid), None)
    if target is None or not target.name.strip():
        return None
    found = resolve_among(parsed.name, target.name, elements)
    if found is None or found.bid != target.bid:
        return None
    return str(Action(parsed.name, (target.name, *parsed.args[1:])))


def ground(action: Action, axtree: str) -> Grounded:
    """The id action for a named action on the current page (see :class:`Grounded`)."""
    if action.bid is None:
        return Grounded(str(action))
    name = str(action.args[0])
    found = resolve(action.name, name, axtree)
    if found is None:
        roles = KIND_ROLES.get(action.name)
        what = f"{'/'.join(sorted(roles))} named" if roles else "element named"
        return Grounded(str(action), f"No {what} {name!r} on this page.")
    # a small model's tokenizer often writes a space after the opening quote (' Harbor*Cobalt95'): values are
    # typed without spaces at their ends, which no form's value has on purpose
    rest = tuple(a.strip() if isinstance(a, str) else a for a in action.args[1:])
    return Grounded(str(Action(action.name, (found.bid, *rest))))


def in_trained_form(action: str, axtree: str, refs: str) -> str:
    """How an executed action appears in a student's history: named when the student names elements and
    the action can be written so, else as executed."""
    if refs != "name":
        return action
    return to_named(action, axtree) or action


__all__ = ["KIND_ROLES", "REF_STYLES", "Grounded", "ground", "in_trained_form", "resolve", "resolve_among", "to_named"]
