"""python -m benchmarks.privacy_eval: precision, recall and F2 of the private-data detector, per type,
on labelled sets side by side (see benchmarks/privacy_sets.py for where each set comes from).

    python -m benchmarks.privacy_eval                          # synthetic + faker (+ presidio if installed)
    python -m benchmarks.privacy_eval --set web --set web-mimesis  # 16 locales, web contexts, per locale
    python -m benchmarks.privacy_eval --set presidio --n 3000 --errors 20
    python -m benchmarks.privacy_eval --set presidio --export presidio.jsonl   # save a set ...
    python -m benchmarks.privacy_eval --set presidio.jsonl                     # ... and score it elsewhere

Span rows: a label is recalled when a finding of its type overlaps it (adjacent parts of one address are
one label); a finding on no label of its type is a false positive. Text rows: share of texts holding a
private value that are flagged (recall), share of flagged texts that hold one (precision).
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.util import find_spec
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.privacy_eval",
        description=__doc__.split(":", 1)[1].split("\n\n")[0].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        help="synthetic | faker | presidio | web | web-mimesis | PATH.jsonl (repeatable; default: synthetic, "
        "faker, web, web-mimesis when mimesis is installed, and presidio when presidio-evaluator is installed)",
    )
    p.add_argument("--n", type=int, default=3000, help="texts per generated set (default: 3000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--errors", type=int, default=0, help="print up to N missed values and N false alarms per set")
    p.add_argument("--export", metavar="FILE.jsonl", help="write the (single) set as JSONL instead of scoring it")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def evaluate(sets: list[str], n: int, seed: int, errors: int = 0) -> dict[str, Any]:
    from benchmarks.privacy_sets import load_set, versions
    from symbiotic_gym.privacy.evaluation import score

    report: dict[str, Any] = {
        "n": n,
        "seed": seed,
        "versions": versions(
            ("symbiotic-gym", "phonenumbers", "python-stdnum", "babel", "faker", "mimesis", "presidio-evaluator")
        ),
        "sets": {},
    }
    for name in sets:
        samples = load_set(name, n, seed)
        by_locale = all(s.source.startswith("web:") for s in samples)
        report["sets"][name] = score(samples, keep_errors=errors, group=_locale if by_locale else None)
    report["embedded_goals"] = embedded_goals()
    return report


def _locale(sample: Any) -> str:
    return sample.source.split(":")[1]


def embedded_goals() -> dict:
    """On text the detector's author did not generate for it: the goals of the embedded suite's tasks.
    A private task whose goal holds one of its seeded values should fire; a public task's goal should not."""
    from symbiotic_gym.privacy import default_detector
    from symbiotic_gym.suites.embedded.private_values import find_values
    from symbiotic_gym.suites.embedded.task_configs import load_tasks

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


def format_report(report: dict[str, Any]) -> str:
    names = list(report["sets"])
    kinds: list[str] = []
    for name in names:
        kinds += [k for k in report["sets"][name]["types"] if k not in kinds]
    width = 30
    lines = [
        f"seed {report['seed']}, up to {report['n']} texts per generated set; "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items()),
        "span recall / precision / F2 (TP FP FN) per type:",
        f"{'':16s}" + "".join(f"{name[:width]:>{width + 2}s}" for name in names),
    ]

    def cell(row: dict[str, Any] | None) -> str:
        if row is None:
            return f"{'-':>{width + 2}s}"
        text = f"{row['recall']:.3f}/{row['precision']:.3f}/{row['f2']:.3f} ({row['tp']} {row['fp']} {row['fn']})"
        return f"{text:>{width + 2}s}"

    for kind in [*kinds, "micro"]:
        rows = [report["sets"][n]["micro"] if kind == "micro" else report["sets"][n]["types"].get(kind) for n in names]
        lines.append(f"{kind:16s}" + "".join(cell(r) for r in rows))
    lines.append("text level: recall / precision (texts with private values, flagged, all):")
    for name in names:
        t = report["sets"][name]["texts"]
        lines.append(
            f"  {name}: recall {t['recall']:.4f}, precision {t['precision']:.4f} "
            f"({t['private']} private, {t['flagged']} flagged, {t['n']} texts; "
            f"{report['sets'][name]['texts_per_s']:,.0f} texts/s)"
        )
    for name in names:
        groups = report["sets"][name].get("groups")
        if not groups:
            continue
        lines.append(f"  {name} by locale: text recall / precision (private, flagged, texts):")
        for loc, t in groups.items():
            lines.append(
                f"    {loc:6s} {t['recall']:.3f} / {t['precision']:.3f} ({t['private']}, {t['flagged']}, {t['n']})"
            )
    for name in names:
        errs = report["sets"][name].get("errors")
        if not errs:
            continue
        for what in ("missed", "false_alarm"):
            for e in errs[what]:
                lines.append(f"  [{name} {what} {e['type']}] {e['value']!r} in {e['text'][:160]!r}")
    g = report["embedded_goals"]
    lines.append(
        f"embedded suite goals: {g['fired']}/{g['private_goals_with_values']} private goals holding a seeded value "
        f"fire; {g['public_fired']}/{g['public_goals']} public goals fire (false alarms)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sets = args.sets or [
        "synthetic",
        "faker",
        "web",
        *(["web-mimesis"] if find_spec("mimesis") else []),
        *(["presidio"] if find_spec("presidio_evaluator") else []),
    ]
    if args.export:
        from benchmarks.privacy_sets import load_set

        if len(sets) != 1:
            raise SystemExit("--export writes one set: give exactly one --set")
        samples = load_set(sets[0], args.n, args.seed)
        with open(args.export, "w", encoding="utf-8") as f:
            for s in samples:
                f.write(json.dumps(s.to_json(), ensure_ascii=False) + "\n")
        print(f"wrote {len(samples)} labelled texts of set {sets[0]!r} (seed {args.seed}) to {args.export}")
        return 0
    report = evaluate(sets, args.n, args.seed, args.errors)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
