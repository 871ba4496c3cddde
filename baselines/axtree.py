"""Reading elements back out of an ``axtree_txt`` observation (what a scripted agent can see)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

LINE = re.compile(r"(?:^|(?<=[\s|]))\[(?P<bid>[^\]]+)\] (?P<role>\S+) (?P<name>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
ROLE_ALIASES = {"textbox": {"textbox", "searchbox", "textarea"}, "combobox": {"combobox", "listbox"}}
INTERACTIVE = {
    "link",
    "button",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "menuitem",
    "tab",
    "option",
    "switch",
    "slider",
}


@dataclass(frozen=True)
class AXElement:
    bid: str
    role: str
    name: str


def parse_elements(axtree_txt: str) -> list[AXElement]:
    out = []
    for line in axtree_txt.splitlines():  # pruned observations put several elements on one line
        for m in LINE.finditer(line):
            try:
                name = ast.literal_eval(m.group("name"))
            except (ValueError, SyntaxError):
                name = m.group("name")[1:-1]
            out.append(AXElement(m.group("bid"), m.group("role"), str(name)))
    return out


def find_element(axtree_txt: str, role: str, name: str) -> AXElement | None:
    """Best element with this role and accessible name: exact, then case-insensitive, then prefix."""
    roles = ROLE_ALIASES.get(role, {role})
    cands = [e for e in parse_elements(axtree_txt) if e.role in roles]
    for test in (
        lambda e: e.name == name,
        lambda e: e.name.lower() == name.lower(),
        lambda e: e.name.lower().startswith(name.lower()),
    ):
        for e in cands:
            if test(e):
                return e
    return None
