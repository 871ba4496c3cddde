"""``speculative``: speculative data synthesis (AgentSymbiotic, section 3.2).

Each step the student proposes an action; the teacher gives its top-K candidates. When the student's
action means the same as a candidate (element ids compared as the element's role and name, see
:mod:`symbiotic_gym.distill.matching`) it is executed -- the student stays on its own state distribution;
otherwise the teacher's best candidate is executed and becomes the label. Every step records the student's
action, the candidates, the decision and the label in ``meta["speculative"]``, so
``benchmarks.dataset`` can train on the run and ``benchmarks.dataset stats`` can report acceptance rates.

Teachers:

* ``oracle`` -- offline: the candidates are every action consistent with the task's reference solution
  from the current state (each element with the reference role and name, fill or type of the value, the
  answer in any letter case), so the loop runs without an API key;
* a model role or spec (``large``, ``anthropic/...``) -- one call asking for K ranked candidates
  (``candidates=ranked``), or K samples at ``teacher_temperature`` (``candidates=sample``).

Detours (``detours=true``, oracle teacher only): a refused student action that only navigates (a click on a
link) is executed anyway, once per step of the plan, and the teacher labels the page it led to with the way
back (``go_back()``) and, once back, the plan's step again. Without detours every state the student is
trained on lies on the teacher's own path, so the data never shows a state after a mistake; with them the
student's own mistakes are relabelled by the teacher (DAgger's recovery states), which is what a student
that compounds its errors live lacks. Only navigations are let through: they are undone by going back,
whereas a wrong button may change the site's data for good. The decision is recorded as ``detour``, with
the teacher's action as ``label`` (not executed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from baselines.oracle import OracleAgent
from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo, make_agent, resolve_agent
from symbiotic_gym.agent.reply import extract_action
from symbiotic_gym.agent.types import config_field_names
from symbiotic_gym.distill.matching import match_candidate
from symbiotic_gym.distill.prompt import PromptFormat, State, prompt_messages
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm import UsageMeter, get_llm
from symbiotic_gym.web.actions import ActionError, parse_action
from symbiotic_gym.web.observation import ROLE_ALIASES, element_index, parse_elements


@runtime_checkable
class TrainedStudent(Protocol):
    """A student with a trained prompt format that keeps its own action history (the ``distilled`` agent): a
    model teacher is prompted in the student's format, and an action the teacher overrules is replaced in the
    student's history by the one executed. Any other agent can be a student; it is prompted in the default
    format and its history is its own business."""

    format: PromptFormat

    def replace_last_action(self, action: str) -> None: ...


@dataclass
class Candidate:
    action: str
    rationale: str = ""


@dataclass
class Proposal:
    candidates: list[Candidate]
    usage: dict[str, Any] = field(default_factory=dict)
    route: str = "local"


RETURN = "This page is off the plan: go back to the page where the plan continues."
FILLS = ("fill", "select", "check", "press")


class OracleTeacher:
    """Candidates from the reference solution. The oracle advances when it proposes, as the executed action is
    one of its candidates -- except after :meth:`detour`, which puts the plan back where it was and proposes
    the way back until the page the detour left is shown again."""

    calls_model = False

    def __init__(self, detours: bool = False) -> None:
        self.oracle = OracleAgent()
        self.detours = detours
        self._reset_path()

    def _reset_path(self) -> None:
        self.return_url: str | None = None  # set while on a detour: the page to go back to
        self.detoured_at: set[int] = set()  # plan steps that already had their detour
        self.before = (0, 0)  # the oracle's (index, misses) before its last proposal
        self.url = ""  # the page of the last proposal made on the plan
        self.typed_here = False  # a value was entered on this page: going back could lose it

    def reset(self, task: TaskInfo) -> None:
        self.oracle.reset(task)
        self._reset_path()

    def propose(self, obs: Observation, k: int) -> Proposal:
        url = str(obs.get("url", ""))
        if self.return_url is not None:
            if url != self.return_url:
                return Proposal([Candidate("go_back()", RETURN)])
            self.return_url = None
        if url != self.url:
            self.typed_here = False
        elif self.before[0] < self.oracle.index and self.oracle.steps[self.before[0]].get("action") in FILLS:
            self.typed_here = True
        self.before, self.url = (self.oracle.index, self.oracle.misses), url
        best = self.oracle.act(obs)
        cands = [Candidate(best.action, best.rationale)]
        ref = best.meta.get("ref_step") or {}
        kind = ref.get("action")
        if kind in ("click", "fill", "select", "press", "check") and "role" in ref:
            roles = ROLE_ALIASES.get(ref["role"], {ref["role"]})
            same = [
                e for e in parse_elements(str(obs.get("axtree_txt", ""))) if e.role in roles and e.name == ref["name"]
            ]
            for el in same:  # every element with the reference role and name is as good
                action = re.sub(r"^(\w+)\('[^']*'", lambda m, b=el.bid: f"{m.group(1)}({b!r}", best.action, count=1)
                cands.append(Candidate(action, best.rationale))
            if kind == "fill":
                cands += [Candidate(c.action.replace("fill(", "type(", 1), c.rationale) for c in list(cands)]
        unique = list({c.action: c for c in cands}.values())
        return Proposal(unique[: max(k, 1) * 4])  # equivalents of the best action are not extra guesses

    def may_detour(self, action: str, axtree: str) -> bool:
        """Whether a refused student action may run anyway: detours are on, this plan step has not had one, no
        value was typed on this page yet, and the action is a click on a link (undone by going back)."""
        if not self.detours or self.return_url is not None or self.typed_here or self.before[0] in self.detoured_at:
            return False
        try:
            parsed = parse_action(action)
        except ActionError:
            return False
        if parsed.name != "click" or parsed.bid is None:
            return False
        element = element_index(axtree).get(parsed.bid)
        return element is not None and element.role == "link"

    def detour(self) -> None:
        """The student's action runs instead of the plan's: the plan stays where it was, and the teacher
        proposes the way back until this page is shown again."""
        self.oracle.index, self.oracle.misses = self.before
        self.detoured_at.add(self.before[0])
        self.return_url = self.url


RANKED = (
    "\n\nGive your {k} best candidate next actions, best first, one per line, each as: "
    "<n>. <action> -- <short rationale>"
)
LINE = re.compile(r"^\s*\d+[.)]\s*(.+?)\s*(?:--\s*(.*))?$")


class ModelTeacher:
    """A model as teacher: K ranked candidates in one call, or K samples."""

    calls_model = True

    def __init__(self, model: str, mode: str, temperature: float, fmt: PromptFormat) -> None:
        if mode not in ("ranked", "sample"):
            raise SymbioticGymError(f"speculative: candidates must be ranked or sample, got {mode!r}")
        self.model, self.mode, self.temperature, self.format = model, mode, temperature, fmt
        self.history: list[str] = []
        self.task: TaskInfo | None = None

    def reset(self, task: TaskInfo) -> None:
        self.task, self.history = task, []

    def propose(self, obs: Observation, k: int) -> Proposal:
        llm = get_llm(self.model)
        state = State(
            goal=str(obs.get("goal") or (self.task.intent if self.task else "")),
            url=str(obs.get("url", "")),
            axtree=str(obs.get("axtree_txt", "")),
            history=tuple(self.history),
            last_error=str(obs.get("last_action_error") or ""),
        )
        msgs = prompt_messages(state, self.format, "rationale_action")
        meter = UsageMeter()
        cands: list[Candidate] = []
        if self.mode == "ranked":
            msgs[-1] = {**msgs[-1], "content": msgs[-1]["content"] + RANKED.format(k=k)}
            out = llm.complete(msgs, n=1, temperature=0.0, max_tokens=96 * k)
            meter.add(out)
            for line in out[0].text.splitlines():
                m = LINE.match(line)
                if not m:
                    continue
                try:
                    ex = extract_action(m.group(1))
                except ActionError:
                    continue
                cands.append(Candidate(ex.text, (m.group(2) or ex.rationale or "").strip()))
        else:
            out = llm.complete(msgs, n=k, temperature=self.temperature, max_tokens=160)
            meter.add(out)
            for c in out:
                try:
                    ex = extract_action(c.text)
                except ActionError:
                    continue
                cands.append(Candidate(ex.text, ex.rationale))
        unique = list({c.action: c for c in cands}.values())[:k]
        return Proposal(unique, meter.to_dict(), llm.route)

    def executed(self, action: str) -> None:
        self.history.append(action)


def _merge_usage(*usages: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"tokens_in": 0, "tokens_out": 0, "cost": 0.0, "latency_s": 0.0, "calls": 0, "models": []}
    for u in usages:
        for key in ("tokens_in", "tokens_out", "cost", "latency_s", "calls"):
            out[key] += u.get(key, 0) or 0
        out["models"] += [m for m in u.get("models", []) if m not in out["models"]]
    return out


class SpeculativeAgent(ConfiguredAgent):
    """A student/teacher pair that writes distillation labels while it acts."""

    @dataclass
    class Config:
        student: str = "distilled"  # any agent; its 'model' argument is set from student_model
        student_model: str = "small"
        teacher: str = "oracle"  # oracle, or a model role/spec (large, anthropic/...)
        k: int = 3
        candidates: str = "ranked"  # with a model teacher: ranked (one call) or sample (k samples)
        teacher_temperature: float = 0.7
        student_prompt_format: str = ""  # folder with a prompt_format.json for a distilled student
        student_decide: str = ""  # a distilled student's decide (generate, choose); empty: its default
        detours: bool = False  # oracle teacher: run a refused link click once per plan step, label the way back

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        c = self.config
        if c.k < 1:
            raise SymbioticGymError(f"speculative: k must be >= 1, got {c.k}")
        known = config_field_names(resolve_agent(c.student))
        student_args = {"model": c.student_model} if "model" in known else {}
        if "exemplars" in known:  # the student proposes on its own: what it would do, never an exemplar's step
            student_args["exemplars"] = "none"
        if c.student_decide and "decide" in known:
            student_args["decide"] = c.student_decide
        if c.student_prompt_format and "prompt_format" in known:
            student_args["prompt_format"] = c.student_prompt_format
        self.student = make_agent(c.student, student_args)
        fmt = self.student.format if isinstance(self.student, TrainedStudent) else PromptFormat()
        if c.detours and c.teacher != "oracle":
            raise SymbioticGymError("speculative: detours need the oracle teacher (it knows the way back)")
        self.teacher: OracleTeacher | ModelTeacher = (
            OracleTeacher(c.detours)
            if c.teacher == "oracle"
            else ModelTeacher(c.teacher, c.candidates, c.teacher_temperature, fmt)
        )

    def reset(self, task: TaskInfo) -> None:
        self.student.reset(task)
        self.teacher.reset(task)

    def act(self, obs: Observation) -> AgentStep:
        proposed = self.student.act(obs)
        proposal = self.teacher.propose(obs, self.config.k)
        cands = proposal.candidates
        if not cands:  # a model teacher that gave nothing readable: the student's action stands, unlabelled
            decision, idx = "no_candidates", None
        else:
            idx = match_candidate(proposed.action, [c.action for c in cands], str(obs.get("axtree_txt", "")))
            decision = "accepted" if idx is not None else "rejected"
        if (
            decision == "rejected"
            and isinstance(self.teacher, OracleTeacher)
            and self.teacher.may_detour(proposed.action, str(obs.get("axtree_txt", "")))
        ):
            decision = "detour"  # the student's mistake runs; the teacher's action is the label of this page
            self.teacher.detour()
        if decision == "accepted" and idx is not None:
            action, rationale = proposed.action, cands[idx].rationale or proposed.rationale
        elif decision == "rejected":
            action, rationale = cands[0].action, cands[0].rationale
        else:
            action, rationale = proposed.action, proposed.rationale
        if action != proposed.action and isinstance(self.student, TrainedStudent):
            self.student.replace_last_action(action)
        if isinstance(self.teacher, ModelTeacher):
            self.teacher.executed(action)
        student_usage = proposed.meta.get("usage", {}) if isinstance(proposed.meta, dict) else {}
        meta = {
            "route": proposal.route if self.teacher.calls_model else proposed.meta.get("route", "local"),
            "usage": _merge_usage(student_usage, proposal.usage),
            "speculative": {
                "student_action": proposed.action,
                "student_rationale": proposed.rationale,
                "candidates": [c.action for c in cands],
                "matched": idx,
                "decision": decision,
                "label": cands[0].action if decision == "detour" else action,
                "label_rationale": cands[0].rationale if decision == "detour" else rationale,
                "teacher_calls": int(proposal.usage.get("calls", 0)),
                "student_usage": student_usage,
                "teacher_usage": proposal.usage,
            },
        }
        return AgentStep(action, rationale, meta)
