"""Record/replay cache for any LLM: CI replays a real model's run exactly, with no key and no network.

Requests are keyed by a stable hash of exactly what the model is asked (:func:`request_key`: the model's
identity -- a provider model's name without its ``@http://server`` address, a local model's name and content
hash (:func:`symbiotic_gym.llm.local.local_identity`), never a path -- every message's role and content, n,
temperature, max_tokens and stop). The prompts themselves are the same in every mode: budgets are counted
without the model (:mod:`symbiotic_gym.llm.tokens`), so replay-strict, which never builds it, cuts an
observation where the recording run did. Identical requests within one episode are told apart by their
occurrence number in that episode, so a sampled run replays step for step. Nothing that varies between
machines enters the key: the embedded sites show stable addresses (``http://shop.embedded.test``), never
their live ports. Modes:

* ``off``            no cache;
* ``record``         always call the model and store its answers (re-records what was there);
* ``replay``         serve stored answers; on a miss call the model and store the answer;
* ``replay-strict``  serve stored answers; a miss raises :class:`CacheMissError` and no model is ever built.

A model's choice among continuations (``choose``, the distilled agent's ``decide=choose``) is recorded and
replayed the same way, keyed by the messages and the whole list of continuations.

Replayed completions keep the usage and cost recorded with them (what the run cost when it was recorded)
and are marked ``cached=True``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from symbiotic_gym.files import atomic_write_json
from symbiotic_gym.llm.base import (
    LLM,
    Choice,
    ChoosesContinuations,
    Completion,
    LLMError,
    Message,
    Route,
    check_messages,
    content_text,
    digest_messages,
    request_key,
)
from symbiotic_gym.llm.episode_scope import SCOPE
from symbiotic_gym.llm.tokens import TokenCounter, estimate_tokens

CACHE_MODES = ("off", "record", "replay", "replay-strict")


class CacheMissError(LLMError):
    """replay-strict found no stored answer for a request."""


class RecordReplayLLM:
    """Wraps a model (built lazily by ``factory``) with a directory of recorded answers.

    ``model`` names the model in records and in the request keys: give its stable label
    (:func:`symbiotic_gym.llm.registry.model_label`), never a path. ``count_tokens`` counts prompt tokens
    without building the model (default: the ~4 characters a token estimate).
    """

    def __init__(
        self,
        model: str,
        route: Route,
        factory: Callable[[], LLM],
        cache_dir: str | Path,
        mode: str = "replay",
        *,
        count_tokens: TokenCounter = estimate_tokens,
    ) -> None:
        if mode not in CACHE_MODES or mode == "off":
            raise LLMError(f"cache mode must be one of {', '.join(CACHE_MODES[1:])} here, got {mode!r}")
        self.model = model
        self._count = count_tokens
        self.route: Route = route
        self.mode = mode
        self.dir = Path(cache_dir)
        self._factory = factory
        self._inner: LLM | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"RecordReplayLLM({self.model!r}, mode={self.mode!r}, dir={str(self.dir)!r})"

    @property
    def inner(self) -> LLM:
        with self._lock:
            if self._inner is None:
                self._inner = self._factory()
            return self._inner

    def count_tokens(self, text: str) -> int:
        """The same count in every mode, and without building the model."""
        return self._count(text)

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def _load(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise LLMError(f"Corrupt LLM cache entry {path}: {err}. Delete it and record again.") from err

    def _recorded(self, key: str, index: int) -> Any:
        """The answer stored for this request's ``index``-th occurrence (None in record mode or when missing;
        a hit is counted)."""
        if self.mode == "record":
            return None
        stored = self._load(key)
        entries = stored["entries"] if stored else []
        if index >= len(entries):
            return None
        self.hits += 1
        return entries[index]

    def _store(self, key: str, index: int, request: dict[str, Any], record: Any) -> None:
        """Save ``record`` as the answer to the request's ``index``-th occurrence (earlier gaps filled with it)."""
        with self._lock:
            stored = self._load(key) or {"key": key, "model": self.model, "request": request}
            entries = stored.setdefault("entries", [])
            if index < len(entries):
                entries[index] = record
            else:
                entries.extend([record] * (index + 1 - len(entries)))
            atomic_write_json(self._path(key), stored)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]:
        msgs = check_messages(messages)
        params = {"n": n, "temperature": temperature, "max_tokens": max_tokens, "stop": list(stop or [])}
        key = request_key(self.model, msgs, **params)
        index = SCOPE.next_index(key)
        found = self._recorded(key, index)
        if found is not None:
            return [Completion.from_dict({**c, "cached": True}) for c in found]
        if self.mode == "replay-strict":
            self.misses += 1
            last = content_text(msgs[-1]["content"])[-300:]
            raise CacheMissError(
                f"replay-strict: no recorded answer for model {self.model!r} (request {key[:12]}, occurrence "
                f"{index}) in {self.dir}. Record it first with --llm-cache-mode record. End of the prompt: {last!r}"
            )
        self.misses += 1
        answers = self.inner.complete(msgs, n=n, temperature=temperature, max_tokens=max_tokens, stop=stop)
        self._store(key, index, {"messages": digest_messages(msgs), **params}, [c.to_dict() for c in answers])
        return answers

    def choose(self, messages: Sequence[Message], continuations: Sequence[str], *, search: str = "greedy") -> Choice:
        """The recorded choice among ``continuations`` (see the module doc); the wrapped model must be one
        that chooses (an in-process model) when the answer is not stored. The search is part of the request
        when it is not the default, so caches recorded with greedy choices keep their keys."""
        msgs = check_messages(messages)
        key = request_key(
            self.model, msgs, choose=list(continuations), **({"search": search} if search != "greedy" else {})
        )
        index = SCOPE.next_index(key)
        found = self._recorded(key, index)
        if found is not None:
            return Choice(**found)
        if self.mode == "replay-strict":
            self.misses += 1
            raise CacheMissError(
                f"replay-strict: no recorded choice for model {self.model!r} (request {key[:12]}, occurrence "
                f"{index}) in {self.dir}. Record it first with --llm-cache-mode record."
            )
        self.misses += 1
        inner = self.inner
        if not isinstance(inner, ChoosesContinuations):
            raise LLMError(f"{self.model!r} cannot choose among continuations (only in-process models can)")
        choice = inner.choose(msgs, continuations, search=search)
        request = {"messages": digest_messages(msgs), "continuations": len(continuations)}
        self._store(key, index, request, asdict(choice))
        return choice
