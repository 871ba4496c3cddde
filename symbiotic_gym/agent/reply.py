"""From a model's free-form reply to one validated action, or an error message the model can act on.

Models answer with reasoning and an action in many shapes: a fenced block (```click('12')```), an
``Action:`` line, or a call somewhere in the prose. :func:`extract_action` looks in that order, finds
every call of a known action with a quote-aware scan for its closing parenthesis, and parses it with
:func:`symbiotic_gym.web.actions.parse_action` (``ast``, never ``exec``). It refuses replies with no action,
with two different actions, or with unbalanced quotes, with a message that says how to answer instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from symbiotic_gym.web.actions import ACTIONS, Action, ActionError, ActionSpec, parse_action

MAX_REPLY_CHARS = 50_000
FENCE_RE = re.compile(r"```(?:[a-zA-Z_]+[ \t]*\n)?(.*?)```", re.DOTALL)
ACTION_LINE_RE = re.compile(r"^\s*(?:\*\*)?(?:next\s+)?action(?:\*\*)?\s*[:=]\s*(.+)$", re.IGNORECASE | re.MULTILINE)
TRAILING_LABEL_RE = re.compile(
    r"(?:(?:\*\*)?(?:next\s+)?action(?:\*\*)?\s*[:=]|(?:in summary,?\s*)?the next action i will perform is)?\s*"
    r"(?:```[a-zA-Z_]*)?\s*$",
    re.IGNORECASE,
)
LABEL_RE = re.compile(r"^\s*(?:thought|thoughts|reasoning|reason|rationale|think)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ExtractedAction:
    action: Action
    text: str  # the canonical action string, e.g. click('12')
    rationale: str


def _close_paren(text: str, open_at: int) -> int | None:
    """Index of the ``)`` closing the ``(`` at ``open_at``, skipping quoted strings; None if unbalanced."""
    depth, quote, i = 0, "", open_at
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
            elif ch == "\n" and quote in "'\"":
                return None  # a quote left open at the end of the line
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _calls(region: str, grammar: Mapping[str, ActionSpec]) -> tuple[list[tuple[int, Action]], list[str]]:
    """Every parseable call of a known action in ``region`` (with its offset), and the parse errors seen."""
    names = "|".join(sorted((re.escape(n) for n in grammar), key=len, reverse=True))
    found: list[tuple[int, Action]] = []
    errors: list[str] = []
    for m in re.finditer(rf"(?<![\w.])({names})\s*\(", region):
        end = _close_paren(region, m.end() - 1)
        if end is None:
            errors.append(f"unbalanced quotes or parentheses in `{region[m.start() : m.start() + 80].strip()}`")
            continue
        try:
            found.append((m.start(), parse_action(region[m.start() : end + 1], grammar)))
        except ActionError as err:
            errors.append(str(err))
    return found, errors


def _rationale(text: str, upto: int) -> str:
    before = TRAILING_LABEL_RE.sub("", text[:upto])
    lines = [LABEL_RE.sub("", ln).rstrip() for ln in before.splitlines()]
    out = "\n".join(ln for ln in lines if not ACTION_LINE_RE.match(ln)).strip().strip("`").strip()
    return out[-2000:]


def extract_action(reply: str, grammar: Mapping[str, ActionSpec] | None = None) -> ExtractedAction:
    """The single action in a model reply (raises :class:`ActionError` with advice when there is none)."""
    grammar = ACTIONS if grammar is None else grammar
    example = next(iter(grammar.values())).examples[0] if grammar else "click('12')"
    if not isinstance(reply, str) or not reply.strip():
        raise ActionError(f"Your reply was empty. Give your reasoning, then exactly one action such as {example}.")
    text = reply[:MAX_REPLY_CHARS]
    regions: list[tuple[int, str]] = [(m.start(1), m.group(1)) for m in FENCE_RE.finditer(text)]
    regions += [(m.start(1), m.group(1)) for m in ACTION_LINE_RE.finditer(text)]
    errors: list[str] = []
    for strict, candidates in ((True, regions), (False, [(0, text)])):
        # a fenced block or an Action: line is the answer; prose is searched only when there is neither
        for offset, region in reversed(candidates) if strict else candidates:
            found, errs = _calls(region, grammar)
            errors.extend(errs)
            distinct = list(dict.fromkeys(str(a) for _, a in found))
            if len(distinct) > 1:
                shown = ", ".join(distinct[:3])
                raise ActionError(f"Only one action is allowed per step; your reply has {len(distinct)}: {shown}.")
            if found:
                pos, action = found[-1] if strict else found[0]
                return ExtractedAction(action, str(action), _rationale(text, offset + pos if strict else pos))
        if strict and regions and errors:
            break
    if errors:
        raise ActionError(f"Could not read the action in your reply: {errors[0]}. Write it like {example}.")
    known = ", ".join(grammar)
    raise ActionError(f"No action found in your reply. End it with exactly one action such as {example} ({known}).")
