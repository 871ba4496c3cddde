"""Reading finished runs back: run directories, their episodes, and the rows a leaderboard groups them into."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.results.stats import rate_summary
from symbiotic_gym.results.summary import NOT_SCORED, injection_summary, scored


@dataclass
class LoadedRun:
    root: Path
    config: dict[str, Any]
    results: list[dict[str, Any]]


def load_run(path: str | Path) -> LoadedRun:
    run = RunDir(path)
    if not run.exists():
        raise SymbioticGymError(f"{path} is not a run directory (no config.json). Pass folders made by benchmarks.run.")
    return LoadedRun(Path(path), run.load_config(), run.results())


def agent_label(agent: str, args: dict[str, Any]) -> str:
    if not args:
        return agent
    return f"{agent}(" + ", ".join(f"{k}={v}" for k, v in sorted(args.items())) + ")"


def models_label(run: LoadedRun) -> str:
    """The models the run's episodes called, by route (``local=...; cloud=...``); "none" for agents without
    an LLM. Runs recorded before episodes listed what they called fall back to the configured roles."""
    used_local = any(r.get("tokens_in_local", 0) or r.get("tokens_out_local", 0) for r in run.results)
    used_cloud = any(r.get("tokens_in_cloud", 0) or r.get("tokens_out_cloud", 0) for r in run.results)
    if not (used_local or used_cloud):
        return "none"
    called: dict[str, set[str]] = {}
    for r in run.results:
        for route, names in (r.get("models_called") or {}).items():
            called.setdefault(route, set()).update(portable_label(n) for n in names)
    if called:
        return "; ".join(f"{route}={', '.join(sorted(called[route]))}" for route in sorted(called))
    models = run.config.get("models") or {}
    return f"large={portable_label(models.get('large'))}, small={portable_label(models.get('small'))}"


def portable_label(name: Any) -> str:
    """A model's name as runs record it now, also for runs recorded when local models were named by their
    folder's path (``local:/home/x/checkout/.../embedded-student``): the folder's name and content hash when it
    is still there, else its name, so rows from two checkouts pool."""
    text = str(name)
    if not text.startswith("local:") or "/" not in text:
        return text
    from symbiotic_gym.llm.base import LLMError
    from symbiotic_gym.llm.registry import model_label

    try:
        return model_label(text)
    except (LLMError, OSError, ValueError):
        return f"local:{Path(text.split(':', 1)[1]).name}"


@dataclass
class Row:
    """One leaderboard row: a configuration (agent, models, suite, split, evaluator mode) over 1+ runs."""

    agent: str
    models: str
    suite: str
    split: str
    eval_mode: str
    runs: list[str] = field(default_factory=list)
    episodes: list[dict[str, Any]] = field(default_factory=list)
    created: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.agent, self.models, self.suite, self.split, self.eval_mode)

    def stats(self, episodes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        eps = self.episodes if episodes is None else episodes
        counted = scored(eps)
        n = len(counted)
        return {
            **rate_summary(sum(bool(r["success"]) for r in counted), n),
            "not_scored": len(eps) - n,
            "errors": sum(bool(r.get("error")) for r in eps),
            "avg_steps": sum(r.get("steps", 0) for r in counted) / n if n else 0.0,
            "tokens_local": sum(r.get("tokens_in_local", 0) + r.get("tokens_out_local", 0) for r in eps),
            "tokens_cloud": sum(r.get("tokens_in_cloud", 0) + r.get("tokens_out_cloud", 0) for r in eps),
            "cost": sum(r.get("cost", 0.0) for r in eps),
            "wall_s": sum(r.get("wall_s", 0.0) for r in eps),
            "injection": injection_summary(eps),
        }

    def by_site(self) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in self.episodes:
            groups.setdefault("+".join(r.get("sites") or []) or "?", []).append(r)
        return {site: self.stats(eps) for site, eps in sorted(groups.items())}


def group_runs(paths: list[str | Path]) -> list[Row]:
    """Rows from run directories; runs of the same configuration are pooled (one episode per task and seed)."""
    rows: dict[tuple[str, ...], Row] = {}
    for path in paths:
        run = load_run(path)
        cfg = run.config
        label = agent_label(cfg.get("agent", "?"), cfg.get("agent_args") or {})
        models = models_label(run)
        by_mode: dict[str, list[dict[str, Any]]] = {}
        for r in run.results:
            by_mode.setdefault(r.get("eval_mode") or "stock", []).append(r)
        for mode, eps in by_mode.items():
            row = Row(label, models, cfg.get("suite", "?"), cfg.get("split", "?"), mode)
            row = rows.setdefault(row.key, row)
            row.runs.append(str(path))
            row.created = max(row.created, str(cfg.get("created", "")))
            seen = {(e["task_id"], e.get("seed")) for e in row.episodes}
            dup = 0
            for e in eps:
                if (e["task_id"], e.get("seed")) in seen:
                    dup += 1
                    continue
                row.episodes.append(e)
            if dup:
                print(
                    f"warning: {path}: {dup} episode(s) already counted from another run were skipped", file=sys.stderr
                )
    return sorted(rows.values(), key=lambda r: (-r.stats()["success_rate"], r.key))


PASS, FAIL, ERROR, NOT_SCORED_STATE = "pass", "fail", "error", "not_scored"


def episode_state(rec: dict[str, Any]) -> str:
    """What an episode says about its agent: pass, fail, error (it did not run to a score) or not_scored."""
    if rec.get("error"):
        return ERROR
    if rec.get("eval_status") in NOT_SCORED:
        return NOT_SCORED_STATE
    return PASS if rec.get("success") else FAIL


def outcomes(source: str | Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Per-task state (pass / fail / error / not_scored) of a run directory, a results.jsonl, or a JSON file
    (a summary.json with ``per_task`` and ``errored``, a ``{task_id: bool}`` mapping, or a list of records);
    plus what is known of its configuration."""
    path = Path(source)
    if path.is_dir():
        run = load_run(path)
        meta = {"eval_mode": _single_mode(run.results, path), "suite": run.config.get("suite")}
        return {r["task_id"]: episode_state(r) for r in run.results}, meta
    if not path.exists():
        raise SymbioticGymError(f"{source}: no such run directory or file")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".jsonl":
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SymbioticGymError(f"{source}: not valid JSON ({err})") from err
    if isinstance(data, dict) and isinstance(data.get("per_task"), dict):
        errored = set(data.get("errored") or ())
        states = {k: ERROR if k in errored else (PASS if v else FAIL) for k, v in data["per_task"].items()}
        states.update({k: NOT_SCORED_STATE for k in data.get("not_scored_tasks") or ()})
        return states, {"eval_mode": data.get("eval_mode"), "errors_listed": "errored" in data}
    if isinstance(data, list) and all(isinstance(r, dict) and "task_id" in r for r in data):
        return {r["task_id"]: episode_state(r) for r in data}, {"eval_mode": _single_mode(data, path)}
    if isinstance(data, dict) and all(isinstance(v, bool) for v in data.values()):
        return {k: PASS if v else FAIL for k, v in data.items()}, {}
    raise SymbioticGymError(
        f"{source}: expected a run directory, results.jsonl, a summary.json (with per_task), "
        "or a JSON object mapping task ids to true/false"
    )


def _single_mode(results: list[dict[str, Any]], path: Path) -> str | None:
    modes = {r.get("eval_mode") or "stock" for r in results}
    if len(modes) > 1:
        raise SymbioticGymError(f"{path} mixes evaluator modes {sorted(modes)}; compare one mode at a time")
    return next(iter(modes), None)
