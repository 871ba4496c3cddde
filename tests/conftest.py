from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # as the package sets it, before any import
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.append(str(Path(__file__).parent))  # tests/fakes.py: the shared scripted LLM


# --- tests talk to loopback only -----------------------------------------------------------------------
# Every TCP/UDP connect of this process to anything but loopback is refused and remembered, and the test that
# tried fails (attempts made while importing or collecting fail the session). Written here rather than taken
# from pytest-socket: its block raises inside the library call, and libraries that catch broadly (litellm
# falls back silently when its cost-map download fails) would hide the attempt, and it guards only the test's
# own call, not imports at collection. Child processes (workers, Chromium, Ray) are not covered.
_NETWORK_ATTEMPTS: list[str] = []
_true_connect = socket.socket.connect
_true_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    host = str(address[0]).split("%")[0] if isinstance(address, tuple) and address else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: resolved connects arrive here as addresses, so a name is never loopback


def _refuse_remote(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        _NETWORK_ATTEMPTS.append(repr(address))
        raise ConnectionRefusedError(f"tests may reach loopback only, not {address!r} (tests/conftest.py)")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _refuse_remote(self, address)
    return _true_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _refuse_remote(self, address)
    return _true_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


def pytest_collection_finish(session: pytest.Session) -> None:
    if _NETWORK_ATTEMPTS:
        raise pytest.UsageError(f"importing the tests tried to reach the network: {', '.join(_NETWORK_ATTEMPTS)}")


@pytest.fixture(autouse=True)
def _no_network() -> Any:
    """Fails the test that tried to connect to anything but loopback (even if the library swallowed it)."""
    _NETWORK_ATTEMPTS.clear()
    yield
    if _NETWORK_ATTEMPTS:
        attempts = ", ".join(_NETWORK_ATTEMPTS)
        _NETWORK_ATTEMPTS.clear()
        pytest.fail(f"the test tried to reach the network: {attempts}", pytrace=False)


@pytest.fixture(autouse=True)
def _fresh_llm_registry(monkeypatch: pytest.MonkeyPatch):
    """Every test starts with no configured models, no cached LLM instances and none of the user-facing
    defaults the CLI reads from the environment."""
    from symbiotic_gym import llm

    for key in ("SYMBIOTIC_JUDGE_MODEL", "SYMBIOTIC_TORCH_THREADS", "SYMBIOTIC_LARGE_MODEL", "SYMBIOTIC_SMALL_MODEL"):
        monkeypatch.delenv(key, raising=False)
    llm.reset()
    yield
    llm.reset()
