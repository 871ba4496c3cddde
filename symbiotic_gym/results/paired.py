"""A table of runs over the same tasks, each row paired with a reference row by an exact McNemar test.

This is how an ablation is read: rows are labelled runs (``"distilled, action only" -> runs/eval/act``),
success rates carry n, the standard error and the 95% Wilson interval, and the difference to the reference
row is counted on the tasks both scored (fixes: the row solves what the reference does not; regressions:
the reverse) with the exact two-sided McNemar p-value. Errored and unscored episodes are left out of n and
counted apart. For a distilled model the row also gives its training time (``train_stats.json`` of the
``local:`` folder the run's agent used) and the median model time per step.

With a trajectory reference (a run of a teacher that solves the tasks, e.g. the oracle on the same tasks
and seed), each row also says how far its episodes follow the teacher: on how many tasks the first action
is the teacher's, and the mean number of leading steps that are (actions compared as parsed, so element
ids must name the same elements: the same suite, task and seed). A student at 0% that gets the first
steps right is learning; one that gets none right is not.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.results.runs import ERROR, FAIL, NOT_SCORED_STATE, PASS, LoadedRun, episode_state, load_run
from symbiotic_gym.results.stats import mcnemar_exact, rate_summary


@dataclass
class Comparison:
    paired: list[str]
    regressions: list[str]
    fixes: list[str]
    baseline_sr: float
    candidate_sr: float
    candidate_all_sr: float
    candidate_n: int
    only_baseline: list[str]
    only_candidate: list[str]
    p_value: float


def compare(base: dict[str, bool], cand: dict[str, bool]) -> Comparison:
    """Pair two {task: solved} maps (only scored tasks belong in them): the flips both ways and the exact
    McNemar p-value. ``benchmarks.regress`` gates on it; :func:`paired_table` builds its rows with it."""
    paired = sorted(set(base) & set(cand))
    regressions = [t for t in paired if base[t] and not cand[t]]
    fixes = [t for t in paired if cand[t] and not base[t]]
    n = len(paired)
    return Comparison(
        paired=paired,
        regressions=regressions,
        fixes=fixes,
        baseline_sr=sum(base[t] for t in paired) / n if n else 0.0,
        candidate_sr=sum(cand[t] for t in paired) / n if n else 0.0,
        candidate_all_sr=sum(cand.values()) / len(cand) if cand else 0.0,
        candidate_n=len(cand),
        only_baseline=sorted(set(base) - set(cand)),
        only_candidate=sorted(set(cand) - set(base)),
        p_value=mcnemar_exact(len(regressions), len(fixes)),
    )


@dataclass
class PairedRow:
    label: str
    run: str
    agent: str
    model: str
    split: str
    n: int
    successes: int
    success_rate: float
    stderr: float
    wilson95: tuple[float, float]
    errors: int
    not_scored: int
    reference: str = ""  # the label this row is paired with ("" for the reference itself)
    paired_n: int = 0
    fixes: int = 0
    regressions: int = 0
    p_value: float | None = None
    train_minutes: float | None = None
    median_step_s: float | None = None
    followed_n: int = 0  # tasks compared with the trajectory reference
    first_step_right: int = 0
    mean_steps_right: float | None = None
    mean_reference_steps: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _model_folder(config: dict[str, Any]) -> Path | None:
    args = config.get("agent_args") or {}
    for key in ("model", "student_model", "small"):
        spec = str(args.get(key) or "")
        if spec.startswith("local:") and Path(spec[6:]).is_dir():
            return Path(spec[6:])
    return None


def _train_minutes(folder: Path | None) -> float | None:
    stats = folder / "train_stats.json" if folder else None
    if stats is None or not stats.exists():
        return None
    runtime = json.loads(stats.read_text()).get("runtime_s")
    return round(float(runtime) / 60, 1) if runtime is not None else None


def _median_step_s(root: Path, task_ids: list[str]) -> float | None:
    run = RunDir(root)
    times = [
        float(step["meta"]["usage"]["latency_s"])
        for task in task_ids
        for step in run.trajectory(task)
        if (step.get("meta") or {}).get("usage", {}).get("calls")
    ]
    return round(statistics.median(times), 2) if times else None


def _canonical(action: str) -> str:
    from symbiotic_gym.web.actions import ActionError, parse_action

    try:
        return str(parse_action(action))
    except ActionError:
        return action.strip()


class _Teacher:
    """The trajectory reference: its solved episodes' actions, read once for every row."""

    def __init__(self, run: LoadedRun) -> None:
        trajectories = RunDir(run.root)
        self.actions = {
            r["task_id"]: [_canonical(s["action"]) for s in trajectories.trajectory(r["task_id"])]
            for r in run.results
            if episode_state(r) == PASS
        }

    def follow(self, row: PairedRow, root: Path, task_ids: list[str]) -> None:
        """Fill the row's agreement with the teacher's actions, task by task, from the first step."""
        run = RunDir(root)
        right, lengths = [], []
        for task in (t for t in task_ids if t in self.actions):
            want = self.actions[task]
            got = [_canonical(s["action"]) for s in run.trajectory(task)]
            k = 0
            while k < min(len(want), len(got)) and want[k] == got[k]:
                k += 1
            right.append(k)
            lengths.append(len(want))
        row.followed_n = len(right)
        if right:
            row.first_step_right = sum(k >= 1 for k in right)
            row.mean_steps_right = round(sum(right) / len(right), 2)
            row.mean_reference_steps = round(sum(lengths) / len(lengths), 2)


def _row(label: str, run: LoadedRun) -> tuple[PairedRow, dict[str, bool]]:
    states = {r["task_id"]: episode_state(r) for r in run.results}
    scored = {t: s == PASS for t, s in states.items() if s in (PASS, FAIL)}
    summary = rate_summary(sum(scored.values()), len(scored))
    folder = _model_folder(run.config)
    splits = sorted({str(r.get("split") or "") for r in run.results} - {""})
    row = PairedRow(
        label=label,
        run=str(run.root),
        agent=str(run.config.get("agent", "")),
        model=str(folder) if folder else str((run.config.get("agent_args") or {}).get("model", "")),
        split="+".join(splits) or str(run.config.get("split", "")),
        n=summary["n"],
        successes=summary["successes"],
        success_rate=summary["success_rate"],
        stderr=summary["stderr"],
        wilson95=tuple(summary["wilson95"]),
        errors=sum(s == ERROR for s in states.values()),
        not_scored=sum(s == NOT_SCORED_STATE for s in states.values()),
        train_minutes=_train_minutes(folder),
        median_step_s=_median_step_s(run.root, sorted(states)),
    )
    return row, scored


def paired_table(
    rows: list[tuple[str, str | Path]], reference: str | None = None, *, follow: str | Path | None = None
) -> list[PairedRow]:
    """One :class:`PairedRow` per ``(label, run directory)``; every row but the reference is paired with
    ``reference`` (a label) on the tasks both scored; by default each row is paired with the first row of its
    own split (rows of different splits share no task). A pair with no task in common gets no p-value.
    ``follow``: a run whose solved episodes are the trajectory reference (see the module docstring)."""
    if not rows:
        raise SymbioticGymError("give at least one LABEL=RUN_DIR row")
    labels = [label for label, _ in rows]
    if len(set(labels)) != len(labels):
        raise SymbioticGymError(f"row labels must be unique, got {labels}")
    if reference is not None and reference not in labels:
        raise SymbioticGymError(f"the reference {reference!r} is not a row label ({', '.join(labels)})")
    built = {label: _row(label, load_run(root)) for label, root in rows}
    teacher = _Teacher(load_run(follow)) if follow is not None else None
    first_of_split: dict[str, str] = {}
    for label in labels:
        first_of_split.setdefault(built[label][0].split, label)
    out = []
    for label in labels:
        row, scores = built[label]
        ref = reference or first_of_split[row.split]
        if label != ref:
            c = compare(built[ref][1], scores)
            row.reference, row.paired_n = ref, len(c.paired)
            row.fixes, row.regressions = len(c.fixes), len(c.regressions)
            row.p_value = c.p_value if c.paired else None
        if teacher is not None:
            teacher.follow(row, Path(row.run), sorted(scores))
        out.append(row)
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def render_markdown(rows: list[PairedRow]) -> str:
    follows = any(r.followed_n for r in rows)
    head = (
        "| row | split | n | success % ± SE | 95% CI | vs | +fixed / −lost (paired n) | McNemar p "
        "| training min | model s/step |"
    )
    head += " first step right | leading steps right |" if follows else ""
    lines = [head, "|" + "---|" * (12 if follows else 10)]
    for r in rows:
        paired = "reference"
        if r.reference:
            paired = f"+{r.fixes} / −{r.regressions} ({r.paired_n})" if r.paired_n else "no task in common"
        line = (
            f"| {r.label} | {r.split} | {r.n} | {_pct(r.success_rate)} ± {_pct(r.stderr)} "
            f"| {_pct(r.wilson95[0])}–{_pct(r.wilson95[1])} | {r.reference or '—'} | {paired} "
            f"| {'—' if r.p_value is None else f'{r.p_value:.3g}'} "
            f"| {'—' if r.train_minutes is None else r.train_minutes} "
            f"| {'—' if r.median_step_s is None else r.median_step_s} |"
        )
        if follows:
            line += (
                f" {r.first_step_right}/{r.followed_n} | {r.mean_steps_right} of {r.mean_reference_steps} |"
                if r.followed_n
                else " — | — |"
            )
        lines.append(line)
    extra = [f"{r.label}: {r.errors} errored, {r.not_scored} not scored" for r in rows if r.errors or r.not_scored]
    return "\n".join(lines + (["", *extra] if extra else [])) + "\n"
