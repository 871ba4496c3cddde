from __future__ import annotations

import subprocess
import sys

import pytest

from symbiotic_gym.llm import LLMError
from symbiotic_gym.llm.remote import LiteLLMClient, import_litellm

MSGS = [{"role": "user", "content": "Reply with an action."}]


def test_completion_usage_and_cost_from_the_local_cost_map() -> None:
    client = LiteLLMClient("openai/gpt-4o", extra={"mock_response": "click('12')"})
    (c,) = client.complete(MSGS, max_tokens=20)
    assert c.text == "click('12')" and c.route == "cloud"
    assert c.tokens_in > 0 and c.tokens_out > 0 and c.cost > 0 and c.latency_s >= 0


def test_n_choices_for_a_provider_without_n() -> None:
    client = LiteLLMClient("anthropic/claude-sonnet-4-6", extra={"mock_response": "noop()"})
    out = client.complete(MSGS, n=3, temperature=0.7)
    assert [c.text for c in out] == ["noop()"] * 3


def test_rate_limits_are_retried_with_backoff(monkeypatch) -> None:
    litellm = import_litellm()
    real = litellm.completion
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) <= 2:
            kwargs["mock_response"] = litellm.RateLimitError("slow down", llm_provider="openai", model="gpt-4o")
        else:
            kwargs["mock_response"] = "click('3')"
        return real(**kwargs)

    monkeypatch.setattr(litellm, "completion", flaky)
    sleeps: list[float] = []
    client = LiteLLMClient("openai/gpt-4o", backoff_s=1.0, sleep=sleeps.append)
    assert client.complete(MSGS)[0].text == "click('3')"
    assert len(calls) == 3 and len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.5


def test_gives_up_after_max_retries_and_fails_fast_on_bad_requests(monkeypatch) -> None:
    litellm = import_litellm()
    real = litellm.completion

    def always(**kwargs):
        kwargs["mock_response"] = litellm.RateLimitError("slow down", llm_provider="openai", model="gpt-4o")
        return real(**kwargs)

    monkeypatch.setattr(litellm, "completion", always)
    client = LiteLLMClient("openai/gpt-4o", max_retries=2, sleep=lambda s: None)
    with pytest.raises(LLMError, match="RateLimitError after 3 attempts"):
        client.complete(MSGS)

    def bad(**kwargs):
        kwargs["mock_response"] = litellm.AuthenticationError("bad key", llm_provider="openai", model="gpt-4o")
        return real(**kwargs)

    monkeypatch.setattr(litellm, "completion", bad)
    with pytest.raises(LLMError, match="AuthenticationError"):
        LiteLLMClient("openai/gpt-4o", sleep=lambda s: 1 / 0).complete(MSGS)


def test_loopback_servers_count_as_local() -> None:
    assert LiteLLMClient("openai/qwen", api_base="http://127.0.0.1:8000/v1").route == "local"
    assert LiteLLMClient("openai/qwen", api_base="https://api.example.com/v1").route == "cloud"


def test_request_hooks_see_what_is_sent() -> None:
    seen = []
    client = LiteLLMClient("openai/gpt-4o", extra={"mock_response": "noop()"})
    client.request_hooks.append(seen.append)
    client.complete(MSGS)
    assert seen[0]["messages"] == MSGS and seen[0]["route"] == "cloud"


def test_import_and_credential_check_make_no_network_connection() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise SystemExit('network connection attempted')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from symbiotic_gym.llm.remote import import_litellm, missing_credentials\n"
        "import_litellm()\n"
        "print(missing_credentials('anthropic/claude-sonnet-4-6'))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "ANTHROPIC_API_KEY" in out.stdout
