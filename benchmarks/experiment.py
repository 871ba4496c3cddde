"""Stages shared by the experiments (``symbiosis``, ``distill_ablation``): library calls, not CLI argv lists.

Each stage calls the library function a CLI would (:func:`symbiotic_gym.runner.run`, the dataset builder,
:func:`symbiotic_gym.distill.train.train`, the knowledge base) and fails with a
:class:`~symbiotic_gym.errors.SymbioticGymError` that names the stage when its result cannot be used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError


def run_stage(
    out: Path,
    agent: str,
    agent_args: dict[str, Any] | None = None,
    *,
    split: str,
    limit: int = 0,
    tasks: str | None = None,
    max_steps: int = 15,
    workers: int = 1,
    seed: int = 0,
    suite: str = "embedded",
    large_model: str | None = None,
) -> Any:
    """One run in ``out``, resumed when ``out`` already holds part of it. Failed episodes are a result; a run
    whose every episode ended in an error is not, and raises."""
    from symbiotic_gym.runner import RunConfig, run

    result = run(
        RunConfig(
            agent=agent,
            agent_args=dict(agent_args or {}),
            suite=suite,
            split=split,
            tasks=tasks,
            limit=limit or None,
            max_steps=max_steps,
            seed=seed,
            workers=workers,
            large_model=large_model,
            out=out,
            resume=(out / "config.json").exists(),
            preflight=False,
        )
    )
    if result.all_errors:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.errors_by_kind.items()))
        raise SymbioticGymError(f"every episode of the {agent} run in {out} ended in an error ({kinds})")
    return result


def dataset_stage(
    runs: list[str | Path],
    out: Path,
    *,
    kinds: str,
    keep: str = "success",
    min_reward: float | None = None,
    max_obs_chars: int = 4000,
    max_obs_lines: int = 200,
    history: int = 8,
) -> Any:
    """Build and save (JSONL only) a distillation dataset from run directories."""
    from symbiotic_gym.distill.dataset import DatasetConfig, build_dataset, save_dataset
    from symbiotic_gym.distill.prompt import PromptFormat

    kind_list = tuple(k.strip() for k in kinds.split(",") if k.strip())
    fmt = PromptFormat(
        output="rationale_action" if "rationale_action" in kind_list else "action",
        max_obs_chars=max_obs_chars,
        max_obs_lines=max_obs_lines,
        history=history,
    )
    cfg = DatasetConfig(kinds=kind_list, keep=keep, min_reward=min_reward, prompt=fmt)
    ds = build_dataset([str(r) for r in runs], cfg)
    save_dataset(ds, out, hf=False)
    return ds


def train_stage(data: Path, out: Path, **fields: Any) -> dict[str, Any]:
    """Train on a dataset folder; ``fields`` are :class:`TrainConfig` fields."""
    from symbiotic_gym.distill.train import TrainConfig, train

    return train(TrainConfig.from_dict({"data": str(data), "out": str(out), **fields}, "experiment stage"))


def train_budget(args: Any) -> dict[str, Any]:
    """The TrainConfig fields both experiments expose as the same flags (--base-model, --train-steps,
    --batch-size, --lr, --max-length): the one training budget every distilled model of a run shares."""
    return {
        "base_model": args.base_model,
        "max_steps": args.train_steps,
        "batch_size": args.batch_size,
        "learning_rate": args.lr,
        "max_length": args.max_length,
    }
