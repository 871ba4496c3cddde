"""The boundary proxy: an HTTP proxy on 127.0.0.1 through which an episode's browser context sends every
request, so the navigation boundary holds at the network layer.

Why a proxy and not only Playwright's request routing: routing never sees redirect hops (a page on an
allowed site that answers 302 to another host is followed by the browser unrouted) nor favicon requests;
a proxy sees every request the browser makes, each hop of a redirect included. The context is created
with ``proxy={"server": ..., "bypass": "<-loopback>"}`` (``<-loopback>`` removes Chromium's implicit
bypass of 127.0.0.1/localhost, so a loopback address outside the boundary is refused too).

Allowed requests are forwarded (stable host names such as ``shop.embedded.test`` are resolved through
:func:`symbiotic_gym.web.browser.map_host`'s table, others by the system resolver); refused ones are answered
``403`` with a short page and the :data:`~symbiotic_gym.web.boundary.BLOCK_HEADER` header, and recorded
(:meth:`BoundaryProxy.take_blocked`). ``CONNECT`` (HTTPS, WebSockets over TLS) is tunnelled only to
allowed origins.
"""

from __future__ import annotations

import http.client
import http.server
import logging
import select
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from symbiotic_gym.web.boundary import BLOCK_HEADER, Boundary

HOP_BY_HOP = frozenset(
    ("connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length")
)  # fmt: skip
UPSTREAM_TIMEOUT_S = 60.0
log = logging.getLogger(__name__)
SHUTDOWN_POLL_S = 0.05  # how often a local server's loop (this proxy's, an embedded site's) checks for shutdown


class QuietHTTPServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server for loopback use that says nothing when a client hangs up mid-request.

    ``socketserver`` prints a traceback for any exception a handler raises; the browser closes connections
    with requests in flight whenever an env closes or a page navigates away, so the proxy and the embedded
    sites printed ``BrokenPipeError`` / ``ConnectionResetError`` tracebacks for nothing. Those are dropped;
    anything else goes to the ``symbiotic_gym.web.boundary_proxy`` logger (with its traceback), not to stderr.
    """

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError)):
            return
        log.debug("error while serving %s", client_address, exc_info=True)


@dataclass(frozen=True)
class BlockedRequest:
    method: str
    url: str
    time: float


def _block_page(url: str, boundary: Boundary) -> bytes:
    from html import escape

    return (
        "<!doctype html><html><head><title>Blocked by the task's navigation boundary</title></head><body>"
        f"<h1>Blocked</h1><p>{escape(url)} is outside this task's sites ({escape(boundary.describe())}).</p>"
        "</body></html>"
    ).encode()


class BoundaryProxy:
    """One proxy per env; its boundary can change between episodes (:attr:`boundary`)."""

    def __init__(self, boundary: Boundary | None = None) -> None:
        self.boundary = boundary or Boundary()
        self._blocked: list[BlockedRequest] = []
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        self.start()
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        if self._server is not None:
            return
        proxy = self

        class Handler(_ProxyHandler):
            owner = proxy

        server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self._server = server
        # shutdown() waits for the serving loop's next poll: at the default 0.5 s that was a quarter of a
        # second, on average, added to closing every episode's environment
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_S}, name="boundary-proxy", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def record_block(self, method: str, url: str) -> None:
        with self._lock:
            self._blocked.append(BlockedRequest(method, url, time.time()))

    def take_blocked(self) -> list[BlockedRequest]:
        """The requests refused since the last call (oldest first)."""
        with self._lock:
            out, self._blocked = self._blocked, []
        return out


def _upstream_address(host: str, port: int) -> tuple[str, int]:
    from symbiotic_gym.web.browser import mapped_target

    target = mapped_target(f"{host}:{port}")
    if target:
        h, _, p = target.rpartition(":")
        return h, int(p)
    return host, port


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: BoundaryProxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _refuse(self, url: str) -> None:
        self.owner.record_block(self.command, url)
        body = _block_page(url, self.owner.boundary)
        self.send_response(403, "Blocked by navigation boundary")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header(BLOCK_HEADER, "1")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return None

    def _forward(self) -> None:
        url = self.path
        body = self._read_body()
        if not self.owner.boundary.allows(url):
            self._refuse(url)
            return
        split = urllib.parse.urlsplit(url)
        scheme = split.scheme.lower()
        port = split.port or (443 if scheme == "https" else 80)
        host, upstream_port = _upstream_address((split.hostname or "").lower(), port)
        path = urllib.parse.urlunsplit(("", "", split.path or "/", split.query, ""))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        conn_cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(host, upstream_port, timeout=UPSTREAM_TIMEOUT_S)
        try:
            conn.request(self.command, path, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
        except OSError as err:
            message = f"upstream {split.netloc} unreachable: {err}".encode()
            self.send_response(502)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)
            return
        finally:
            conn.close()
        self.send_response(resp.status, resp.reason)
        for key, value in resp.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        no_body = self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200
        self.send_header("Content-Length", "0" if no_body else str(len(payload)))
        self.end_headers()
        if not no_body:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        url = f"https://{host}" + ("" if port in ("", "443") else f":{port}")
        if not self.owner.boundary.allows(url):
            self._refuse(url)
            return
        target = _upstream_address(host.lower(), int(port or 443))
        try:
            upstream = socket.create_connection(target, timeout=UPSTREAM_TIMEOUT_S)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        client = self.connection
        try:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], UPSTREAM_TIMEOUT_S)
                if not ready:
                    break
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True
