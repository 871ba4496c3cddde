"""A tiny web app for the webapp suite's worked example (docs/webapp-suite.md); the tests serve it too.

    python docs/webapp-example/app.py --port 8000

Pages: a home page, a search with results and product pages, a JavaScript counter, a cart kept on the
server (``/reset`` empties it: the tasks' setup URL) and an about page.
"""

from __future__ import annotations

import argparse
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PRODUCTS = {"blue-mug": "Blue mug", "red-kettle": "Red kettle", "green-teapot": "Green teapot"}


def page(title: str, body: str) -> bytes:
    links = (("/", "Home"), ("/search", "Search"), ("/cart", "Cart"), ("/about", "About"))
    nav = "<nav>" + " | ".join(f"<a href='{href}'>{text}</a>" for href, text in links) + "</nav>"
    head = f"<!doctype html><html><head><title>{html.escape(title)}</title></head>"
    return f"{head}<body>{nav}<h1>{html.escape(title)}</h1>{body}</body></html>".encode()


class App:
    """The app's state (a cart) and its pages."""

    def __init__(self) -> None:
        self.cart: list[str] = []
        self.lock = threading.Lock()

    def respond(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, str | None]:
        """(status, body, redirect location or None)."""
        if path == "/":
            return 200, page("Shop", "<p>Welcome to the shop.</p><a href='/counter'>Counter game</a>"), None
        if path == "/search":
            q = (query.get("q") or [""])[0]
            form = "<form action='/search'><input name='q' aria-label='Search' value='{}'><button>Go</button></form>"
            hits = [(k, v) for k, v in PRODUCTS.items() if q and q.lower() in v.lower()]
            items = "".join(f"<li><a href='/product/{k}'>{html.escape(v)}</a></li>" for k, v in hits)
            results = f"<p>Results for {html.escape(q)}</p><ul>{items}</ul>" if q else ""
            return 200, page("Search", form.format(html.escape(q)) + results), None
        if path.startswith("/product/") and path[9:] in PRODUCTS:
            key = path[9:]
            add = (
                "<form method='post' action='/cart/add'>"
                f"<input type='hidden' name='item' value='{key}'><button>Add to cart</button></form>"
            )
            return 200, page(PRODUCTS[key], f"<p>Price: $12.00</p>{add}"), None
        if path == "/counter":
            script = (
                '<script>window.count=0</script><button onclick="window.count++;'
                "document.getElementById('n').textContent=window.count\">Add one</button> <span id='n'>0</span>"
            )
            return 200, page("Counter", script), None
        if path == "/cart":
            with self.lock:
                n = len(self.cart)
            return 200, page("Cart", f"<p>Cart: {n} item{'s' if n != 1 else ''}</p>"), None
        if path == "/reset":
            with self.lock:
                self.cart.clear()
            return 200, page("Reset", "<p>The cart is empty.</p>"), None
        if path == "/about":
            return 200, page("About", "<p>The shop was founded in 1999 in Lyon.</p>"), None
        return 404, page("Not found", "<p>No such page.</p>"), None

    def post(self, path: str, form: dict[str, list[str]]) -> tuple[int, bytes, str | None]:
        if path == "/cart/add":
            item = (form.get("item") or [""])[0]
            if item in PRODUCTS:
                with self.lock:
                    self.cart.append(item)
            return 303, b"", "/cart?added=1"
        return 404, page("Not found", ""), None


def serve(port: int = 0) -> tuple[ThreadingHTTPServer, App]:
    """Start the app on 127.0.0.1 (``port`` 0: a free one) in a background thread."""
    app = App()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, location: str | None) -> None:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            self._send(*app.respond(split.path, parse_qs(split.query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            self._send(*app.post(urlsplit(self.path).path, form))

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the webapp suite's example app")
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args().port
    server, _ = serve(port)
    print(f"serving on http://127.0.0.1:{server.server_address[1]} (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
