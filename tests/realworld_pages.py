"""Small loopback reproductions of real-world page features (frames, new tabs, label buttons, canvases,
disabled and covered buttons), served by a threaded ``http.server``, and a task that opens any of them.

Used by the tests that compare our environment with stock BrowserGym on the same pages (tests/test_real_pages.py).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGES: dict[str, str] = {
    # a button on top, a same-origin frame holding a nested frame, and a cross-origin frame ({other} is the
    # same server under another host name, so Chromium treats it as another site)
    "/frames": "<html><head><title>Frames</title></head><body><button>top</button>"
    "<iframe src='/inner' title='same'></iframe>"
    "<iframe src='{other}/inner-cross' title='cross'></iframe></body></html>",
    "/inner": "<html><body><button onclick=\"document.body.insertAdjacentHTML('beforeend','<p>inner clicked</p>')\">"
    "inner</button><iframe src='/nested' title='nested'></iframe></body></html>",
    "/nested": "<html><body><button onclick=\"document.body.insertAdjacentHTML('beforeend','<p>nested clicked</p>')\">"
    "nested</button></body></html>",
    "/inner-cross": "<html><body><button onclick=\"document.body.insertAdjacentHTML('beforeend',"
    "'<p>cross clicked</p>')\">cross</button></body></html>",
    "/tab": "<html><head><title>Opener</title></head><body><a href='/target' target='_blank'>open target</a>"
    "<p>opener page</p></body></html>",
    "/target": "<html><head><title>Target</title></head><body><h1>target page</h1>"
    "<button>target button</button><button onclick='window.close()'>close me</button></body></html>",
    # a link wrapped over two lines: the centre of its bounding box is between its two boxes
    "/wrapped": "<html><head><title>Wrapped</title></head><body><ul><li style='width:90px;padding:10px 0'>"
    "<a href='/target' style='font-size:20px;line-height:3'>Alpine Keyboard</a></li></ul></body></html>",
    "/popup": "<html><head><title>Popup opener</title></head><body>"
    "<button onclick=\"window.open('/target', 'pop', 'width=400,height=300')\">open popup</button></body></html>",
    # a file-upload control: the input is hidden, the label styled as a button is what a person clicks
    "/label": "<html><head><title>Upload</title></head><body>"
    "<label for='file' style='display:inline-block;padding:6px;border:1px solid;cursor:pointer'>Upload</label>"
    "<input id='file' type='file' style='display:none'>"
    "<div style='cursor:pointer' onclick=\"this.textContent='chosen'\"><span>pick me</span></div></body></html>",
    "/canvas": "<html><head><title>Game</title></head><body><canvas id='game' width='300' height='150'></canvas>"
    "<script>const c=document.getElementById('game');c.addEventListener('click',e=>{"
    "document.title='hit '+Math.round(e.offsetX)+','+Math.round(e.offsetY)})</script></body></html>",
    "/disabled": "<html><head><title>Disabled</title></head><body><button disabled>off</button>"
    "<div style='position:relative;width:200px;height:60px'><button style='width:200px;height:60px'>covered</button>"
    "<div id='overlay' style='position:absolute;left:0;top:0;width:200px;height:60px;background:#fff'></div></div>"
    "<button style='display:none'>hidden</button><input disabled value='locked'></body></html>",
}


class PageServer:
    """Serves :data:`PAGES` on 127.0.0.1 (``url``) and under ``localhost`` (``other``, another site)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        pages, hits = PAGES, self.hits
        holder: dict[str, str] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                path = self.path.split("?")[0]
                if path not in pages:
                    self.send_error(404)
                    return
                body = pages[path].replace("{other}", holder["other"]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{port}"
        self.other = holder["other"] = f"http://localhost:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def page_task(server: PageServer, path: str) -> type:
    """A BrowserGym-style task class that opens ``path`` and never ends by itself (both origins allowed)."""

    from browsergym.core.task import AbstractBrowserTask

    class PageTask(AbstractBrowserTask):  # a stock BrowserGym task, so both environments can run it
        def __init__(self, seed: int | None = None, **_: Any) -> None:
            super().__init__(seed or 0)
            self.slow_mo = 0  # stock BrowserGym waits this long after every Playwright call

        @classmethod
        def get_task_id(cls) -> str:
            return f"page{path.replace('/', '.')}"

        def allowed_origins(self) -> list[str]:
            return [server.url, server.other]

        def setup(self, page: Any) -> tuple[str, dict[str, Any]]:
            page.goto(server.url + path)
            return f"use {path}", {}

        def validate(self, page: Any, chat: list[Any]) -> tuple[float, bool, str, dict[str, Any]]:
            return 0.0, False, "", {}

        def teardown(self) -> None:
            pass

    return PageTask
