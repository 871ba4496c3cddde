"""The `lean` training engine: a supervised loop for small students on CPU that computes logits and loss only
where the loss is (the completion tokens).

Why our own loop next to TRL's ``SFTTrainer`` (still available as ``engine="trl"``): a causal-LM forward
pass in ``transformers`` computes the 49k-vocabulary logits at *every* position, prompt included, and TRL
then masks the prompt out of the loss. For our examples (a ~1,000-token page, a ~20-token action) that is
~98% of the logit work and, in fp32, ~200 MB of logits per example plus their gradient: the reason a
batch of 4 was killed at 24 GB here. This loop runs the decoder body, gathers the hidden states of the
completion positions only, and applies the output head to those (a few dozen rows per example).

It also batches by a token budget over length-sorted buckets (little padding, bounded memory whatever the
example lengths), sets the torch thread count, and checkpoints the adapter, optimizer, scheduler and data
order every ``save_steps`` so the same command resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symbiotic_gym.distill.prompt import auxiliary_start
from symbiotic_gym.errors import SymbioticGymError


@dataclass(frozen=True)
class Tokenized:
    ids: list[int]
    start: int  # first completion token (the loss covers ids[start:])
    aux: int | None = None  # first token after the completion's first line (None: the line is all of it)


def tokenize_rows(rows: list[dict[str, Any]], tokenizer: Any, max_length: int) -> tuple[list[Tokenized], int]:
    """Chat-template each prompt/completion pair; the completion starts where the generation prompt ends.

    Examples longer than ``max_length`` are dropped (cutting one would cut its completion) and counted.
    """
    out: list[Tokenized] = []
    dropped = 0
    for r in rows:
        prompt = tokenizer.apply_chat_template(
            r["prompt"], tokenize=True, add_generation_prompt=True, return_dict=False
        )
        full = tokenizer.apply_chat_template(r["prompt"] + r["completion"], tokenize=True, return_dict=False)
        if list(full[: len(prompt)]) != list(prompt):
            raise SymbioticGymError(
                "the tokenizer's chat template does not extend the prompt with the answer; use engine='trl'"
            )
        if len(full) > max_length:
            dropped += 1
            continue
        aux = _after_first_line(full, len(prompt), tokenizer) if auxiliary_start(_completion_text(r)) else None
        out.append(Tokenized(list(full), len(prompt), aux))
    return out, dropped


def _completion_text(row: dict[str, Any]) -> str:
    return "".join(str(m.get("content", "")) for m in row["completion"])


def _after_first_line(ids: list[int], start: int, tokenizer: Any) -> int | None:
    """The token after a multitask target's action line (distill.prompt.auxiliary_start says which targets
    have one): the first token whose text completes the line break. The engine weighs the tokens from there
    on with ``aux_weight``."""
    for k in range(start + 1, len(ids) + 1):
        if "\n" in tokenizer.decode(ids[start:k]):
            return k
    return None


def token_batches(examples: list[Tokenized], budget: int, seed: int, epoch: int, grouped: bool) -> list[list[int]]:
    """Indices of ``examples`` in batches of at most ``budget`` padded tokens (at least one example each).

    Grouped: sort by length (ties broken by a seeded shuffle), cut into batches, shuffle the batch order.
    Not grouped: shuffle the examples and cut in order (more padding).
    """
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    if grouped:
        order.sort(key=lambda i: len(examples[i].ids))
    batches: list[list[int]] = []
    cur: list[int] = []
    longest = 0
    for i in order:
        n = len(examples[i].ids)
        if cur and max(longest, n) * (len(cur) + 1) > budget:
            batches.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        batches.append(cur)
    if grouped:
        rng.shuffle(batches)
    return batches


def _collate(
    examples: list[Tokenized], idx: list[int], pad_id: int, aux_weight: float = 1.0
) -> tuple[Any, Any, Any, Any]:
    """Padded ids, attention mask, the positions whose *next* token has a loss, and each position's weight
    (1, or ``aux_weight`` after the completion's first line; None when every weight is 1)."""
    import torch

    width = max(len(examples[i].ids) for i in idx)
    ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
    attn = torch.zeros((len(idx), width), dtype=torch.long)
    target = torch.zeros((len(idx), width), dtype=torch.bool)
    weight = torch.ones((len(idx), width), dtype=torch.float32) if aux_weight != 1.0 else None
    for row, i in enumerate(idx):
        ex = examples[i]
        n = len(ex.ids)
        ids[row, :n] = torch.tensor(ex.ids)
        attn[row, :n] = 1
        target[row, ex.start - 1 : n - 1] = True
        if weight is not None and ex.aux is not None:
            weight[row, ex.aux - 1 : n - 1] = aux_weight
    return ids, attn, target, weight


def _unwrapped(model: Any) -> Any:
    """The transformers model under a PEFT wrapper (or the model itself): it owns ``.model`` and ``.lm_head``."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


class FrozenPrefix:
    """The hidden states entering the first trained decoder layer, kept per example after its first pass.

    With LoRA on the top layers only (``--lora-layers``), the layers below never change, so what they compute
    for an example is the same in every epoch: from the second epoch on, the body runs from the cached
    states through the trained layers alone (at 10 of 30 layers, two thirds of the forward pass is skipped).
    States are kept in float16 (an example whose values do not fit stays uncached) up to ``max_bytes``;
    batches are right-padded and causal, so the padding positions a cached batch fills with zeros are never
    attended to by a real token.
    """

    def __init__(self, model: Any, max_bytes: float) -> None:
        self.body = _unwrapped(model).model
        layers = getattr(self.body, "layers", None)
        embed = getattr(self.body, "embed_tokens", None)
        trained = [i for i, layer in enumerate(layers or []) if any(p.requires_grad for p in layer.parameters())]
        embed_frozen = embed is not None and not any(p.requires_grad for p in embed.parameters())
        self.first = trained[0] if trained and embed_frozen and max_bytes > 0 else 0
        self.max_bytes = max_bytes
        self.bytes = 0
        self.states: dict[int, Any] = {}
        self.hits = 0
        self.top: Any = None
        if self.first:
            import torch

            self.top = torch.nn.ModuleList(list(layers)[self.first :])  # the same modules: LoRA trains

    def hidden(self, ids: Any, attn: Any, idx: list[int] | None) -> Any:
        """The body's last hidden state [B, T, H] for a right-padded batch of the examples ``idx``."""
        if not self.first or idx is None:
            return self.body(input_ids=ids, attention_mask=attn).last_hidden_state
        if all(i in self.states for i in idx):
            self.hits += len(idx)
            return self._from_cache(attn, idx)
        captured: list[Any] = []

        def grab(_module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            captured[:] = [args[0] if args else kwargs["hidden_states"]]

        hook = self.body.layers[self.first].register_forward_pre_hook(grab, with_kwargs=True)
        try:
            out = self.body(input_ids=ids, attention_mask=attn).last_hidden_state
        finally:
            hook.remove()
        if captured:
            self._keep(captured[0].detach(), attn, idx)
        return out

    def _keep(self, states: Any, attn: Any, idx: list[int]) -> None:
        import torch

        for row, i in enumerate(idx):
            n = int(attn[row].sum())
            state = states[row, :n]
            if i in self.states or not bool(torch.isfinite(state).all()) or float(state.abs().max()) > 6e4:
                continue
            size = state.numel() * 2
            if self.bytes + size > self.max_bytes:
                return
            self.states[i] = state.to(torch.float16).cpu()
            self.bytes += size

    def _from_cache(self, attn: Any, idx: list[int]) -> Any:
        import torch

        dtype = self.body.embed_tokens.weight.dtype
        width = attn.shape[1]
        first = self.states[idx[0]]
        states = torch.zeros((len(idx), width, first.shape[-1]), dtype=dtype, device=attn.device)
        for row, i in enumerate(idx):
            kept = self.states[i]
            states[row, : kept.shape[0]] = kept.to(device=attn.device, dtype=dtype)
        full = self.body.layers
        self.body.layers = self.top
        try:
            return self.body(inputs_embeds=states, attention_mask=attn).last_hidden_state
        finally:
            self.body.layers = full


def completion_loss(
    model: Any,
    ids: Any,
    attn: Any,
    target: Any,
    weight: Any = None,
    prefix: FrozenPrefix | None = None,
    idx: list[int] | None = None,
) -> tuple[Any, float]:
    """Mean cross-entropy over completion tokens (weighted by ``weight`` where given), with the output head
    applied to those positions only; returns it with the total weight (the token count when unweighted)."""
    import torch.nn.functional as F

    inner = _unwrapped(model)
    dev = inner.lm_head.weight.device
    ids, attn, target = ids.to(dev), attn.to(dev), target.to(dev)
    if prefix is not None:
        hidden = prefix.hidden(ids, attn, idx)
    else:
        hidden = inner.model(input_ids=ids, attention_mask=attn).last_hidden_state  # [B, T, H]
    picked = hidden[target]  # [N, H]
    labels = ids[:, 1:][target[:, :-1]]
    logits = inner.lm_head(picked).float()
    if weight is None:
        return F.cross_entropy(logits, labels), float(labels.numel())
    w = weight.to(dev)[target]
    total = w.sum()
    return (F.cross_entropy(logits, labels, reduction="none") * w).sum() / total, float(total)


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if warmup and step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def _evaluate(model: Any, examples: list[Tokenized], budget: int, pad_id: int, aux_weight: float) -> float | None:
    import torch

    if not examples:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for idx in token_batches(examples, budget, 0, 0, True):
            loss, n = completion_loss(model, *_collate(examples, idx, pad_id, aux_weight))
            total += float(loss) * n
            count += n
    model.train()
    return total / max(1, count)


def run_lean(
    cfg: Any, model: Any, tokenizer: Any, train: list[Tokenized], val: list[Tokenized], ckpt_dir: Path
) -> dict[str, Any]:
    """Train ``model`` (a PEFT model or a full model) in place; returns the log history and counters."""
    import torch

    torch.manual_seed(cfg.seed)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    budget = max(cfg.batch_tokens, max(len(e.ids) for e in train))
    epochs = max(1, math.ceil(cfg.epochs))
    plans = [token_batches(train, budget, cfg.seed, e, cfg.group_by_length) for e in range(epochs)]
    if cfg.epochs < epochs:  # a fractional last epoch
        keep = round(len(plans[-1]) * (cfg.epochs - (epochs - 1)))
        plans[-1] = plans[-1][: max(1, keep)]
    micro = [(e, b) for e, plan in enumerate(plans) for b in plan]
    total_steps = math.ceil(len(micro) / cfg.grad_accum)
    if cfg.max_steps > 0:
        total_steps = cfg.max_steps
        while len(micro) < total_steps * cfg.grad_accum:  # more steps than the epochs hold: keep cycling
            e = len(plans)
            plans.append(token_batches(train, budget, cfg.seed, e, cfg.group_by_length))
            micro += [(e, b) for b in plans[-1]]
        micro = micro[: total_steps * cfg.grad_accum]
    warmup = round(cfg.warmup_ratio * total_steps)
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)
    history: list[dict[str, Any]] = []
    step, tokens_seen, resumed = 0, 0, None
    last = _latest(ckpt_dir)
    if last is not None:
        state = torch.load(last / "trainer_state.pt", weights_only=False)
        _load_trainable(model, torch.load(last / "trainable.pt", weights_only=True))
        optim.load_state_dict(state["optim"])
        step, tokens_seen, history = state["step"], state["tokens_seen"], state["history"]
        resumed = str(last)
    model.train()
    prefix = FrozenPrefix(model, cfg.frozen_cache_gb * 1e9)
    t0 = time.perf_counter()
    run_tokens = 0
    window_loss, window_n = 0.0, 0
    while step < total_steps:
        for group in optim.param_groups:
            group["lr"] = lr_at(step, total_steps, cfg.lr, warmup)
        chunk = micro[step * cfg.grad_accum : (step + 1) * cfg.grad_accum]
        batches = [(_collate(train, b, pad_id, cfg.aux_weight), b) for _, b in chunk]
        n_targets = sum(float(t.sum()) if w is None else float(w[t].sum()) for (_, _, t, w), _ in batches)
        for (ids, attn, target, weight), b in batches:
            loss, n = completion_loss(model, ids, attn, target, weight, prefix, b)
            (loss * (n / n_targets)).backward()
            window_loss += float(loss.detach()) * n
            window_n += n
            real = int(attn.sum())
            tokens_seen += real
            run_tokens += real
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        optim.zero_grad(set_to_none=True)
        step += 1
        epoch = chunk[-1][0] + 1 if chunk else 0
        if step % cfg.logging_steps == 0 or step == total_steps:
            elapsed = time.perf_counter() - t0
            history.append(
                {
                    "step": step,
                    "epoch": epoch,
                    "loss": round(window_loss / max(1, window_n), 4),
                    "learning_rate": optim.param_groups[0]["lr"],
                    "tokens_per_s": round(run_tokens / elapsed, 1) if elapsed > 0 else None,
                }
            )
            window_loss, window_n = 0.0, 0
            print(json.dumps(history[-1]), flush=True)
        boundary = step == total_steps or (step < total_steps and micro[step * cfg.grad_accum][0] != chunk[-1][0])
        if boundary and val:
            history.append(
                {"step": step, "epoch": epoch, "eval_loss": _evaluate(model, val, budget, pad_id, cfg.aux_weight)}
            )
        if step % cfg.save_steps == 0 or step == total_steps:  # the last one lets a longer rerun resume
            _save(model, optim, step, tokens_seen, history, ckpt_dir, cfg.save_total_limit)
    runtime = time.perf_counter() - t0
    return {
        "history": history,
        "steps": step,
        "tokens_seen": tokens_seen,
        "run_tokens": run_tokens,
        "runtime_s": runtime,
        "resumed_from": resumed,
        "batch_tokens": budget,
        "frozen_cache": {
            "first_trained_layer": prefix.first,
            "examples": len(prefix.states),
            "bytes": prefix.bytes,
            "cached_example_passes": prefix.hits,
        },
    }


def _trainable_state(model: Any) -> dict[str, Any]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def _load_trainable(model: Any, state: dict[str, Any]) -> None:
    params = dict(model.named_parameters())
    missing = [n for n in state if n not in params]
    if missing:
        raise SymbioticGymError(f"checkpoint does not match the model ({len(missing)} unknown parameters)")
    for n, value in state.items():
        params[n].data.copy_(value)


def _latest(folder: Path) -> Path | None:
    done = [p for p in folder.glob("checkpoint-*") if (p / "trainer_state.pt").exists()]
    return max(done, key=lambda p: int(p.name.split("-")[1])) if done else None


def _save(
    model: Any, optim: Any, step: int, tokens: int, history: list[dict[str, Any]], folder: Path, keep: int
) -> None:
    import shutil

    import torch

    path = folder / f"checkpoint-{step}"
    tmp = folder / f".checkpoint-{step}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    torch.save(_trainable_state(model), tmp / "trainable.pt")
    torch.save(
        {"optim": optim.state_dict(), "step": step, "tokens_seen": tokens, "history": history}, tmp / "trainer_state.pt"
    )
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)  # a checkpoint is either complete or absent
    olds = sorted((p for p in folder.glob("checkpoint-*") if p != path), key=lambda p: int(p.name.split("-")[1]))
    for old in olds[: max(0, len(olds) - keep + 1)]:
        shutil.rmtree(old, ignore_errors=True)
