"""The one LLM interface every agent uses: ``complete(messages, ...) -> list[Completion]``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from symbiotic_gym.errors import SymbioticGymError

Message = dict[str, Any]  # {"role", "content"}: content is text, or a list of parts (text and image_url)
Route = Literal["local", "cloud"]


class LLMError(SymbioticGymError):
    """A model call failed for good (after retries), or a model cannot be loaded."""


@dataclass
class Completion:
    """One generated answer with what it cost. ``cached`` marks answers served from a record/replay cache."""

    text: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    cost: float = 0.0
    finish_reason: str = ""
    route: Route = "local"
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass(frozen=True)
class Choice:
    """The continuation a model chose from a closed set (:meth:`TransformersLLM.choose`): its index, the
    log-probability of the path it took, how many forward passes the choice cost (the prompt's included) and
    the prompt's length in tokens."""

    index: int
    logprob: float
    forwards: int
    prompt_tokens: int


# how a model picks among continuations: "greedy", the constrained greedy decoding (the likeliest token at each
# point where the continuations part), or "best", the continuation likeliest as a whole
CHOICE_SEARCHES = ("greedy", "best")


@runtime_checkable
class ChoosesContinuations(Protocol):
    """A model that can pick one of a closed set of continuations of a started answer (in-process models);
    ``search`` is one of :data:`CHOICE_SEARCHES`."""

    def choose(
        self, messages: Sequence[Message], continuations: Sequence[str], *, search: str = "greedy"
    ) -> Choice: ...


@runtime_checkable
class ScoresFirstTokens(Protocol):
    """A model that scores how a started answer may go on, one forward pass (in-process models): for each
    candidate continuation, its first token and that token's log-probability."""

    def first_token_logprobs(
        self, messages: Sequence[Message], candidates: Sequence[str]
    ) -> list[tuple[str, float]]: ...


@runtime_checkable
class RanksCompletions(Protocol):
    """A model that lists its ``k`` likeliest one-line replies, likeliest first (in-process models, by beam
    search)."""

    def ranked_completions(self, messages: Sequence[Message], k: int, *, max_tokens: int = 64) -> list[Completion]: ...


@runtime_checkable
class DeclaresVision(Protocol):
    """A model that says whether it takes images (a registered model may; ``sees_images`` asks it)."""

    vision: bool | None


@runtime_checkable
class LLM(Protocol):
    """Anything with a model name, a route and ``complete``; backends, caches and test doubles alike."""

    model: str
    route: Route

    def complete(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int = 512,
        stop: Sequence[str] | None = None,
    ) -> list[Completion]: ...


@dataclass
class UsageMeter:
    """Sums the usage of the completions an agent asked for during one step (goes into ``AgentStep.meta``)."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    latency_s: float = 0.0
    calls: int = 0
    cached_calls: int = 0
    models: list[str] = field(default_factory=list)

    def add(self, completions: Sequence[Completion]) -> None:
        if not completions:
            return
        self.calls += 1
        first = completions[0]
        # one request: the prompt is paid once, every returned choice pays its own output
        self.tokens_in += first.tokens_in
        self.tokens_out += sum(c.tokens_out for c in completions)
        self.cost += sum(c.cost for c in completions)
        self.latency_s += first.latency_s
        self.cached_calls += int(first.cached)
        if first.model not in self.models:
            self.models.append(first.model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost": round(self.cost, 8),
            "latency_s": round(self.latency_s, 4),
            "calls": self.calls,
            "cached_calls": self.cached_calls,
            "models": list(self.models),
        }


def split_spec(spec: str) -> tuple[str, str | None]:
    """``openai/x@http://host/v1`` -> ("openai/x", "http://host/v1")."""
    if "@http" in spec:
        model, _, base = spec.partition("@")
        return model, base
    return spec, None


def request_key(model: str, messages: Sequence[Message], **params: Any) -> str:
    """A stable hash of a request: same model, messages and parameters give the same key on any machine.

    Hashed: the model (a spec without its ``@http://server`` part: where a model is served is not what it
    sees), each message's role and content, and the sampling parameters (n, temperature, max_tokens, stop).
    Nothing else -- no time, seed, port or path -- so a run recorded on one machine replays on another.
    """
    payload = {
        "model": split_spec(model)[0],
        "messages": digest_messages(messages),
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in sorted(params.items())},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --- message content: text, or OpenAI-style parts [{"type": "text", "text"}, {"type": "image_url", ...}] ---
def content_text(content: Any) -> str:
    """The text of a message's content (the text parts joined by newlines; images left out)."""
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return str(content)


def image_urls(content: Any) -> list[str]:
    """The image URLs (``data:image/...;base64,...``) of a message's content."""
    if not isinstance(content, list):
        return []
    return [_image_url(p) for p in content if p.get("type") == "image_url"]


def has_images(messages: Sequence[Message]) -> bool:
    return any(image_urls(m.get("content")) for m in messages)


def _image_url(part: dict[str, Any]) -> str:
    url = part.get("image_url")
    return str(url.get("url", "") if isinstance(url, dict) else url or "")


def digest_content(content: Any) -> Any:
    """Content with each image replaced by the SHA-256 of its URL: what cache keys, cache files and audit
    logs hold (the same screenshot gives the same key; megabytes of base64 are not stored per request)."""
    if not isinstance(content, list):
        return content
    out = []
    for p in content:
        if p.get("type") == "image_url":
            out.append({"type": "image", "sha256": hashlib.sha256(_image_url(p).encode("utf-8")).hexdigest()})
        else:
            out.append(dict(p))
    return out


def digest_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    return [{"role": m["role"], "content": digest_content(m["content"])} for m in messages]


def _check_parts(content: list[Any], where: str) -> list[dict[str, Any]]:
    parts = []
    for j, p in enumerate(content):
        kind = p.get("type") if isinstance(p, dict) else None
        if kind == "text" and isinstance(p.get("text"), str):
            parts.append({"type": "text", "text": p["text"]})
        elif kind == "image_url" and _image_url(p).startswith(("data:image/", "http://", "https://")):
            parts.append(dict(p))
        else:
            raise LLMError(f"{where}[{j}] must be a text part or an image_url part with an image URL, got {p!r:.80}")
    return parts


def check_messages(messages: Sequence[Message]) -> list[Message]:
    """Validate a chat before it is sent; a wrong shape is a programming error worth a clear message."""
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise LLMError(f"messages[{i}] must be a dict with 'role' and 'content', got {m!r:.80}")
        if m["role"] not in ("system", "user", "assistant"):
            raise LLMError(f"messages[{i}]['role'] must be system, user or assistant, got {m['role']!r}")
        content = m["content"]
        if isinstance(content, list):
            out.append({"role": m["role"], "content": _check_parts(content, f"messages[{i}]['content']")})
        else:
            out.append({"role": m["role"], "content": str(content)})
    if not out:
        raise LLMError("messages is empty")
    return out
