"""Run directories -> multi-task SFT datasets (TRL conversational ``messages``), with a data card.

Each recorded step of a kept episode becomes up to three examples (see :mod:`symbiotic_gym.distill.prompt`):
``action``, ``rationale_action`` and the auxiliary ``summary``. Episodes are kept by outcome (successful
only by default, or a minimum evaluator score); steps whose action failed in the browser are dropped;
identical examples are kept once. Splits are by task id, never by step: tasks of the suite's held-out split
(``test`` by default) are refused outright, and the validation tasks are chosen by a stable hash of the id,
so no task feeds both training and validation.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.distill.named_refs import to_named
from symbiotic_gym.distill.prompt import (
    ACTION_TARGET_KINDS,
    TARGET_KINDS,
    PromptFormat,
    State,
    action_target,
    multitask_target,
    prompt_messages,
    summary_target,
)
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.files import atomic_write_json, atomic_write_text
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.web.pruning import shows_element

CARD_FILE = "data_card.json"
WAIT_ACTIONS = ("noop(",)


@dataclass
class DatasetConfig:
    """What goes into a dataset (saved in its data card)."""

    kinds: tuple[str, ...] = ("rationale_action",)
    keep: str = field(
        default="success",
        metadata={"help": "which episodes: success (successful only) or all (every finished one)",
                  "choices": ("success", "all")},
    )  # fmt: skip
    min_reward: float | None = field(default=None, metadata={"help": "with --keep all: minimum evaluator score"})
    exclude_splits: tuple[str, ...] = ("test", "unseen")  # held-out values and never-seen templates
    # task ids never used either, whatever their split: e.g. the train tasks a speculative acceptance rate is
    # measured on, which a later student must not have trained on
    exclude_tasks: tuple[str, ...] = ()
    val_fraction: float = field(default=0.0, metadata={"help": "share of tasks (by id hash) for validation"})
    keep_failed_actions: bool = field(default=False, metadata={"help": "keep steps whose action failed"})
    keep_waits: bool = field(default=False, metadata={"help": "keep noop() steps (the oracle waiting for a page)"})
    # agents whose every executed action is teacher-approved: their episodes are kept whatever the outcome
    labelled_agents: tuple[str, ...] = ("speculative",)
    # near-copies of a template cost training time on a CPU budget and add little once its flow is learned
    max_per_template: int = field(
        default=0, metadata={"help": "at most N episodes of each task template, the first by task id (0: all)"}
    )
    # the auxiliary task is cheap to over-sample
    summary_every: int = field(default=1, metadata={"help": "one summary example per N steps"})
    prompt: PromptFormat = field(default_factory=PromptFormat)

    def __post_init__(self) -> None:
        bad = [k for k in self.kinds if k not in TARGET_KINDS]
        if bad or not self.kinds:
            raise SymbioticGymError(f"dataset kinds must be among {', '.join(TARGET_KINDS)}, got {list(self.kinds)}")
        if self.keep not in ("success", "all"):
            raise SymbioticGymError(f"keep must be 'success' or 'all', got {self.keep!r}")
        if not 0.0 <= self.val_fraction < 1.0:
            raise SymbioticGymError(f"val_fraction must be in [0, 1), got {self.val_fraction}")
        if not any(k in ACTION_TARGET_KINDS for k in self.kinds):
            raise SymbioticGymError("a dataset needs at least one action kind (action, rationale_action or multitask)")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["prompt"] = self.prompt.to_dict()
        return d


def portable_path(path: str | Path, *, outside: str = "absolute") -> str:
    """A run's path for a card that may be shipped: relative to the working directory when inside it (an
    absolute path names one machine's layout); outside it the absolute path (``outside="absolute"``) or,
    for a card that leaves this machine, only the folder's name (``outside="name"``)."""
    full = Path(path).resolve()
    try:
        return str(full.relative_to(Path.cwd().resolve()))
    except ValueError:
        return full.name if outside == "name" else str(full)


def is_validation(task_id: str, fraction: float) -> bool:
    if fraction <= 0:
        return False
    h = int(hashlib.sha256(task_id.encode()).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < fraction


def _example_id(messages: Sequence[dict[str, str]]) -> str:
    blob = json.dumps(list(messages), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class BuiltDataset:
    train: list[dict[str, Any]]
    validation: list[dict[str, Any]]
    card: dict[str, Any]


def _episode_kept(rec: dict[str, Any], cfg: DatasetConfig, agent: str = "") -> str | None:
    """None when the episode is used, else why not."""
    if rec.get("error"):
        return "error"
    if agent in cfg.labelled_agents:
        return None
    if cfg.keep == "success" and not rec.get("success"):
        return "not successful"
    if cfg.min_reward is not None and float(rec.get("reward") or 0.0) < cfg.min_reward:
        return "below min_reward"
    return None


def examples_from_episode(
    rec: dict[str, Any],
    steps: Sequence[dict[str, Any]],
    cfg: DatasetConfig,
    source: dict[str, Any],
    skipped_steps: Counter[str] | None = None,
) -> list[dict[str, Any]]:
    """The examples of one episode (before deduplication); ``skipped_steps`` counts steps left out and why."""
    out: list[dict[str, Any]] = []
    history: list[str] = []
    goal = str(rec.get("goal") or "")
    for i, step in enumerate(steps):
        action = str(step.get("action", "")).strip()
        failed = bool(step.get("error_after"))
        state = State(
            goal=goal,
            url=str(step.get("url", "")),
            axtree=str(step.get("axtree_txt", "")),
            history=tuple(history),
            last_error=str(step.get("last_action_error") or ""),
        )
        named = to_named(action, state.axtree) if cfg.prompt.refs == "name" else action
        history.append(named or action)
        spec = (step.get("meta") or {}).get("speculative")
        rationale = str(step.get("rationale", ""))
        if isinstance(spec, dict) and spec.get("decision") == "detour":
            # the student's mistake ran (it stays in the history); the target is the teacher's label of this page
            action, rationale, failed = str(spec.get("label", "")), str(spec.get("label_rationale", "")), False
            named = to_named(action, state.axtree) if cfg.prompt.refs == "name" else action
        if (failed and not cfg.keep_failed_actions) or (action.startswith(WAIT_ACTIONS) and not cfg.keep_waits):
            continue
        if named is None:  # its name leads to another element first: a target the student could not ground
            if skipped_steps is not None:
                skipped_steps["not nameable"] += 1
            continue
        meta = {**source, "task_id": rec["task_id"], "step": int(step.get("step", i + 1))}
        if isinstance(spec, dict):
            meta["decision"] = spec.get("decision", "")
            if meta["decision"] == "no_candidates":  # the teacher gave nothing: the action is unlabelled
                continue
        for kind in cfg.kinds:
            if kind == "summary":
                if i % max(1, cfg.summary_every):
                    continue
                target = summary_target(state.axtree, state.url)
            elif kind == "multitask":
                target = multitask_target(named, rationale, state.axtree, state.url)
            else:
                target = action_target(named, rationale, kind)
            messages = [*prompt_messages(state, cfg.prompt, kind), {"role": "assistant", "content": target}]
            out.append({"id": _example_id(messages), "kind": kind, "messages": messages, **meta})
    return out


def build_dataset(run_dirs: Iterable[str | Path], cfg: DatasetConfig | None = None) -> BuiltDataset:
    """Read the runs, filter, deduplicate and split by task id."""
    cfg = cfg or DatasetConfig()
    seen: set[str] = set()
    train: list[dict[str, Any]] = []
    val: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    steps_skipped: Counter[str] = Counter()
    runs_card: list[dict[str, Any]] = []
    excluded_tasks: set[str] = set()
    duplicates = 0
    per_template: Counter[str] = Counter()
    for root in run_dirs:
        run = RunDir(root)
        if not run.exists():
            raise SymbioticGymError(
                f"{root} is not a run directory (no config.json); pass folders written by benchmarks.run"
            )
        config = run.load_config()
        source = {"run": str(Path(root).name), "agent": str(config.get("agent", ""))}
        used = 0
        for rec in sorted(run.results(), key=lambda r: str(r["task_id"])):  # run order varies with workers
            if rec.get("split") in cfg.exclude_splits:
                excluded_tasks.add(rec["task_id"])
                skipped[f"split {rec.get('split')}"] += 1
                continue
            if rec["task_id"] in cfg.exclude_tasks:
                excluded_tasks.add(rec["task_id"])
                skipped["excluded task"] += 1
                continue
            why = _episode_kept(rec, cfg, source["agent"])
            if why:
                skipped[why] += 1
                continue
            template = str(rec.get("template") or rec["task_id"])
            if cfg.max_per_template and per_template[template] >= cfg.max_per_template:
                skipped["max_per_template"] += 1
                continue
            steps = run.trajectory(rec["task_id"])
            if not steps:
                skipped["no trajectory"] += 1
                continue
            per_template[template] += 1
            used += 1
            target = val if is_validation(rec["task_id"], cfg.val_fraction) else train
            for ex in examples_from_episode(rec, steps, cfg, source, steps_skipped):
                if ex["id"] in seen:
                    duplicates += 1
                    continue
                seen.add(ex["id"])
                target.append(ex)
        runs_card.append(
            {
                "run": portable_path(root),
                "agent": config.get("agent"),
                "agent_args": config.get("agent_args", {}),
                "models": config.get("models", {}),
                "suite": config.get("suite"),
                "episodes_used": used,
            }
        )
    leaked = {ex["task_id"] for ex in train + val} & excluded_tasks
    if leaked:  # cannot happen by construction; a guard against future edits
        raise SymbioticGymError(f"held-out tasks leaked into the dataset: {sorted(leaked)[:5]}")
    card = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": cfg.to_dict(),
        "runs": runs_card,
        "counts": _counts(train, val, cfg.prompt.refs, duplicates, dict(skipped), dict(steps_skipped)),
        "excluded_tasks": sorted(excluded_tasks),
    }
    if not train:
        raise SymbioticGymError(
            "the dataset is empty: no kept episode in these runs "
            f"(skipped: {dict(skipped) or 'none'}); try --keep all or add runs with successful episodes"
        )
    return BuiltDataset(train, val, card)


def _counts(
    train: list[dict[str, Any]],
    val: list[dict[str, Any]],
    refs: str,
    duplicates: int,
    skipped: dict[str, int],
    steps_skipped: dict[str, int],
) -> dict[str, Any]:
    """The data card's ``counts`` (one place, for built and merged datasets alike)."""
    return {
        "train": len(train),
        "validation": len(val),
        "by_kind": dict(Counter(ex["kind"] for ex in train + val)),
        "by_agent": dict(Counter(ex["agent"] for ex in train + val)),
        "train_tasks": len({ex["task_id"] for ex in train}),
        "validation_tasks": len({ex["task_id"] for ex in val}),
        "duplicates_dropped": duplicates,
        "episodes_skipped": skipped,
        "steps_skipped": steps_skipped,
        "decisions": dict(Counter(ex["decision"] for ex in train + val if ex.get("decision"))),
        **element_targets_shown(train + val, refs),
    }


def merge_datasets(folders: Sequence[str | Path]) -> BuiltDataset:
    """Saved datasets -> one, each example once (by id), each folder's examples in its own order.

    This is how an iteration adds a run to an earlier iteration's data without rebuilding it: a build's
    ``--max-per-template`` caps episodes across all its runs, so rebuilding with one more run would drop
    earlier episodes to make room. Every folder must share one prompt format (the prompts must be alike for
    the student to learn one format); the merged card keeps each folder's card under ``merged_from``.
    """
    if len(folders) < 2:
        raise SymbioticGymError("merging needs at least two dataset folders")
    train: list[dict[str, Any]] = []
    val: list[dict[str, Any]] = []
    seen: set[str] = set()
    duplicates = 0
    cards: list[dict[str, Any]] = []
    first: PromptFormat | None = None
    for folder in folders:
        fmt = PromptFormat.load(Path(folder))
        if fmt is None:
            raise SymbioticGymError(f"{folder} has no prompt_format.json; pass folders written by benchmarks.dataset")
        if first is None:
            first = fmt
        elif fmt != first:
            raise SymbioticGymError(
                f"{folder}'s prompt format {fmt.to_dict()} differs from {folders[0]}'s {first.to_dict()}; "
                "build both with the same prompt options"
            )
        card_path = Path(folder) / CARD_FILE
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
        cards.append({"folder": portable_path(folder), **card})
        has_val = (Path(folder) / "validation.jsonl").exists()
        for split, target in (("train", train), ("validation", val)):
            for row in load_examples(folder, split) if split == "train" or has_val else []:
                if row.get("id") in seen:
                    duplicates += 1
                    continue
                seen.add(str(row.get("id")))
                target.append(row)
    assert first is not None
    in_both = {ex["task_id"] for ex in train} & {ex["task_id"] for ex in val}
    if in_both:
        raise SymbioticGymError(
            f"tasks in one folder's train split and another's validation split: {sorted(in_both)[:5]}; "
            "build the folders with the same --val-fraction"
        )
    excluded = {t for c in cards for t in c.get("excluded_tasks", [])}
    leaked = excluded & {ex["task_id"] for ex in train + val}
    if leaked:  # one folder refused a task (held out, set aside) that another one holds
        raise SymbioticGymError(
            f"tasks one folder refused are in another: {sorted(leaked)[:5]}; rebuild that folder with "
            "the same --exclude-splits and --exclude-tasks"
        )
    config = dict(cards[0].get("config") or {"prompt": first.to_dict()})
    card = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": config,
        "runs": [r for c in cards for r in c.get("runs", [])],
        "counts": _counts(train, val, first.refs, duplicates, {}, {}),
        "excluded_tasks": sorted(excluded),
        "merged_from": cards,
    }
    return BuiltDataset(train, val, card)


def element_targets_shown(examples: Sequence[dict[str, Any]], refs: str = "bid") -> dict[str, int]:
    """How many action targets name an element (``click('12')``, ``fill('5', ...)``), and how many of those
    elements the prompt shows: a target the prompt cuts off can only be guessed (or memorised)."""
    from symbiotic_gym.agent.reply import extract_action
    from symbiotic_gym.web.actions import ActionError

    named = shown = 0
    for ex in examples:
        if ex.get("kind") not in ACTION_TARGET_KINDS:
            continue
        try:
            bid = extract_action(ex["messages"][-1]["content"]).action.bid
        except ActionError:
            continue
        if bid is None:
            continue
        named += 1
        shown += shows_element("\n".join(m["content"] for m in ex["messages"][:-1]), bid, refs)
    return {"element_targets": named, "element_targets_shown": shown}


def _card_markdown(card: dict[str, Any]) -> str:
    c = card["counts"]
    lines = [
        "# Data card",
        "",
        f"Created {card['created']}. Examples: {c['train']} train ({c['train_tasks']} tasks), "
        f"{c['validation']} validation ({c['validation_tasks']} tasks); {c['duplicates_dropped']} duplicates dropped.",
        "",
        f"- kinds: {c['by_kind']}",
        f"- by agent: {c['by_agent']}",
        f"- episodes skipped: {c['episodes_skipped'] or 'none'}",
        f"- held-out tasks refused: {len(card['excluded_tasks'])}",
    ]
    if c.get("decisions"):
        lines.append(f"- speculative decisions: {c['decisions']}")
    if c.get("element_targets"):
        share = 100 * c["element_targets_shown"] / c["element_targets"]
        lines.append(
            f"- targets naming an element that the prompt shows: {c['element_targets_shown']}/"
            f"{c['element_targets']} ({share:.1f}%)"
        )
    lines += ["", "## Runs", ""]
    lines += [
        f"- `{r['run']}`: agent {r['agent']}, models {r['models']}, {r['episodes_used']} episodes" for r in card["runs"]
    ]
    if card.get("merged_from"):
        lines += ["", "## Merged from", ""]
        lines += [
            f"- `{m['folder']}`: {m.get('counts', {}).get('train', '?')} train examples, "
            f"config {json.dumps(m.get('config', {}), sort_keys=True)}"
            for m in card["merged_from"]
        ]
    lines += ["", "## Config", "", "```json", json.dumps(card["config"], indent=2), "```", ""]
    return "\n".join(lines)


def save_dataset(ds: BuiltDataset, out: str | Path, *, hf: bool = True) -> Path:
    """``train.jsonl``, ``validation.jsonl``, ``hf/`` (datasets ``save_to_disk``), the prompt format and card."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", ds.train), ("validation", ds.validation)):
        atomic_write_text(out / f"{name}.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    PromptFormat.from_dict(ds.card["config"]["prompt"]).save(out)
    if hf:
        from datasets import Dataset, DatasetDict

        parts = {
            name: Dataset.from_list(rows) for name, rows in (("train", ds.train), ("validation", ds.validation)) if rows
        }
        DatasetDict(parts).save_to_disk(str(out / "hf"))
    atomic_write_json(out / CARD_FILE, ds.card)
    atomic_write_text(out / "DATA_CARD.md", _card_markdown(ds.card))
    return out


def load_examples(folder: str | Path, split: str = "train") -> list[dict[str, Any]]:
    path = Path(folder) / f"{split}.jsonl"
    if not path.exists():
        raise SymbioticGymError(f"{path} does not exist; build a dataset with: python -m benchmarks.dataset build")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise SymbioticGymError(f"{path}:{n}: not valid JSON ({err.msg})") from None
        if (
            not isinstance(row.get("messages"), list)
            or not row["messages"]
            or row["messages"][-1].get("role") != "assistant"
        ):
            raise SymbioticGymError(f"{path}:{n}: field 'messages' must be a chat ending with an assistant message")
        rows.append(row)
    return rows
