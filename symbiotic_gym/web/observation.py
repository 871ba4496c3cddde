"""Accessibility-tree text observations, extracted with one JS call and two CDP calls per step.

Every element gets a stable ``bid`` attribute (BrowserGym's element id convention); the accessibility tree
comes from Chromium itself (``Accessibility.getFullAXTree``), and ``DOM.getDocument`` maps each AX node
back to its element's bid. The text format follows BrowserGym's ``flatten_axtree_to_str``::

    RootWebArea 'Title', url='http://...'
        [12] link 'Sign in', url='http://.../login'
        [15] textbox 'Search products', focused
        StaticText 'Price: $12.99'

This module is the one owner of that format: :func:`flatten_axtree` writes it, and :func:`parse_elements`,
:func:`element_line`, :func:`page_title` and :func:`headings` read it back (agents, matching, datasets, the
knowledge base and the privacy detector call them; none has a regex of its own for element lines). The
role sets (interactive roles, text-input aliases) live here too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# iframes get letter ids ('a' ... 'z', 'bA' ...) as in BrowserGym, whose marking script descends into a frame
# only through a letter id (symbiotic_gym.raw_obs hands it window.__sgFrameId)
MARK_JS = """() => {
  if (!window.__sgFrameId) {
    let k = 0;
    window.__sgFrameId = () => {
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      let id = letters[k % 26], m = Math.floor(k / 26);
      while (m > 0) { id += letters[(m - 1) % 26].toUpperCase(); m = Math.floor((m - 1) / 26); }
      k++;
      return id;
    };
  }
  let n = window.__sgNextBid || 0;
  for (const el of document.querySelectorAll('*')) {
    if (el.hasAttribute('bid')) continue;
    const tag = el.tagName.toLowerCase();
    // like BrowserGym's marking: an <svg> gets an id, the shapes inside it do not
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' && tag !== 'svg') continue;
    el.setAttribute('bid', tag === 'iframe' || tag === 'frame' ? window.__sgFrameId() : String(n++));
  }
  window.__sgNextBid = n;
  return n;
}"""

SKIP_ROLES = frozenset({"InlineTextBox", "LineBreak", "ListMarker"})
HOIST_ROLES = frozenset(
    {
        "generic",
        "none",
        "presentation",
        "paragraph",
        "group",
        "Section",
        "LabelText",
        "strong",
        "emphasis",
        "code",
        "time",
        "superscript",
        "subscript",
        "mark",
    }
)
SHOWN_PROPERTIES = (
    "focused",
    "checked",
    "selected",
    "expanded",
    "disabled",
    "required",
    "pressed",
    "invalid",
    "readonly",
    "multiselectable",
)
VALUE_ROLES = frozenset({"textbox", "searchbox", "combobox", "spinbutton", "slider", "ListBox", "textarea"})


@dataclass
class Element:
    bid: str
    role: str
    name: str
    url: str = ""


@dataclass(frozen=True)
class ElementLine:
    """An element as read back from observation text: ``[bid] role 'name', prop=..., ...``.

    ``start``/``end`` delimit the whole match in the text it was parsed from; ``name_start`` the quoted
    name; ``props`` is the rest of the line after the name (``, value='x', focused``), from ``props_start``.
    """

    bid: str
    role: str
    name: str
    props: str = ""
    start: int = 0
    end: int = 0
    name_start: int = 0
    props_start: int = 0
    loose: bool = False  # props is the rest of the line, read leniently (see iter_elements)

    def _props(self) -> Iterator[re.Match[str]]:
        return (LOOSE_PROP if self.loose else PROP).finditer(self.props)

    def prop_span(self, key: str) -> tuple[int, int] | None:
        """Where a property's value stands in the parsed text (inside its quotes), or None."""
        for m in self._props():
            if m.group("key") == key and m.group("value") is not None:
                start, end = self.props_start + m.start("value"), self.props_start + m.end("value")
                quoted = m.group("value")[:1] in ("'", '"')
                return (start + 1, end - 1) if quoted else (start, end)
        return None

    def prop(self, key: str) -> str | None:
        """A property's value (quoted strings unquoted), True-ish flags as ``""``; None when absent."""
        for m in self._props():
            if m.group("key") == key:
                return unquote(m.group("value")) if m.group("value") is not None else ""
        return None


# a quoted Python-repr string, as _fmt writes names and values
STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
# an element with a bid; pruned observations put several elements on one line, separated by spaces or "|"
_PROPS = rf"(?:, (?:[\w-]+)(?:=(?:{STRING}|[^,\n\[]*))?)*"
ELEMENT = re.compile(rf"(?:^|(?<=[\s|]))\[(?P<bid>[^\]\s]+)\] (?P<role>\S+) (?P<name>{STRING})(?P<props>{_PROPS})")
PROP = re.compile(rf", (?P<key>[\w-]+)(?:=(?P<value>{STRING}|[^,\n]*))?")
# text that quotes an observation loosely (a model's echo, a hand-written line) may drop the commas
LOOSE_PROP = re.compile(rf"(?:,\s*|\s+)(?P<key>[\w-]+)(?:=(?P<value>{STRING}|[^,\s]*))?")
ROOT = re.compile(rf"RootWebArea (?P<name>{STRING})")
HEADING = re.compile(rf"^\s*(?:\[[^\]]+\]\s+)?heading (?P<name>{STRING})", re.M)

# roles an agent can act on, and the roles that stand for the same kind of control
INTERACTIVE = frozenset(
    {
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
)
ROLE_ALIASES = {"textbox": {"textbox", "searchbox", "textarea"}, "combobox": {"combobox", "listbox"}}
CANONICAL_ROLE = {"searchbox": "textbox", "textarea": "textbox", "listbox": "combobox"}
FIELD_ROLES = ("textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton")


def unquote(text: str) -> str:
    """The string a quoted name or value stands for (the quotes as written if it is not a valid literal)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text[1:-1]
    return text


def iter_elements(text: str, *, rest_of_line: bool = False) -> Iterator[ElementLine]:
    """Every element with a bid in an observation (or any text quoting one), in order.

    With ``rest_of_line`` an element's props are everything after its name up to the end of the line, read
    leniently (the privacy detector scans text an LLM or a user may have reformatted).
    """
    for m in ELEMENT.finditer(text):
        props, props_start = m.group("props"), m.start("props")
        if rest_of_line:
            line_end = text.find("\n", m.end("name"))
            props_start = m.end("name")
            props = text[props_start : line_end if line_end >= 0 else len(text)]
        yield ElementLine(
            bid=m.group("bid"),
            role=m.group("role"),
            name=unquote(m.group("name")),
            props=props,
            start=m.start(),
            end=m.end(),
            name_start=m.start("name"),
            props_start=props_start,
            loose=rest_of_line,
        )


def parse_elements(text: str) -> list[ElementLine]:
    return list(iter_elements(text))


def element_index(text: str) -> dict[str, ElementLine]:
    """bid -> the first element line with that bid."""
    out: dict[str, ElementLine] = {}
    for e in iter_elements(text):
        out.setdefault(e.bid, e)
    return out


def find_element(text: str, role: str, name: str) -> ElementLine | None:
    """Best element with this role (or an alias) and accessible name: exact, case-insensitive, then prefix."""
    roles = ROLE_ALIASES.get(role, {role})
    cands = [e for e in iter_elements(text) if e.role in roles]
    for test in (
        lambda e: e.name == name,
        lambda e: e.name.lower() == name.lower(),
        lambda e: e.name.lower().startswith(name.lower()),
    ):
        for e in cands:
            if test(e):
                return e
    return None


_BID_PREFIX = re.compile(r"(?:^|(?<=[\s|;:]))\[[^\]\s]+\] ", re.M)


def strip_bids(text: str) -> str:
    """The text with every element's ``[bid] `` prefix removed (``[12] link 'Cart'`` -> ``link 'Cart'``), for
    prompts whose reader names elements instead of giving ids."""
    return _BID_PREFIX.sub("", text)


def element_line(text: str, bid: str) -> str:
    """The line of the observation that holds element ``bid`` (stripped), or ``""``."""
    e = element_index(text).get(bid)
    if e is None:
        return ""
    line_start = text.rfind("\n", 0, e.start) + 1
    line_end = text.find("\n", e.end)
    return text[line_start : line_end if line_end >= 0 else len(text)].strip()


def page_title(text: str) -> str | None:
    m = ROOT.search(text)
    return unquote(m.group("name")) if m else None


def headings(text: str) -> list[str]:
    return [unquote(m.group("name")) for m in HEADING.finditer(text)]


LINE = re.compile(r"^(?P<indent>\t*)(?:\[(?P<bid>[^\]]+)\] )?(?P<role>\S+)(?P<rest>.*)$")
NAME = re.compile(rf"^ (?P<name>{STRING})")


@dataclass
class AXNode:
    """A node of an observation read back as a tree (indentation is depth)."""

    role: str
    name: str = ""
    bid: str | None = None
    props: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[AXNode] = field(default_factory=list)


def parse_axtree_text(text: str) -> list[AXNode]:
    """Rebuild the tree from indented text (lines that do not parse become text nodes)."""
    roots: list[AXNode] = []
    stack: list[tuple[int, AXNode]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        m = LINE.match(raw)
        depth = len(m.group("indent")) if m else len(raw) - len(raw.lstrip("\t"))
        node = AXNode(role="StaticText", name=raw.strip())
        if m:
            rest = m.group("rest")
            nm = NAME.match(rest)
            name = unquote(nm.group("name")) if nm else ""
            rest = rest[nm.end() :] if nm else rest
            props = [(p.group("key"), p.group("value")) for p in PROP.finditer(rest)]
            node = AXNode(role=m.group("role"), name=name, bid=m.group("bid"), props=props)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((depth, node))
    return roots


@dataclass
class AXSnapshot:
    text: str
    elements: dict[str, Element] = field(default_factory=dict)


def _bid_map(document: dict[str, Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    stack = [document.get("root", document)]
    while stack:
        node = stack.pop()
        attrs = node.get("attributes")
        if attrs:
            for i in range(0, len(attrs) - 1, 2):
                if attrs[i] == "bid":
                    out[node["backendNodeId"]] = attrs[i + 1]
                    break
        stack.extend(node.get("children", ()))
        stack.extend(node.get("shadowRoots", ()))
        if "contentDocument" in node:
            stack.append(node["contentDocument"])
    return out


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def flatten_axtree(nodes: list[dict[str, Any]], bids: dict[int, str]) -> AXSnapshot:
    """Render Chromium AX nodes as indented text and collect the interactive elements by bid."""
    by_id = {n["nodeId"]: n for n in nodes}
    lines: list[str] = []
    elements: dict[str, Element] = {}
    roots = [n for n in nodes if not n.get("parentId") or n["parentId"] not in by_id]

    def visit(node: dict[str, Any], depth: int, parent_name: str) -> None:
        role = node.get("role", {}).get("value", "")
        name = str(node.get("name", {}).get("value", "") or "").strip()
        children = [by_id[c] for c in node.get("childIds", ()) if c in by_id]
        if role in SKIP_ROLES:
            return
        bid = bids.get(node.get("backendDOMNodeId", -1))
        props: list[str] = []
        url = ""
        for prop in node.get("properties", ()):
            pname = prop.get("name")
            pval = prop.get("value", {}).get("value")
            if pname == "url":
                url = str(pval)
            elif pname in SHOWN_PROPERTIES and pval not in (None, False, "false"):
                props.append(pname if pval is True or pval == "true" else f"{pname}={_fmt(pval)}")
        value = node.get("value", {}).get("value") if role in VALUE_ROLES else None
        hidden = node.get("ignored", False) or (role in HOIST_ROLES and not name)
        redundant = role == "StaticText" and (not name or name == parent_name or name in parent_name)
        if hidden or redundant:
            for child in children:
                visit(child, depth, parent_name)
            return
        head = f"[{bid}] {role} {_fmt(name)}" if bid is not None else f"{role} {_fmt(name)}"
        extras = []
        if value not in (None, ""):
            extras.append(f"value={_fmt(str(value))}")
        if url and role in ("link", "RootWebArea"):
            extras.append(f"url={_fmt(url)}")
        extras.extend(props)
        lines.append("\t" * depth + head + ("".join(", " + e for e in extras)))
        if bid is not None and role != "StaticText":
            elements[bid] = Element(bid=bid, role=role, name=name, url=url)
        for child in children:
            visit(child, depth + 1, name)

    for root in roots:
        visit(root, 0, "")
    return AXSnapshot(text="\n".join(lines), elements=elements)


class AXTreeExtractor:
    """Extracts :class:`AXSnapshot` from a page, keeping one CDP session per page."""

    def __init__(self) -> None:
        self._sessions: dict[int, Any] = {}

    def _session(self, page: Any) -> Any:
        key = id(page)
        cdp = self._sessions.get(key)
        if cdp is None:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Accessibility.enable")
            cdp.send("DOM.enable")
            self._sessions[key] = cdp
        return cdp

    def forget(self, page: Any) -> None:
        self._sessions.pop(id(page), None)

    def extract(self, page: Any) -> AXSnapshot:
        page.evaluate(MARK_JS)
        cdp = self._session(page)
        document = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        return flatten_axtree(nodes, _bid_map(document))
