"""Model specs, roles (large / small), the no-key fallback and the run-wide LLM settings.

A model spec is a string:

* ``local`` or ``smollm2`` -- the bundled SmolLM2-135M-Instruct, in process;
* ``local:/path/to/folder`` -- a transformers model folder or a PEFT adapter folder (its base is read
  from ``adapter_config.json``);
* anything else is a litellm model string: ``anthropic/claude-sonnet-4-6``, ``openai/gpt-4o``,
  ``hosted_vllm/NAME``, ``ollama/NAME``; add ``@URL`` for an OpenAI-compatible server, e.g.
  ``openai/qwen2.5-7b@http://127.0.0.1:8000/v1``.

Roles: agents ask for ``large`` or ``small`` (or a spec). ``--large-model``/``--small-model`` (or the
``SYMBIOTIC_LARGE_MODEL``/``SYMBIOTIC_SMALL_MODEL`` variables) choose them; with no API key for a cloud
model the large role falls back to the small role's local model, and says so once. The small role defaults
to the distilled student shipped in the package (:mod:`symbiotic_gym.distill.shipped`), else the bundled
base model.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from symbiotic_gym.llm.base import LLM, DeclaresVision, LLMError, Route, split_spec
from symbiotic_gym.llm.cache import CACHE_MODES, RecordReplayLLM
from symbiotic_gym.llm.local import BUNDLED_ALIASES, default_small_spec
from symbiotic_gym.llm.precision import check_dtype
from symbiotic_gym.llm.remote import route_for
from symbiotic_gym.llm.tokens import counter_for

ROLES = ("large", "small")
DEFAULT_CLOUD_MODELS = (("ANTHROPIC_API_KEY", "anthropic/claude-sonnet-4-6"), ("OPENAI_API_KEY", "openai/gpt-4o"))


@dataclass
class LLMSettings:
    large: str = "local"
    small: str = "local"
    large_requested: str | None = None
    fallback_reason: str | None = None
    cache_dir: str | None = None
    cache_mode: str = "off"
    torch_threads: int | None = None  # threads of each in-process model (None: torch's default)
    local_dtype: str = "auto"  # precision of in-process models (symbiotic_gym.llm.precision)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Wraps every model whose route is cloud as it is built (the run installs the privacy audit here). The LLM
# layer knows only this hook, not who uses it, so it never imports the privacy package.
CloudWrapper = Callable[[LLM], LLM]

_settings = LLMSettings()
_cloud_wrapper: CloudWrapper | None = None
_instances: dict[str, LLM] = {}
_custom: dict[str, Callable[[], LLM]] = {}
_custom_routes: dict[str, Route] = {}
_lock = threading.Lock()
_announced = False
_announce = True


def is_local_spec(spec: str) -> bool:
    return spec.lower() in BUNDLED_ALIASES or spec.startswith(("local:", "hf:"))


def runs_in_process(spec: str) -> bool:
    """Whether a spec's model is built in this process (TransformersLLM, which can choose among continuations):
    a bundled alias, ``local:`` or ``hf:``, unless a model registered under that name takes it."""
    return spec not in _custom and is_local_spec(spec)


def route_of(spec: str) -> Route:
    """Where a spec's model runs, known without building it (a cache in replay-strict never builds it)."""
    if spec in _custom:
        return _custom_routes[spec]
    if is_local_spec(spec):
        return "local"
    return route_for(split_spec(spec)[1])


def model_label(spec: str) -> str:
    """How records, summaries, leaderboards and the LLM cache name a spec's model: the same on every machine.

    A local model: its name and content hash (``local:embedded-student@<hash>``; the bundled base model is
    ``local:SmolLM2-135M-Instruct``), never its folder's path; a provider model: its name without the
    ``@http://server`` part; a registered spec: its name.
    """
    if spec in _custom or not is_local_spec(spec):
        return split_spec(spec)[0]
    from symbiotic_gym.llm.local import local_identity

    return local_identity(spec)


def role_labels() -> dict[str, str]:
    """The configured roles' models as records name them: ``{"large": label, "small": label}``."""
    return {"large": model_label(_settings.large), "small": model_label(_settings.small)}


def register_llm(name: str, factory: Callable[[], LLM] | LLM, route: Route | None = None) -> None:
    """Make ``name`` a model spec that builds ``factory()`` (tests use this for scripted models).

    ``route`` says where the model runs; an instance's own ``route`` is used when not given, else local.
    """
    instance = factory if isinstance(factory, LLM) else None
    with _lock:
        _custom[name] = (lambda f=instance: f) if instance is not None else factory
        _custom_routes[name] = route or (instance.route if instance is not None else None) or "local"
        _instances.pop(name, None)


def build_llm(spec: str) -> LLM:
    """A fresh model for a spec (no cache, no memo)."""
    if spec in _custom:
        return _custom[spec]()
    if is_local_spec(spec):
        from symbiotic_gym.llm.local import TransformersLLM

        return TransformersLLM(spec, threads=_settings.torch_threads, dtype=_settings.local_dtype)
    from symbiotic_gym.llm.remote import LiteLLMClient

    model, base = split_spec(spec)
    return LiteLLMClient(model, api_base=base)


def resolve_large(requested: str | None, cache_mode: str = "off") -> tuple[str, str | None]:
    """(model spec, fallback reason or None) for the large role."""
    spec = requested or os.environ.get("SYMBIOTIC_LARGE_MODEL")
    if not spec:
        for var, model in DEFAULT_CLOUD_MODELS:
            if os.environ.get(var):
                return model, None
        return "local", "no --large-model given and no ANTHROPIC_API_KEY or OPENAI_API_KEY set"
    if is_local_spec(spec) or spec in _custom or cache_mode == "replay-strict":
        return spec, None
    from symbiotic_gym.llm.remote import missing_credentials

    model, base = split_spec(spec)
    missing = missing_credentials(model, base)
    if missing:
        return "local", f"{spec} needs {', '.join(missing)}, which is not set"
    return spec, None


def configure(
    large: str | None = None,
    small: str | None = None,
    *,
    cache_dir: str | None = None,
    cache_mode: str = "off",
    announce: bool = True,
    torch_threads: int | None = None,
    local_dtype: str = "auto",
    cloud_wrapper: CloudWrapper | None = None,
    fallback_reason: str | None = None,
) -> LLMSettings:
    """Set the run's models and cache (each worker process calls this with the run's settings).

    ``torch_threads`` caps each in-process model's CPU threads (several workers on one machine share the
    cores); ``local_dtype`` is their precision (``auto``: bfloat16 where the hardware has it natively,
    else float32); ``cloud_wrapper`` wraps every cloud-routed model as it is built (the run's privacy audit).
    Both are replaced, not merged, by the next call. ``fallback_reason`` hands a worker the main process's
    decision that the large role fell back to the small model (the worker is given the resolved specs, so it
    could not tell a fallback from a large role chosen to be that model).
    """
    global _settings, _announce, _cloud_wrapper
    if cache_mode not in CACHE_MODES:
        raise LLMError(f"--llm-cache-mode must be one of {', '.join(CACHE_MODES)}, got {cache_mode!r}")
    if cache_mode != "off" and not cache_dir:
        raise LLMError(f"--llm-cache-mode {cache_mode} needs --llm-cache DIR")
    large_spec, reason = resolve_large(large, cache_mode)
    reason = reason or fallback_reason
    small_spec = small or os.environ.get("SYMBIOTIC_SMALL_MODEL") or default_small_spec()
    if reason:  # no cloud model: the large role runs on the small role's local model
        large_spec = small_spec
    with _lock:
        _settings = LLMSettings(
            large=large_spec,
            small=small_spec,
            large_requested=large or os.environ.get("SYMBIOTIC_LARGE_MODEL"),
            fallback_reason=reason,
            cache_dir=cache_dir,
            cache_mode=cache_mode,
            torch_threads=torch_threads,
            local_dtype=check_dtype(local_dtype),
        )
        _instances.clear()
        _announce = announce
        _cloud_wrapper = cloud_wrapper
    return _settings


def announce_fallback() -> None:
    """Say once per process, when the large role is first used, that it runs on the local model."""
    global _announced
    if _settings.fallback_reason and _announce and not _announced:
        _announced = True
        print(
            f"[symbiotic-gym] NOTE: the large model role runs on the local small model {model_label(_settings.large)} "
            f"({_settings.fallback_reason}). Results are labelled with the model actually used; "
            "set an API key or --large-model to use a cloud model.",
            file=sys.stderr,
        )


def settings() -> LLMSettings:
    return _settings


def spec_for(role_or_spec: str) -> str:
    if role_or_spec == "large":
        return _settings.large
    if role_or_spec == "small":
        return _settings.small
    return role_or_spec


def sees_images(role_or_spec: str) -> bool | None:
    """Whether a role's or spec's model takes images: False for in-process models (text-only), litellm's
    answer for models in its cost map, None when unknown (a self-hosted server: it is tried)."""
    spec = spec_for(role_or_spec)
    if spec in _custom:
        model = _custom[spec]()
        return model.vision if isinstance(model, DeclaresVision) else None
    if is_local_spec(spec):
        return False
    from symbiotic_gym.llm.remote import import_litellm

    litellm = import_litellm()
    model = split_spec(spec)[0]
    if model not in litellm.model_cost and model.split("/", 1)[-1] not in litellm.model_cost:
        return None
    try:
        return bool(litellm.supports_vision(model))
    except Exception:
        return None


def get_llm(role_or_spec: str) -> LLM:
    """The run's model for a role (``large``/``small``) or a spec, built once per process and cached."""
    spec = spec_for(role_or_spec)
    if role_or_spec == "large":
        announce_fallback()
    with _lock:
        llm = _instances.get(spec)
        if llm is not None:
            return llm
    if _settings.cache_mode != "off" and _settings.cache_dir:
        local = spec not in _custom and is_local_spec(spec)
        llm = RecordReplayLLM(
            model_label(spec),
            route_of(spec),
            lambda s=spec: build_llm(s),
            _settings.cache_dir,
            _settings.cache_mode,
            count_tokens=counter_for(spec, local=local),
        )
    else:
        llm = build_llm(spec)
    if _cloud_wrapper is not None and route_of(spec) == "cloud":
        llm = _cloud_wrapper(llm)
    with _lock:
        return _instances.setdefault(spec, llm)


def snapshot() -> tuple[Any, ...]:
    """The layer's settings, models and hook, to :func:`restore` after a run changed them."""
    with _lock:
        return (_settings, dict(_instances), _cloud_wrapper, _announce)


def restore(state: tuple[Any, ...]) -> None:
    """Put back what :func:`snapshot` saved (a run returns the process as it found it)."""
    global _settings, _cloud_wrapper, _announce
    with _lock:
        _settings, instances, _cloud_wrapper, _announce = state
        _instances.clear()
        _instances.update(instances)


def reset() -> None:
    """Forget built models, custom specs and settings (tests)."""
    global _settings, _announced, _cloud_wrapper
    with _lock:
        _instances.clear()
        _custom.clear()
        _custom_routes.clear()
        _settings = LLMSettings()
        _announced = False
        _cloud_wrapper = None
