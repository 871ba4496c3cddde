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

# flag name -> TrainConfig field, for flags whose names differ
RENAMES = {"lr": "learning_rate"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.train",
        description=__doc__.split(":", 1)[1].strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--config", metavar="YAML", help="defaults from a YAML/JSON file of TrainConfig fields; flags override"
    )
    p.add_argument("--data", help="dataset folder (benchmarks.dataset build)")
    p.add_argument("--out", help="output folder (model or adapter, tokenizer, config, data card, loss plot)")
    p.add_argument("--base-model", help="local (bundled SmolLM2-135M-Instruct) or a transformers model folder")
    method = p.add_mutually_exclusive_group()
    method.add_argument("--lora", dest="method", action="store_const", const="lora", help="LoRA adapter (default)")
    method.add_argument("--full", dest="method", action="store_const", const="full", help="full fine-tuning")
    p.add_argument("--kinds", help="train on these example kinds only (comma-separated)")
    p.add_argument("--epochs", type=float)
    p.add_argument("--max-steps", type=int, help="> 0: stop after this many optimizer steps")
    p.add_argument("--lr", type=float, help="learning rate (default 2e-4 LoRA, 2e-5 full)")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--grad-accum", type=int)
    p.add_argument("--max-length", type=int, help="longer examples are dropped (and counted), never cut")
    p.add_argument("--lora-r", type=int)
    p.add_argument("--lora-alpha", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--bf16", choices=("auto", "on", "off"))
    p.add_argument("--gradient-checkpointing", choices=("auto", "on", "off"))
    p.add_argument("--save-steps", type=int)
    p.add_argument("--logging-steps", type=int)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"))
    p.add_argument(
        "--no-group-by-length",
        dest="group_by_length",
        action="store_false",
        default=None,
        help="shuffle freely instead of batching examples of similar length",
    )
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
        field_name = RENAMES.get(key, key)
        if field_name == "kinds":
            value = tuple(x.strip() for x in str(value).split(",") if x.strip())
        if field_name in names:
            base[field_name] = value
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
