"""python -m benchmarks.train: distill a small model on a dataset from benchmarks.dataset (TRL + PEFT).

    python -m benchmarks.train --data runs/data/mt --out runs/models/mt [--lora | --full]
        [--base-model local] [--epochs 2] [--max-steps N] [--lr 2e-4] [--batch-size 4] [--grad-accum 4]
        [--max-length 2048] [--kinds rationale_action,summary] [--config train.yaml]

The loss is on the assistant tokens only. Checkpoints are saved under OUT/checkpoints and the same command
resumes from the newest one. On CUDA, bf16 and gradient checkpointing are on by default. Several GPUs:
``accelerate launch --config_file benchmarks/accelerate/multi_gpu.yaml -m benchmarks.train ...``.
The output folder is a model spec: ``--small-model local:OUT`` or ``--agent distilled -A model=local:OUT``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    """Flags generated from :class:`TrainConfig` (its help metadata); ``--lora``/``--full`` pick the method."""
    from symbiotic_gym.config_flags import add_dataclass_flags
    from symbiotic_gym.distill.train import TrainConfig

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.train",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--config", metavar="YAML", help="defaults from a YAML/JSON file of TrainConfig fields; flags override"
    )
    method = p.add_mutually_exclusive_group()
    method.add_argument("--lora", dest="method", action="store_const", const="lora", help="LoRA adapter (default)")
    method.add_argument("--full", dest="method", action="store_const", const="full", help="full fine-tuning")
    p.add_argument("--kinds", help="train on these example kinds only (comma-separated)")
    # every flag defaults to None, so a --config file's values are overridden only by flags actually given
    add_dataclass_flags(p, TrainConfig, skip=("method", "kinds"), rename={"learning_rate": "lr"}, unset_defaults=True)
    return p


def config_from_args(args: argparse.Namespace) -> object:
    from symbiotic_gym.distill.train import TrainConfig
    from symbiotic_gym.errors import SymbioticGymError

    base: dict[str, object] = {}
    if args.config:
        path = Path(args.config)
        if not path.exists():
            raise SymbioticGymError(f"--config {path} does not exist")
        import yaml

        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as err:
            raise SymbioticGymError(f"{path}: not valid YAML ({err})") from None
        if not isinstance(loaded, dict):
            raise SymbioticGymError(f"{path}: expected a mapping of TrainConfig fields")
        base.update(loaded)
    names = {f.name for f in fields(TrainConfig)}
    for key, value in vars(args).items():
        if key == "config" or value is None:
            continue
        if key == "kinds":
            value = tuple(x.strip() for x in str(value).split(",") if x.strip())
        if key in names:
            base[key] = value
    return TrainConfig.from_dict(base, str(args.config or "command line"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.distill.train import train
    from symbiotic_gym.errors import SymbioticGymError

    try:
        cfg = config_from_args(args)
        stats = train(cfg)  # type: ignore[arg-type]
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps({k: v for k, v in stats.items() if k != "versions"}, indent=2))
    print(f"model saved to {cfg.out}: use it with --agent distilled -A model=local:{cfg.out}")  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
