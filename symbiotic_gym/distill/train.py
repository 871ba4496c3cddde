"""Supervised distillation with TRL's ``SFTTrainer`` (LoRA through PEFT, or full fine-tuning).

Examples are conversational prompt-completion pairs (the system and user turns are the prompt, the
assistant turn the completion), so the loss falls on the assistant tokens only. The output folder is
self-contained: the adapter (or full model) and tokenizer, the exact ``train_config.json``, the dataset's
``prompt_format.json`` and ``data_card.json``, the loss history (``loss.csv``, ``loss.png``) and
``train_stats.json`` (tokens/s, runtime, final loss). Checkpoints go to ``OUT/checkpoints``; running the same
command again resumes from the newest one.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symbiotic_gym.distill.dataset import CARD_FILE, load_examples
from symbiotic_gym.distill.prompt import PROMPT_FILE, PromptFormat
from symbiotic_gym.errors import SymbioticGymError, reject_unknown_fields
from symbiotic_gym.llm.precision import native_bf16

CONFIG_FILE = "train_config.json"
STATS_FILE = "train_stats.json"


AUTO_ON_OFF = ("auto", "on", "off")


def _f(default: Any, text: str, **meta: Any) -> Any:
    """A field with its CLI help (``benchmarks.train`` generates its flags from these)."""
    return field(default=default, metadata={"help": text, **meta})


@dataclass
class TrainConfig:
    """Everything a training run depends on (saved as ``train_config.json``)."""

    data: str = _f("", "dataset folder (benchmarks.dataset build)")
    out: str = _f("", "output folder (model or adapter, tokenizer, config, data card, loss plot)")
    base_model: str = _f("local", "local (bundled SmolLM2-135M-Instruct) or a transformers model folder")
    method: str = _f("lora", "lora or full")
    init_adapter: str = _f(
        "",
        "warm start: continue training this LoRA adapter folder (e.g. the shipped student) instead of a new one; "
        "its rank, alpha and layers must match --lora-r, --lora-alpha and --lora-layers",
    )
    kinds: tuple[str, ...] = _f((), "train on these example kinds only (default: all in the dataset)")
    epochs: float = _f(1.0, "passes over the data")
    max_steps: int = _f(-1, "> 0: stop after this many optimizer steps (overrides epochs)")
    learning_rate: float | None = _f(None, "learning rate (default 2e-4 LoRA, 2e-5 full)")
    batch_size: int = _f(4, "examples per device batch")
    grad_accum: int = _f(1, "gradient accumulation steps")
    max_length: int = _f(2048, "longer examples are dropped (and counted), never cut")
    lora_r: int = _f(16, "LoRA rank")
    lora_alpha: int = _f(32, "LoRA alpha")
    lora_dropout: float = _f(0.05, "LoRA dropout")
    lora_layers: int = _f(
        0,
        "LoRA on the top N decoder layers only (0: all). The frozen layers below need no backward pass: "
        "at 10 of SmolLM2's 30 layers a step costs about half",
    )
    warmup_ratio: float = _f(0.03, "share of steps with a rising learning rate")
    seed: int = _f(0, "training seed")
    bf16: str = _f(
        "auto",
        "bf16 base weights and compute, adapters kept in fp32 (auto: on with CUDA that supports it; on a "
        "CPU, even one with native bf16, it measured no faster than fp32, so auto keeps fp32 there)",
        choices=AUTO_ON_OFF,
    )
    gradient_checkpointing: str = _f("auto", "recompute activations (auto: on with CUDA)", choices=AUTO_ON_OFF)
    logging_steps: int = _f(5, "log the loss every N steps")
    save_steps: int = _f(200, "checkpoint every N steps")
    save_total_limit: int = _f(2, "checkpoints kept")
    device: str = _f("auto", "where to train", choices=("auto", "cpu", "cuda"))
    engine: str = _f(
        "lean",
        "lean: our loop (output head on completion tokens only, token-budget batches); trl: TRL's SFTTrainer",
        choices=("lean", "trl"),
    )
    batch_tokens: int = _f(1024, "lean engine: padded tokens per micro-batch (bounds memory; batch-size is TRL's)")
    frozen_cache_gb: float = _f(
        2.0,
        "lean engine with --lora-layers: keep up to this many GB of the hidden states entering the first "
        "trained layer (float16), so every epoch after the first skips the frozen layers below (0: off)",
    )
    aux_weight: float = _f(
        1.0,
        "lean engine: the loss weight of each completion token after the first line (a multitask target's "
        "rationale and page summary) against 1 for the action line's tokens; 1: a plain token mean, under which "
        "~150 summary tokens drown a ~15-token action",
    )
    threads: int = _f(0, "torch CPU threads (0: one per core)")
    group_by_length: bool = _f(
        True,
        "shuffle freely instead of batching examples of similar length (less padding computed for nothing)",
        flag="--no-group-by-length",
    )

    def __post_init__(self) -> None:
        if self.method not in ("lora", "full"):
            raise SymbioticGymError(f"method must be lora or full, got {self.method!r}")
        for name in ("bf16", "gradient_checkpointing"):
            if getattr(self, name) not in ("auto", "on", "off"):
                raise SymbioticGymError(f"{name} must be auto, on or off, got {getattr(self, name)!r}")
        if self.engine not in ("lean", "trl"):
            raise SymbioticGymError(f"engine must be lean or trl, got {self.engine!r}")
        if self.lora_layers < 0:
            raise SymbioticGymError(f"lora_layers must be >= 0 (0: every layer), got {self.lora_layers}")
        if not self.aux_weight > 0:
            raise SymbioticGymError(f"aux_weight must be > 0, got {self.aux_weight}")
        if self.aux_weight != 1.0 and self.engine != "lean":
            raise SymbioticGymError("aux_weight needs the lean engine (TRL's trainer weighs every token alike)")
        if self.frozen_cache_gb < 0:
            raise SymbioticGymError(f"frozen_cache_gb must be >= 0 (0: off), got {self.frozen_cache_gb}")
        if self.batch_tokens < 16 or self.threads < 0:
            raise SymbioticGymError("batch_tokens must be >= 16 and threads >= 0")
        if self.batch_size < 1 or self.grad_accum < 1 or self.max_length < 16:
            raise SymbioticGymError("batch_size and grad_accum must be >= 1 and max_length >= 16")

    @property
    def lr(self) -> float:
        return self.learning_rate if self.learning_rate is not None else (2e-4 if self.method == "lora" else 2e-5)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["learning_rate"] = self.lr
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "train config") -> TrainConfig:
        reject_unknown_fields(cls, data, source)
        d = dict(data)
        if "kinds" in d:
            d["kinds"] = tuple(d["kinds"])
        return cls(**d)


def lora_targets(model: Any, top_layers: int) -> dict[str, Any]:
    """LoraConfig's ``target_modules`` (and ``layers_to_transform``): every linear layer of the decoder, in
    all layers or in the top ``top_layers`` only. PEFT's ``"all-linear"`` shorthand cannot be combined with
    a layer range, so the linear layers' names are read from the model."""
    if top_layers == 0:
        return {"target_modules": "all-linear"}
    import torch

    n_layers = int(model.config.num_hidden_layers)
    if top_layers > n_layers:
        raise SymbioticGymError(f"lora_layers={top_layers}, but the base model has only {n_layers} decoder layers")
    names = sorted(
        {
            name.rsplit(".", 1)[-1]
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) and ".layers." in f".{name}"
        }
    )
    return {"target_modules": names, "layers_to_transform": list(range(n_layers - top_layers, n_layers))}


def to_prompt_completion(rows: list[dict[str, Any]], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if kinds and r.get("kind") not in kinds:
            continue
        out.append({"prompt": r["messages"][:-1], "completion": r["messages"][-1:]})
    return out


def fit_length(rows: list[dict[str, Any]], tokenizer: Any, max_length: int) -> tuple[list[dict[str, Any]], int]:
    """Drop examples longer than ``max_length`` tokens: cutting them would cut the completion, the only part
    with a loss. Returns (kept, number dropped); the count goes into the run's stats."""
    kept = []
    for r in rows:
        ids = tokenizer.apply_chat_template(r["prompt"] + r["completion"], tokenize=True, return_dict=False)
        if len(ids) <= max_length:
            kept.append(r)
    return kept, len(rows) - len(kept)


def _resolve_base(spec: str) -> Path:
    from symbiotic_gym.llm.local import resolve_local_path

    base, adapter = resolve_local_path(
        spec if spec.startswith("local") or spec.lower() == "smollm2" else f"local:{spec}"
    )
    if adapter is not None:
        raise SymbioticGymError(f"--base-model {spec} is an adapter folder; pass the base model (or merge it first)")
    return base


def latest_checkpoint(folder: Path) -> Path | None:
    ckpts = sorted(
        folder.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]) if p.name.split("-")[-1].isdigit() else -1
    )
    return ckpts[-1] if ckpts else None


def plot_loss(history: list[dict[str, Any]], path: Path) -> Path | None:
    points = [(h["step"], h["loss"]) for h in history if "loss" in h and "step" in h]
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label="train")
    evals = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    if evals:
        ax.plot([p[0] for p in evals], [p[1] for p in evals], marker="s", label="validation")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss (assistant tokens)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Train and save; returns the run's stats (also written to ``OUT/train_stats.json``)."""
    if not cfg.data or not cfg.out:
        raise SymbioticGymError("training needs --data (a dataset folder) and --out (where to save the model)")
    data_dir, out = Path(cfg.data), Path(cfg.out)
    train_rows = to_prompt_completion(load_examples(data_dir, "train"), cfg.kinds)
    if not train_rows:
        raise SymbioticGymError(f"{data_dir}/train.jsonl has no examples of kinds {list(cfg.kinds)}")
    val_path = data_dir / "validation.jsonl"
    val_rows = to_prompt_completion(load_examples(data_dir, "validation"), cfg.kinds) if val_path.exists() else []
    fmt = PromptFormat.load(data_dir)
    if fmt is None:
        raise SymbioticGymError(f"{data_dir} has no {PROMPT_FILE}: build it with python -m benchmarks.dataset build")
    if cfg.kinds and "rationale_action" not in cfg.kinds and fmt.output == "rationale_action":
        fmt = PromptFormat.from_dict({**fmt.to_dict(), "output": "action"})

    from symbiotic_gym.llm.local import _offline

    _offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    cuda = torch.cuda.is_available() and cfg.device != "cpu"
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise SymbioticGymError("--device cuda was asked for, but torch sees no CUDA device")
    # auto: CUDA only. On this project's AMX CPU a LoRA epoch took the same time in bf16 as in fp32
    # (501 against 490 tokens/s): the frozen layers' products are faster, the rest of the step is not
    bf16 = cfg.bf16 == "on" or (cfg.bf16 == "auto" and cuda and native_bf16("cuda"))
    grad_ckpt = cfg.gradient_checkpointing == "on" or (cfg.gradient_checkpointing == "auto" and cuda)
    base = _resolve_base(cfg.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise SymbioticGymError(f"the tokenizer of {base} has no chat template; distillation needs a chat model")
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.bfloat16 if bf16 else torch.float32)
    peft_config = None
    if cfg.init_adapter:
        model = _warm_start(cfg, model)  # already a trainable PeftModel: no new adapter on top of it
    elif cfg.method == "lora":
        from peft import LoraConfig

        peft_config = LoraConfig(
            r=cfg.lora_r,
            lora_alpha=cfg.lora_alpha,
            lora_dropout=cfg.lora_dropout,
            task_type="CAUSAL_LM",
            **lora_targets(model, cfg.lora_layers),
        )
    ckpt_dir = out / "checkpoints"
    t0 = time.perf_counter()
    frozen_cache = None
    if cfg.engine == "lean":
        run = _train_lean(cfg, model, tokenizer, peft_config, train_rows, val_rows, ckpt_dir, cuda, grad_ckpt)
        model, history, too_long, val_count = run["model"], run["history"], run["dropped"], run["val"]
        steps, tokens, resume = run["steps"], run["run_tokens"], run["resumed_from"]
        train_loss = _mean([h["loss"] for h in history if "loss" in h])
        kept, frozen_cache = run["examples"], run["frozen_cache"]
    else:
        trainer, result, too_long, val_count, resume, kept = _train_trl(
            cfg, model, tokenizer, peft_config, train_rows, val_rows, ckpt_dir, cuda, bf16, grad_ckpt
        )
        model, history = trainer.model, trainer.state.log_history
        steps, train_loss = int(trainer.state.global_step), float(result.training_loss)
        tokens = int(getattr(trainer.state, "num_input_tokens_seen", 0) or 0)
    runtime = time.perf_counter() - t0
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    fmt.save(out)
    card = data_dir / CARD_FILE
    if card.exists():
        shutil.copyfile(card, out / CARD_FILE)
    (out / CONFIG_FILE).write_text(json.dumps(cfg.to_dict(), indent=2) + "\n")
    with open(out / "loss.csv", "w") as fh:
        fh.write("step,epoch,loss,eval_loss,learning_rate\n")
        for h in history:
            if "loss" in h or "eval_loss" in h:
                fh.write(
                    f"{h.get('step', '')},{h.get('epoch', '')},{h.get('loss', '')},{h.get('eval_loss', '')},"
                    f"{h.get('learning_rate', '')}\n"
                )
    plot_loss(history, out / "loss.png")
    losses = [h["loss"] for h in history if "loss" in h]
    stats = {
        "engine": cfg.engine,
        "examples": kept,
        "dropped_too_long": too_long,
        "validation_examples": val_count,
        "steps": steps,
        "runtime_s": round(runtime, 2),
        "tokens_seen": tokens,
        "tokens_per_s": round(tokens / runtime, 1) if runtime > 0 and tokens else None,
        "first_loss": losses[0] if losses else None,
        "final_loss": losses[-1] if losses else None,
        "train_loss": train_loss,
        "eval_loss": next((h["eval_loss"] for h in reversed(history) if "eval_loss" in h), None),
        "resumed_from": resume,
        "frozen_cache": frozen_cache,
        "device": "cuda" if cuda else "cpu",
        "bf16": bf16,
        "gradient_checkpointing": grad_ckpt,
        "base_model": cfg.base_model if cfg.base_model == "local" else str(base),  # not this machine's cache path
        "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "threads": torch.get_num_threads(),
        "peak_rss_mb": _peak_rss_mb(),
        "versions": _versions(),
    }
    (out / STATS_FILE).write_text(json.dumps(stats, indent=2) + "\n")
    return stats


def _warm_start(cfg: TrainConfig, model: Any) -> Any:
    """The base with ``cfg.init_adapter`` loaded trainable, after checking that it is the adapter the config
    describes (a warm-started adapter stays shippable on the same base, at the same size)."""
    from peft import PeftModel

    if cfg.method != "lora":
        raise SymbioticGymError("--init-adapter continues a LoRA adapter: it needs --lora, not --full")
    folder = Path(cfg.init_adapter.removeprefix("local:"))
    conf_file = folder / "adapter_config.json"
    if not conf_file.exists():
        raise SymbioticGymError(f"--init-adapter {cfg.init_adapter}: {conf_file} is missing (not a LoRA adapter)")
    conf = json.loads(conf_file.read_text())
    layers = conf.get("layers_to_transform") or []
    want = {"r": cfg.lora_r, "lora_alpha": cfg.lora_alpha, "layers": cfg.lora_layers}
    have = {"r": conf.get("r"), "lora_alpha": conf.get("lora_alpha"), "layers": len(layers)}
    if want != have:
        raise SymbioticGymError(
            f"--init-adapter {cfg.init_adapter} has r={have['r']}, alpha={have['lora_alpha']} on {have['layers']} "
            f"layers; pass --lora-r {have['r']} --lora-alpha {have['lora_alpha']} --lora-layers {have['layers']}"
        )
    return PeftModel.from_pretrained(model, str(folder), is_trainable=True)


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _peak_rss_mb() -> float | None:
    """Peak resident memory of this process (Linux/macOS), for the memory budget in train_stats.json."""
    try:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    except (ImportError, OSError):
        return None


def _all_too_long(cfg: TrainConfig, dropped: int) -> SymbioticGymError:
    return SymbioticGymError(
        f"every training example is longer than --max-length {cfg.max_length} tokens ({dropped} examples); "
        "raise --max-length or rebuild the dataset with a smaller --max-obs-chars"
    )


def _train_lean(
    cfg: TrainConfig,
    model: Any,
    tokenizer: Any,
    peft_config: Any,
    train_rows: list[dict[str, Any]],
    val_rows: list[dict[str, Any]],
    ckpt_dir: Path,
    cuda: bool,
    grad_ckpt: bool,
) -> dict[str, Any]:
    from symbiotic_gym.distill.completion_trainer import run_lean, tokenize_rows

    train_ex, dropped = tokenize_rows(train_rows, tokenizer, cfg.max_length)
    if not train_ex:
        raise _all_too_long(cfg, dropped)
    val_ex, _ = tokenize_rows(val_rows, tokenizer, cfg.max_length)
    if peft_config is not None:
        from peft import get_peft_model

        model = get_peft_model(model, peft_config)
    if cuda:
        model = model.to("cuda")
    if grad_ckpt:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model, "enable_input_require_grads"):
            model.enable_input_require_grads()
    run = run_lean(cfg, model, tokenizer, train_ex, val_ex, ckpt_dir)
    return {**run, "model": model, "dropped": dropped, "val": len(val_ex), "examples": len(train_ex)}


def _train_trl(
    cfg: TrainConfig,
    model: Any,
    tokenizer: Any,
    peft_config: Any,
    train_rows: list[dict[str, Any]],
    val_rows: list[dict[str, Any]],
    ckpt_dir: Path,
    cuda: bool,
    bf16: bool,
    grad_ckpt: bool,
) -> tuple[Any, Any, int, int, str | None, int]:
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    train_rows, too_long = fit_length(train_rows, tokenizer, cfg.max_length)
    if not train_rows:
        raise _all_too_long(cfg, too_long)
    val_rows, _ = fit_length(val_rows, tokenizer, cfg.max_length)
    args = SFTConfig(
        output_dir=str(ckpt_dir),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.lr,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        warmup_steps=cfg.warmup_ratio,  # a float below 1 is a ratio of the total steps
        lr_scheduler_type="cosine",
        max_length=cfg.max_length,
        completion_only_loss=True,
        packing=False,
        bf16=bf16,
        gradient_checkpointing=grad_ckpt,
        logging_steps=cfg.logging_steps,
        save_steps=cfg.save_steps,
        save_total_limit=cfg.save_total_limit,
        eval_strategy="epoch" if val_rows else "no",
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to="none",
        use_cpu=not cuda,
        dataloader_num_workers=0,
        include_num_input_tokens_seen="non_padding",  # tokens/s counts real tokens, not padding
        train_sampling_strategy="group_by_length" if cfg.group_by_length else "random",
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(train_rows),
        eval_dataset=Dataset.from_list(val_rows) if val_rows else None,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    resume = latest_checkpoint(ckpt_dir)
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    return trainer, result, too_long, len(val_rows), str(resume) if resume else None, len(train_rows)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("torch", "transformers", "trl", "peft", "datasets", "accelerate"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
