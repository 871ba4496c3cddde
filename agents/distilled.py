"""``distilled``: a small model (a base model plus a LoRA adapter, or a fully fine-tuned folder) run in
process with exactly the prompt format it was trained on.

The format is read from ``prompt_format.json`` in the model folder (``benchmarks.train`` writes it); a
model without one (the untrained base model) gets the default format, which makes the untrained base the
fair "before distillation" row of an ablation.

With no model argument the agent is the shipped student and, by default (``exemplars=auto``), follows the
shipped exemplars: the oracle's train-split trajectories of the same task template, with forcing and values
from the goal (see ``Config.exemplars``). Any other model runs unguided unless ``exemplars`` is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from agents.rag import load_kb
from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.agent.llm_base import LLMAgentBase
from symbiotic_gym.agent.reply import ExtractedAction, extract_action
from symbiotic_gym.distill.candidates import VALUE_KINDS, candidate_actions
from symbiotic_gym.distill.exemplar import (
    ExemplarGuide,
    PlanStep,
    answer_shape,
    nearest_span,
    parse_or_none,
    position,
    reports,
    retrieve_guide,
    says,
)
from symbiotic_gym.distill.named_refs import KIND_ROLES, Grounded, ground, in_trained_form, resolve
from symbiotic_gym.distill.prompt import PromptFormat, State, answer_prefix, prompt_messages
from symbiotic_gym.distill.shipped import SHIPPED_EXEMPLARS_SPEC, exemplars_folder, ships_exemplars
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm import Message
from symbiotic_gym.llm.base import (
    CHOICE_SEARCHES,
    ChoosesContinuations,
    Completion,
    RanksCompletions,
    ScoresFirstTokens,
    UsageMeter,
)
from symbiotic_gym.llm.local import shipped_student
from symbiotic_gym.llm.registry import runs_in_process, spec_for
from symbiotic_gym.web.actions import REQUIRED, Action, ActionError, param_types, parse_action
from symbiotic_gym.web.observation import ElementLine, element_index, without_state


def model_folder(spec: str) -> Path | None:
    """The folder of a ``local:/path`` spec (None for the bundled model, a role's cloud model or a name)."""
    if spec.startswith(("local:", "hf:")):
        path = Path(spec.split(":", 1)[1]).expanduser()
        return path if path.is_dir() else None
    return None


DECIDE_MODES = ("auto", "generate", "choose")  # DistilledAgent.Config.decide
AUTO_EXEMPLARS = "auto"  # the default ``exemplars``: full guidance by the shipped exemplars for the shipped student
NO_EXEMPLARS = ("", "none")  # ``exemplars`` settings that turn guidance off


def is_shipped_student(role_or_spec: str) -> bool:
    """Whether a model role or spec (after role resolution) is the student shipped inside the package."""
    folder = model_folder(spec_for(role_or_spec))
    shipped = shipped_student()
    return folder is not None and shipped is not None and folder.resolve() == shipped.resolve()


def guidance_defaults(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` with ``exemplars=auto`` (the default) settled: for the shipped student, when the shipped
    exemplars are installed, ``exemplars=shipped`` with ``exemplar_force`` and ``exemplar_values`` on (each
    unless ``args`` sets it); for any other model no guidance (the key is dropped). The runner records the
    settled arguments, so a guided and an unguided run never share a leaderboard label."""
    out = dict(args)
    out.setdefault("decide", DistilledAgent.Config.decide)  # recorded: a row says how its steps were decided
    if str(out.get("exemplars", AUTO_EXEMPLARS)) != AUTO_EXEMPLARS:
        return out
    out.pop("exemplars", None)
    if str(out["decide"]) == "choose":  # a choice among the page's actions runs unguided
        return out
    if ships_exemplars() and is_shipped_student(str(out.get("model", DistilledAgent.Config.model))):
        out = {"exemplars": SHIPPED_EXEMPLARS_SPEC, "exemplar_force": True, "exemplar_values": True, **out}
    return out


class DistilledAgent(LLMAgentBase):
    """One model call per step: the trained prompt in, ``Rationale: ... / Action: ...`` out."""

    @dataclass
    class Config:
        model: str = "small"  # a role (small/large) or a spec, e.g. local:runs/train/adapter
        # how a step's action is decided: "generate" (the model writes it; the guards below and exemplar
        # guidance apply), "choose" (the model picks one of the actions this page allows for this goal,
        # distill.candidates, by constrained decoding, TransformersLLM.choose: every action parses and names
        # an element of the page; runs unguided, the exemplar and generation guards do not apply) or "auto" (the
        # default): per task, "generate" where an exemplar guides it, "choose" elsewhere when the model runs in
        # process (only those can choose), "generate" for a served model. A 135M student that writes its action
        # freely wastes itself on syntax and invents elements (MiniWoB++ seed 0: 10/125 generating, below the
        # random agent's 16/125; 19/125 choosing, docs/student-choose.md); the exemplar plan is written for
        # generation (it forces the plan's step and lets the model write the value)
        decide: str = "auto"
        # decide=choose: how the model picks, "greedy" (the likeliest token at each point where the page's
        # actions part: the decoding the student would do if kept to the set) or "best" (the action likeliest as
        # a whole; TransformersLLM.choose). Greedy stays the default so recorded choose rows reproduce; on the
        # held-out oracle steps best was right on more unseen steps (83 against 66 of 181) and about as often on
        # test steps (398 against 387 of 599, p = 0.23); live unseen 5/43 against 4/43 (docs/student-choose.md)
        choice: str = "greedy"
        temperature: float = 0.0  # > 0 makes exploration runs diverse
        max_tokens: int = 128
        prompt_format: str = ""  # folder with a prompt_format.json (default: the model folder's, else built-in)
        # an action repeated on a page it left unchanged cannot help (after an error: once it has been retried):
        # ask again this many times, sampling at repeat_temperature, and take the first different action
        # (0: repeat as the model says)
        repeat_retries: int = 3
        repeat_temperature: float = 0.8
        # a model that names elements (prompt format refs=name) and names one this page does not have: ask again
        # this many times at repeat_temperature and take the first action the page can carry out (0: keep it;
        # the step then fails and the next prompt shows the error)
        ground_retries: int = 3
        # a model that ends the task (send_msg_to_user, report_infeasible) with less than this share of the
        # probability its first word could have (over the grammar's action names) takes its next-best action
        # that does not end the task (see ``alternatives``; 0: never). Off by default: 0.6, the best on the sixth
        # train task of each template (held out from the shipped student's data), raised the shipped student's
        # next-action accuracy there from 62.7% to 65.2% with skip_noops, but left its live test quick subset
        # at 4/22 (+0 / -0) and makes the steps it acts on several seconds slower (README, "Decoding guards")
        stop_gate: float = 0.0
        # an action that cannot change the page (filling a field with the value it already shows, setting a
        # list to its shown value, checking a checked box) is replaced by the model's next-best action (off by
        # default, for the same reason as stop_gate)
        skip_noops: bool = False
        # how many next-best answers a model that ranks its answers (in-process ones, by beam search) offers
        # when the first cannot be used; the first usable one is taken, else the first answer stands
        alternatives: int = 4
        # a knowledge base (python -m benchmarks.kb build) of worked examples: the successful trajectory whose
        # intent is likeliest this task's gives a plan of (action kind, element) steps, and when the model's
        # answer is not the plan's next step, its likeliest ranked answer that is takes its place (values
        # always come from the model; no such answer: the model's own stands). "shipped": the embedded suite's
        # train-split trajectories shipped beside the student (distill.shipped); "none" (or ""): no guidance;
        # "auto" (the default): "shipped" with exemplar_force and exemplar_values on when the model is the
        # shipped student (no model argument), none for any other model (guidance_defaults). Only an
        # exemplar recorded on the task's own sites guides it (a WebArena task is never guided by the
        # embedded suite's exemplars)
        exemplars: str = AUTO_EXEMPLARS
        exemplar_overlap: float = 0.75  # the least overlap of the intents' procedure words for an exemplar to be used
        # when none of the ranked answers does the plan's next step: start the answer with that step's action
        # and element (when the page has it) and let the model write the rest, the value it types, chooses or
        # sends (false: the model's own answer stands)
        exemplar_force: bool = False
        # the plan's values, from this task: where the exemplar typed, chose or sent a value its own intent
        # gave (the product it searched, the comment it wrote), the text at the same place in this task's
        # intent replaces the model's value, and an element the exemplar named by such a value (the project
        # it opened) is the element named by this task's; where it answered with a value it read on its
        # page, an answer of the model's that reports ('Done'), that this page does not show or that is not
        # of the exemplar answer's shape (price, number, text) gives way to the model's likeliest answer that
        # passes; a value typed or chosen that is a slipped copy of a stretch of the goal ('(312) 555-0146'
        # for its '(602) 555-0146') is that stretch; and when the element the goal names is missing right
        # where the exemplar found its own, the task is reported infeasible (false: every value is the model's)
        exemplar_values: bool = False

    config: Config  # type: ignore[assignment]

    @classmethod
    def settle_args(cls, args: Mapping[str, Any]) -> dict[str, Any]:
        """The run's arguments as the runner records them: the installation-dependent default made explicit
        (:func:`guidance_defaults`). Called once the model roles are configured."""
        return guidance_defaults(dict(args))

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        # a Config object's fields that differ from the defaults count as set; the others (exemplar_force=False
        # among them) as unset, so exemplars=auto may turn them on: name exemplars to choose them yourself
        if isinstance(config, DistilledAgent.Config):
            config = {f.name: getattr(config, f.name) for f in fields(config) if getattr(config, f.name) != f.default}
        if config is None or isinstance(config, Mapping):  # anything else: build_config says what it expects
            config, overrides = None, guidance_defaults({**(config or {}), **overrides})
        super().__init__(config, **overrides)
        c = self.config
        if c.decide not in DECIDE_MODES:
            raise SymbioticGymError(f"distilled: decide must be one of {', '.join(DECIDE_MODES)}, got {c.decide!r}")
        if c.choice not in CHOICE_SEARCHES:
            raise SymbioticGymError(f"distilled: choice must be one of {', '.join(CHOICE_SEARCHES)}, got {c.choice!r}")
        if c.decide == "choose" and c.exemplars not in (*NO_EXEMPLARS, AUTO_EXEMPLARS):
            raise SymbioticGymError("distilled: decide=choose runs unguided; drop the exemplars argument")
        folder = Path(c.prompt_format) if c.prompt_format else model_folder(spec_for(c.model))
        self.format = (PromptFormat.load(folder) if folder else None) or PromptFormat()
        self.history: list[str] = []
        self._last: tuple[str, str] | None = None  # (action, page) of the previous step
        self._tried: set[tuple[str, str]] = set()  # decide=choose: (action, page) pairs taken this episode
        self._given: set[tuple[str, str]] = set()  # decide=choose: (field, page) pairs given a value
        self._axtree = ""  # the page of the last observation (grounds named references)
        self._page_index: tuple[str, dict[str, ElementLine]] | None = None  # (page, its elements by id)
        self.kb = (
            load_kb(str(exemplars_folder(c.exemplars))) if c.exemplars not in (*NO_EXEMPLARS, AUTO_EXEMPLARS) else None
        )
        self.guide: ExemplarGuide | None = None
        self.deciding = self._deciding()  # this task's way; reset settles decide=auto again once the guide is known

    def answer_prefix(self) -> str:
        """The trained format's first word (observation budgets come from the prompt format too)."""
        return answer_prefix(self.format.output)

    def stop_sequences(self) -> list[str] | None:
        """An action-only format answers on one line (every trained target does), so the reply ends at the
        first line break: a trained model stops there anyway, and an untrained base model, the floor row,
        no longer writes ``max_tokens`` of prose after its action."""
        return ["\n"] if self.format.output == "action" else super().stop_sequences()

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        self.history = []
        self._last = None
        self._tried = set()
        self._given = set()
        self._axtree = ""
        self._retried = False  # the last step repeated an action that had failed (the one retry allowed)
        self.guide = None
        if self.kb is not None and task.intent:
            overlap = self.config.exemplar_overlap
            self.guide = retrieve_guide(
                self.kb,
                task.intent,
                min_overlap=overlap,
                exclude=task.task_id,
                values=self.config.exemplar_values,
                sites=task.sites,
            )
        self.deciding = self._deciding()

    def _deciding(self) -> str:
        """How this task's steps are decided (Config.decide; "auto" settled now that the guide is known)."""
        decide = self.config.decide
        if decide != "auto":
            return decide
        return "choose" if self.guide is None and runs_in_process(spec_for(self.config.model)) else "generate"

    def state(self, obs: Observation) -> State:
        return State(
            goal=str(obs.get("goal") or (self.task.intent if self.task else "")),
            url=str(obs.get("url", "")),
            axtree=str(obs.get("axtree_txt", "")),
            history=tuple(self.history),
            last_error=self.last_error(obs),
        )

    def build_messages(self, obs: Observation) -> list[Message]:
        return prompt_messages(self.state(obs), self.format)

    def act(self, obs: Observation) -> AgentStep:
        self._axtree = str(obs.get("axtree_txt", ""))
        if self.deciding == "choose":
            return self._choose(obs)
        messages = self.build_messages(obs)
        meter = UsageMeter()
        extracted, reply, meta = self.decide(messages, meter)
        page = f"{obs.get('url', '')}\n{obs.get('axtree_txt', '')}"
        # the same action on the page it left unchanged: without an error it changed nothing; after an error
        # one retry is allowed (a timeout may pass), a third try fails as the second did
        again = self._last is not None and self._last[1] == page and extracted is not None
        again = again and extracted.text == self._last[0]
        stuck = again and (not obs.get("last_action_error") or self._retried)
        self._retried = again and not stuck
        if stuck:
            hot = self.config.repeat_temperature
            for _ in range(self.config.repeat_retries):
                other, other_reply, other_meta = self.decide(messages, meter, temperature=hot)
                if other is not None and other.text != extracted.text:
                    other_meta["repeat_avoided"] = extracted.text
                    extracted, reply, meta = other, other_reply, other_meta
                    break
        grounded = self._ground(extracted)
        if grounded is not None and grounded.error:
            for _ in range(self.config.ground_retries):
                other, other_reply, other_meta = self.decide(
                    messages, meter, temperature=self.config.repeat_temperature
                )
                other_grounded = self._ground(other)
                if other_grounded is not None and not other_grounded.error:
                    other_meta["ungrounded_avoided"] = extracted.text
                    extracted, reply, meta, grounded = other, other_reply, other_meta, other_grounded
                    break
        why = self._unusable(extracted, grounded, messages, meta) if extracted is not None else ""
        step = self.guide.expected(self.history) if self.guide is not None else None
        want = None
        unusable = bool(why)  # the answer itself cannot be used (not merely off the exemplar's plan)
        if step is not None:
            meta["exemplar"] = {"source": self.guide.source, "next": str(step)}  # type: ignore[union-attr]
            if extracted is not None and not step.matches(extracted.action):
                why, want = why or f"not the exemplar's next step {step}", step.matches
        if why:
            current = (extracted, reply, meta, grounded)
            extracted, reply, meta, grounded = self._next_best(
                messages, meter, current, page, why, want, unusable=unusable
            )
            if want is not None and "unreplaced" in meta and self.config.exemplar_force and step is not None:
                forced = self._forced(messages, meter, step, meta)
                if forced is not None:
                    extracted, reply, meta, grounded = forced
        if self.config.exemplar_values and step is not None:  # an item the goal names that is not here
            missing = self._missing(step, meta)
            if missing is not None:
                extracted, reply, meta, grounded = missing
        on_step = step is not None and extracted is not None and step.matches(extracted.action)
        if self.config.exemplar_values and on_step:
            valued = self._valued(messages, meter, step, extracted, meta)
            if valued is not None:
                extracted, reply, meta, grounded = valued
        meta["usage"] = meter.to_dict()
        self._last = (extracted.text if extracted else "", page)
        meta["prompt_format"] = self.format.to_dict()
        if extracted is None:
            self.history.append("(unreadable reply)")
            return self.unparsed_step(reply, meta)
        self.history.append(extracted.text)
        rationale = extracted.rationale
        if rationale.lower().startswith("rationale:"):
            rationale = rationale.split(":", 1)[1].strip()
        if grounded is None:
            return AgentStep(extracted.text, rationale, meta)
        meta["named_action"] = extracted.text  # the model named its element; the browser gets its id
        if grounded.error:
            meta["grounding_error"] = grounded.error
            self.pending_error = grounded.error  # shown on the next step, like a browser error
        return AgentStep(grounded.action, rationale, meta)

    def _choose(self, obs: Observation) -> AgentStep:
        """``decide=choose``: the action the model picks among those this page allows. An action already taken
        on this very page (url and tree) is not offered again: on an unchanged page it changes nothing, and
        on a page the episode came back to it starts the same loop again (fill A, fill B, fill A ...). The page
        is compared without its input state (values, focus, checked): a fill changes the field's value, which
        must not make the same page new again. Likewise a field given a value on this page is not given another
        one (fill A with "x", then "x y", ...; after an error, other spans fail the same way: a list is not an
        input, a disabled field stays disabled): no oracle episode of any split fills one field twice on one
        page."""
        llm = self.llm
        if not isinstance(llm, ChoosesContinuations):
            raise SymbioticGymError(f"distilled: decide=choose needs an in-process model (local:...), not {llm!r}")
        state = self.state(obs)
        page = f"{obs.get('url', '')}\n{without_state(self._axtree)}"
        given = {field for field, on in self._given if on == page}
        # a task is not done before the episode acted, nor while a value it typed waits to be submitted
        may_end = bool(self.history) and not self._typed_last()
        candidates = candidate_actions(self._axtree, state.goal, refs=self.format.refs, given=given, may_end=may_end)
        candidates = [c for c in candidates if (c, page) not in self._tried] or candidates
        primer: Message = {"role": "assistant", "content": self.answer_prefix()}
        t0 = time.perf_counter()
        choice = llm.choose(
            [*prompt_messages(state, self.format), primer], [f" {c}" for c in candidates], search=self.config.choice
        )
        seconds = time.perf_counter() - t0
        text = candidates[choice.index]
        extracted = extract_action(text, self.grammar)  # built by the grammar's printer: always parses
        meter = UsageMeter()
        meter.add([Completion(text, llm.model, choice.prompt_tokens, 0, seconds)])
        meta: dict[str, Any] = {
            "route": llm.route,
            "model": llm.model,
            "usage": meter.to_dict(),
            "raw": text,
            "choice": {
                "candidates": len(candidates),
                "logprob": round(choice.logprob, 4),
                "forwards": choice.forwards,
                "seconds": round(seconds, 4),
            },
            "prompt_format": self.format.to_dict(),
        }
        self._last = (text, page)
        self._tried.add(self._last)
        if extracted.action.name in VALUE_KINDS:
            self._given.add((str(extracted.action.args[0]), page))
        self.history.append(text)
        grounded = self._ground(extracted)
        if grounded is None:
            return AgentStep(text, "", meta)
        meta["named_action"] = text
        return AgentStep(grounded.action, "", meta)

    def _typed_last(self) -> bool:
        """Whether the episode's last action typed into a field (``fill``)."""
        try:
            return bool(self.history) and extract_action(self.history[-1], self.grammar).action.name == "fill"
        except ActionError:
            return False  # "(unreadable reply)": nothing was typed

    def _ends_task(self, extracted: ExtractedAction) -> bool:
        spec = self.grammar.get(extracted.action.name)
        return bool(spec and spec.terminal)

    def stop_confidence(self, messages: list[Message]) -> float:
        """The share of the answer's first-word probability (over the grammar's action names) that goes to
        actions ending the task. Needs a model that scores next tokens (in-process ones)."""
        import math

        if not isinstance(self.llm, ScoresFirstTokens):
            raise TypeError(f"{self.llm!r} cannot score next tokens")
        score = self.llm.first_token_logprobs
        names = list(self.grammar)
        scored = score([*messages, {"role": "assistant", "content": self.answer_prefix()}], [f" {n}(" for n in names])
        mass: dict[str, float] = {}
        ends: set[str] = set()
        for name, (token, logp) in zip(names, scored, strict=True):
            mass[token] = math.exp(logp)  # names that share a first token share its probability once
            if self.grammar[name].terminal:
                ends.add(token)
        return sum(mass[t] for t in ends) / (sum(mass.values()) or 1.0)

    def _unusable(
        self, extracted: ExtractedAction, grounded: Grounded | None, messages: list[Message], meta: dict[str, Any]
    ) -> str:
        """Why this answer should give way to the model's next-best one ("" when it should not)."""
        if self.config.skip_noops and self._changes_nothing(extracted, grounded):
            return "changes nothing on this page"
        if self._ends_task(extracted) and self.config.stop_gate > 0:
            if not isinstance(self.llm, ScoresFirstTokens):
                return ""
            confidence = self.stop_confidence(messages)
            meta["stop_confidence"] = round(confidence, 4)
            if confidence < self.config.stop_gate:
                return f"ends the task with confidence {confidence:.2f} < {self.config.stop_gate}"
        return ""

    def _changes_nothing(self, extracted: ExtractedAction, grounded: Grounded | None) -> bool:
        """Whether the action, carried out, would leave the page as it is: a field filled with, or a list set
        to, the value it already shows; a box checked that is checked (unchecked that is not)."""
        kind = extracted.action.name
        if kind not in ("fill", "select_option", "check", "uncheck") or (grounded is not None and grounded.error):
            return False
        try:
            action = parse_action(grounded.action) if grounded is not None else extracted.action
        except ActionError:
            return False
        element = self._element(action.bid) if action.bid is not None else None
        if element is None:
            return False
        if kind in ("check", "uncheck"):
            if element.role not in KIND_ROLES["check"]:
                return False
            checked = element.prop("checked") == ""  # shown as a bare flag when true ("checked=mixed" is neither)
            unchecked = element.prop("checked") is None
            return checked if kind == "check" else unchecked
        shown = element.prop("value")
        wanted = action.args[1] if len(action.args) > 1 else None
        return shown is not None and isinstance(wanted, str) and shown.strip() == wanted.strip()

    def _element(self, bid: str) -> ElementLine | None:
        """The current page's element with this id (the page's index built once, not per alternative)."""
        if self._page_index is None or self._page_index[0] != self._axtree:
            self._page_index = (self._axtree, element_index(self._axtree))
        return self._page_index[1].get(bid)

    def _next_best(
        self,
        messages: list[Message],
        meter: UsageMeter,
        current: tuple[ExtractedAction, str, dict[str, Any], Grounded | None],
        page: str,
        why: str,
        want: Callable[[Action], bool] | None = None,
        *,
        unusable: bool = True,
    ) -> tuple[ExtractedAction, str, dict[str, Any], Grounded | None]:
        """The model's likeliest other answer that is usable here (``current`` when it has none, or cannot
        rank its answers). With ``want``, the likeliest usable one that ``want`` accepts; if none does, the
        likeliest usable one when ``current`` itself is ``unusable``, else ``current``."""
        if not isinstance(self.llm, RanksCompletions) or self.config.alternatives < 1:
            return current
        rank = self.llm.ranked_completions
        first = current[0]
        primer: Message = {"role": "assistant", "content": self.answer_prefix()}
        beams = self.config.alternatives + 1  # the likeliest is usually the first answer again
        completions = rank([*messages, primer], beams, max_tokens=min(64, self.config.max_tokens))
        meter.add(completions)
        usable: list[tuple[ExtractedAction, str, Grounded | None]] = []
        for completion in completions:
            try:
                other = extract_action(completion.text, self.grammar)
            except ActionError:
                continue
            if other.text == first.text or (self._ends_task(first) and self._ends_task(other)):
                continue
            grounded = self._ground(other)
            if grounded is not None and grounded.error:
                continue
            if grounded is None and other.action.bid is not None and self._element(other.action.bid) is None:
                continue
            if self._last == (other.text, page) or self._changes_nothing(other, grounded):
                continue
            usable.append((other, completion.text, grounded))
        chosen = next((u for u in usable if want is None or want(u[0].action)), None)
        if chosen is None and want is not None and usable and unusable:
            chosen = usable[0]
        if chosen is None:
            current[2]["unreplaced"] = {"action": first.text, "why": why}
            return current
        other, text, grounded = chosen
        meta = {**current[2], "raw": text[:4000], "replaced": {"action": first.text, "why": why}}
        return other, text, meta, grounded

    def _forced(
        self, messages: list[Message], meter: UsageMeter, step: PlanStep, meta: dict[str, Any]
    ) -> tuple[ExtractedAction, str, dict[str, Any], Grounded | None] | None:
        """The plan's step with the model writing only its value: the answer is started with the action and
        its element (named as this page names it) and the model goes on from there; None when the step has
        no element this page has, or the model's ending does not make an action."""
        spec = self.grammar.get(step.kind)
        if spec is None:
            return None
        takes_element = bool(spec.params) and spec.params[0][0] == "bid"
        head: list[str] = []
        if takes_element:
            if step.element is None:
                return None  # a click on "some" element: the model's own choice stands
            element = resolve(step.kind, step.element, self._axtree)
            if element is None:
                return None
            head.append(repr(element.name if self.format.refs == "name" else element.bid))
        rest = spec.params[len(head) :]
        writes_value = bool(rest) and rest[0][2] is REQUIRED
        if writes_value and str not in param_types(rest[0][1]):
            return None  # a number (scroll, tab_focus) is not a step a plan names
        if writes_value and self.config.exemplar_values and step.value is not None:
            reply = f"{step.kind}({''.join(h + ', ' for h in head)}{step.value!r})"
        elif writes_value:  # up to the value's opening quote, the way Action prints a string
            text = f"{step.kind}({''.join(h + ', ' for h in head)}'"
            primer: Message = {"role": "assistant", "content": f"{self.answer_prefix()} {text}"}
            completion = self.llm.complete([*messages, primer], n=1, temperature=0.0, max_tokens=64, stop=["\n"])
            meter.add(completion)
            reply = text + completion[0].text
        else:
            reply = f"{step.kind}({', '.join(head)})"
        usable = self._carried_out(reply)
        if usable is None:
            return None
        extracted, grounded = usable
        first = meta.pop("unreplaced")
        return extracted, reply, {**meta, "raw": reply[:4000], "forced": first}, grounded

    def _valued(
        self,
        messages: list[Message],
        meter: UsageMeter,
        step: PlanStep,
        extracted: ExtractedAction,
        meta: dict[str, Any],
    ) -> tuple[ExtractedAction, str, dict[str, Any], Grounded | None] | None:
        """The action doing ``step`` with the step's value (exemplar_values): this task's value from its
        intent, or an answer this page shows; None when the model's own value stands."""
        action = extracted.action
        at = 1 if action.bid is not None else 0  # the value follows the element, if the action takes one
        if len(action.args) <= at or not isinstance(action.args[at], str):
            return None
        value = step.value
        if value is None and action.name in ("fill", "select_option") and self.task:
            value = nearest_span(self.task.intent, action.args[at])  # a slipped copy of the goal's text
        if value is None and step.reads_page and action.name == "send_msg_to_user":
            if self._on_page(action.args[at], step.shape):
                return None
            value = self._page_answer(messages, meter, step.shape, or_any=reports(action.args[at]))
        if value is None or value == action.args[at]:
            return None
        text = str(Action(action.name, (*action.args[:at], value, *action.args[at + 1 :])))
        usable = self._carried_out(text)
        if usable is None:
            return None
        other, grounded = usable
        return other, text, {**meta, "raw": text, "value_from": {"action": extracted.text, "value": value}}, grounded

    def _missing(
        self, step: PlanStep, meta: dict[str, Any]
    ) -> tuple[ExtractedAction, str, dict[str, Any], Grounded | None] | None:
        """A report that the task cannot be done, when the plan's next step acts on an element the goal names
        (the product, the post, the issue) right after the step that should show it (a search), and this page
        does not have it: where the exemplar found its item, this task's is not there. None otherwise."""
        assert self.guide is not None
        if not step.named_by_goal or step.element is None or resolve(step.kind, step.element, self._axtree):
            return None
        done = [parse_or_none(h) for h in self.history]
        at = position(self.guide.plan, done)
        if at == 0 or not done or done[-1] is None or not self.guide.plan[at - 1].matches(done[-1]):
            return None  # not right after the plan's previous step: the agent may be elsewhere
        text = str(Action("report_infeasible", (f"There is no {step.element!r} here.",)))
        usable = self._carried_out(text)
        if usable is None:
            return None
        extracted = usable[0]  # nothing on the page to ground: the report goes as it is
        was = meta.get("unreplaced", {}).get("action") or meta.get("raw", "")[:200]
        return extracted, text, {**meta, "raw": text, "missing": {"action": was, "element": step.element}}, None

    def _on_page(self, answer: str, shape: str = "") -> bool:
        """Whether an answer is one the page shows (or says the task cannot be done): not a report ('Done'),
        not the task's own words ('2' for "Which product is number 2?": the exemplar's answer was not its
        intent's, or its value would have come from there), and of the exemplar answer's ``shape``."""
        folded = " ".join(answer.split()).casefold()
        if folded in ("n/a", "not available"):
            return True
        if reports(answer) or says(self.task.intent if self.task else "", answer):
            return False
        if shape and answer_shape(answer) != shape:
            return False
        return folded in " ".join(self._axtree.split()).casefold()

    def _page_answer(
        self, messages: list[Message], meter: UsageMeter, shape: str = "", *, or_any: bool = False
    ) -> str | None:
        """The model's likeliest answer (by beam search over the answer alone) that the page shows, of this
        ``shape``; with ``or_any``, when none does, its likeliest answer of the shape (else any) that is not
        a report ('Done')."""
        if not isinstance(self.llm, RanksCompletions):
            return None
        rank = self.llm.ranked_completions
        opening = "send_msg_to_user('"
        primer: Message = {"role": "assistant", "content": f"{self.answer_prefix()} {opening}"}
        completions = rank([*messages, primer], max(2, self.config.alternatives + 1), max_tokens=32)
        meter.add(completions)
        answers = []
        for completion in completions:
            try:
                answer = extract_action(opening + completion.text, self.grammar).action.args[0]
            except (ActionError, IndexError):
                continue
            if isinstance(answer, str) and not reports(answer):
                answers.append(answer)
        shown = next((a for a in answers if self._on_page(a, shape)), None)
        if shown is not None or not or_any:
            return shown
        return next((a for a in answers if not shape or answer_shape(a) == shape), next(iter(answers), None))

    def _carried_out(self, text: str) -> tuple[ExtractedAction, Grounded | None] | None:
        """An action the agent wrote itself (a forced step, a value put in) as parsed and grounded on this
        page; None when it does not parse or names an element the page does not have."""
        try:
            extracted = extract_action(text, self.grammar)
        except ActionError:
            return None
        grounded = self._ground(extracted)
        return None if grounded is not None and grounded.error else (extracted, grounded)

    def _ground(self, extracted: ExtractedAction | None) -> Grounded | None:
        """A named action grounded on the current page (None: nothing to ground, or the model gives ids)."""
        if extracted is None or self.format.refs != "name":
            return None
        return ground(extracted.action, self._axtree)

    def history_entry(self, action: str, axtree: str) -> str:
        """An executed action as this agent's history shows it (named when the model names elements)."""
        return in_trained_form(action, axtree, self.format.refs)

    def prompt_texts(self) -> list[str]:
        return [*super().prompt_texts(), *self.history]

    def note_step(self, action: str, rationale: str, obs: Observation | None = None) -> None:
        """Another agent took this step on ``obs`` (the page this agent has not seen, when given)."""
        page = str(obs.get("axtree_txt", "")) if obs is not None else self._axtree
        self.history.append(self.history_entry(action, page))
        self.pending_error = ""
        self._last = None  # another agent acted: this agent's last action is not the one on the page

    def replace_last_action(self, action: str) -> None:
        """Speculative synthesis executed another action than this agent proposed: remember that one."""
        entry = self.history_entry(action, self._axtree)
        if self.history:
            self.history[-1] = entry
        else:
            self.history.append(entry)
        self.pending_error = ""
        if self._last is not None:  # the executed action is the one a repeat would repeat
            self._last = (entry, self._last[1])
