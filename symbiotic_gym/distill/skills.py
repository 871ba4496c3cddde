"""Skill examples: one-step tasks made on the recorded page states of train-split episodes.

The oracle's trajectories teach the student the procedures of the train templates. These examples teach
what transfers to a procedure it has not seen, each on a real page the teacher visited (a train-split task
only: held-out splits are refused, as :func:`symbiotic_gym.distill.dataset.build_dataset` refuses them):

* ``click`` -- "Click the button 'Save'." -> ``click('Save')`` (the element the goal names);
* ``navigate`` -- "Go to the Orders page." -> ``click('Orders')`` (the link that leads to a named page);
* ``fill`` -- "Type 'Maple@Harbor19' into the New password field." -> ``fill('New password', 'Maple@Harbor19')``
  (values from the train tasks' goals and the teacher's own typed values);
* ``select`` -- "Choose Processing in the Status list." -> ``select_option('Status', 'Processing')``;
* ``answer`` -- "What does this page show for Price?" -> ``send_msg_to_user('$12.99')`` (a ``label: value``
  text of the page);
* ``infeasible`` -- "Click the link 'Milestones' on this page." on a page without it -> ``report_infeasible(...)``.

Each target is one of the candidates :func:`symbiotic_gym.distill.candidates.candidate_actions` offers for
that page and goal, so the examples train exactly the choice the ``decide=choose`` agent makes. The prompt
is the student's own (:func:`symbiotic_gym.distill.prompt.prompt_messages`) with an empty history.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symbiotic_gym.distill.candidates import candidate_actions, page_texts
from symbiotic_gym.distill.dataset import BuiltDataset, _counts, _example_id, portable_path
from symbiotic_gym.distill.named_refs import KIND_ROLES, resolve_among
from symbiotic_gym.distill.prompt import PromptFormat, State, action_target, prompt_messages
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.web.actions import Action, parse_action
from symbiotic_gym.web.observation import ElementLine, parse_elements

SKILLS = ("click", "navigate", "fill", "select", "answer", "infeasible")
HELD_OUT_SPLITS = ("test", "unseen")
CLICK_ROLES = frozenset({"button", "link", "tab", "menuitem", "checkbox", "radio", "option"})

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "click": ("Click the {role} '{name}'.", "Press '{name}'.", "Click {name}."),
    "navigate": ("Go to the {name} page.", "Open {name}.", "Show me {name}."),
    "fill": (
        "Type '{value}' into the {name} field.",
        "Set {name} to {value}.",
        "Enter {value} as the {name}.",
    ),
    "select": ("Choose {value} in the {name} list.", "Set {name} to {value}."),
    "answer": ("What does this page show for {label}?", "Tell me the {label} shown here.", "What is the {label}?"),
    # "on this page": the link may well be one menu away; what is infeasible is this page's click
    "infeasible": ("Click the {role} '{name}' on this page.", "Open '{name}' from this page."),
}
_QUOTED = re.compile(r"'([^']+)'")
_LABELLED = re.compile(r"^(?P<label>[A-Za-z][\w ()/#.-]{1,40}):\s+(?P<value>\S.{0,60})$")


@dataclass(frozen=True)
class SkillConfig:
    """What a skill dataset holds (saved in its data card)."""

    per_state: int = 2  # skill examples made on each distinct page state
    seed: int = 0
    skills: tuple[str, ...] = SKILLS

    def __post_init__(self) -> None:
        unknown = [s for s in self.skills if s not in SKILLS]
        if unknown:
            raise SymbioticGymError(f"unknown skills {unknown}; use some of {', '.join(SKILLS)}")


def _named(elements: list[ElementLine], kind: str, roles: frozenset[str]) -> list[ElementLine]:
    """Elements of these roles that the student can name (the name leads back to them)."""
    out = []
    for e in elements:
        name = e.name.strip()
        if e.role in roles and name and name == e.name and len(name) <= 60:
            found = resolve_among(kind, name, elements)
            if found is not None and found.bid == e.bid:
                out.append(e)
    return out


def _labelled_texts(axtree: str) -> list[tuple[str, str]]:
    out = []
    for text in page_texts(axtree):
        m = _LABELLED.match(text)
        if m:
            out.append((m.group("label").strip(), m.group("value").strip()))
    return out


def _skill(
    skill: str,
    axtree: str,
    elements: list[ElementLine],
    values: Sequence[str],
    absent: Sequence[str],
    rng: random.Random,
) -> tuple[str, Action] | None:
    """(goal, target action) of one skill on this page, or None when the page offers none."""
    template = rng.choice(_TEMPLATES[skill])
    if skill in ("click", "navigate"):
        roles = frozenset({"link"}) if skill == "navigate" else CLICK_ROLES
        options = _named(elements, "click", roles)
        if not options:
            return None
        e = rng.choice(options)
        return template.format(role=e.role, name=e.name), Action("click", (e.name,))
    if skill in ("fill", "select"):
        kind = "fill" if skill == "fill" else "select_option"
        options = _named(elements, kind, KIND_ROLES[kind])
        if not options:
            return None
        e = rng.choice(options)
        pool = [o.name for o in elements if o.role == "option"] if skill == "select" else list(values)
        pool = [v for v in pool if v and v != e.prop("value")]
        if not pool:
            return None
        value = rng.choice(pool)
        return template.format(value=value, name=e.name), Action(kind, (e.name, value))
    if skill == "answer":
        labelled = _labelled_texts(axtree)
        if not labelled:
            return None
        label, value = rng.choice(labelled)
        return template.format(label=label), Action("send_msg_to_user", (value,))
    missing = [n for n in absent if n not in axtree]
    if not missing:
        return None
    name = rng.choice(missing)
    goal = template.format(role="link", name=name)
    return goal, Action("report_infeasible", (f"There is no {name}.",))


def _states(run: RunDir, excluded: set[str]) -> Iterator[tuple[str, str, str]]:
    """(task id, url, page) of every recorded step of the run's train-split episodes."""
    for rec in sorted(run.results(), key=lambda r: str(r["task_id"])):
        if rec.get("split") in HELD_OUT_SPLITS or not rec.get("split"):
            excluded.add(str(rec["task_id"]))
            continue
        for step in run.trajectory(rec["task_id"]):
            axtree = str(step.get("axtree_txt", ""))
            if axtree:
                yield str(rec["task_id"]), str(step.get("url", "")), axtree


def _train_values(run: RunDir) -> list[str]:
    """Values to type: the quoted texts of the train goals and the teacher's typed values (train split only)."""
    out: list[str] = []
    for rec in run.results():
        if rec.get("split") in HELD_OUT_SPLITS or not rec.get("split"):
            continue
        out.extend(_QUOTED.findall(str(rec.get("goal") or "")))
        for step in run.trajectory(rec["task_id"]):
            try:
                action = parse_action(str(step.get("action", "")))
            except SymbioticGymError:
                continue
            if action.name == "fill" and len(action.args) > 1 and isinstance(action.args[1], str):
                out.append(action.args[1])
    return [v for v in dict.fromkeys(out) if 0 < len(v) <= 80]


def build_skill_dataset(
    run_dirs: Iterable[str | Path], fmt: PromptFormat, cfg: SkillConfig | None = None
) -> BuiltDataset:
    """Skill examples (see the module doc) on the page states of the runs' train-split episodes."""
    cfg = cfg or SkillConfig()
    rng = random.Random(cfg.seed)
    train: list[dict[str, Any]] = []
    seen_pages: set[str] = set()
    seen: set[str] = set()
    excluded: set[str] = set()
    unusable: Counter[str] = Counter()
    runs_card = []
    for root in run_dirs:
        run = RunDir(root)
        if not run.exists():
            raise SymbioticGymError(f"{root} is not a run directory (no config.json); pass folders from benchmarks.run")
        values = _train_values(run)
        states = list(_states(run, excluded))
        link_names = sorted({e.name for _, _, ax in states for e in parse_elements(ax) if e.role == "link" and e.name})
        for task_id, url, axtree in states:
            digest = hashlib.sha256(axtree.encode()).hexdigest()
            if digest in seen_pages:
                continue
            seen_pages.add(digest)
            elements = parse_elements(axtree)
            made_here = 0
            for skill in rng.sample(list(cfg.skills), k=len(cfg.skills)):
                if made_here >= cfg.per_state:
                    break
                got = _skill(skill, axtree, elements, values, link_names, rng)
                if got is None:
                    continue
                goal, action = got
                target = str(action)
                if target not in candidate_actions(axtree, goal, refs=fmt.refs):
                    unusable[skill] += 1  # the agent could not choose it: not an example of its choice
                    continue
                state = State(goal=goal, url=url, axtree=axtree)
                reply = {"role": "assistant", "content": action_target(target, "", "action")}
                messages = [*prompt_messages(state, fmt, "action"), reply]
                ex_id = _example_id(messages)
                if ex_id in seen:
                    continue
                seen.add(ex_id)
                made_here += 1
                source = {"run": Path(root).name, "agent": "skills", "task_id": task_id, "skill": skill}
                train.append({"id": ex_id, "kind": "action", "messages": messages, **source})
        config = run.load_config()
        episodes = len({task_id for task_id, _, _ in states})
        runs_card.append(
            {
                "run": portable_path(root),
                "agent": config.get("agent"),
                "models": config.get("models", {}),
                "episodes_used": episodes,
                "pages": len(states),
            }
        )
    if not train:
        raise SymbioticGymError("no skill example could be made: the runs hold no train-split page states")
    by_skill = Counter(ex["skill"] for ex in train)
    card = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": {"prompt": fmt.to_dict(), "skills": list(cfg.skills), "per_state": cfg.per_state, "seed": cfg.seed},
        "runs": runs_card,
        "counts": {
            **_counts(train, [], fmt.refs, 0, {}, {}),
            "by_skill": dict(by_skill),
            "not_candidates": dict(unusable),
        },
        "excluded_tasks": sorted(excluded),
    }
    return BuiltDataset(train, [], card)


__all__ = ["SKILLS", "SkillConfig", "build_skill_dataset"]
