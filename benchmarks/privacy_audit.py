"""python -m benchmarks.privacy_audit: prove that nothing private reached a cloud model in a run.

Reads ``RUN_DIR/cloud_requests.jsonl`` (one line per request sent to a cloud-route model, logged before
sending: hash, the detector's findings on the request as sent, a redacted copy) and counts a leak for a
request in which the detector found private data, or whose logged copy still holds one of the exact
private values seeded in the embedded suite (values the detector missed would survive redaction, so this
catches them). Also prints the routing distribution: the share of steps decided locally, overall, on
tasks flagged private, and per private-data type (the paper's Figure 4), with ``--plot``.
Exit 1 on any leak.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.privacy_audit", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("run", metavar="RUN_DIR")
    p.add_argument("--plot", default=None, metavar="PNG", help="bar chart of the share of steps routed locally by type")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def audit(root: Path) -> dict[str, Any]:
    from symbiotic_gym.results.run_dir import RunDir, read_jsonl
    from symbiotic_gym.results.runs import load_run
    from symbiotic_gym.suites.embedded.private_values import find_values

    run = load_run(root)
    requests = read_jsonl(root / "cloud_requests.jsonl")
    leaks = []
    for i, req in enumerate(requests):
        seeded = find_values(json.dumps(req.get("redacted"), ensure_ascii=False))
        if req.get("findings") or seeded:
            leaks.append(
                {"request": i, "episode": req.get("episode"), "detector": req.get("findings"), "seeded_values": seeded}
            )
    steps_by_route: Counter[str] = Counter()
    private_task_steps: Counter[str] = Counter()
    by_type: dict[str, Counter[str]] = {}
    private_tasks = {r["task_id"] for r in run.results if r.get("private")}
    rd = RunDir(root)
    routed_steps = 0
    for rec in run.results:
        for step in rd.trajectory(rec["task_id"]):
            meta = step.get("meta") or {}
            privacy = meta.get("privacy") if isinstance(meta, dict) else None
            route = (privacy or {}).get("decided_route") or step.get("route") or "local"
            routed_steps += privacy is not None
            steps_by_route[route] += 1
            if rec["task_id"] in private_tasks:
                private_task_steps[route] += 1
            for kind in (privacy or {}).get("types") or []:
                by_type.setdefault(kind, Counter())[route] += 1

    def share(c: Counter[str]) -> dict[str, Any]:
        n = sum(c.values())
        return {"steps": n, "local": c["local"], "share_local": c["local"] / n if n else 0.0}

    return {
        "run": str(root),
        "cloud_requests": len(requests),
        "leaks": leaks,
        "steps": share(steps_by_route),
        "steps_with_routing_decision": routed_steps,
        "private_task_steps": share(private_task_steps),
        "private_tasks": len(private_tasks),
        "by_type": {k: share(v) for k, v in sorted(by_type.items())},
    }


def plot(report: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(report["by_type"])
    shares = [100 * report["by_type"][k]["share_local"] for k in kinds]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(kinds) + 2), 3.6))
    ax.bar(kinds, shares, color="#55A868")
    ax.set_ylabel("steps routed to the local model (%)")
    ax.set_ylim(0, 105)
    for i, k in enumerate(kinds):
        ax.text(i, shares[i] + 1, f"n={report['by_type'][k]['steps']}", ha="center", fontsize=7)
    ax.set_title(f"overall local share {100 * report['steps']['share_local']:.0f}% of {report['steps']['steps']} steps")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    try:
        report = audit(Path(args.run))
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.plot:
        plot(report, args.plot)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        s, p = report["steps"], report["private_task_steps"]
        print(f"cloud-bound requests: {report['cloud_requests']}; leaks: {len(report['leaks'])}")
        for leak in report["leaks"][:20]:
            print(f"  LEAK request {leak['request']} ({leak['episode']}): {leak['detector']} {leak['seeded_values']}")
        print(f"steps routed locally: {s['local']}/{s['steps']} ({100 * s['share_local']:.1f}%)")
        print(
            f"steps of the {report['private_tasks']} private tasks routed locally: {p['local']}/{p['steps']} "
            f"({100 * p['share_local']:.1f}%)"
        )
        for kind, v in report["by_type"].items():
            print(f"  {kind:16s} {v['local']:4d}/{v['steps']:<4d} local ({100 * v['share_local']:.0f}%)")
    return 1 if report["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
