"""``occam``: an AgentOccam-style agent (observation pruning, a small action set, planning, history replay).

Implemented from the AgentOccam paper's description:

* the observation is pruned (:func:`symbiotic_gym.web.pruning.prune_axtree`): about half the tokens;
* a reduced action set: ``click``, ``type``, ``select`` (our sites use native ``<select>`` elements, which
  a click cannot set), ``stop(answer)``, ``note(text)``, ``go_back()``, ``go_home()``;
* planning with ``branch(intent)`` (start a sub-plan) and ``prune(reason)`` (abandon it and return to the
  parent plan); they change the agent's plan tree, not the page, and do not consume a browser step;
* history replay: for each past step the model's own highlighted elements (``Highlights: 12, 18``) are kept
  with its action and reason, so the history shows what mattered without whole old observations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.agent.llm_base import LLMAgentBase, LLMAgentConfig
from symbiotic_gym.llm import Message, UsageMeter
from symbiotic_gym.web.actions import REQUIRED, ActionSpec, describe_actions
from symbiotic_gym.web.pruning import lines_with_ids, prune_axtree

S = str
OCCAM_GRAMMAR: dict[str, ActionSpec] = {
    s.name: s
    for s in (
        ActionSpec("click", (("bid", S, REQUIRED),), "Click the element with this id.", ("click('12')",)),
        ActionSpec(
            "type",
            (("bid", S, REQUIRED), ("text", S, REQUIRED), ("press_enter", bool, False)),
            "Replace the content of a field; press_enter=True submits it (e.g. a search box).",
            ("type('18', 'blue mug', press_enter=True)",),
        ),
        ActionSpec(
            "select",
            (("bid", S, REQUIRED), ("option", S, REQUIRED)),
            "Choose an option of a combobox.",
            ("select('50', '4 stars')",),
        ),
        ActionSpec(
            "stop",
            (("answer", S, REQUIRED),),
            "Finish: give the answer the task asks for (or 'done' when it asks for no answer).",
            ("stop('$12.99')",),
        ),
        ActionSpec(
            "note",
            (("text", S, REQUIRED),),
            "Write down a fact to remember for later steps.",
            ("note('Order 7 costs $31.50')",),
        ),
        ActionSpec("go_back", (), "Go back to the previous page.", ("go_back()",)),
        ActionSpec("go_home", (), "Go to the page where the task started.", ("go_home()",)),
        ActionSpec(
            "branch", (("intent", S, REQUIRED),), "Start a sub-plan with this goal.", ("branch('Find the order list')",)
        ),
        ActionSpec(
            "prune",
            (("reason", S, REQUIRED),),
            "Abandon the current sub-plan; return to its parent.",
            ("prune('No such page')",),
        ),
    )
}
PLANNING = ("branch", "prune")
MAX_PLANNING_ACTIONS = 3
HIGHLIGHT_RE = re.compile(r"^\s*(?:\*\*)?highlights?(?:\*\*)?\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)

SYSTEM = """You are an agent completing a task in a web browser. Each turn you see the task, your plan, your notes, \
the history of your steps and the current page as a pruned accessibility tree, where elements you can act on \
have an id in brackets, e.g. [12] link 'Cart'.

Actions:
{actions}

Reply in exactly this format:
Highlights: <ids of the page elements that matter for the next step, comma separated>
Reason: <one or two sentences>
Action: <exactly one action>"""


@dataclass
class PlanNode:
    id: int
    intent: str
    parent: int | None
    status: str = "active"  # active | done | pruned
    children: list[int] = field(default_factory=list)


@dataclass
class HistoryEntry:
    plan: int
    action: str
    reason: str
    highlights: list[str]


class OccamAgent(LLMAgentBase):
    """AgentOccam-style: pruned observation, reduced actions, branch/prune planning, highlight history."""

    grammar = OCCAM_GRAMMAR

    @dataclass
    class Config(LLMAgentConfig):
        max_tokens: int = 256
        max_obs_tokens: int = 2500
        history: int = 20  # previous steps shown in the prompt

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self.system = SYSTEM.format(actions=describe_actions(grammar=self.grammar, examples=True))
        self.plan: list[PlanNode] = []
        self.current = 0
        self.notes: list[str] = []
        self.history: list[HistoryEntry] = []

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        self.plan = [PlanNode(0, task.intent, None)]
        self.current = 0
        self.notes = []
        self.history = []

    # --- prompt ---------------------------------------------------------------------------------------------
    def _plan_text(self) -> str:
        lines: list[str] = []

        def walk(node_id: int, depth: int) -> None:
            node = self.plan[node_id]
            mark = " <- current" if node_id == self.current else ""
            lines.append(f"{'  ' * depth}[{node.id}] {node.intent} ({node.status}){mark}")
            for child in node.children:
                walk(child, depth + 1)

        walk(0, 0)
        return "\n".join(lines)

    def _history_text(self) -> str:
        if not self.history:
            return "None"
        shown = self.history[-self.config.history :]
        out = []
        for i, h in enumerate(shown, start=len(self.history) - len(shown) + 1):
            out.append(f"{i}. [plan {h.plan}] {h.action}  -- {h.reason}")
            out.extend(f"     {line.strip()}" for line in h.highlights[:5])
        return "\n".join(out)

    def build_messages(self, obs: Observation, pruned: str) -> list[Message]:
        error = self.last_error(obs)
        user = (
            f"TASK: {obs.get('goal') or (self.task.intent if self.task else '')}\n"
            f"PLAN:\n{self._plan_text()}\n"
            f"NOTES: {'; '.join(self.notes) if self.notes else 'None'}\n"
            f"HISTORY:\n{self._history_text()}\n"
            + (f"LAST ACTION ERROR: {error}\n" if error else "")
            + f"URL: {obs.get('url', '')}\n"
            f"OBSERVATION:\n{self.fit_observation(pruned)}"
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    # --- acting ---------------------------------------------------------------------------------------------
    def _highlights(self, reply: str, pruned: str) -> list[str]:
        m = HIGHLIGHT_RE.search(reply)
        if not m:
            return []
        ids = [x.strip().strip("[]'\"") for x in m.group(1).split(",") if x.strip()]
        return lines_with_ids(pruned, ids[:8])[:8]

    def _plan_action(self, name: str, arg: str) -> None:
        if name == "branch":
            node = PlanNode(len(self.plan), arg, self.current)
            self.plan[self.current].children.append(node.id)
            self.plan.append(node)
            self.current = node.id
        elif self.current != 0:  # prune: abandon this sub-plan, go back to the parent
            self.plan[self.current].status = "pruned"
            self.current = self.plan[self.current].parent or 0
        else:
            self.notes.append(f"(tried to prune the root plan: {arg})")

    def to_browser_action(self, name: str, args: tuple) -> str:
        if name == "click":
            return f"click({args[0]!r})"
        if name == "type":
            return f"type({args[0]!r}, {args[1]!r}, press_enter={bool(args[2])})"
        if name == "select":
            return f"select_option({args[0]!r}, {args[1]!r})"
        if name == "stop":
            return f"send_msg_to_user({args[0]!r})"
        if name == "note":
            return "noop(0)"
        if name == "go_back":
            return "go_back()"
        if name == "go_home":
            return f"goto({(self.task.start_url if self.task else 'about:blank')!r})"
        raise ValueError(f"not a browser action: {name}")

    def note_step(self, action: str, rationale: str, obs: Observation | None = None) -> None:
        self.history.append(HistoryEntry(self.current, action, " ".join(rationale.split())[:200], []))
        self.pending_error = ""

    def prompt_texts(self) -> list[str]:
        return [*super().prompt_texts(), *(str(vars(h)) for h in self.history), *self.notes]

    def act(self, obs: Observation) -> AgentStep:
        pruned = prune_axtree(str(obs.get("axtree_txt", "")))
        usage = UsageMeter()  # one step's usage, over every planning round
        planning: list[str] = []
        for _ in range(MAX_PLANNING_ACTIONS + 1):
            extracted, reply, meta = self.decide(self.build_messages(obs, pruned), usage)
            meta["planning"] = planning
            if extracted is None:
                self.history.append(
                    HistoryEntry(self.current, "(unreadable reply)", meta["parse_errors"][-1][:120], [])
                )
                return self.unparsed_step(reply, meta)
            name, args = extracted.action.name, extracted.action.args
            if name not in PLANNING:
                break
            self._plan_action(name, str(args[0]))
            planning.append(extracted.text)
            self.history.append(HistoryEntry(self.current, extracted.text, extracted.rationale[:200], []))
        else:
            return AgentStep("noop(0)", "Too many planning actions in one step.", meta)
        reason = re.sub(r"(?im)^\s*(highlights?|reason)\s*:\s*", "", extracted.rationale).strip()
        if name == "note":
            self.notes.append(str(args[0]))
        if name == "stop":
            self.plan[self.current].status = "done"
        self.history.append(HistoryEntry(self.current, extracted.text, reason[:200], self._highlights(reply, pruned)))
        meta["occam_action"] = extracted.text
        return AgentStep(self.to_browser_action(name, args), reason, meta)
