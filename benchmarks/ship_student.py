"""python -m benchmarks.ship_student MODEL_DIR: make a trained LoRA folder the package's shipped student.

    python -m benchmarks.ship_student runs/student/model [--dest symbiotic_gym/models/embedded-student]
    python -m benchmarks.ship_student --exemplars runs/kb-train     (the exemplars only)

A thin layer over :func:`symbiotic_gym.distill.shipped.export_student`: float16 adapter weights, the
prompt format, data card, training config, stats and loss plot, and a README with the reproduce command;
``--exemplars KB`` also ships a knowledge base of train-split trajectories beside it
(:func:`~symbiotic_gym.distill.shipped.export_exemplars`, ``-A exemplars=shipped``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from symbiotic_gym.distill.shipped import SHIPPED_STUDENT, export_exemplars, export_student
    from symbiotic_gym.errors import SymbioticGymError

    p = argparse.ArgumentParser(prog="python -m benchmarks.ship_student", description=__doc__.splitlines()[0])
    p.add_argument("model", metavar="MODEL_DIR", nargs="?", help="a benchmarks.train output folder (LoRA)")
    p.add_argument("--dest", default=str(SHIPPED_STUDENT), help="where to write it (default: inside the package)")
    p.add_argument("--reproduce", default="bash scripts/train-student.sh", help="the command that made it")
    p.add_argument("--exemplars", metavar="KB", help="a knowledge base of train-split trajectories to ship beside it")
    p.add_argument(
        "--exemplars-reproduce",
        default="bash scripts/train-student.sh (its oracle run), then python -m benchmarks.kb build --kb KB "
        "runs/student/oracle --successful-only --no-dense",
        help="the commands that made the knowledge base",
    )
    args = p.parse_args(argv)
    if not args.model and not args.exemplars:
        p.error("give MODEL_DIR, --exemplars KB or both")
    try:
        if args.model:
            out = export_student(args.model, args.dest, reproduce=args.reproduce)
            size = (out / "adapter_model.safetensors").stat().st_size
            print(f"shipped student written to {out} (adapter {size / 1e6:.1f} MB)")
        if args.exemplars:
            kb = export_exemplars(args.exemplars, Path(args.dest) / "exemplars", reproduce=args.exemplars_reproduce)
            print(f"shipped exemplars written to {kb}")
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
