from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from symbiotic_gym.errors import ChromiumNotFoundError
from symbiotic_gym.web import browser


def test_env_override_must_be_executable(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(browser.CHROMIUM_ENV, str(tmp_path / "nope"))
    with pytest.raises(ChromiumNotFoundError, match="not an executable"):
        browser.find_chromium()


def test_missing_chromium_names_the_install_command(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(browser, "_CANDIDATES", ())
    monkeypatch.setattr(browser, "_HEADLESS_SHELL_CANDIDATES", ())
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    with pytest.raises(ChromiumNotFoundError) as err:
        browser.find_chromium()
    assert "apt-get install -y chromium" in str(err.value)


def test_a_headless_launch_gets_the_headless_shell_and_a_headed_one_the_full_browser(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(browser.CHROMIUM_ENV, raising=False)
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    for exe in (shell, full):
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    monkeypatch.setattr(browser, "_HEADLESS_SHELL_CANDIDATES", (str(tmp_path / "missing"), str(shell)))
    monkeypatch.setattr(browser, "_CANDIDATES", (str(full),))
    assert browser.find_chromium() == str(shell)
    assert browser.find_chromium(headless=False) == str(full)
    monkeypatch.setattr(browser, "_HEADLESS_SHELL_CANDIDATES", ())  # no shell installed: the full browser
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-downloads"))
    assert browser.find_chromium() == str(full)


def test_the_shared_browser_is_the_headless_shell_where_installed() -> None:
    """The binary the library's own launches use (Debian's chromium-headless-shell where installed)."""
    import psutil

    expected = browser.find_chromium()
    version = browser.shared_browser().version
    pid = browser.shared_browser_pid()
    assert pid is not None
    assert psutil.Process(pid).exe() == expected, (psutil.Process(pid).exe(), expected, version)


def _descendants(pid: int) -> set[int]:
    rows = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.split("\n")
    children: dict[int, list[int]] = {}
    for row in rows:
        if row.strip():
            child, parent = map(int, row.split())
            children.setdefault(parent, []).append(child)
    out, stack = set(), [pid]
    while stack:
        for c in children.get(stack.pop(), []):
            out.add(c)
            stack.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_browser_is_reused_and_no_chromium_survives_a_killed_worker() -> None:
    script = (
        "import os, sys\n"
        "from symbiotic_gym.web.browser import shared_browser\n"
        "b1 = shared_browser(); b2 = shared_browser()\n"
        "assert b1 is b2\n"
        "c = b1.new_context(); p = c.new_page(); p.set_content('<p>hi</p>')\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    spawned = _descendants(proc.pid)
    assert spawned, "the worker should have started Playwright's driver and Chromium"
    proc.kill()  # kill -9: no atexit handler runs
    proc.wait(timeout=10)
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(p) for p in spawned):
        time.sleep(0.2)
    assert not [p for p in spawned if _alive(p)], "Chromium or the driver outlived the killed worker"


def test_pseudo_file_frames_are_named_without_changing_what_inspect_stack_returns(monkeypatch) -> None:
    """Playwright captures inspect.stack() on every call; a ``<...>`` frame (``python -m``'s runpy, ``python -c``)
    must not send inspect.getmodule through all of sys.modules, and the captured stack must read the same."""
    import inspect

    monkeypatch.setattr(inspect, "modulesbyfile", dict(inspect.modulesbyfile))
    captured: list[list[tuple[str, int, str, object]]] = []

    def capture() -> None:
        rows = [(f.filename, f.lineno, f.function, f.code_context) for f in inspect.stack()]
        captured.append(rows)
        if len(captured) == 1:
            browser._name_pseudo_file_frames()

    code = compile("capture()\ncapture()\n", "<symbiotic-test-frame>", "exec")
    exec(code, {"__name__": __name__, "capture": capture})
    assert inspect.modulesbyfile["<symbiotic-test-frame>"] == __name__
    first, second = captured
    # the same frames, names and source lines; only the <...> frame's line moved (capture() is on its line 2)
    assert [r[:1] + r[2:] for r in first] == [r[:1] + r[2:] for r in second]
    assert [r[1] for r in first if r[0] != "<symbiotic-test-frame>"] == [
        r[1] for r in second if r[0] != "<symbiotic-test-frame>"
    ]
    pseudo = [r for r in second if r[0] == "<symbiotic-test-frame>"]
    assert pseudo and all(r[3] is None for r in pseudo)  # no source lines either way


class _LoginForm(BaseHTTPRequestHandler):
    """A login form whose POST answers 303 to the form again: a submit starts a navigation that commits."""

    def do_GET(self) -> None:
        body = b"<form method=post action=/login><input name=u aria-label=User><button>Sign in</button></form>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(303)
        self.send_header("Location", "/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_tab_closed_right_after_a_form_submit_closes_every_time() -> None:
    # Playwright's page.close() here hung on about the 20th round on this machine (Chromium drops a close that
    # meets a navigation commit); close_page asks again until the tab is gone
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LoginForm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.shared_browser().new_context()
    try:
        context.new_page()  # the context keeps a tab, as an episode does
        for _ in range(40):
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.get_by_label("User").fill("emma")
            page.get_by_role("button", name="Sign in").click()
            browser.close_page(page)
            assert page.is_closed()
            browser.close_page(page)  # closing a closed tab does nothing
    finally:
        context.close()
        server.shutdown()
