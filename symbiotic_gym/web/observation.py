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
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# iframes get letter ids ('a' ... 'z', 'aA' ...) as in BrowserGym, whose marking script descends into a frame
# only through a letter id (symbiotic_gym.web.raw_obs hands it window.__sgFrameId). The argument is the frame's
# own id ('' for the page): an element inside frame 'a' is 'a0', 'a1' ..., a frame inside it 'ab', as BrowserGym
# numbers them, so an id names its frame. The marking also lists what the accessibility tree leaves out or
# folds away but an agent can act on (see KEEP_JS_DOC below); the same walk, so one evaluation per frame.
MARK_JS = """(prefix) => {
  prefix = prefix || '';
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
  const keep = [];
  // a control the tree already shows (and acts on), and the controls a clickable element may not hold or sit in
  const NATIVE = 'a[href],button,input,select,textarea,summary,option,label,[contenteditable],'
    + '[role]:not([role=presentation]):not([role=none]):not([role=generic])';
  const CONTROL = 'a[href],button,input,select,textarea,summary,label,[role=button],[role=link],[role=checkbox],'
    + '[role=radio],[role=tab],[role=menuitem],[role=option],[role=switch]';
  const sized = (r) => r.width >= 1 && r.height >= 1;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (!el.hasAttribute('bid')) {
      // like BrowserGym's marking: an <svg> gets an id, the shapes inside it do not
      if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml' && tag !== 'svg') continue;
      el.setAttribute('bid', prefix + (tag === 'iframe' || tag === 'frame' ? window.__sgFrameId() : String(n++)));
    }
    let kind = null;
    if (tag === 'canvas' || tag === 'video' || tag === 'embed' || tag === 'object') {
      kind = 'media';
    } else if (tag === 'label') {
      const c = el.control;  // a label is the way in when its control is not shown (a styled file input)
      if (!c || c.getClientRects().length === 0 || getComputedStyle(c).opacity === '0') kind = 'clickable';
    } else if (el.namespaceURI === 'http://www.w3.org/1999/xhtml' && !el.matches(NATIVE)) {
      const parent = el.parentElement;
      const cursor = getComputedStyle(el).cursor;
      if ((el.onclick !== null || (cursor === 'pointer' && (!parent || getComputedStyle(parent).cursor !== 'pointer')))
          && !el.querySelector(CONTROL) && !(parent && parent.closest(CONTROL))) kind = 'clickable';
    }
    if (kind === null) continue;
    const r = el.getBoundingClientRect();
    if (!sized(r) || getComputedStyle(el).visibility === 'hidden') continue;
    const name = kind === 'clickable' ? (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 80) : '';
    keep.push([el.getAttribute('bid'), kind === 'media' ? tag : 'clickable', name,
      Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]);
  }
  window.__sgNextBid = n;
  return keep;
}"""
MEDIA_ROLES = {"canvas": "Canvas", "video": "video", "embed": "EmbeddedObject", "object": "EmbeddedObject"}


@dataclass(frozen=True)
class Kept:
    """An element the accessibility tree drops or folds away but an agent can act on: a visible, sized canvas,
    video or embedded object (kept with its box, for coordinate actions), or a clickable non-control (a label
    whose control is hidden, an element with a click handler or a pointer cursor of its own)."""

    bid: str
    kind: str  # 'canvas', 'video', 'embed', 'object' or 'clickable'
    name: str
    box: tuple[int, int, int, int]  # x, y, width, height in its frame's viewport

    @property
    def role(self) -> str:
        return MEDIA_ROLES.get(self.kind, "generic")

    def extras(self) -> list[str]:
        if self.kind == "clickable":
            return ["clickable"]
        x, y, w, h = self.box
        return [f"box={_fmt(f'({x}, {y}, {w}, {h})')}"]


def kept_of(rows: Any) -> dict[str, Kept]:
    """:data:`MARK_JS`'s list read into bid -> :class:`Kept` (anything else it may return: nothing)."""
    if not isinstance(rows, list):
        return {}
    return {
        str(r[0]): Kept(str(r[0]), str(r[1]), str(r[2]), (int(r[3]), int(r[4]), int(r[5]), int(r[6]))) for r in rows
    }


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


# a quoted Python-repr string, as _fmt writes names and values; written "unrolled" (a run of plain characters,
# then escape + run pairs), which matches exactly what '(?:[^'\\]|\\.)*' does with one step per run instead of
# one alternation per character: ~15% off reading a page (the privacy detector's walk, iter_elements)
STRING = r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\""
# an element with a bid; pruned observations put several elements on one line, separated by spaces or "|"
_PROPS = rf"(?:, (?:[\w-]+)(?:=(?:{STRING}|[^,\n\[]*))?)*"
ELEMENT = re.compile(rf"(?:^|(?<=[\s|]))\[(?P<bid>[^\]\s]+)\] (?P<role>\S+) (?P<name>{STRING})(?P<props>{_PROPS})")
PROP = re.compile(rf", (?P<key>[\w-]+)(?:=(?P<value>{STRING}|[^,\n]*))?")
# text that quotes an observation loosely (a model's echo, a hand-written line) may drop the commas
LOOSE_PROP = re.compile(rf"(?:,\s*|\s+)(?P<key>[\w-]+)(?:=(?P<value>{STRING}|[^,\s]*))?")
ROOT = re.compile(rf"RootWebArea (?P<name>{STRING})(?P<props>{_PROPS})")
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


def iter_elements(
    text: str, *, rest_of_line: bool = False, roles: Collection[str] | None = None
) -> Iterator[ElementLine]:
    """Every element with a bid in an observation (or any text quoting one), in order.

    With ``rest_of_line`` an element's props are everything after its name up to the end of the line, read
    leniently (the privacy detector scans text an LLM or a user may have reformatted). With ``roles`` only
    the elements of those roles (the others' names are never unquoted).
    """
    for m in ELEMENT.finditer(text):
        if roles is not None and m.group("role") not in roles:
            continue
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


_STATE_PROP = re.compile(rf", (?:value|focused|checked|selected|expanded)(?:=(?:{STRING}|[^,\n]*))?")


_TYPED_FIELD = re.compile(r"^(\t*)\[[^\]]+\] (?:textbox|searchbox|textarea|spinbutton|combobox) ")
_STATIC_TEXT = re.compile(r"^\t*StaticText ")


def without_state(text: str) -> str:
    """The tree without what typing, clicking and choosing change in place (field values, focus, checked,
    selected and expanded flags, and the text a typed field shows as its child): two observations of the same
    page in another input state read the same."""
    lines: list[str] = []
    field_depth = -1  # the indentation of the typed field whose children are being read, -1 outside one
    for line in _STATE_PROP.sub("", text).split("\n"):
        depth = len(line) - len(line.lstrip("\t"))
        if field_depth >= 0 and depth > field_depth:
            if _STATIC_TEXT.match(line):
                continue  # the field's value, echoed as its text
        else:
            field = _TYPED_FIELD.match(line)
            field_depth = len(field.group(1)) if field else -1
        lines.append(line)
    return "\n".join(lines)


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


def page_url(text: str) -> str | None:
    """The URL the tree's root (the page's document) states, None when it states none."""
    m = ROOT.search(text)
    for prop in PROP.finditer(m.group("props") if m else ""):
        if prop.group("key") == "url" and prop.group("value") is not None:
            return unquote(prop.group("value"))
    return None


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


@dataclass
class FrameAX:
    """One frame document's accessibility nodes, with what maps them to elements: backend node id -> bid, and
    backend node id of each ``<iframe>`` in it -> the CDP frame id of the document it holds."""

    nodes: list[dict[str, Any]]
    bids: dict[int, str] = field(default_factory=dict)
    child_frames: dict[int, str] = field(default_factory=dict)


def _bid_map(document: dict[str, Any]) -> dict[int, str]:
    return _dom_maps(document)[0]


def _dom_maps(document: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    """backend node id -> bid, and iframe backend node id -> child frame id, over a pierced DOM.getDocument."""
    bids: dict[int, str] = {}
    frames: dict[int, str] = {}
    stack = [document.get("root", document)]
    while stack:
        node = stack.pop()
        attrs = node.get("attributes")
        if attrs:
            for i in range(0, len(attrs) - 1, 2):
                if attrs[i] == "bid":
                    bids[node["backendNodeId"]] = attrs[i + 1]
                    break
        if "frameId" in node and node.get("nodeName") in ("IFRAME", "FRAME"):
            frames[node["backendNodeId"]] = node["frameId"]
        stack.extend(node.get("children", ()))
        stack.extend(node.get("shadowRoots", ()))
        if "contentDocument" in node:
            stack.append(node["contentDocument"])
    return bids, frames


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def node_line(role: str, name: str, *, bid: str | None = None, props: Iterable[str] = ()) -> str:
    """One line of the observation text, without its indentation: ``[bid] role 'name', prop, key=value``
    (``bid`` only on marked elements). The one writer of the format that :data:`ELEMENT` and :data:`LINE`
    read: the environment's tree (:func:`flatten_axtree`) and the pruned tree
    (:mod:`symbiotic_gym.web.pruning`) both write their lines here."""
    head = f"[{bid}] {role} {_fmt(name)}" if bid is not None else f"{role} {_fmt(name)}"
    return head + "".join(", " + p for p in props)


def flatten_axtree(
    nodes: list[dict[str, Any]],
    bids: dict[int, str],
    *,
    kept: dict[str, Kept] | None = None,
    frames: dict[str, FrameAX] | None = None,
    child_frames: dict[int, str] | None = None,
) -> AXSnapshot:
    """Render Chromium AX nodes as indented text and collect the interactive elements by bid.

    ``kept``: elements shown even where the tree drops them (:class:`Kept`); ``frames`` (frame id ->
    :class:`FrameAX`) with ``child_frames`` (this document's iframe backend node id -> frame id): each
    ``Iframe`` line is followed by its document's tree, one level deeper, as BrowserGym merges frames.
    """
    kept = kept or {}
    frames = frames or {}
    lines: list[str] = []
    elements: dict[str, Element] = {}
    shown: set[str] = set()

    def emit(depth: int, bid: str | None, role: str, name: str, extras: list[str]) -> None:
        lines.append("\t" * depth + node_line(role, name, bid=bid, props=extras))
        if bid is not None and role != "StaticText":
            elements[bid] = Element(bid=bid, role=role, name=name)
            shown.add(bid)

    def render(frame: FrameAX, depth: int, seen: frozenset[str]) -> None:
        by_id = {n["nodeId"]: n for n in frame.nodes}

        def visit(node: dict[str, Any], depth: int, parent_name: str) -> None:
            role = node.get("role", {}).get("value", "")
            name = str(node.get("name", {}).get("value", "") or "").strip()
            children = [by_id[c] for c in node.get("childIds", ()) if c in by_id]
            if role in SKIP_ROLES:
                return
            bid = frame.bids.get(node.get("backendDOMNodeId", -1))
            keep = kept.get(bid) if bid is not None else None
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
            if keep is not None and (hidden or role in ("none", "presentation", "generic")):
                shown_role = role if role and role not in ("none", "presentation") else keep.role
                name = name or keep.name
                emit(depth, bid, shown_role, name, props + keep.extras())
                for child in children:
                    visit(child, depth + 1, name)
                return
            if hidden or redundant:
                for child in children:
                    visit(child, depth, parent_name)
                return
            extras = []
            if value not in (None, ""):
                extras.append(f"value={_fmt(str(value))}")
            if url and role in ("link", "RootWebArea"):
                extras.append(f"url={_fmt(url)}")
            extras.extend(props)
            if keep is not None:
                extras.extend(e for e in keep.extras() if e not in extras)
            emit(depth, bid, role, name, extras)
            if bid is not None and url and bid in elements:
                elements[bid].url = url
            for child in children:
                visit(child, depth + 1, name)
            frame_id = frame.child_frames.get(node.get("backendDOMNodeId", -1))
            inner = frames.get(frame_id) if frame_id is not None else None
            if inner is not None and frame_id not in seen:
                render(inner, depth + 1, seen | {frame_id})

        for root in [n for n in frame.nodes if not n.get("parentId") or n["parentId"] not in by_id]:
            visit(root, depth, "")

    render(FrameAX(nodes, bids, child_frames or {}), 0, frozenset())
    # what the tree does not hold at all (an aria-hidden canvas, say) is listed after it, under the page
    for k in kept.values():
        if k.bid not in shown:
            emit(1, k.bid, k.role, k.name, k.extras())
    return AXSnapshot(text="\n".join(lines), elements=elements)


class AXTreeExtractor:
    """Extracts :class:`AXSnapshot` from a page (every frame of it), keeping one CDP session per page and per
    out-of-process frame. :attr:`frames` maps each frame's id prefix to its Playwright frame after an
    extraction, so an action resolves an element id in the frame that holds it (:meth:`frame_of`)."""

    def __init__(self, on_window_open: Callable[[], None] | None = None) -> None:
        self._on_window_open = on_window_open  # told when a page it reads starts opening a tab (Page.windowOpen)
        self._sessions: dict[int, Any] = {}
        self._frame_sessions: dict[tuple[int, str], Any] = {}  # (id(frame), url) -> session, or None
        self.frames: dict[str, Any] = {}

    def _session(self, page: Any) -> Any:
        key = id(page)
        cdp = self._sessions.get(key)
        if cdp is None:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Accessibility.enable")
            cdp.send("DOM.enable")
            if self._on_window_open is not None:
                callback = self._on_window_open
                cdp.on("Page.windowOpen", lambda _event: callback())
                cdp.send("Page.enable")
            self._sessions[key] = cdp
        return cdp

    def open(self, page: Any) -> None:
        """Start reading ``page`` before it loads anything: its CDP session is opened and its domains enabled
        on the blank page (cheap), so Chromium keeps the accessibility tree as the page is built instead of
        building it all at the first observation."""
        self._session(page)

    def _frame_session(self, page: Any, frame: Any) -> Any:
        """The CDP session of an out-of-process (cross-site) frame; None for a frame its parent's session
        already holds (Playwright refuses those)."""
        key = (id(frame), frame.url)
        if key not in self._frame_sessions:
            try:
                cdp = page.context.new_cdp_session(frame)
                cdp.send("Accessibility.enable")
                cdp.send("DOM.enable")
            except Exception:
                cdp = None
            self._frame_sessions[key] = cdp
        return self._frame_sessions[key]

    def forget(self, page: Any) -> None:
        self._sessions.pop(id(page), None)
        self._frame_sessions.clear()

    def frame_of(self, bid: str) -> Any | None:
        """The Playwright frame holding element ``bid`` (None: the page itself). An element's id is its frame's
        id followed by a number; a frame's own id (letters only) lives in the frame whose id it extends."""
        prefix = bid.rstrip("0123456789")
        if prefix == bid:  # an iframe element: the longest shorter known prefix
            prefix = max((p for p in self.frames if p and bid.startswith(p) and p != bid), key=len, default="")
        return self.frames.get(prefix) if prefix else None

    def _mark(self, page: Any) -> dict[str, Kept]:
        """Mark the page and every frame, parents first; returns what to keep of all of them."""
        main = page.main_frame
        kept = kept_of(main.evaluate(MARK_JS, ""))
        self.frames = {}
        queue = list(main.child_frames)
        while queue:
            frame = queue.pop(0)
            try:
                element = frame.frame_element()
                prefix = element.get_attribute("bid")
                element.dispose()
                if not prefix:  # appeared after its parent was marked: next step's observation has it
                    continue
                kept.update(kept_of(frame.evaluate(MARK_JS, prefix)))
            except Exception:
                continue  # detached or navigating while we looked: left out of this observation
            self.frames[prefix] = frame
            queue.extend(frame.child_frames)
        return kept

    def extract(self, page: Any) -> AXSnapshot:
        kept = self._mark(page)
        cdp = self._session(page)
        document = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        if not self.frames:
            nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
            return flatten_axtree(nodes, _bid_map(document), kept=kept)
        docs: dict[str, FrameAX] = {}
        main_id = self._read_frames(cdp, document, docs)
        for frame in self.frames.values():
            session = self._frame_session(page, frame)
            if session is not None:
                self._read_frames(session, session.send("DOM.getDocument", {"depth": -1, "pierce": True}), docs)
        main = docs.pop(main_id)
        return flatten_axtree(main.nodes, main.bids, kept=kept, frames=docs, child_frames=main.child_frames)

    @staticmethod
    def _read_frames(cdp: Any, document: dict[str, Any], docs: dict[str, FrameAX]) -> str:
        """Each frame one CDP session holds, read into ``docs``; returns the session's top frame id."""
        bids, child_frames = _dom_maps(document)
        tree = cdp.send("Page.getFrameTree")["frameTree"]
        stack = [tree]
        while stack:
            node = stack.pop()
            frame_id = node["frame"]["id"]
            nodes = cdp.send("Accessibility.getFullAXTree", {"frameId": frame_id})["nodes"]
            docs[frame_id] = FrameAX(nodes, bids, child_frames)
            stack.extend(node.get("childFrames", ()))
        return str(tree["frame"]["id"])
