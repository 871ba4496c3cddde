"""litellm backend: every remote provider string (``anthropic/...``, ``openai/...``, ``hosted_vllm/...``, ...).

litellm is imported lazily; importing it never reaches the network, because the package sets
``LITELLM_LOCAL_MODEL_COST_MAP=True`` (see ``symbiotic_gym/__init__.py``) before anything can import it.
Rate limits, timeouts and transient server errors are retried with exponential back-off and jitter;
anything else fails at once with the provider's message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

from symbiotic_gym.llm.base import Completion, LLMError, Message, Route, check_messages

RETRYABLE = (
    "RateLimitError",
    "Timeout",
    "APIConnectionError",
    "ServiceUnavailableError",
    "InternalServerError",
    "BadGatewayError",
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")
RequestHook = Callable[[dict[str, Any]], None]


def import_litellm() -> Any:
    try:
        import litellm
    except ImportError as err:
        raise LLMError(
            "Remote models need litellm: pip install 'symbiotic-gym[llm]' (or EXTRAS=dev,llm bash scripts/setup.sh)"
        ) from err
    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


def route_for(api_base: str | None) -> Route:
    """A provider's own endpoint is the cloud; a server on this machine (loopback) is local."""
    host = urlparse(api_base).hostname if api_base else None
    return "local" if host in LOOPBACK_HOSTS else "cloud"


def missing_credentials(model: str, api_base: str | None = None) -> list[str]:
    """Environment variables a provider needs and does not have (empty when the model can be called)."""
    if api_base:
        return []
    litellm = import_litellm()
    try:
        report = litellm.validate_environment(model)
    except Exception:
        return []
    return [k for k in report.get("missing_keys", []) if k.endswith("_KEY") or k.endswith("_TOKEN")]


class LiteLLMClient:
    """A remote chat model through litellm, with retries, token usage and cost from litellm's local cost map."""

    def __init__(
        self,
        model: str,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        extra: dict[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.api_base = api_base
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.extra = dict(extra or {})
        self._sleep = sleep
        self.request_hooks: list[RequestHook] = []
        self.route: Route = route_for(api_base)
        self._accepts_n = True  # cleared the first time the provider refuses ``n`` (Anthropic)

    def __repr__(self) -> str:
        return f"LiteLLMClient({self.model!r}, route={self.route!r})"

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
        params: dict[str, Any] = {"temperature": temperature, "max_tokens": max_tokens, **self.extra}
        if stop:
            params["stop"] = list(stop)
        for hook in self.request_hooks:
            hook({"model": self.model, "route": self.route, "messages": msgs, "params": {**params, "n": n}})
        out: list[Completion] = []
        while len(out) < n:  # providers without ``n`` (Anthropic) return one choice per call
            out.extend(self._call(msgs, n - len(out), params))
        return out[:n]

    def _call(self, msgs: list[Message], n: int, params: dict[str, Any]) -> list[Completion]:
        litellm = import_litellm()
        kwargs: dict[str, Any] = {"model": self.model, "messages": msgs, "timeout": self.timeout_s, **params}
        if n > 1 and self._accepts_n:
            kwargs["n"] = n
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if self.api_key:
            kwargs["api_key"] = self.api_key
        attempt = 0
        while True:
            t0 = time.perf_counter()
            try:
                response = litellm.completion(num_retries=0, **kwargs)
                break
            except Exception as err:
                name = type(err).__name__
                if name == "UnsupportedParamsError" and "n" in kwargs:
                    kwargs.pop("n")
                    self._accepts_n = False
                    continue
                if name not in RETRYABLE or attempt >= self.max_retries:
                    tries = f" after {attempt + 1} attempts" if attempt else ""
                    raise LLMError(f"{self.model}: {name}{tries}: {str(err)[:500]}") from err
                delay = min(self.max_backoff_s, self.backoff_s * 2**attempt) * (0.5 + random.random() / 2)
                attempt += 1
                self._sleep(delay)
        latency = time.perf_counter() - t0
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        try:
            cost = float(litellm.completion_cost(completion_response=response) or 0.0)
        except Exception:
            cost = 0.0  # a model missing from the cost map (self-hosted): tokens are still counted
        choices = response.choices or []
        out = []
        k = max(1, len(choices))
        for i, choice in enumerate(choices):
            text = (choice.message.content or "") if getattr(choice, "message", None) else ""
            out.append(
                Completion(
                    text=text,
                    model=self.model,
                    tokens_in=tokens_in,
                    tokens_out=tokens_out // k + (tokens_out % k if i == 0 else 0),
                    latency_s=latency,
                    cost=cost / k,
                    finish_reason=str(getattr(choice, "finish_reason", "") or ""),
                    route=self.route,
                )
            )
        if not out:
            raise LLMError(f"{self.model}: the provider returned no choices")
        return out
