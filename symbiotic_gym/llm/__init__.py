"""LLM clients behind one interface: litellm (cloud, vLLM, Ollama), in-process transformers, record/replay.

Importing this package is cheap: litellm, torch and transformers are imported on first use.
"""

from __future__ import annotations

from symbiotic_gym.llm.base import LLM, Completion, LLMError, Message, UsageMeter, request_key
from symbiotic_gym.llm.cache import CACHE_MODES, CacheMissError, RecordReplayLLM
from symbiotic_gym.llm.episode_scope import begin_episode
from symbiotic_gym.llm.registry import (
    LLMSettings,
    build_llm,
    configure,
    get_llm,
    register_llm,
    reset,
    route_of,
    settings,
    spec_for,
)
from symbiotic_gym.llm.tokens import count_tokens

__all__ = [
    "CACHE_MODES",
    "LLM",
    "CacheMissError",
    "Completion",
    "LLMError",
    "LLMSettings",
    "Message",
    "RecordReplayLLM",
    "UsageMeter",
    "begin_episode",
    "build_llm",
    "configure",
    "count_tokens",
    "get_llm",
    "register_llm",
    "request_key",
    "reset",
    "route_of",
    "settings",
    "spec_for",
]
