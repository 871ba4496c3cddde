"""The small model's prompt format: one source for the training data, the distilled agent and the teachers.

A distilled model only works with the exact prompt it was trained on, so the format is a versioned,
serialisable :class:`PromptFormat` saved with every dataset and every trained model; the ``distilled``
agent reads it back from the model folder.

Three target kinds (the multi-task learning of AgentSymbiotic):

* ``action`` -- ``Action: click('12')``;
* ``rationale_action`` -- ``Rationale: <why>`` then ``Action: ...`` (the student learns the teacher's
  reasoning as well as its decision);
* ``summary`` -- an auxiliary task: describe the page (title, headings, fields, buttons), built from the
  observation itself, so the model learns to read accessibility trees;
* ``multitask`` -- all three in one target, the action first: ``Action: ...``, then ``Rationale: ...``, then
  the page summary. The prompt is the action prompt, so the agent asks for ``action`` and stops at the first
  line break: the rationale and the summary are learned (extra loss on the same prompt, as in "distilling
  step-by-step") but never generated live, so a step costs what an action-only step costs. Separate
  examples per kind would pay for the prompt once per kind; on a CPU the prompt is most of the cost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.distill.named_refs import REF_STYLES
from symbiotic_gym.errors import SymbioticGymError, reject_unknown_fields
from symbiotic_gym.web.observation import strip_bids
from symbiotic_gym.web.pruning import REST_STYLES, compact_lines, prune_axtree, prune_main_first

PROMPT_FILE = "prompt_format.json"
TARGET_KINDS = ("action", "rationale_action", "summary", "multitask")
ACT_KINDS = ("action", "rationale_action")  # what an agent asks for (a format's output)
ACTION_TARGET_KINDS = ("action", "rationale_action", "multitask")  # targets that carry an action

SYSTEM = (
    "You are a web agent. You see a web page as an accessibility tree: elements you can act on start "
    "with an id, e.g. [12] link 'Cart'.\n"
    "Actions: click(bid), fill(bid, text), select_option(bid, option), check(bid), uncheck(bid), "
    "press(bid, key), scroll(dx, dy), goto(url), go_back(), send_msg_to_user(answer), "
    "report_infeasible(reason), noop().\n"
    "Answer the task with send_msg_to_user('<answer>'); when a task is done, send_msg_to_user('done')."
)
ACT_INSTRUCTIONS = {
    "action": "Reply with the next action as: Action: <action>",
    "rationale_action": "Reply with a short rationale, then the next action:\nRationale: <why>\nAction: <action>",
}
SUMMARY_INSTRUCTION = "Describe this page: its title, headings, input fields and buttons."
LAYOUTS = ("compact", "full")
# The compact layout carries no action manual: the student learns the action syntax from its targets, and
# every prompt token is paid for at every training step and every live step.
COMPACT_SYSTEM = "You are a web agent. Give the next action for the task on this page."
COMPACT_INSTRUCTIONS = {
    "action": "Action?",
    "rationale_action": "Rationale and action?",
    "summary": "Describe the page.",
}
# the prompt each target kind is trained with: a multitask target answers the action prompt
PROMPT_KIND = {"multitask": "action"}


@dataclass(frozen=True)
class PromptFormat:
    """How a state becomes a prompt. Saved as ``prompt_format.json``; change ``version`` with the layout."""

    version: int = 2
    output: str = field(
        default="rationale_action",
        metadata={"help": "what the trained agent produces", "choices": ACT_KINDS},
    )
    max_obs_chars: int = field(default=4000, metadata={"help": "observation budget in the prompt, in characters"})
    max_obs_lines: int = field(default=200, metadata={"help": "observation budget in the prompt, in lines"})
    history: int = field(default=8, metadata={"help": "previous actions shown in the prompt"})
    # compact: short system line, no action manual, the page's main content first, flat lines without
    # quotes (about 25% fewer tokens for the same lines); full: version 1 (the manual, the indented tree)
    layout: str = field(
        default="compact",
        metadata={
            "help": "prompt layout: compact (no action manual, flat observation) or full (version 1)",
            "choices": LAYOUTS,
        },
    )
    # compact layout only: how the page around ``main`` is written (web.pruning.prune_main_first)
    rest: str = field(
        default="tree",
        metadata={
            "help": "compact layout: the page around main as pruned lines (tree) or one line per menu section (index)",
            "choices": REST_STYLES,
        },
    )
    rest_share: float = field(default=1 / 3, metadata={"help": "share of the budget kept for the page around main"})
    refs: str = field(
        default="bid",
        metadata={
            "help": "how target actions point at elements: by id (click('12')) or by name (click('Settings'); the "
            "prompt then shows the page without ids and the distilled agent grounds the name)",
            "choices": REF_STYLES,
        },
    )

    # compact layout only: the task, the actions done and the last error written again after the page, right
    # before the question. A 135M student reading a ~1,000-token prompt weighs the lines nearest its answer
    # most: with the task only at the top it chose between fill and click on a shop's first page at even odds
    # whatever the goal asked (probed on the shipped student, docs/student-choose.md). The task stays at the
    # top as well, so the page's lines are read knowing it.
    recap: bool = field(
        default=False,
        metadata={"help": "compact layout: repeat the task and the actions done after the page, before the question"},
    )

    def __post_init__(self) -> None:
        if self.output not in ACT_KINDS:
            raise SymbioticGymError(f"prompt format: output must be one of {', '.join(ACT_KINDS)}, got {self.output!r}")
        if self.layout not in LAYOUTS:
            raise SymbioticGymError(f"prompt format: layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        if self.rest not in REST_STYLES:
            raise SymbioticGymError(f"prompt format: rest must be one of {', '.join(REST_STYLES)}, got {self.rest!r}")
        if self.refs not in REF_STYLES:
            raise SymbioticGymError(f"prompt format: refs must be one of {', '.join(REF_STYLES)}, got {self.refs!r}")
        if self.refs == "name" and self.layout != "compact":
            raise SymbioticGymError("prompt format: refs='name' needs the compact layout")
        if self.recap and self.layout != "compact":
            raise SymbioticGymError("prompt format: recap needs the compact layout")
        if not 0.0 <= self.rest_share <= 1.0:
            raise SymbioticGymError(f"prompt format: rest_share must be between 0 and 1, got {self.rest_share}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "prompt format") -> PromptFormat:
        reject_unknown_fields(cls, data, source)
        d = dict(data)
        if int(d.get("version", 1)) < 2:  # version 1 files predate layouts: they are the full layout
            d.setdefault("layout", "full")
        return cls(**d)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / PROMPT_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, folder: Path) -> PromptFormat | None:
        path = Path(folder) / PROMPT_FILE
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise SymbioticGymError(f"{path}: not valid JSON ({err})") from None
        return cls.from_dict(data, str(path))


@dataclass(frozen=True)
class State:
    """What the agent knows before one step."""

    goal: str
    url: str
    axtree: str
    history: tuple[str, ...] = ()
    last_error: str = ""


def observation_text(axtree: str, fmt: PromptFormat) -> str:
    if fmt.layout == "full":
        return prune_axtree(axtree, max_lines=fmt.max_obs_lines, max_chars=fmt.max_obs_chars)
    pruned = prune_main_first(
        axtree, max_lines=fmt.max_obs_lines, max_chars=fmt.max_obs_chars, rest=fmt.rest, rest_share=fmt.rest_share
    )
    return compact_lines(strip_bids(pruned) if fmt.refs == "name" else pruned)


def state_text(state: State, fmt: PromptFormat) -> str:
    if fmt.layout == "compact":
        return _compact_state_text(state, fmt)
    shown = state.history[-fmt.history :] if fmt.history else ()
    first = len(state.history) - len(shown) + 1
    history = "\n".join(f"{first + i}. {a}" for i, a in enumerate(shown)) or "None"
    parts = [f"OBJECTIVE: {state.goal}", f"URL: {state.url}", f"PREVIOUS ACTIONS:\n{history}"]
    if state.last_error:
        parts.append(f"LAST ACTION ERROR: {state.last_error[:300]}")
    parts.append(f"OBSERVATION:\n{observation_text(state.axtree, fmt)}")
    return "\n".join(parts)


def _compact_state_text(state: State, fmt: PromptFormat) -> str:
    shown = state.history[-fmt.history :] if fmt.history else ()
    first = len(state.history) - len(shown) + 1
    task = f"Task: {state.goal}"
    parts = [task, f"URL: {state.url}"]
    progress = ["Done: " + (" ".join(f"{first + i}. {a}" for i, a in enumerate(shown)) or "nothing yet")]
    if state.last_error:
        progress.append(f"Error: {state.last_error[:200]}")
    if fmt.recap:
        return "\n".join([*parts, observation_text(state.axtree, fmt), task, *progress])
    return "\n".join([*parts, *progress, observation_text(state.axtree, fmt)])


def prompt_messages(state: State, fmt: PromptFormat, kind: str | None = None) -> list[dict[str, str]]:
    """System + user messages for one state; ``kind`` defaults to the format's output."""
    kind = kind or fmt.output
    if kind not in TARGET_KINDS:
        raise SymbioticGymError(f"unknown target kind {kind!r}; use one of {', '.join(TARGET_KINDS)}")
    kind = PROMPT_KIND.get(kind, kind)
    if fmt.layout == "compact":
        return [
            {"role": "system", "content": COMPACT_SYSTEM},
            {"role": "user", "content": f"{state_text(state, fmt)}\n{COMPACT_INSTRUCTIONS[kind]}"},
        ]
    instruction = SUMMARY_INSTRUCTION if kind == "summary" else ACT_INSTRUCTIONS[kind]
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"{state_text(state, fmt)}\n\n{instruction}"},
    ]


def action_target(action: str, rationale: str, kind: str) -> str:
    action = action.strip()
    if kind == "action":
        return f"Action: {action}"
    why = " ".join(rationale.split())[:300] or "This is the next step towards the objective."
    return f"Rationale: {why}\nAction: {action}"


def multitask_target(action: str, rationale: str, axtree: str, url: str) -> str:
    """The ``multitask`` target: the action line first (what the agent generates live), then the teacher's
    rationale and the page summary (learned, not generated)."""
    why = action_target(action, rationale, "rationale_action").split("\n", 1)[0]
    return f"Action: {action.strip()}\n{why}\n{summary_target(axtree, url)}"


def auxiliary_start(target: str) -> int | None:
    """Where the learned-only part of a ``multitask`` target (the rationale and the summary after its action
    line) starts, as a character offset; None for every other target, all of which the agent generates."""
    if not target.startswith("Action:") or "\n" not in target:
        return None
    return target.index("\n") + 1


def answer_prefix(kind: str) -> str:
    """The first word of every target: primed into the agent's answer so it starts in the trained format."""
    return "Action:" if kind == "action" else "Rationale:"


def _names(found: Sequence[str], limit: int) -> str:
    uniq = [n for n in dict.fromkeys(x.strip() for x in found) if n][:limit]
    return ", ".join(uniq) if uniq else "none"


def summary_target(axtree: str, url: str) -> str:
    """The auxiliary target, derived from the observation itself (deterministic)."""
    from symbiotic_gym.web import observation

    elements = observation.parse_elements(axtree)
    title = observation.page_title(axtree)
    fields_found = [f"{e.role} {e.name!r}" for e in elements if e.role in observation.FIELD_ROLES]
    return "\n".join(
        [
            f"Title: {title if title is not None else 'unknown'}",
            f"URL: {url}",
            f"Headings: {_names(observation.headings(axtree), 6)}",
            f"Fields: {_names(fields_found, 8)}",
            f"Buttons: {_names([e.name for e in elements if e.role == 'button'], 8)}",
            f"Links: {sum(e.role == 'link' for e in elements)}",
        ]
    )
