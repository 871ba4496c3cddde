"""python -m benchmarks.kb: build, inspect and query the knowledge base of trajectories.

    python -m benchmarks.kb build --kb runs/kb RUN_DIR... [--iteration N] [--successful-only] [--no-dense]
    python -m benchmarks.kb stats --kb runs/kb
    python -m benchmarks.kb query --kb runs/kb "change my password" [--k 5] [--mode bm25|dense|hybrid]

``build`` adds the episodes of the given runs to the knowledge base in ``--kb`` (created if missing):
entries already present are skipped, only new ones are embedded, and every text is redacted first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.kb", description=__doc__.split(":", 1)[1].strip())
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="add runs to a knowledge base")
    b.add_argument("runs", nargs="+", metavar="RUN_DIR")
    b.add_argument("--kb", required=True, metavar="DIR")
    b.add_argument("--iteration", type=int, default=0, help="symbiosis iteration the runs belong to")
    b.add_argument("--successful-only", action="store_true", help="index successful episodes only")
    b.add_argument("--no-dense", action="store_true", help="BM25 only (no embedding model needed)")
    s = sub.add_parser("stats", help="what a knowledge base holds")
    s.add_argument("--kb", required=True, metavar="DIR")
    q = sub.add_parser("query", help="retrieve entries")
    q.add_argument("--kb", required=True, metavar="DIR")
    q.add_argument("text")
    q.add_argument("--k", type=int, default=5)
    q.add_argument("--mode", default="hybrid", choices=("bm25", "dense", "hybrid"))
    q.add_argument("--full", action="store_true", help="print the retrieved trajectories")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.knowledge import grow_knowledge_base
    from symbiotic_gym.knowledge.base import KnowledgeBase

    try:
        if args.command == "build":
            folder = Path(args.kb)
            start = time.perf_counter()
            kb, added, read = grow_knowledge_base(
                folder,
                args.runs,
                iteration=args.iteration,
                successful_only=args.successful_only,
                dense=not args.no_dense,
            )
            print(
                f"{added} new entries ({read - added} already present) from {len(args.runs)} run(s) "
                f"in {time.perf_counter() - start:.1f} s -> {folder}: {json.dumps(kb.stats())}"
            )
        elif args.command == "stats":
            print(json.dumps(KnowledgeBase.load(args.kb).stats(), indent=2))
        else:
            kb = KnowledgeBase.load(args.kb)
            start = time.perf_counter()
            hits = kb.search(args.text, args.k, args.mode)
            ms = 1000 * (time.perf_counter() - start)
            for h in hits:
                e = h.entry
                outcome = "success" if e.success else "failure"
                print(f"{h.rank}. {e.id} {e.task_id} [{outcome}, {e.agent}, it {e.iteration}] {e.intent[:90]}")
                if args.full:
                    print("   " + e.render().replace("\n", "\n   "))
            print(f"({args.mode}, {ms:.1f} ms)")
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
