"""Clean shutdown: SIGTERM, and SIGINT to a run started as a background job (SIGINT inherited ignored),
record the running episode as interrupted, write summary.json, and --resume finishes the run; the boundary
proxy says nothing when the browser hangs up with a request in flight."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "webapp-example"


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("webapp_example_app", EXAMPLE / "app.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    server, _ = module.serve(0)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def command(app_url: str, out: Path, marker: Path, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "benchmarks.run", "--suite", "webapp", "-S", f"tasks={EXAMPLE / 'tasks.yaml'}",
        "-S", f"base_url={app_url}", "--tasks", "counter.two,about.founded", "--agent", "webapp_agents:SlowAgent",
        "-A", f"marker={marker}", "-A", "delay_s=0.4", "--max-steps", "5", "--workers", str(workers),
        "--out", str(out), "--quiet",
    ]  # fmt: skip


def start(cmd: list[str], *, ignore_sigint: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}

    def as_background_job() -> None:  # what a non-interactive shell does to a command started with '&'
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=as_background_job if ignore_sigint else None,
    )  # fmt: skip


def stop_mid_episode(proc: subprocess.Popen[str], marker: Path, sig: int) -> tuple[int, str]:
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), proc.communicate()[1][-3000:]
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("sig", "workers", "code"), [(signal.SIGTERM, 0, 143), (signal.SIGINT, 1, 130)], ids=["sigterm", "sigint-bg"]
)
def test_a_stopped_run_saves_a_summary_and_resumes(
    app_url: str, tmp_path: Path, sig: int, workers: int, code: int
) -> None:
    out, marker = tmp_path / "run", tmp_path / "acted"
    cmd = command(app_url, out, marker, workers)
    proc = start(cmd, ignore_sigint=sig == signal.SIGINT)
    rc, err = stop_mid_episode(proc, marker, sig)
    assert rc == code, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "interrupted" in err and "--resume" in err
    first = records(out)
    assert [r["task_id"] for r in first] == ["about.founded"] and first[0]["error_kind"] == "interrupted"
    assert first[0]["eval_status"] == "not_scored"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] == 1 and summary["n"] == 0
    proc = start([*cmd, "--resume"])
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    latest = {r["task_id"]: r for r in records(out)}
    assert set(latest) == {"counter.two", "about.founded"}
    assert all(r.get("error") is None and r["steps"] == 5 for r in latest.values()), latest
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n"] == 2 and summary["interrupted"] == 0


def test_the_boundary_proxy_closes_quietly_with_a_request_in_flight(capfd: pytest.CaptureFixture[str]) -> None:
    from symbiotic_gym.web.boundary import Boundary
    from symbiotic_gym.web.boundary_proxy import BoundaryProxy

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(0.5)
            body = b"x" * 2_000_000
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    target = f"http://127.0.0.1:{upstream.server_address[1]}"
    proxy = BoundaryProxy(Boundary.of([target]))
    host, port = proxy.url.removeprefix("http://").split(":")
    try:
        for _ in range(3):  # the browser goes away while the proxy forwards: a reset connection
            client = socket.create_connection((host, int(port)))
            client.sendall(f"GET {target}/big HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            client.close()
        time.sleep(1.5)
    finally:
        proxy.stop()
        upstream.shutdown()
        upstream.server_close()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipeError" not in err and "ConnectionResetError" not in err, err
