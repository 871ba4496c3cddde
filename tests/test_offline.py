"""Nothing leaves the machine unasked: the package keeps litellm on its bundled cost map, and the test run
refuses (and fails on) any connect beyond loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, socket
attempts = []
real = socket.socket.connect
def record(self, address):
    attempts.append(repr(address))
    raise OSError("offline probe")
socket.socket.connect = record
import symbiotic_gym  # before litellm, as any agent module that uses the package imports it
import litellm
print(json.dumps({"attempts": attempts, "models": len(litellm.model_cost)}))
"""


def test_importing_litellm_after_the_package_reaches_nothing() -> None:
    pytest.importorskip("litellm")
    env = {k: v for k, v in os.environ.items() if k != "LITELLM_LOCAL_MODEL_COST_MAP"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["attempts"] == [] and report["models"] > 100
    assert "cost map" not in out.stderr.lower()


def test_a_connect_beyond_loopback_is_refused_and_fails_the_test() -> None:
    import conftest

    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="loopback only"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    assert conftest._NETWORK_ATTEMPTS == ["('192.0.2.1', 80)"]
    conftest._NETWORK_ATTEMPTS.clear()  # tried on purpose: do not fail this test
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass  # loopback is allowed
    assert conftest._NETWORK_ATTEMPTS == []
