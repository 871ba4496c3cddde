"""The distilled student shipped inside the package: the embedded suite's default small model.

It is a LoRA adapter (safetensors) on the bundled SmolLM2-135M-Instruct, trained by this project on the
embedded suite's train split (``scripts/train-student.sh`` reproduces it), with its ``prompt_format.json``,
data card, ``train_stats.json`` and loss plot in the same folder. The ``small`` role defaults to it when it
is present; otherwise to the bundled base model.

Beside it, ``exemplars/`` is a knowledge base of the oracle's successful train-split trajectories (redacted,
BM25, no dense vectors): the worked examples the ``distilled`` agent follows with ``-A exemplars=shipped``,
so exemplar guidance needs no oracle run and knowledge-base build of one's own. Only train-split tasks may be
in it: it guides the held-out test tasks of the same templates.
"""

from __future__ import annotations

from pathlib import Path

# where the packaged student lives belongs to the LLM layer, which resolves model specs (and gives the small
# role's default, llm.local.default_small_spec); the export writes there
from symbiotic_gym.llm.local import SHIPPED_STUDENT

__all__ = [
    "SHIPPED_EXEMPLARS",
    "SHIPPED_FILES",
    "SHIPPED_STUDENT",
    "exemplars_folder",
    "export_exemplars",
    "export_student",
    "ships_exemplars",
]

SHIPPED_EXEMPLARS = SHIPPED_STUDENT / "exemplars"
SHIPPED_EXEMPLARS_SPEC = "shipped"  # the ``exemplars`` setting that names them


# what the shipped folder keeps from a training output folder (the base model's tokenizer is the same)
SHIPPED_FILES = (
    "adapter_config.json",
    "prompt_format.json",
    "data_card.json",
    "train_config.json",
    "train_stats.json",
    "loss.csv",
    "loss.png",
)


def _strip_machine_paths(dest: Path) -> None:
    """The shipped cards name no path of the machine that trained them: a run folder becomes its path
    relative to the working directory, the bundled base model's cache folder becomes ``local``."""
    import json

    from symbiotic_gym.distill.dataset import portable_path
    from symbiotic_gym.llm.local import cache_root

    card_path = dest / "data_card.json"
    if card_path.exists():
        card = json.loads(card_path.read_text())
        for run in card.get("runs", []):
            if Path(str(run.get("run", ""))).is_absolute():
                run["run"] = portable_path(run["run"], outside="name")
        card_path.write_text(json.dumps(card, indent=2) + "\n")
    stats_path = dest / "train_stats.json"
    if stats_path.exists():
        stats = json.loads(stats_path.read_text())
        base = str(stats.get("base_model", ""))
        if base.startswith(str(cache_root())):
            stats["base_model"] = "local"
            stats_path.write_text(json.dumps(stats, indent=2) + "\n")


def export_student(model_dir: str | Path, dest: str | Path = SHIPPED_STUDENT, *, reproduce: str = "") -> Path:
    """Copy a trained LoRA folder to ``dest`` with the adapter weights in float16 (half the size; the
    loader casts them back to the base model's dtype), its cards and stats, and a README naming
    ``reproduce``, the command that made it."""
    import json
    import shutil

    from safetensors.torch import load_file, save_file

    from symbiotic_gym.errors import SymbioticGymError

    src, dest = Path(model_dir), Path(dest)
    weights = src / "adapter_model.safetensors"
    if not weights.exists():
        raise SymbioticGymError(f"{src} has no adapter_model.safetensors: export a LoRA training folder")
    dest.mkdir(parents=True, exist_ok=True)
    import torch

    tensors = {k: v.to(torch.float16).contiguous() for k, v in load_file(str(weights)).items()}
    save_file(tensors, str(dest / "adapter_model.safetensors"), metadata={"format": "pt"})
    for name in SHIPPED_FILES:
        if (src / name).exists():
            shutil.copyfile(src / name, dest / name)
    _strip_machine_paths(dest)
    config = json.loads((dest / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "local"  # the bundled SmolLM2, wherever this install keeps it
    (dest / "adapter_config.json").write_text(json.dumps(config, indent=2) + "\n")
    stats = json.loads((src / "train_stats.json").read_text()) if (src / "train_stats.json").exists() else {}
    (dest / "README.md").write_text(
        "# The embedded suite's distilled student\n\n"
        "A LoRA adapter (float16 safetensors) on the bundled SmolLM2-135M-Instruct, trained by symbiotic-gym "
        "on oracle trajectories of the embedded suite's train split. Its prompt is `prompt_format.json`; the "
        "data it saw is `data_card.json`; training numbers are `train_stats.json`, `loss.csv` and `loss.png`.\n\n"
        f"Reproduce: `{reproduce or 'bash scripts/train-student.sh'}`\n\n"
        f"Training: {stats.get('examples', '?')} examples, {stats.get('steps', '?')} optimizer steps, "
        f"{stats.get('runtime_s', '?')} s on {stats.get('device', '?')}, final loss {stats.get('final_loss', '?')}.\n"
    )
    return dest


def ships_exemplars() -> bool:
    """Whether this install has the shipped exemplars (the knowledge base beside the shipped student)."""
    return (SHIPPED_EXEMPLARS / "meta.json").exists()


def exemplars_folder(spec: str) -> Path:
    """The knowledge-base folder an ``exemplars`` setting names: ``shipped`` is the one beside the shipped
    student, anything else a folder."""
    from symbiotic_gym.errors import SymbioticGymError

    if spec != SHIPPED_EXEMPLARS_SPEC:
        return Path(spec)
    if not ships_exemplars():
        raise SymbioticGymError(
            f"this install ships no exemplars ({SHIPPED_EXEMPLARS} is missing): build a knowledge base of train-split "
            "trajectories (python -m benchmarks.kb build --kb KB RUN_DIR --successful-only --no-dense) and pass "
            "exemplars=KB"
        )
    return SHIPPED_EXEMPLARS


def export_exemplars(kb_dir: str | Path, dest: str | Path = SHIPPED_EXEMPLARS, *, reproduce: str = "") -> Path:
    """Write the knowledge base in ``kb_dir`` to ``dest`` as the shipped exemplars, with a README naming
    ``reproduce``. Refused when an entry is not an embedded train-split task: the exemplars guide the held-out
    tasks, which must not guide themselves."""
    import shutil

    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.knowledge.base import KnowledgeBase
    from symbiotic_gym.suites.embedded.task_configs import load_tasks

    kb = KnowledgeBase.load(kb_dir)
    tasks = load_tasks()
    outside = sorted({e.task_id for e in kb.entries if e.task_id not in tasks or tasks[e.task_id].split != "train"})
    if outside:
        raise SymbioticGymError(
            f"{kb_dir}: {len(outside)} tasks are not of the embedded suite's train split "
            f"(e.g. {', '.join(outside[:3])}); the shipped exemplars may hold train tasks only (build the knowledge "
            "base from a --split train run)"
        )
    dest = Path(dest)
    if dest.exists() and dest.resolve() != Path(kb_dir).resolve():
        shutil.rmtree(dest)  # no file of an earlier knowledge base stays behind (kb.save writes its own only)
    kb.save(dest)
    templates = {tasks[e.task_id].template_id for e in kb.entries}
    agents = ", ".join(sorted({e.agent for e in kb.entries}))
    successful = sum(e.success for e in kb.entries)
    index = "BM25 and dense vectors" if kb.dense else "BM25 index, no dense vectors"
    (dest / "README.md").write_text(
        "# Exemplars for the embedded suite\n\n"
        f"A knowledge base of {len(kb.entries)} trajectories ({successful} successful; agent: {agents}) of "
        f"{len(templates)} templates of the embedded suite's train split (values redacted; {index}). The "
        "`distilled` agent follows the successful ones with `-A exemplars=shipped`, and the shipped student does "
        "by default (`exemplars=auto`; `-A exemplars=none` turns it off; README, Distillation). No "
        "test or unseen-split task is in it.\n\n"
        f"Reproduce: `{reproduce or 'see README'}`\n"
    )
    return dest
