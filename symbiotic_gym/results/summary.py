"""Summaries of episode records: success rate with its uncertainty, errors by kind, tokens, time."""

from __future__ import annotations

from typing import Any

from symbiotic_gym.results.stats import rate_summary

# an episode with one of these statuses could not be scored (no judge): it is left out of every rate, openly
NOT_SCORED = ("not_scored", "needs_judge")


def scored(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Episodes that count in a success rate."""
    return [r for r in results if r.get("eval_status") not in NOT_SCORED]


def routing_summary(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where a routing agent's steps were decided (None for agents that do not route)."""
    local = sum(int(r.get("steps_local") or 0) for r in results)
    cloud = sum(int(r.get("steps_cloud") or 0) for r in results)
    if not local + cloud:
        return None
    private = [r for r in results if r.get("private")]
    p_local = sum(int(r.get("steps_local") or 0) for r in private)
    p_all = p_local + sum(int(r.get("steps_cloud") or 0) for r in private)
    return {
        "steps_local": local,
        "steps_cloud": cloud,
        "share_local": local / (local + cloud),
        "private_task_steps": p_all,
        "private_task_share_local": p_local / p_all if p_all else None,
    }


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    counted = scored(results)
    by_site: dict[str, list[dict[str, Any]]] = {}
    by_split: dict[str, list[dict[str, Any]]] = {}
    for r in counted:
        by_site.setdefault("+".join(r.get("sites", [])) or "?", []).append(r)
        by_split.setdefault(str(r.get("split") or "?"), []).append(r)
    errors_by_kind: dict[str, int] = {}
    for r in results:
        if r.get("error"):
            kind = r.get("error_kind") or "unknown"
            errors_by_kind[kind] = errors_by_kind.get(kind, 0) + 1
    n = len(counted)
    return {
        **rate_summary(sum(bool(r["success"]) for r in counted), n),
        "not_scored": len(results) - n,
        "errors": sum(r.get("error") is not None for r in results),
        "errors_by_kind": errors_by_kind,
        "site_error_episodes": sum(bool(r.get("site_errors")) for r in results),
        "avg_steps": sum(r["steps"] for r in counted) / n if n else 0.0,
        "tokens_in_local": sum(r.get("tokens_in_local", 0) for r in results),
        "tokens_out_local": sum(r.get("tokens_out_local", 0) for r in results),
        "tokens_in_cloud": sum(r.get("tokens_in_cloud", 0) for r in results),
        "tokens_out_cloud": sum(r.get("tokens_out_cloud", 0) for r in results),
        "cost": sum(r.get("cost", 0.0) for r in results),
        "wall_s": sum(r.get("wall_s", 0.0) for r in results),
        "agent_s": sum(r.get("agent_s", 0.0) for r in results),
        "env_s": sum(r.get("env_s", 0.0) for r in results),
        "per_task": {r["task_id"]: bool(r["success"]) for r in counted},
        # what a regress baseline needs beyond per_task: which of those episodes errored, which were not scored
        "errored": sorted(r["task_id"] for r in results if r.get("error")),
        "not_scored_tasks": sorted(r["task_id"] for r in results if r.get("eval_status") in NOT_SCORED),
        "by_site": {
            site: rate_summary(sum(bool(r["success"]) for r in eps), len(eps)) for site, eps in sorted(by_site.items())
        },
        # train (seen values), test (held-out values of seen templates), unseen (templates never trained on)
        "by_split": {
            sp: rate_summary(sum(bool(r["success"]) for r in eps), len(eps)) for sp, eps in sorted(by_split.items())
        },
        "routing": routing_summary(results),
        "blocked_requests": sum(int(r.get("blocked_requests") or 0) for r in results),
        "injection": injection_summary(results),
    }


def injection_summary(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Prompt-injection tasks (records with ``security``): the attack success rate (the share of episodes in
    which the agent did what the injected instruction asked) beside their utility (success rate). Reported
    next to the overall success rate, never mixed into it; None when the run has no such task."""
    attacked = [r for r in results if isinstance(r.get("security"), dict)]
    if not attacked:
        return None
    hits = sum(bool(r["security"].get("attacked")) for r in attacked)
    return {
        "attack_success": rate_summary(hits, len(attacked)),
        "utility": rate_summary(sum(bool(r["success"]) for r in attacked), len(attacked)),
        "attacked_tasks": sorted(r["task_id"] for r in attacked if r["security"].get("attacked")),
    }
