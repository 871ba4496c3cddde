from __future__ import annotations

import pytest
from fakes import ScriptedLLM

from symbiotic_gym import llm
from symbiotic_gym.llm import LLMError, RecordReplayLLM, configure, get_llm, register_llm, route_of
from symbiotic_gym.llm.local import default_small_spec


@pytest.fixture
def no_keys(monkeypatch):
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "SYMBIOTIC_LARGE_MODEL", "SYMBIOTIC_SMALL_MODEL"):
        monkeypatch.delenv(var, raising=False)


def test_no_key_falls_back_to_the_small_model_and_says_so_once(no_keys, capsys) -> None:
    s = configure()
    assert s.small == default_small_spec() and s.large == s.small and "no --large-model" in s.fallback_reason
    register_llm(s.small, ScriptedLLM(["noop()"], route="local"))
    get_llm("large")
    get_llm("large")
    assert capsys.readouterr().err.count("runs on the local small model") == 1


def test_the_fallback_follows_the_small_model_given(no_keys) -> None:
    s = configure(small="local")
    assert s.large == "local" and s.fallback_reason


def test_explicit_cloud_model_without_its_key_falls_back(no_keys) -> None:
    s = configure("anthropic/claude-sonnet-4-6", "local")
    assert s.large == "local" and s.large_requested == "anthropic/claude-sonnet-4-6"
    assert "ANTHROPIC_API_KEY" in s.fallback_reason


def test_key_selects_a_cloud_default(no_keys, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    s = configure()
    assert s.large == "anthropic/claude-sonnet-4-6" and s.fallback_reason is None
    assert route_of(s.large) == "cloud"


def test_replay_strict_needs_no_key(no_keys, tmp_path) -> None:
    s = configure("openai/gpt-4o", cache_dir=str(tmp_path), cache_mode="replay-strict")
    assert s.large == "openai/gpt-4o"
    model = get_llm("large")
    assert isinstance(model, RecordReplayLLM) and model.route == "cloud"


def test_custom_specs_know_their_route_before_they_are_built() -> None:
    register_llm("cloudy", ScriptedLLM(["noop()"], route="cloud"))
    register_llm("lazy", lambda: 1 / 0, route="cloud")
    register_llm("plain", lambda: 1 / 0)
    assert route_of("cloudy") == "cloud" and route_of("lazy") == "cloud" and route_of("plain") == "local"


def test_specs_and_routes() -> None:
    assert route_of("local") == "local" and route_of("local:/models/x") == "local"
    assert route_of("openai/x@http://127.0.0.1:8000/v1") == "local"
    assert route_of("hosted_vllm/x@https://gpu.example.com/v1") == "cloud"
    assert llm.registry.split_spec("openai/x@http://h:1/v1") == ("openai/x", "http://h:1/v1")


def test_bad_cache_settings_are_clear(tmp_path) -> None:
    with pytest.raises(LLMError, match="needs --llm-cache DIR"):
        configure(cache_mode="replay")
    with pytest.raises(LLMError, match="must be one of"):
        configure(cache_dir=str(tmp_path), cache_mode="sometimes")


def test_missing_local_folder_is_clear() -> None:
    with pytest.raises(LLMError, match="does not exist"):
        llm.build_llm("local:/no/such/model")
