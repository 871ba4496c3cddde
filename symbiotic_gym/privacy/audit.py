"""The audit log of cloud-bound requests: every request a cloud model is asked, as it is sent.

A run (``symbiotic_gym.runner.run``, and so ``benchmarks.run``) writes ``RUN_DIR/cloud_requests.jsonl``: it
hands :func:`cloud_wrapper` to the LLM layer (``llm.configure(cloud_wrapper=...)``), so every model whose
route is ``cloud`` is wrapped and, before each request, one line is appended: the episode (the LLM
layer's episode scope), the model, the SHA-256 of the exact request, the private-data types the detector
finds in it *as sent*, and a redacted copy. ``python -m benchmarks.privacy_audit`` rescans these lines. Replayed
(cached) requests are logged too: routing, not the network, decides what is cloud-bound.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiotic_gym.llm.base import LLM

AUDIT_FILE = "cloud_requests.jsonl"


def request_hash(messages: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(list(messages), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def audit_entry(messages: Sequence[Any], model: str) -> dict[str, Any]:
    from symbiotic_gym.llm.base import content_text, digest_messages, image_urls
    from symbiotic_gym.llm.episode_scope import SCOPE
    from symbiotic_gym.privacy.detector import default_detector
    from symbiotic_gym.privacy.redact import redact_obj

    msgs = [m for m in messages if isinstance(m, dict)]
    texts = [content_text(m.get("content", "")) for m in msgs]
    entry = {
        "episode": SCOPE.name,
        "model": model,
        "sha256": request_hash(messages),
        "findings": default_detector().types(texts),
        "redacted": redact_obj(digest_messages(msgs)),  # images as their hashes
        "time": dt.datetime.now().isoformat(timespec="seconds"),
    }
    images = sum(len(image_urls(m.get("content"))) for m in msgs)
    if images:  # pixels are not scanned by the text detector: say that they went out
        entry["images"] = images
    return entry


def append_entry(path: str | Path, entry: dict[str, Any]) -> None:
    line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # several workers append to one log
        try:
            fh.write(line)
            fh.flush()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class AuditedLLM:
    """Wraps a cloud model: logs each request before delegating to it."""

    def __init__(self, inner: LLM, path: str | Path) -> None:
        self.inner = inner
        self.path = Path(path)
        self.model = inner.model
        self.route = "cloud"  # only cloud-routed models are wrapped (llm.registry)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def complete(self, messages: Sequence[Any], **kwargs: Any) -> Any:
        append_entry(self.path, audit_entry(messages, str(self.model)))
        return self.inner.complete(messages, **kwargs)


def cloud_wrapper(path: str | Path) -> Callable[[Any], Any]:
    """The LLM layer's cloud hook that logs every request to ``path``."""

    def wrap(llm: LLM) -> AuditedLLM:
        return AuditedLLM(llm, path)

    return wrap
