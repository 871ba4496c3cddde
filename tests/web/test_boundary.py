"""The navigation boundary with real Chromium: local files and browser pages are refused, and an "outside"
host (a second HTTP server on 127.0.0.1, at a port the task does not allow) receives nothing -- not by
goto, a link, a form post, a redirect, a new tab or a subresource."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from symbiotic_gym.web.boundary import Boundary, BoundaryConfigError, Origin, refusal
from symbiotic_gym.web.env import WebEnv
from symbiotic_gym.web.task_hooks import TaskHooks

PASSWD_MARK = "root:x:0:0"


class Servers:
    def __init__(self) -> None:
        self.outside_hits: list[str] = []
        hits = self.outside_hits

        class Outside(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"OUTSIDE")

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        self.outside = ThreadingHTTPServer(("127.0.0.1", 0), Outside)
        out = self.outside_url = f"http://127.0.0.1:{self.outside.server_address[1]}"

        class Inside(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/hop"):  # an allowed redirect to a redirect that leaves
                    self._redirect("/leave")
                    return
                if self.path.startswith("/leave"):
                    self._redirect(f"{out}/redirected?q=secret")
                    return
                body = (
                    "<html><body><h1>Inside</h1>"
                    f"<a href='{out}/link'>outside link</a> "
                    f"<a href='{out}/tab' target='_blank'>outside tab</a> "
                    "<a href='/hop'>redirect</a> "
                    f"<form method='post' action='{out}/post'><input name='q' value='data'>"
                    "<button>send</button></form>"
                    f"<img src='{out}/pixel.png' alt='pixel'>"
                    "</body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, where: str) -> None:
                self.send_response(302)
                self.send_header("Location", where)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.inside = ThreadingHTTPServer(("127.0.0.1", 0), Inside)
        self.inside_url = f"http://127.0.0.1:{self.inside.server_address[1]}"
        for server in (self.outside, self.inside):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for server in (self.outside, self.inside):
            server.shutdown()
            server.server_close()


@pytest.fixture
def servers() -> Iterator[Servers]:
    s = Servers()
    yield s
    s.close()


def make_task(start: str) -> type:
    class InsideTask(TaskHooks):
        def __init__(self, seed: int | None = None) -> None:
            pass

        def allowed_origins(self) -> list[str]:
            return [start]

        def setup(self, page: Any) -> tuple[str, dict[str, Any]]:
            page.goto(start + "/")
            return "stay inside", {}

        def validate(self, page: Any, chat: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
            return 0.0, False, "", {}

        def teardown(self) -> None:
            pass

    return InsideTask


def element_id(obs: dict[str, Any], text: str) -> str:
    from symbiotic_gym.web.observation import iter_elements

    return next(e.bid for e in iter_elements(obs["axtree_txt"]) if text in e.name)


def test_origins_and_schemes() -> None:
    b = Boundary.of(["http://shop.embedded.test", "http://*.example.test:8080", "https://secure.test"])
    assert b.allows("http://shop.embedded.test/x?y=1") and b.allows("http://shop.embedded.test:80/")
    assert not b.allows("http://shop.embedded.test:8080/") and not b.allows("https://shop.embedded.test/")
    assert b.allows("http://a.example.test:8080/") and not b.allows("http://example.test:8080/")
    assert b.allows("https://secure.test/") and b.allows("about:blank")
    assert not b.allows("http://127.0.0.1:80/") and not b.allows("file:///etc/passwd")
    assert str(Origin.parse("shop.test:8000")) == "http://shop.test:8000"
    for url in ("file:///etc/passwd", "chrome://version", "javascript:alert(1)", "data:text/html,x", "devtools://x"):
        assert refusal(url) and url in refusal(url)
    assert refusal("http://anything.test/") is None
    with pytest.raises(BoundaryConfigError, match=r"ftp://files\.test"):
        Boundary.of(["ftp://files.test"])


def test_nothing_reaches_the_outside_server_and_no_file_is_read(servers: Servers) -> None:
    env = WebEnv(make_task(servers.inside_url), max_steps=30)
    try:
        obs, info = env.reset(seed=0)
        assert obs["url"].startswith(servers.inside_url) and info["blocked_requests"] == [
            {"method": "GET", "url": f"{servers.outside_url}/pixel.png"}  # the page's image: refused, counted
        ]
        for url in ("file:///etc/passwd", "chrome://version", "data:text/html,<h1>x</h1>", "javascript:alert(1)"):
            obs, *_, info = env.step(f"goto('{url}')")
            assert url in obs["last_action_error"] and "not allowed" in obs["last_action_error"]
            assert obs["url"].startswith(servers.inside_url) and PASSWD_MARK not in obs["axtree_txt"]
            assert info["blocked_requests"] == [{"method": "GOTO", "url": url}]
        obs, *_, info = env.step(f"goto('{servers.outside_url}/x?q=secret')")
        assert f"{servers.outside_url}/x?q=secret" in obs["last_action_error"]
        assert obs["url"].startswith(servers.inside_url) and "Inside" in obs["axtree_txt"]
        for label, outside_path in (
            ("outside link", "/link"),
            ("send", "/post"),
            ("redirect", "/redirected?q=secret"),
            ("outside tab", "/tab"),
        ):
            obs, *_, info = env.step(f"click('{element_id(obs, label)}')")
            assert f"{servers.outside_url}{outside_path}" in obs["last_action_error"], label
            assert f"{servers.outside_url}{outside_path}" in [b["url"] for b in info["blocked_requests"]], label
            assert obs["url"].startswith(servers.inside_url) and len(obs["open_pages_urls"]) == 1, label
    finally:
        env.close()
    assert servers.outside_hits == []


def test_a_form_post_outside_is_refused_as_a_post(servers: Servers) -> None:
    env = WebEnv(make_task(servers.inside_url), max_steps=5)
    try:
        obs, _ = env.reset(seed=0)
        _, *_, info = env.step(f"click('{element_id(obs, 'send')}')")
        assert {"method": "POST", "url": f"{servers.outside_url}/post"} in info["blocked_requests"]
    finally:
        env.close()
    assert servers.outside_hits == []


def test_an_extra_origin_opens_the_boundary_for_that_origin_only(servers: Servers) -> None:
    env = WebEnv(make_task(servers.inside_url), max_steps=5, boundary=Boundary.of([servers.outside_url]))
    try:
        obs, *_ = env.reset(seed=0)
        obs, *_ = env.step(f"goto('{servers.outside_url}/allowed')")
        assert obs["url"] == f"{servers.outside_url}/allowed" and obs["last_action_error"] == ""
        obs, *_ = env.step("goto('file:///etc/passwd')")
        assert "not allowed" in obs["last_action_error"] and PASSWD_MARK not in obs["axtree_txt"]
    finally:
        env.close()
    assert "GET /allowed" in servers.outside_hits


def test_embedded_suite_tasks_stay_on_their_sites(servers: Servers) -> None:
    from symbiotic_gym.suites import get_suite

    env = get_suite("embedded").make_env("shop.order_total.0", max_steps=10)
    try:
        obs, _ = env.reset(seed=0)
        assert [str(o) for o in env.boundary.origins] == ["http://shop.embedded.test"]
        obs, *_ = env.step("goto('file:///etc/passwd')")
        assert "not allowed" in obs["last_action_error"] and PASSWD_MARK not in obs["axtree_txt"]
        obs, *_ = env.step("goto('http://forum.embedded.test/')")  # a site of the suite, not of this task
        assert "outside this task's sites" in obs["last_action_error"]
        obs, *_ = env.step(f"goto('{servers.outside_url}/')")
        assert obs["url"].startswith("http://shop.embedded.test")
    finally:
        env.close()
    assert servers.outside_hits == []


def test_miniwob_tasks_stay_on_their_pages(servers: Servers) -> None:
    pytest.importorskip("browsergym.miniwob")
    from symbiotic_gym.suites import get_suite

    env = get_suite("miniwob").make_env("miniwob.click-test", max_steps=5)
    try:
        obs, _ = env.reset(seed=0)
        assert [str(o) for o in env.boundary.origins] == ["http://miniwob.test"]
        obs, *_ = env.step("goto('file:///etc/passwd')")
        assert "not allowed" in obs["last_action_error"] and PASSWD_MARK not in obs["axtree_txt"]
        obs, *_ = env.step(f"goto('{servers.outside_url}/')")
        assert servers.outside_url in obs["last_action_error"]
    finally:
        env.close()
    assert servers.outside_hits == []
