"""Knowledge-base entries: trajectories from run directories, condensed and redacted before indexing.

An entry is one episode: the task intent, sites, start URL, outcome, source agent and iteration, and its
condensed steps (action, a short rationale, and the observation line of the element acted on). Private
data never enters: every text goes through the privacy detector's redaction, and in tasks flagged
private the values typed, selected or sent are replaced as a whole (``[VALUE]``), since a bare value in
an action has no context a detector could use. One exception keeps what the entry's redacted intent
already shows: a value that is a stretch of the intent, with the private values the detector finds there
numbered (``[GOAL_VALUE_1]`` is the intent's first), is kept in that form. A trajectory that typed the
goal's phone number then says so (``fill('Phone', '[GOAL_VALUE_1]')``), and one that wrote to the goal's
``liam.chen`` keeps that name, which the intent shows anyway (:func:`goal_stretch`); an exemplar can then
hand the same place of another goal to the agent it guides.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.privacy import TYPES, apply_redactions, default_detector, redact, redaction_spans
from symbiotic_gym.web import observation
from symbiotic_gym.web.actions import Action, ActionError, parse_action

RATIONALE_CHARS = 200
CONTEXT_CHARS = 160
VALUE_ACTIONS = ("fill", "type", "select_option", "send_msg_to_user", "report_infeasible", "goto")


@dataclass
class Step:
    action: str
    rationale: str = ""
    context: str = ""


@dataclass
class Entry:
    id: str
    task_id: str
    intent: str
    sites: list[str]
    start_url: str
    success: bool
    reward: float
    agent: str
    iteration: int
    run: str
    steps: list[Step] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        return cls(**{**d, "steps": [Step(**s) for s in d.get("steps", [])]})

    def render(self, max_steps: int = 12) -> str:
        """The entry as prompt text. When its steps type the goal's private values (``[GOAL_VALUE_1]``), the
        intent shows them numbered alike, so a reader sees which value went where."""
        numbered = any(has_goal_values(s.action) for s in self.steps)
        intent = numbered_intent(self.intent) if numbered else self.intent
        lines = [f"Task: {intent}", f"Outcome: {'success' if self.success else 'failure'}"]
        for i, s in enumerate(self.steps[:max_steps], 1):
            why = f"  # {s.rationale}" if s.rationale else ""
            lines.append(f"{i}. {s.action}{why}")
            if s.context:
                lines.append(f"   on: {s.context}")
        if len(self.steps) > max_steps:
            lines.append(f"... ({len(self.steps) - max_steps} more steps)")
        return "\n".join(lines)


def _parsed(action: str) -> Any:
    try:
        return parse_action(action.strip())
    except ActionError:
        return None


def element_line(axtree: str, action: str) -> str:
    """The observation line of the element the action targets (the step's context in the entry)."""
    parsed = _parsed(action)
    if parsed is None or parsed.bid is None:
        return ""
    return observation.element_line(axtree, parsed.bid)[:CONTEXT_CHARS]


_GOAL_VALUE = re.compile(r"\[GOAL_VALUE_(\d+)\]")
_TYPED_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(t.upper() for t in TYPES) + r")\]")


def goal_value_placeholder(k: int) -> str:
    """The stand-in for the ``k``-th (from 1) private value of a task's intent."""
    return f"[GOAL_VALUE_{k}]"


def goal_values(intent: str) -> tuple[list[str], str]:
    """The private values the detector finds in ``intent``, in order, and the intent with each replaced by
    its :func:`goal_value_placeholder` (the same findings, in the same order, that :func:`redact` types)."""
    findings = default_detector().scan(intent)
    values = [intent[start:end] for start, end, _ in redaction_spans(findings)]
    return values, apply_redactions(intent, findings, mark=lambda k, _: goal_value_placeholder(k))


def numbered_intent(redacted_intent: str) -> str:
    """A stored (redacted) intent with its typed placeholders numbered in order: ``Change my password from
    [PASSWORD] to [PASSWORD]`` -> ``... from [GOAL_VALUE_1] to [GOAL_VALUE_2]``, the form :func:`goal_values`
    gives the raw intent."""
    count = itertools.count(1)
    return _TYPED_PLACEHOLDER.sub(lambda _: goal_value_placeholder(next(count)), redacted_intent)


def fill_goal_values(text: str, values: list[str]) -> str | None:
    """``text`` with each ``[GOAL_VALUE_k]`` replaced by ``values[k-1]``; None when a ``k`` has no value."""
    missing = any(not 1 <= int(k) <= len(values) for k in _GOAL_VALUE.findall(text))
    return None if missing else _GOAL_VALUE.sub(lambda m: values[int(m.group(1)) - 1], text)


def has_goal_values(text: str) -> bool:
    return bool(_GOAL_VALUE.search(text))


def goal_stretch(value: str, intent: str) -> str | None:
    """``value`` in the form the knowledge base may keep for a private task: the stretch of the intent it is,
    with the intent's private values numbered (:func:`goal_values`), or None when it is not such a stretch
    (then it is masked whole). A kept stretch shows nothing the entry's redacted intent does not."""
    value = value.strip()
    if not value or not intent:
        return None
    values, numbered = goal_values(intent)
    for k in sorted(range(1, len(values) + 1), key=lambda k: -len(values[k - 1])):
        value = value.replace(values[k - 1], goal_value_placeholder(k))
    return value if value in numbered else None


def mask_values(action: str, intent: str = "") -> str:
    """``fill('12', 'Maple@Harbor19')`` -> ``fill('12', '[VALUE]')`` (the element id is kept); with the task's
    ``intent``, a value that is a stretch of it is kept as :func:`goal_stretch` writes it."""
    parsed = _parsed(action)
    if parsed is None:  # a malformed value action may still hold the value: mask all of it
        name = action.strip().split("(", 1)[0].strip()
        return f"{name}('[VALUE]')" if name in VALUE_ACTIONS else action
    if parsed.name not in VALUE_ACTIONS:
        return action
    at = 0 if parsed.bid is None else 1
    value = parsed.args[at] if len(parsed.args) > at else None
    kept = goal_stretch(value, intent) if isinstance(value, str) else None
    if kept is not None:
        return str(Action(parsed.name, (*parsed.args[:at], kept, *parsed.args[at + 1 :])))
    if parsed.bid is None:
        return f"{parsed.name}('[VALUE]')"
    return f"{parsed.name}('{parsed.bid}', '[VALUE]')"


def entry_id(task_id: str, actions: list[str], agent: str) -> str:
    return hashlib.sha256(json.dumps([task_id, actions, agent]).encode()).hexdigest()[:16]


def entries_from_run(root: str | Path, *, iteration: int = 0, successful_only: bool = False) -> list[Entry]:
    """One redacted entry per finished episode of a run directory (episodes with an error are skipped)."""
    from symbiotic_gym.results.run_dir import RunDir

    run = RunDir(root)
    if not run.exists():
        from symbiotic_gym.errors import SymbioticGymError

        raise SymbioticGymError(f"{root} is not a run directory (no config.json)")
    config = run.load_config()
    out = []
    for rec in run.results():
        if rec.get("error") or (successful_only and not rec.get("success")):
            continue
        private = bool(rec.get("private"))
        sites = rec.get("site_urls") or {}

        def local(text: str, sites: dict[str, str] = sites) -> str:
            """Live site addresses (ports change every run) -> <site>, so runs index alike."""
            for name, base in sites.items():
                if base:
                    text = text.replace(base, f"<{name}>")
            return redact(text)

        steps = []
        for s in run.trajectory(rec["task_id"]):
            action = str(s.get("parsed_action") or s.get("action") or "")
            context = element_line(str(s.get("axtree_txt") or ""), action)
            rationale = str(s.get("rationale") or "")[:RATIONALE_CHARS]
            if private:
                action = mask_values(action, str(rec.get("goal") or ""))
            steps.append(Step(local(action), local(rationale), local(context)))
        intent = local(str(rec.get("goal") or ""))
        entry = Entry(
            id=entry_id(rec["task_id"], [s.action for s in steps], str(config.get("agent"))),
            task_id=rec["task_id"],
            intent=intent,
            sites=list(rec.get("sites") or []),
            start_url=local(str((run.trajectory(rec["task_id"]) or [{}])[0].get("url", ""))),
            success=bool(rec.get("success")),
            reward=float(rec.get("reward") or 0.0),
            agent=str(config.get("agent")),
            iteration=iteration,
            run=str(root),
            steps=steps,
        )
        out.append(entry)
    return out
