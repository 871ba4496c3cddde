"""Accessibility-tree text observations, extracted with one JS call and two CDP calls per step.

Every element gets a stable ``bid`` attribute (BrowserGym's element id convention); the accessibility tree
comes from Chromium itself (``Accessibility.getFullAXTree``), and ``DOM.getDocument`` maps each AX node
back to its element's bid. The text format follows BrowserGym's ``flatten_axtree_to_str``::

    RootWebArea 'Title', url='http://...'
        [12] link 'Sign in', url='http://.../login'
        [15] textbox 'Search products', focused
        StaticText 'Price: $12.99'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MARK_JS = """() => {
  let n = window.__sgNextBid || 0;
  for (const el of document.querySelectorAll('*')) {
    if (!el.hasAttribute('bid')) el.setAttribute('bid', String(n++));
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
