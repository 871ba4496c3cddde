"""AgentOccam-style pruning of accessibility-tree text: fewer tokens, the same actionable content.

Input is BrowserGym-format ``axtree_txt`` (``[bid] role 'name', prop=value`` lines indented by depth).
The rules, after AgentOccam's observation refinement:

* only interactive elements keep their ``[bid]``; landmarks and containers without a name disappear and
  their children move up; named containers stay as one short line;
* URLs of links and the page are dropped (the prompt shows the current URL once);
* static text is printed bare, consecutive texts are merged, and a text that repeats a neighbour's name
  (a label next to its field, a link's own caption) is dropped;
* tables become one ``| cell | cell |`` line per row, with interactive cells kept as ``[bid] role 'name'``;
* noisy properties (``focused``) are dropped, repeated lines collapsed, and the result capped.

Lines are written by :func:`symbiotic_gym.web.observation.node_line`, the observation text's one writer.
This module also owns the two shorter dialects the distilled student reads: the chrome as an index
(``prune_main_first(rest="index")``) and the compact text (:func:`compact_lines`), with their reader
(:func:`shows_element`, :func:`lines_with_ids`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from symbiotic_gym.web.observation import AXNode, node_line, parse_axtree_text
from symbiotic_gym.web.observation import unquote as _unquote

INTERACTIVE_ROLES = frozenset(
    {
        "link",
        "button",
        "textbox",
        "searchbox",
        "textarea",
        "combobox",
        "listbox",
        "ListBox",
        "checkbox",
        "radio",
        "option",
        "menuitem",
        "menuitemcheckbox",
        "menuitemradio",
        "tab",
        "switch",
        "slider",
        "spinbutton",
        "treeitem",
    }
)
CONTAINER_ROLES = frozenset(
    {
        "banner",
        "main",
        "navigation",
        "contentinfo",
        "complementary",
        "region",
        "form",
        "list",
        "listitem",
        "article",
        "section",
        "Section",
        "generic",
        "group",
        "document",
        "paragraph",
        "DescriptionList",
        "term",
        "definition",
        "figure",
        "search",
        "toolbar",
        "menu",
        "menubar",
        "tablist",
        "tabpanel",
        "dialog",
        "alert",
        "status",
        "note",
        "blockquote",
        "LayoutTable",
        "LayoutTableRow",
        "LayoutTableCell",
        "MenuListPopup",
    }
)
# containers whose name is worth one line even though they are not interactive
KEEP_NAMED = frozenset({"navigation", "form", "region", "dialog", "alert", "status", "tabpanel", "figure", "group"})
INLINE_ROLES = frozenset(
    {
        "listitem",
        "paragraph",
        "generic",
        "Section",
        "section",
        "article",
        "term",
        "definition",
        "cell",
        "gridcell",
        "LayoutTableCell",
        "note",
        "status",
        "alert",
        "blockquote",
    }
)
DROPPED_PROPS = frozenset({"focused", "url"})
TEXT_ROLES = frozenset({"StaticText", "text"})


def _text_of(node: AXNode) -> str:
    """Everything a cell or item says, interactive parts kept addressable."""
    if node.role in INTERACTIVE_ROLES and node.bid:
        return node_line(node.role, node.name, bid=node.bid)
    parts = [node.name] if node.name and node.role not in CONTAINER_ROLES | {"cell", "gridcell", "columnheader"} else []
    inner = [_text_of(c) for c in node.children]
    if node.name and not any(node.name in t for t in inner) and not parts:
        parts.append(node.name)
    names = {c.name.strip().rstrip(":") for c in node.children if c.role not in TEXT_ROLES and c.name}
    parts.extend(
        t
        for c, t in zip(node.children, inner, strict=True)
        if t and not (c.role in TEXT_ROLES and t.rstrip(":") in names)
    )
    return " ".join(parts).strip()


def _row_line(row: AXNode) -> str:
    cells = [c for c in row.children if c.role in ("cell", "gridcell", "columnheader", "rowheader")] or row.children
    return "| " + " | ".join(_text_of(c) or " " for c in cells) + " |"


def _props(node: AXNode) -> list[str]:
    return [key if value is None else f"{key}={value}" for key, value in node.props if key not in DROPPED_PROPS]


class _Pruner:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def emit(self, depth: int, text: str) -> None:
        line = "\t" * depth + text
        if self.lines and self.lines[-1] == line:
            return  # repeated line (e.g. the same caption twice)
        self.lines.append(line)

    def visit_children(self, children: list[AXNode], depth: int, context: str) -> None:
        texts: list[str] = []
        names = {c.name for c in children if c.role not in TEXT_ROLES and c.name}

        def flush() -> None:
            if texts:
                self.emit(depth, " ".join(texts))
                texts.clear()

        for child in children:
            if child.role in TEXT_ROLES:
                t = child.name.strip()
                # drop texts that repeat a sibling's or the parent's name (labels, captions)
                if t and t not in names and t not in context and t not in texts and t.rstrip(":") not in names:
                    texts.append(t)
                continue
            flush()
            self.visit(child, depth, context)
        flush()

    def visit(self, node: AXNode, depth: int, context: str) -> None:
        role = node.role
        if role == "RootWebArea":
            self.emit(depth, node_line("RootWebArea", node.name))
            self.visit_children(node.children, depth + 1, node.name)
            return
        if role in ("table", "grid", "treegrid"):
            if node.name:
                self.emit(depth, node_line("table", node.name))
            for row in _rows(node):
                self.emit(depth + 1 if node.name else depth, _row_line(row))
            return
        if role in INTERACTIVE_ROLES and node.bid:
            self.emit(depth, node_line(role, node.name, bid=node.bid, props=_props(node)))
            if node.children:
                value = next((v for k, v in node.props if k == "value" and v), "")
                self.visit_children(node.children, depth + 1, node.name + " " + _unquote(value) if value else node.name)
            return
        if role in ("img", "image") and not node.name:
            return
        if role in CONTAINER_ROLES or role in ("cell", "row", "rowgroup"):
            if _is_inline(node):  # text mixed with links: one line, as it reads on the page
                line = _text_of(node)
                if line and line not in context:
                    self.emit(depth, line)
                return
            if node.name and role in KEEP_NAMED:
                self.emit(depth, node_line(role, node.name))
                self.visit_children(node.children, depth + 1, node.name)
            elif node.name and not node.children:
                self.emit(depth, node.name)
            else:
                self.visit_children(node.children, depth, context + " " + node.name)
            return
        # headings, images with alt text, static roles with a name, anything unknown
        if node.name:
            self.emit(depth, node_line(role, node.name, props=_props(node)))
        elif node.children:
            self.emit(depth, role)
        self.visit_children(node.children, depth + 1, node.name)


def _is_inline(node: AXNode) -> bool:
    """A container whose children are only texts and childless interactive elements, with some text."""
    if node.role not in INLINE_ROLES:
        return False
    kids = node.children
    has_text = any(c.role in TEXT_ROLES for c in kids)
    leaves = all(c.role in TEXT_ROLES or (c.role in INTERACTIVE_ROLES and not c.children) for c in kids)
    return has_text and leaves and len(kids) > 1 and len(kids) <= 16


def _rows(table: AXNode) -> list[AXNode]:
    out: list[AXNode] = []
    stack = list(reversed(table.children))
    while stack:
        n = stack.pop()
        if n.role == "row":
            out.append(n)
        else:
            stack.extend(reversed(n.children))
    return out


def prune_axtree(text: str, *, max_lines: int = 400, max_chars: int = 24_000) -> str:
    """The pruned observation; at most ``max_lines`` lines and ``max_chars`` characters."""
    pruner = _Pruner()
    for root in parse_axtree_text(text):
        pruner.visit(root, 0, "")
    lines = pruner.lines
    out, size = [], 0
    for i, line in enumerate(lines):
        if len(out) >= max_lines or size + len(line) + 1 > max_chars:
            out.append(f"[... {len(lines) - i} more lines not shown ...]")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


REST_MARK = "-- rest of page --"


def _detach_main(roots: list[AXNode]) -> AXNode | None:
    """Remove the first ``main`` landmark from the tree and return it (None when the page has none)."""
    stack = [(None, r) for r in roots]
    while stack:
        parent, node = stack.pop(0)
        if node.role == "main":
            (parent.children if parent else roots).remove(node)
            return node
        stack[:0] = [(node, c) for c in node.children]
    return None


def _lines_of(nodes: list[AXNode]) -> list[str]:
    pruner = _Pruner()
    for node in nodes:
        pruner.visit(node, 0, "")
    return pruner.lines


def _take(lines: list[str], max_chars: int) -> list[str]:
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > max_chars:
            break
        out.append(line)
        size += len(line) + 1
    return out


REST_STYLES = ("tree", "index")
# in the index a section starts at each heading or named landmark
_SECTION_ROLES = frozenset({"heading", "navigation", "region", "form", "complementary", "banner", "contentinfo"})


def _index_of(nodes: list[AXNode]) -> list[str]:
    """The chrome as an index: one line per section, its interactive elements only.

    ``heading 'REPORTS'`` followed by two links becomes ``REPORTS: [116] Sales report; [118] Bestsellers``.
    Links drop their role word (a link is only ever clicked); other elements keep it (``[20] textbox
    Global search``) with their value/selected/checked properties. Static text and unnamed structure
    are dropped: on real sites the menus, not the chrome's prose, are where a task's first step goes.
    """
    lines: list[str] = []
    section, items = "", []

    def flush() -> None:
        if items:
            lines.append((f"{section}: " if section else "") + "; ".join(items))
            items.clear()

    def walk(node: AXNode) -> None:
        nonlocal section
        if node.role in _SECTION_ROLES and node.name:
            flush()
            section = node.name.strip()
        if node.role in INTERACTIVE_ROLES and node.bid:
            role = "" if node.role == "link" else f"{node.role} "
            items.append(f"[{node.bid}] {role}{node.name.strip()}" + "".join(", " + p for p in _props(node)))
        for child in node.children:
            walk(child)

    for node in nodes:
        walk(node)
    flush()
    return lines


def prune_main_first(
    text: str, *, max_lines: int = 400, max_chars: int = 24_000, rest: str = "tree", rest_share: float = 1 / 3
) -> str:
    """The pruned page with its ``main`` landmark first, then the rest (header, menus, sidebar, footer).

    On real sites the chrome around the content is most of the tree and repeats on every page; a small
    model with a short budget should see the content first. The rest keeps at least ``rest_share`` of the
    budget (menus and search boxes are where navigation starts). ``rest="index"`` writes the rest as
    :func:`_index_of` does, so far more of the menus fit that share. A page without ``main`` is pruned
    as is.
    """
    if rest not in REST_STYLES:
        raise ValueError(f"rest must be one of {', '.join(REST_STYLES)}, got {rest!r}")
    roots = parse_axtree_text(text)
    main = _detach_main(roots)
    if main is None:
        return prune_axtree(text, max_lines=max_lines, max_chars=max_chars)
    content = _lines_of(main.children)
    rest_lines = _index_of(roots) if rest == "index" else _lines_of(roots)
    rest_size = sum(len(x) + 1 for x in rest_lines)
    reserved = min(rest_size, int(max_chars * rest_share + 1e-9))
    shown_content = _take(content[:max_lines], max_chars - reserved - len(REST_MARK) - 1)
    left = max_chars - sum(len(x) + 1 for x in shown_content) - len(REST_MARK) - 1
    shown_rest = _take(rest_lines[: max(0, max_lines - len(shown_content))], left)
    out = [*shown_content, REST_MARK, *shown_rest]
    hidden = len(content) - len(shown_content) + len(rest_lines) - len(shown_rest)
    if hidden:
        out.append(f"[... {hidden} more lines not shown ...]")
    return "\n".join(out)


# --- the compact dialect: the pruned tree as flat lines, names unquoted, as the distilled student reads it ------


def compact_lines(pruned: str) -> str:
    """The pruned tree as flat lines: no indentation, names unquoted (``[12] link Cart``).

    Action arguments are unaffected: the student still writes ``click('12')`` and ``fill('5', 'text')``.
    """
    out = []
    for line in pruned.splitlines():
        text = line.strip()
        if text:
            out.append(_QUOTED.sub(lambda m: m.group(1), text))
    return "\n".join(out)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def shows_element(text: str, ref: str, refs: str = "bid") -> bool:
    """Whether pruned or compact text shows the element an action points at: ``[bid] role ...`` with ids,
    the element's name as a whole item (after a role or separator, before a separator or line end:
    ``link Settings``, ``MENU: Orders; Settings``) with named references."""
    if refs == "name":
        return re.search(rf"(?:^|[\s;:|]){re.escape(ref)}(?:$|[\s;:,|])", text, re.M) is not None
    return f"[{ref}] " in text


def lines_with_ids(text: str, bids: Iterable[str]) -> list[str]:
    """The lines of pruned text that show each of ``bids`` (``[bid]``), in the order of ``bids``."""
    lines = text.splitlines()
    return [line for bid in bids for line in lines if f"[{bid}]" in line]
