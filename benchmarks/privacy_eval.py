"""python -m benchmarks.privacy_eval: precision, recall and F2 of the private-data detector, per type.

On generated labelled texts (:mod:`symbiotic_gym.privacy.synthetic`): checksum-valid values in page-like
contexts (sentences, form fields of an accessibility tree) mixed with look-alikes that must not fire. A
finding is a true positive when it overlaps a labelled span of its type. F2 weighs recall twice as much as
precision: for privacy routing a miss (a leak) costs more than a false alarm (a step run locally).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.privacy_eval", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("--n", type=int, default=3000, help="number of generated texts (default: 3000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    return p


def evaluate(n: int, seed: int) -> dict:
    from symbiotic_gym.privacy import default_detector
    from symbiotic_gym.privacy.detector import TYPES
    from symbiotic_gym.privacy.synthetic import generate

    samples = generate(n, seed)
    det = default_detector()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    start = time.perf_counter()
    for sample in samples:
        found = det.scan(sample.text)
        matched = set()
        for f in found:
            hit = next(
                (i for i, (kind, s, e) in enumerate(sample.labels) if kind == f.type and f.start < e and s < f.end),
                None,
            )
            if hit is None:
                fp[f.type] += 1
            elif hit not in matched:
                tp[f.type] += 1
                matched.add(hit)
        for i, (kind, _, _) in enumerate(sample.labels):
            if i not in matched:
                fn[kind] += 1
    elapsed = time.perf_counter() - start
    rows = {}
    for kind in TYPES:
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
        rows[kind] = {"tp": tp[kind], "fp": fp[kind], "fn": fn[kind], "precision": p, "recall": r, "f2": f2}
    total = {k: sum(v[k] for v in rows.values()) for k in ("tp", "fp", "fn")}
    p = total["tp"] / (total["tp"] + total["fp"]) if total["tp"] + total["fp"] else 1.0
    r = total["tp"] / (total["tp"] + total["fn"]) if total["tp"] + total["fn"] else 1.0
    total.update(precision=p, recall=r, f2=5 * p * r / (4 * p + r) if p + r else 0.0)
    return {
        "n": n,
        "seed": seed,
        "types": rows,
        "micro": total,
        "texts_per_s": n / elapsed,
        "embedded_goals": embedded_goals(),
    }


def embedded_goals() -> dict:
    """On text the detector's author did not generate for it: the goals of the embedded suite's tasks.
    A private task whose goal holds one of its seeded values should fire; a public task's goal should not."""
    from symbiotic_gym.privacy import default_detector
    from symbiotic_gym.suites.embedded.private_values import find_values
    from symbiotic_gym.suites.embedded.tasks import load_tasks

    det = default_detector()
    with_value = fired = public = public_fired = 0
    for cfg in load_tasks().values():
        hit = bool(det.scan(cfg.intent))
        if cfg.private and find_values(cfg.intent):
            with_value += 1
            fired += hit
        elif not cfg.private:
            public += 1
            public_fired += hit
    return {
        "private_goals_with_values": with_value,
        "fired": fired,
        "public_goals": public,
        "public_fired": public_fired,
    }


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    report = evaluate(args.n, args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['n']} generated texts (seed {report['seed']})")
    print(f"{'type':16s} {'TP':>5s} {'FP':>4s} {'FN':>4s} {'precision':>9s} {'recall':>7s} {'F2':>6s}")
    for kind, v in [*report["types"].items(), ("micro", report["micro"])]:
        print(
            f"{kind:16s} {v['tp']:5d} {v['fp']:4d} {v['fn']:4d} {v['precision']:9.3f} {v['recall']:7.3f} {v['f2']:6.3f}"
        )
    g = report["embedded_goals"]
    print(
        f"embedded suite goals: {g['fired']}/{g['private_goals_with_values']} private goals holding a seeded value "
        f"fire; {g['public_fired']}/{g['public_goals']} public goals fire (false alarms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
