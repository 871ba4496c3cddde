"""The action grammar: one definition per action generates the prompt text, the parser and the executor.

Actions are BrowserGym high-level action strings such as ``click('12')`` or ``fill('7', 'hello')``. They are
parsed with :mod:`ast` into literal arguments and dispatched to Playwright calls; model text is never
executed. Any problem becomes an :class:`ActionError` whose message the agent sees as ``last_action_error``.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from symbiotic_gym.errors import SymbioticGymError

MAX_ACTION_CHARS = 4000


class ActionError(SymbioticGymError):
    """An action that cannot be parsed, validated or executed; the message is shown to the agent."""


@dataclass(frozen=True)
class Action:
    name: str
    args: tuple[Any, ...]

    def __str__(self) -> str:
        args = list(self.args)
        spec = ACTIONS.get(self.name)
        params = spec.params if spec else ()
        while params and args and params[len(args) - 1][2] is not REQUIRED and args[-1] == params[len(args) - 1][2]:
            args.pop()  # leave trailing defaults out, as a person would write the action
        return f"{self.name}({', '.join(repr(a) for a in args)})"

    @property
    def bid(self) -> str | None:
        spec = ACTIONS.get(self.name)
        return str(self.args[0]) if spec and spec.params and spec.params[0][0] == "bid" and self.args else None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    params: tuple[tuple[str, type | tuple[type, ...], Any], ...]  # (name, type(s), default or REQUIRED)
    description: str
    examples: tuple[str, ...]
    run: Callable[..., None] | None = None  # None: an agent-side action that never reaches the browser
    terminal: bool = False

    def signature(self) -> str:
        parts = []
        for pname, ptype, default in self.params:
            tname = "|".join(t.__name__ for t in param_types(ptype))
            parts.append(f"{pname}: {tname}" + ("" if default is REQUIRED else f" = {default!r}"))
        return f"{self.name}({', '.join(parts)})"


REQUIRED = inspect.Parameter.empty


class ActionHost(Protocol):
    """What actions need of the env that runs them (:class:`~symbiotic_gym.web.env.WebEnv` is one)."""

    page: Any  # the active Playwright page
    action_timeout_ms: int  # page-level default (loads, evaluations)
    element_timeout_ms: int  # an element action, including a navigation it starts

    def chat_message(self, role: str, text: str) -> None: ...

    def new_tab(self) -> None: ...

    def close_tab(self) -> None: ...

    def focus_tab(self, index: int) -> None: ...

    def refuse_url(self, url: str) -> str | None:
        """Why the navigation boundary refuses ``url`` (None: allowed)."""
        ...


# Whether an element can take an action right now, checked in one evaluation in the frame that holds it, so
# an action on a missing, hidden, disabled, read-only or covered element fails at once with the reason instead
# of waiting out Playwright's locator timeout. ``need``: 'present' (focus), 'visible' (press, drop target),
# 'editable' (fill, type, clear, select), 'pointer' (click, check, drag: visible, enabled, and the topmost
# element at its centre, scrolled into view first), 'hover' (as 'pointer', disabled or not). For 'pointer'
# the answer carries that point, and whether the element submits a form (whose navigation Chromium starts a
# task later: the locator path waits for it).
ELEMENT_STATE_JS = """([bid, need]) => {
  const el = document.querySelector(`[bid="${CSS.escape(bid)}"]`);
  if (!el) return {error: 'missing'};
  if (need === 'present') return {};
  const style = getComputedStyle(el);
  let r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || style.visibility === 'hidden') return {error: 'hidden'};
  if (need === 'visible') return {};
  if (need !== 'hover' && (el.matches(':disabled') || el.closest('[aria-disabled=true]'))) return {error: 'disabled'};
  if (need === 'editable') {
    if (el.readOnly === true || el.getAttribute('aria-readonly') === 'true') return {error: 'read-only'};
    return {};
  }
  if (style.pointerEvents === 'none') return {error: 'inert'};
  if (r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) {
    el.scrollIntoView({block: 'center', inline: 'center'});
  }
  // the centre of each box the element draws (a link wrapped over two lines has two; the centre of their
  // bounding box can fall between them), the first one where the element itself is topmost
  const boxes = Array.from(el.getClientRects()).filter(b => b.width >= 1 && b.height >= 1);
  if (boxes.length === 0) boxes.push(el.getBoundingClientRect());
  let first = null, firstHit = null;
  for (const b of boxes.slice(0, 8)) {
    const x = b.left + b.width / 2, y = b.top + b.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
    let hit = document.elementFromPoint(x, y);
    while (hit && hit.shadowRoot && hit !== el && !el.contains(hit)) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    if (hit === null || hit === el || el.contains(hit) || (hit.control && hit.control === el)) {
      first = [x, y];
      break;
    }
    if (firstHit === null) firstHit = hit;
  }
  if (first === null && firstHit === null) return {error: 'offscreen'};
  if (first === null) {
    const id = firstHit.id ? ` id="${firstHit.id}"` : '';
    const hb = firstHit.getAttribute('bid');
    return {error: 'covered', by: `<${firstHit.tagName.toLowerCase()}${id}>` + (hb ? ` (element '${hb}')` : '')};
  }
  const [x, y] = first;
  const submitter = el.closest('button, input[type=submit], input[type=image]');
  const submit = !!(submitter && submitter.form && (submitter.type === 'submit' || submitter.type === 'image'));
  return {point: [x, y], submit: submit};
}"""

_REFUSALS = {
    "missing": "was not found on the current page",
    "hidden": "is not visible, so it cannot be used",
    "disabled": "is disabled, so it cannot be used",
    "read-only": "is read-only, so its text cannot be changed",
    "inert": "does not take pointer events (pointer-events: none), so it cannot be clicked",
    "offscreen": "cannot be scrolled into view, so it cannot be clicked",
}


class ActionContext:
    """What an executing action may touch: the active page, the chat, and tab management."""

    def __init__(self, env: ActionHost) -> None:
        self.env = env

    @property
    def page(self) -> Any:
        return self.env.page

    def frame(self, bid: str) -> Any:
        """The frame that holds element ``bid`` (its id says which: 'a12' is in frame 'a'), else the page's."""
        frame = self.env.frame_of(bid)
        return frame if frame is not None else self.page.main_frame

    def state(self, bid: str, need: str = "visible") -> dict[str, Any]:
        """Whether element ``bid`` can take an action that needs ``need`` (see ELEMENT_STATE_JS); raises
        :class:`ActionError` with the reason when it cannot. An evaluation that fails (the page is navigating)
        answers ``{}``: the locator then waits for the element as usual."""
        try:
            state = self.frame(bid).evaluate(ELEMENT_STATE_JS, [bid, need])
        except Exception:
            return {}
        error = state.get("error") if isinstance(state, dict) else None
        if error == "covered":
            raise ActionError(f"Element with bid '{bid}' is covered by {state.get('by')}, which would get the click.")
        if error:
            raise ActionError(f"Element with bid '{bid}' {_REFUSALS.get(error, error)}.")
        return state if isinstance(state, dict) else {}

    def element(self, bid: str, *, need: str = "visible") -> Any:
        """The element with this bid, once :meth:`state` has found it ready for an action that needs ``need``
        (so acting on a missing, hidden, disabled or covered element fails at once, with the reason)."""
        self.state(bid, need)
        return self.frame(bid).locator(f'[bid="{bid}"]').first


def _timeout(ctx: ActionContext) -> int:
    """How long an element action may take, including a navigation it starts (to commit)."""
    return int(ctx.env.element_timeout_ms)


BUTTONS = ("left", "middle", "right")
MODIFIERS = ("Alt", "Control", "ControlOrMeta", "Meta", "Shift")


def _button(button: str) -> str:
    if button not in BUTTONS:
        raise ActionError(f"button must be 'left', 'middle' or 'right', got {button!r}")
    return button


def _modifiers(modifiers: list[str]) -> list[str]:
    bad = [m for m in modifiers if m not in MODIFIERS]
    if bad:
        raise ActionError(f"modifiers must be among {', '.join(MODIFIERS)}, got {bad[0]!r}")
    return list(modifiers)


def _click(ctx: ActionContext, bid: str, button: str = "left", modifiers: list[str] | None = None) -> None:
    """A mouse click at the element's centre once :meth:`ActionContext.state` found it clickable there (~0.1 s
    here: no per-document script injection, no two-frame stability wait); a form's submit button, an element
    in a frame, or a page that could not be asked take Playwright's locator path, which waits as needed."""
    button, mods = _button(button), _modifiers(modifiers or [])
    state = ctx.state(bid, "pointer")
    point = state.get("point")
    if point is None or state.get("submit") or ctx.frame(bid) is not ctx.page.main_frame:
        ctx.frame(bid).locator(f'[bid="{bid}"]').first.click(button=button, modifiers=mods, timeout=_timeout(ctx))
        return
    keyboard = ctx.page.keyboard
    for m in mods:
        keyboard.down(m)
    try:
        ctx.page.mouse.click(float(point[0]), float(point[1]), button=button)  # a navigation it starts: the settle
    finally:
        for m in reversed(mods):
            keyboard.up(m)


def _dblclick(ctx: ActionContext, bid: str, button: str = "left", modifiers: list[str] | None = None) -> None:
    el = ctx.element(bid, need="pointer")
    el.dblclick(button=_button(button), modifiers=_modifiers(modifiers or []), timeout=_timeout(ctx))


def _fill(ctx: ActionContext, bid: str, value: str, enable_autocomplete_menu: bool = False) -> None:
    el = ctx.element(bid, need="editable")
    if enable_autocomplete_menu and value:  # type the last character, so the page's autocomplete opens
        el.fill(value[:-1], timeout=_timeout(ctx))
        el.press_sequentially(value[-1], timeout=_timeout(ctx))
    else:
        el.fill(value, timeout=_timeout(ctx))


def _drag_and_drop(ctx: ActionContext, from_bid: str, to_bid: str) -> None:
    ctx.element(from_bid, need="pointer").drag_to(ctx.element(to_bid), timeout=_timeout(ctx))


# coordinate actions (vision agents): viewport pixels, as BrowserGym's coord subset
def _mouse_move(ctx: ActionContext, x: float, y: float) -> None:
    ctx.page.mouse.move(x, y)


def _mouse_up(ctx: ActionContext, x: float, y: float, button: str = "left") -> None:
    ctx.page.mouse.move(x, y)
    ctx.page.mouse.up(button=_button(button))


def _mouse_down(ctx: ActionContext, x: float, y: float, button: str = "left") -> None:
    ctx.page.mouse.move(x, y)
    ctx.page.mouse.down(button=_button(button))


def _mouse_click(ctx: ActionContext, x: float, y: float, button: str = "left") -> None:
    ctx.page.mouse.click(x, y, button=_button(button))


def _mouse_dblclick(ctx: ActionContext, x: float, y: float, button: str = "left") -> None:
    ctx.page.mouse.dblclick(x, y, button=_button(button))


def _mouse_drag_and_drop(ctx: ActionContext, from_x: float, from_y: float, to_x: float, to_y: float) -> None:
    mouse = ctx.page.mouse
    mouse.move(from_x, from_y)
    mouse.down()
    mouse.move(to_x, to_y, steps=5)
    mouse.up()


def _scroll_at(ctx: ActionContext, x: float, y: float, dx: float, dy: float) -> None:
    ctx.page.mouse.move(x, y)
    ctx.page.mouse.wheel(dx, dy)


def _type(ctx: ActionContext, bid: str, text: str, press_enter: bool = False) -> None:
    el = ctx.element(bid, need="editable")
    el.fill(text, timeout=_timeout(ctx))
    if press_enter:
        el.press("Enter", timeout=_timeout(ctx))


def _select(ctx: ActionContext, bid: str, options: str | list[str]) -> None:
    el = ctx.element(bid, need="editable")
    try:
        el.select_option(options, timeout=_timeout(ctx))
    except Exception:
        # accept option labels as well as values
        el.select_option(label=options, timeout=_timeout(ctx))


def _press(ctx: ActionContext, bid: str, key_comb: str) -> None:
    ctx.element(bid).press(key_comb, timeout=_timeout(ctx))


def _scroll(ctx: ActionContext, delta_x: float, delta_y: float) -> None:
    ctx.page.mouse.wheel(delta_x, delta_y)


def _goto(ctx: ActionContext, url: str) -> None:
    reason = ctx.env.refuse_url(url)
    if reason:
        raise ActionError(reason)
    ctx.page.goto(url, timeout=max(int(ctx.env.action_timeout_ms), 10000))


def _send_msg(ctx: ActionContext, text: str) -> None:
    ctx.env.chat_message("assistant", text)


def _infeasible(ctx: ActionContext, reason: str) -> None:
    ctx.env.chat_message("infeasible", reason)


def _noop(ctx: ActionContext, wait_ms: float = 1000) -> None:
    ctx.page.wait_for_timeout(min(float(wait_ms), 10000))


def _tab_focus(ctx: ActionContext, index: int) -> None:
    ctx.env.focus_tab(index)


STR, NUM = str, (int, float)
_SPECS = (
    ActionSpec(
        "click",
        (("bid", STR, REQUIRED), ("button", STR, "left"), ("modifiers", list, ())),
        "Click an element.",
        ("click('51')", "click('b22', button='right')", "click('48', button='middle', modifiers=['Shift'])"),
        _click,
    ),
    ActionSpec(
        "dblclick",
        (("bid", STR, REQUIRED), ("button", STR, "left"), ("modifiers", list, ())),
        "Double-click an element.",
        ("dblclick('12')",),
        _dblclick,
    ),
    ActionSpec(
        "hover",
        (("bid", STR, REQUIRED),),
        "Hover the mouse over an element.",
        ("hover('b8')",),
        lambda ctx, bid: ctx.element(bid, need="hover").hover(timeout=_timeout(ctx)),
    ),
    ActionSpec(
        "fill",
        (("bid", STR, REQUIRED), ("value", STR, REQUIRED), ("enable_autocomplete_menu", bool, False)),
        "Replace the text of an input, textarea or contenteditable element (enable_autocomplete_menu: type "
        "the last character, so that the page's suggestions open).",
        ("fill('237', 'example value')", "fill('45', 'New York', enable_autocomplete_menu=True)"),
        _fill,
    ),
    ActionSpec(
        "type",
        (("bid", STR, REQUIRED), ("text", STR, REQUIRED), ("press_enter", bool, False)),
        "Replace the text of a field, then press Enter if press_enter is True (e.g. to submit a search).",
        ("type('18', 'blue mug', press_enter=True)",),
        _type,
    ),
    ActionSpec(
        "clear",
        (("bid", STR, REQUIRED),),
        "Clear a text field.",
        ("clear('996')",),
        lambda ctx, bid: ctx.element(bid, need="editable").clear(timeout=_timeout(ctx)),
    ),
    ActionSpec(
        "select_option",
        (("bid", STR, REQUIRED), ("options", (str, list), REQUIRED)),
        "Select one or several options (by value or label) in a <select> element.",
        ("select_option('a48', 'blue')", "select_option('c48', ['red', 'green'])"),
        _select,
    ),
    ActionSpec(
        "check",
        (("bid", STR, REQUIRED),),
        "Check a checkbox or radio button.",
        ("check('55')",),
        lambda ctx, bid: ctx.element(bid, need="pointer").check(timeout=_timeout(ctx)),
    ),
    ActionSpec(
        "uncheck",
        (("bid", STR, REQUIRED),),
        "Uncheck a checkbox.",
        ("uncheck('55')",),
        lambda ctx, bid: ctx.element(bid, need="pointer").uncheck(timeout=_timeout(ctx)),
    ),
    ActionSpec(
        "press",
        (("bid", STR, REQUIRED), ("key_comb", STR, REQUIRED)),
        "Focus an element and press a key combination such as 'Enter' or 'Control+a'.",
        ("press('88', 'Enter')",),
        _press,
    ),
    ActionSpec(
        "focus",
        (("bid", STR, REQUIRED),),
        "Focus an element.",
        ("focus('b455')",),
        lambda ctx, bid: ctx.element(bid, need="present").focus(timeout=_timeout(ctx)),
    ),
    ActionSpec(
        "scroll",
        (("delta_x", NUM, REQUIRED), ("delta_y", NUM, REQUIRED)),
        "Scroll the page by a number of pixels.",
        ("scroll(0, 200)",),
        _scroll,
    ),
    ActionSpec(
        "drag_and_drop",
        (("from_bid", STR, REQUIRED), ("to_bid", STR, REQUIRED)),
        "Drag an element and drop it onto another.",
        ("drag_and_drop('56', '498')",),
        _drag_and_drop,
    ),
    ActionSpec(
        "scroll_at",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED), ("dx", NUM, REQUIRED), ("dy", NUM, REQUIRED)),
        "Scroll by dx, dy pixels with the mouse at viewport point (x, y) (a wheel event there).",
        ("scroll_at(50, 100, -50, -100)",),
        _scroll_at,
    ),
    ActionSpec(
        "mouse_move",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED)),
        "Move the mouse to a point of the viewport (pixels from its top-left corner).",
        ("mouse_move(65.2, 158.5)",),
        _mouse_move,
    ),
    ActionSpec(
        "mouse_up",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED), ("button", STR, "left")),
        "Move the mouse to a point, then release a mouse button.",
        ("mouse_up(250, 120)", "mouse_up(47, 252, 'right')"),
        _mouse_up,
    ),
    ActionSpec(
        "mouse_down",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED), ("button", STR, "left")),
        "Move the mouse to a point, then press and hold a mouse button.",
        ("mouse_down(140.2, 580.1)",),
        _mouse_down,
    ),
    ActionSpec(
        "mouse_click",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED), ("button", STR, "left")),
        "Click at a point of the viewport.",
        ("mouse_click(887.2, 68)", "mouse_click(56, 712.56, 'right')"),
        _mouse_click,
    ),
    ActionSpec(
        "mouse_dblclick",
        (("x", NUM, REQUIRED), ("y", NUM, REQUIRED), ("button", STR, "left")),
        "Double-click at a point of the viewport.",
        ("mouse_dblclick(5, 236)",),
        _mouse_dblclick,
    ),
    ActionSpec(
        "mouse_drag_and_drop",
        (("from_x", NUM, REQUIRED), ("from_y", NUM, REQUIRED), ("to_x", NUM, REQUIRED), ("to_y", NUM, REQUIRED)),
        "Drag from one point of the viewport to another and drop.",
        ("mouse_drag_and_drop(10.7, 325, 235.6, 24.54)",),
        _mouse_drag_and_drop,
    ),
    ActionSpec(
        "keyboard_press",
        (("key", STR, REQUIRED),),
        "Press a key on the focused element.",
        ("keyboard_press('Enter')",),
        lambda ctx, key: ctx.page.keyboard.press(key),
    ),
    ActionSpec(
        "keyboard_type",
        (("text", STR, REQUIRED),),
        "Type text into the focused element.",
        ("keyboard_type('hello')",),
        lambda ctx, text: ctx.page.keyboard.type(text),
    ),
    ActionSpec(
        "keyboard_down",
        (("key", STR, REQUIRED),),
        "Press and hold a key (e.g. 'Shift') until keyboard_up.",
        ("keyboard_down('Shift')",),
        lambda ctx, key: ctx.page.keyboard.down(key),
    ),
    ActionSpec(
        "keyboard_up",
        (("key", STR, REQUIRED),),
        "Release a key held with keyboard_down.",
        ("keyboard_up('Shift')",),
        lambda ctx, key: ctx.page.keyboard.up(key),
    ),
    ActionSpec(
        "keyboard_insert_text",
        (("text", STR, REQUIRED),),
        "Insert text at the cursor, without key events (emoji, other scripts).",
        ("keyboard_insert_text('Hello')",),
        lambda ctx, text: ctx.page.keyboard.insert_text(text),
    ),
    ActionSpec("goto", (("url", STR, REQUIRED),), "Navigate to a URL.", ("goto('http://example.com')",), _goto),
    ActionSpec(
        "go_back",
        (),
        "Go back to the previous page.",
        ("go_back()",),
        lambda ctx: ctx.page.go_back(timeout=max(int(ctx.env.action_timeout_ms), 10000)),
    ),
    ActionSpec(
        "go_forward",
        (),
        "Go forward to the next page.",
        ("go_forward()",),
        lambda ctx: ctx.page.go_forward(timeout=max(int(ctx.env.action_timeout_ms), 10000)),
    ),
    ActionSpec("new_tab", (), "Open a new tab.", ("new_tab()",), lambda ctx: ctx.env.new_tab()),
    ActionSpec("tab_close", (), "Close the current tab.", ("tab_close()",), lambda ctx: ctx.env.close_tab()),
    ActionSpec(
        "tab_focus",
        (("index", int, REQUIRED),),
        "Switch to the tab with this index (0-based).",
        ("tab_focus(1)",),
        _tab_focus,
    ),
    ActionSpec(
        "send_msg_to_user",
        (("text", STR, REQUIRED),),
        "Send the final answer (or a message) to the user; this ends the task.",
        ("send_msg_to_user('The city was built in 1751.')",),
        _send_msg,
        terminal=True,
    ),
    ActionSpec(
        "report_infeasible",
        (("reason", STR, REQUIRED),),
        "Report that the task cannot be done; this ends the task.",
        ("report_infeasible('There is no such product.')",),
        _infeasible,
        terminal=True,
    ),
    ActionSpec(
        "noop",
        (("wait_ms", NUM, 1000),),
        "Do nothing, optionally waiting some milliseconds.",
        ("noop()", "noop(500)"),
        _noop,
    ),
)
ACTIONS: dict[str, ActionSpec] = {s.name: s for s in _SPECS}


def describe_actions(
    names: tuple[str, ...] | None = None, *, examples: bool = True, grammar: Mapping[str, ActionSpec] | None = None
) -> str:
    """The prompt description of the action set (or of a subset of it, or of an agent's own grammar)."""
    lines = []
    for spec in (grammar or ACTIONS).values():
        if names is not None and spec.name not in names:
            continue
        lines.append(f"{spec.signature()}\n    {spec.description}")
        if examples:
            lines.append("    Examples: " + "; ".join(spec.examples))
    return "\n".join(lines)


def _literal(node: ast.AST, where: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(e, where) for e in node.elts]
    raise ActionError(f"{where} must be a literal string or number, got `{ast.unparse(node)}`")


def param_types(ptype: type | tuple[type, ...]) -> tuple[type, ...]:
    """The types a parameter of an :class:`ActionSpec` takes (its spec gives one type or a tuple of them)."""
    return ptype if isinstance(ptype, tuple) else (ptype,)


def _check_type(value: Any, ptype: type | tuple[type, ...], where: str) -> Any:
    types = param_types(ptype)
    if str in types and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # click(12) means click('12')
    if float in types and isinstance(value, int) and not isinstance(value, bool):
        return value
    if bool in types and value in (0, 1) and isinstance(value, int):
        return bool(value)
    if list in types and isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise ActionError(f"{where} must be a list of strings")
        return value
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        names = " or ".join(t.__name__ for t in types)
        raise ActionError(f"{where} must be {names}, got {type(value).__name__}")
    return value


def parse_action(text: str, grammar: Mapping[str, ActionSpec] | None = None) -> Action:
    """Parse one action string into a validated :class:`Action` (raises :class:`ActionError`).

    ``grammar`` restricts or extends the action set (an agent's own actions); default: every browser action.
    """
    grammar = ACTIONS if grammar is None else grammar
    if not isinstance(text, str):
        raise ActionError(f"An action must be a string, got {type(text).__name__}")
    src = text.strip().strip("`").strip()
    if not src:
        raise ActionError("Empty action. Reply with exactly one action, e.g. click('12').")
    if len(src) > MAX_ACTION_CHARS:
        raise ActionError(f"Action too long ({len(src)} characters, limit {MAX_ACTION_CHARS}).")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as err:
        try:
            ast.parse(src, mode="exec")
        except SyntaxError:
            raise ActionError(f"Could not parse action {src[:200]!r}: {err.msg}. Use the form click('12').") from None
        raise ActionError("Only one action is allowed per step, as a single function call.") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ActionError(f"An action must be a single function call such as click('12'), got {src[:200]!r}")
    spec = grammar.get(call.func.id)
    if spec is None:
        raise ActionError(f"Unknown action '{call.func.id}'. Valid actions: {', '.join(grammar)}")
    if len(call.args) > len(spec.params):
        raise ActionError(f"Too many arguments for {spec.signature()}")
    values: dict[str, Any] = {}
    for (pname, ptype, _), node in zip(spec.params, call.args, strict=False):
        values[pname] = _check_type(
            _literal(node, f"{spec.name}: argument '{pname}'"), ptype, f"{spec.name}: argument '{pname}'"
        )
    known = {p[0]: p for p in spec.params}
    for kw in call.keywords:
        if kw.arg is None or kw.arg not in known:
            raise ActionError(f"Unknown argument '{kw.arg}' for {spec.signature()}")
        if kw.arg in values:
            raise ActionError(f"Argument '{kw.arg}' given twice in {spec.name}")
        values[kw.arg] = _check_type(
            _literal(kw.value, f"{spec.name}: argument '{kw.arg}'"),
            known[kw.arg][1],
            f"{spec.name}: argument '{kw.arg}'",
        )
    args = []
    for pname, _, default in spec.params:
        if pname in values:
            args.append(values[pname])
        elif default is REQUIRED:
            raise ActionError(f"Missing argument '{pname}' in {spec.signature()}")
        else:
            args.append(default)
    return Action(spec.name, tuple(args))


def execute_action(action: Action, ctx: ActionContext) -> None:
    """Run a parsed action; Playwright failures are re-raised as :class:`ActionError`."""
    spec = ACTIONS.get(action.name)
    if spec is None or spec.run is None:
        raise ActionError(f"'{action.name}' is not a browser action. Valid actions: {', '.join(ACTIONS)}")
    try:
        spec.run(ctx, *action.args)
    except ActionError:
        raise
    except Exception as err:
        msg = str(err).split("\n")[0]
        raise ActionError(f"{type(err).__name__}: {msg}") from err
