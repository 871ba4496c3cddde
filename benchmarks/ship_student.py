"""python -m benchmarks.ship_student MODEL_DIR: make a trained LoRA folder the package's shipped student.

    python -m benchmarks.ship_student runs/student/model [--dest symbiotic_gym/models/embedded-student]

A thin layer over :func:`symbiotic_gym.distill.shipped.export_student`: float16 adapter weights, the
prompt format, data card, training config, stats and loss plot, and a README with the reproduce command.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from symbiotic_gym.distill.shipped import SHIPPED_STUDENT, export_student
    from symbiotic_gym.errors import SymbioticGymError

    p = argparse.ArgumentParser(prog="python -m benchmarks.ship_student", description=__doc__.splitlines()[0])
    p.add_argument("model", metavar="MODEL_DIR", help="a benchmarks.train output folder (LoRA)")
    p.add_argument("--dest", default=str(SHIPPED_STUDENT), help="where to write it (default: inside the package)")
    p.add_argument("--reproduce", default="bash scripts/train-student.sh", help="the command that made it")
    args = p.parse_args(argv)
    try:
        out = export_student(args.model, args.dest, reproduce=args.reproduce)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    size = (out / "adapter_model.safetensors").stat().st_size
    print(f"shipped student written to {out} (adapter {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
